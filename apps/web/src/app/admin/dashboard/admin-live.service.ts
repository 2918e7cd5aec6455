import { DOCUMENT } from '@angular/common';
import { DestroyRef, inject, Injectable, signal } from '@angular/core';
import { LiveEvent, WS_ADMIN_PATH } from '@ddx/contracts';

import { AdminSession } from '../core/admin-session';

export type SystemSnapshot = Extract<LiveEvent, { type: 'system' }>;
export type FeedEvent = Exclude<LiveEvent, { type: 'system' | 'upload.progress' | 'worker.heartbeat' }>;
export type LiveState = 'connecting' | 'open' | 'closed';

const FEED_SIZE = 50;
const FEED_TYPES = new Set<LiveEvent['type']>(['upload.started', 'upload.completed', 'upload.failed', 'backup.completed', 'backup.failed', 'account.health']);

/** `ws(s)://<this host>/ws_admin?token=…` for the admin token. */
export function adminSocketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${WS_ADMIN_PATH}?token=${encodeURIComponent(token)}`;
}

/**
 * Live events from /ws_admin, for one page (provided by the component): the
 * latest system snapshot and a feed of the latest events; reconnects with
 * back-off (1 s … 30 s) while the page is open and the admin signed in.
 */
@Injectable()
export class AdminLiveService {
  private readonly document = inject(DOCUMENT);
  private readonly session = inject(AdminSession);
  private socket: WebSocket | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private stopped = false;

  readonly state = signal<LiveState>('connecting');
  readonly snapshot = signal<SystemSnapshot | null>(null);
  readonly feed = signal<FeedEvent[]>([]);

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.socket?.close();
    this.socket = null;
  }

  /** Applies one message (exposed for tests). */
  handle(raw: string): void {
    let event: LiveEvent;
    try {
      event = JSON.parse(raw) as LiveEvent;
    } catch {
      return;
    }
    if (!event || typeof event !== 'object' || typeof event.type !== 'string') return;
    if (event.type === 'system') this.snapshot.set(event);
    else if (FEED_TYPES.has(event.type)) this.feed.update((f) => [event as FeedEvent, ...f].slice(0, FEED_SIZE));
  }

  private connect(): void {
    const token = this.session.currentToken();
    const location = this.document.defaultView?.location;
    if (this.stopped || !token || !location || typeof WebSocket === 'undefined') {
      this.state.set('closed');
      return;
    }
    this.state.set('connecting');
    const ws = new WebSocket(adminSocketUrl(location, token));
    this.socket = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.state.set('open');
    };
    ws.onmessage = (m: MessageEvent) => {
      if (typeof m.data === 'string') this.handle(m.data);
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.state.set('closed');
      if (this.stopped) return;
      const delay = Math.min(30_000, 1000 * 2 ** this.attempts++);
      this.retry = setTimeout(() => this.connect(), delay);
    };
  }
}
