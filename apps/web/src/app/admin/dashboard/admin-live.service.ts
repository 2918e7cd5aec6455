import { DOCUMENT } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { DestroyRef, inject, Injectable, signal } from '@angular/core';
import { ApiRoutes, LiveEvent, WS_ADMIN_PATH, WsTicketResponse } from '@ddx/contracts';
import { firstValueFrom } from 'rxjs';

import { AdminSession } from '../core/admin-session';

export type SystemSnapshot = Extract<LiveEvent, { type: 'system' }>;
export type FeedEvent = Exclude<LiveEvent, { type: 'system' | 'upload.progress' | 'worker.heartbeat' }>;
export type LiveState = 'connecting' | 'open' | 'closed';

const FEED_SIZE = 50;
/** Snapshots kept for the chart (one every few seconds: about three minutes). */
export const HISTORY_SIZE = 60;
const UPLOADS_SIZE = 10;

/** One system snapshot as the throughput chart plots it. */
export interface ThroughputPoint {
  at: string;
  bytesPerSecond: number;
  activeUploads: number;
}

/** An upload as the dashboard follows it from its live events. */
export interface LiveUpload {
  fileId: string;
  filename: string | null;
  size: number;
  offset: number;
  /** `interrupted`: its socket closed before it ended (it may resume). */
  state: 'uploading' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
  at: string;
}
const FEED_TYPES = new Set<LiveEvent['type']>(['upload.started', 'upload.completed', 'upload.failed', 'upload.cancelled', 'upload.disconnected', 'backup.completed', 'backup.failed', 'account.health']);

/** `ws(s)://<this host>/ws_admin?ticket=…`: a single-use ticket, never the admin token (URLs end up in logs). */
export function adminSocketUrl(location: Pick<Location, 'protocol' | 'host'>, ticket: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${WS_ADMIN_PATH}?ticket=${encodeURIComponent(ticket)}`;
}

/**
 * Live events from /ws_admin, for one page (provided by the component): the
 * latest system snapshot and a feed of the latest events; takes a new ticket
 * (POST /admin/live/ticket) for every connection and reconnects with
 * back-off (1 s … 30 s) while the page is open and the admin signed in.
 */
@Injectable()
export class AdminLiveService {
  private readonly document = inject(DOCUMENT);
  private readonly session = inject(AdminSession);
  private readonly http = inject(HttpClient);
  private socket: WebSocket | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private stopped = false;

  readonly state = signal<LiveState>('connecting');
  readonly snapshot = signal<SystemSnapshot | null>(null);
  readonly feed = signal<FeedEvent[]>([]);
  /** Latest snapshots, oldest first, for the throughput chart. */
  readonly history = signal<ThroughputPoint[]>([]);
  /** Uploads seen on the socket, in flight first, then the latest finished ones. */
  readonly uploads = signal<LiveUpload[]>([]);

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  start(): void {
    this.stopped = false;
    void this.connect();
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
    if (event.type === 'system') {
      this.snapshot.set(event);
      const point = { at: event.at, bytesPerSecond: event.uploadBytesPerSecond, activeUploads: event.activeUploads };
      this.history.update((h) => [...h, point].slice(-HISTORY_SIZE));
    } else if (event.type.startsWith('upload.')) this.trackUpload(event);
    if (FEED_TYPES.has(event.type)) this.feed.update((f) => [event as FeedEvent, ...f].slice(0, FEED_SIZE));
  }

  private trackUpload(event: LiveEvent): void {
    this.uploads.update((list) => {
      const current = list.find((u) => u.fileId === (event as { fileId: string }).fileId);
      let next: LiveUpload | null = null;
      if (event.type === 'upload.started') next = { fileId: event.fileId, filename: event.filename, size: event.size, offset: Math.max(current?.offset ?? 0, event.resumedAt), state: 'uploading', at: event.at };
      else if (event.type === 'upload.progress')
        next = { fileId: event.fileId, filename: current?.filename ?? null, size: event.size, offset: Math.max(current?.offset ?? 0, event.offset), state: 'uploading', at: event.at };
      else if (event.type === 'upload.completed') next = { fileId: event.fileId, filename: event.filename, size: event.size, offset: event.size, state: 'completed', at: event.at };
      else if (event.type === 'upload.failed') next = current ? { ...current, state: 'failed', at: event.at } : null;
      else if (event.type === 'upload.cancelled') next = current ? { ...current, state: 'cancelled', at: event.at } : null;
      else if (event.type === 'upload.disconnected') next = current ? { ...current, offset: Math.max(current.offset, event.offset), state: 'interrupted', at: event.at } : null;
      if (!next) return list;
      const others = list.filter((u) => u.fileId !== next?.fileId);
      const all = [next, ...others];
      return [...all.filter((u) => u.state === 'uploading'), ...all.filter((u) => u.state !== 'uploading')].slice(0, UPLOADS_SIZE);
    });
  }

  private async connect(): Promise<void> {
    const location = this.document.defaultView?.location;
    if (this.stopped || !this.session.currentToken() || !location || typeof WebSocket === 'undefined') {
      this.state.set('closed');
      return;
    }
    this.state.set('connecting');
    let ticket: string;
    try {
      ticket = (await firstValueFrom(this.http.post<WsTicketResponse>(ApiRoutes.wsTickets.adminLive, {}))).ticket;
    } catch {
      // A 401 has ended the session (the interceptor), so the retry finds no token and stops.
      this.scheduleRetry();
      return;
    }
    if (this.stopped) return;
    const ws = new WebSocket(adminSocketUrl(location, ticket));
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
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    this.state.set('closed');
    if (this.stopped) return;
    const delay = Math.min(30_000, 1000 * 2 ** this.attempts++);
    this.retry = setTimeout(() => void this.connect(), delay);
  }
}
