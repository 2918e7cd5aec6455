import { TestBed } from '@angular/core/testing';

import { ADMIN_TOKEN_STORAGE_KEY } from '../core/admin-session';
import { adminSocketUrl, AdminLiveService } from './admin-live.service';

class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  close(): void {
    this.closed = true;
  }
}

describe('AdminLiveService', () => {
  const realWs = globalThis.WebSocket;
  beforeEach(() => {
    jest.useFakeTimers();
    FakeSocket.all = [];
    (globalThis as { WebSocket: unknown }).WebSocket = FakeSocket;
    localStorage.setItem(ADMIN_TOKEN_STORAGE_KEY, 'adm tok');
    TestBed.configureTestingModule({ providers: [AdminLiveService] });
  });
  afterEach(() => {
    jest.useRealTimers();
    (globalThis as { WebSocket: unknown }).WebSocket = realWs;
    localStorage.clear();
  });

  it('builds the socket url from the page origin and the admin token', () => {
    expect(adminSocketUrl({ protocol: 'https:', host: 'ddx.example' }, 'a b')).toBe('wss://ddx.example/ws_admin?token=a%20b');
    expect(adminSocketUrl({ protocol: 'http:', host: 'localhost:4200' }, 't')).toBe('ws://localhost:4200/ws_admin?token=t');
  });

  it('keeps the latest snapshot and a feed of notable events, newest first', () => {
    const live = TestBed.inject(AdminLiveService);
    live.start();
    const ws = FakeSocket.all[0];
    expect(ws.url).toBe('ws://localhost/ws_admin?token=adm%20tok');
    ws.onopen?.();
    expect(live.state()).toBe('open');
    const system = { type: 'system', at: 'now', activeUploads: 2, uploadBytesPerSecond: 10, queues: {}, api: { pid: 1, rssBytes: 1, heapUsedBytes: 1, cpuPercent: 1 }, workers: [], mongoLatencyMs: 1, redisLatencyMs: null };
    ws.onmessage?.({ data: JSON.stringify(system) });
    ws.onmessage?.({ data: JSON.stringify({ type: 'upload.progress', at: 'x', fileId: 'f', offset: 1, size: 2 }) });
    ws.onmessage?.({ data: JSON.stringify({ type: 'upload.completed', at: 'x', fileId: 'f', filename: 'a.txt', size: 2 }) });
    ws.onmessage?.({ data: JSON.stringify({ type: 'backup.failed', at: 'y', fileId: 'f', reason: 'down', final: true }) });
    ws.onmessage?.({ data: 'not json' });
    expect(live.snapshot()?.activeUploads).toBe(2);
    expect(live.feed().map((e) => e.type)).toEqual(['backup.failed', 'upload.completed']);
  });

  it('reconnects with back-off after a drop, and stops when told', () => {
    const live = TestBed.inject(AdminLiveService);
    live.start();
    FakeSocket.all[0].onclose?.();
    expect(live.state()).toBe('closed');
    jest.advanceTimersByTime(1000);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1].onclose?.();
    jest.advanceTimersByTime(1999);
    expect(FakeSocket.all).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(3);
    live.stop();
    expect(FakeSocket.all[2].closed).toBe(true);
    jest.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(3);
  });
});
