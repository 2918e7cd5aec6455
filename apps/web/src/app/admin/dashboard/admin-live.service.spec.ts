import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ApiRoutes } from '@ddx/contracts';

import { ADMIN_TOKEN_STORAGE_KEY } from '../core/admin-session';
import { adminSocketUrl, AdminLiveService, HISTORY_SIZE } from './admin-live.service';

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

const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** Answers the pending ticket request, then lets connect() open the socket. */
async function issueTicket(ticket: string): Promise<void> {
  const req = TestBed.inject(HttpTestingController).expectOne(ApiRoutes.wsTickets.adminLive);
  expect(req.request.method).toBe('POST');
  req.flush({ ticket, expires_in: 30 });
  await settle();
}

describe('AdminLiveService', () => {
  const realWs = globalThis.WebSocket;
  beforeEach(() => {
    jest.useFakeTimers();
    FakeSocket.all = [];
    (globalThis as { WebSocket: unknown }).WebSocket = FakeSocket;
    localStorage.setItem(ADMIN_TOKEN_STORAGE_KEY, 'adm tok');
    TestBed.configureTestingModule({ providers: [AdminLiveService, provideHttpClient(), provideHttpClientTesting()] });
  });
  afterEach(() => {
    jest.useRealTimers();
    (globalThis as { WebSocket: unknown }).WebSocket = realWs;
    localStorage.clear();
  });

  it('builds the socket url from the page origin and a ticket', () => {
    expect(adminSocketUrl({ protocol: 'https:', host: 'ddx.example' }, 'a b')).toBe('wss://ddx.example/ws_admin?ticket=a%20b');
    expect(adminSocketUrl({ protocol: 'http:', host: 'localhost:4200' }, 't')).toBe('ws://localhost:4200/ws_admin?ticket=t');
  });

  it('opens the socket with a fresh ticket, never with the admin token, and keeps the latest snapshot and a feed of notable events', async () => {
    const live = TestBed.inject(AdminLiveService);
    live.start();
    expect(FakeSocket.all).toHaveLength(0);
    await issueTicket('tk1');
    const ws = FakeSocket.all[0];
    expect(ws.url).toBe('ws://localhost/ws_admin?ticket=tk1');
    expect(ws.url).not.toContain('tok');
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

  it('keeps a bounded history of snapshots for the chart and follows uploads from their events', () => {
    const live = TestBed.inject(AdminLiveService);
    live.handle(JSON.stringify({ type: 'upload.started', at: 't0', fileId: 'a', filename: 'a.bin', size: 100, resumedAt: 0 }));
    live.handle(JSON.stringify({ type: 'upload.progress', at: 't1', fileId: 'a', offset: 40, size: 100 }));
    live.handle(JSON.stringify({ type: 'upload.started', at: 't1', fileId: 'b', filename: 'b.bin', size: 10, resumedAt: 0 }));
    live.handle(JSON.stringify({ type: 'upload.completed', at: 't2', fileId: 'b', filename: 'b.bin', size: 10 }));
    // A late, older progress event never moves an upload backwards.
    live.handle(JSON.stringify({ type: 'upload.progress', at: 't3', fileId: 'a', offset: 20, size: 100 }));
    expect(live.uploads().map((u) => [u.filename, u.state, u.offset])).toEqual([
      ['a.bin', 'uploading', 40],
      ['b.bin', 'completed', 10],
    ]);
    live.handle(JSON.stringify({ type: 'upload.failed', at: 't4', fileId: 'a', code: 'DRIVE_ERROR' }));
    expect(live.uploads()[0]).toMatchObject({ fileId: 'a', state: 'failed', offset: 40 });

    const system = (i: number) => ({ type: 'system', at: `t${i}`, activeUploads: i % 3, uploadBytesPerSecond: i * 1000, queues: {}, api: { pid: 1, rssBytes: 1, heapUsedBytes: 1, cpuPercent: 1 }, workers: [], mongoLatencyMs: 1, redisLatencyMs: 1 });
    for (let i = 1; i <= HISTORY_SIZE + 5; i++) live.handle(JSON.stringify(system(i)));
    const history = live.history();
    expect(history).toHaveLength(HISTORY_SIZE);
    expect(history[0]).toEqual({ at: 't6', bytesPerSecond: 6000, activeUploads: 0 });
    expect(history[HISTORY_SIZE - 1]).toEqual({ at: `t${HISTORY_SIZE + 5}`, bytesPerSecond: (HISTORY_SIZE + 5) * 1000, activeUploads: (HISTORY_SIZE + 5) % 3 });
  });

  it('no longer lists a cancelled or interrupted upload as uploading', () => {
    const live = TestBed.inject(AdminLiveService);
    live.handle(JSON.stringify({ type: 'upload.started', at: 't0', fileId: 'a', filename: 'a.bin', size: 100, resumedAt: 0 }));
    live.handle(JSON.stringify({ type: 'upload.started', at: 't0', fileId: 'b', filename: 'b.bin', size: 100, resumedAt: 0 }));
    live.handle(JSON.stringify({ type: 'upload.progress', at: 't1', fileId: 'b', offset: 40, size: 100 }));
    live.handle(JSON.stringify({ type: 'upload.cancelled', at: 't2', fileId: 'a' }));
    live.handle(JSON.stringify({ type: 'upload.disconnected', at: 't3', fileId: 'b', offset: 40 }));
    expect(live.uploads().map((u) => [u.filename, u.state, u.offset])).toEqual([
      ['b.bin', 'interrupted', 40],
      ['a.bin', 'cancelled', 0],
    ]);
    expect(live.feed().map((e) => e.type)).toEqual(['upload.disconnected', 'upload.cancelled', 'upload.started', 'upload.started']);
  });

  it('reconnects with back-off after a drop, with a new ticket each time, and stops when told', async () => {
    const live = TestBed.inject(AdminLiveService);
    live.start();
    await issueTicket('t1');
    FakeSocket.all[0].onclose?.();
    expect(live.state()).toBe('closed');
    jest.advanceTimersByTime(1000);
    await issueTicket('t2');
    expect(FakeSocket.all.map((s) => s.url)).toEqual(['ws://localhost/ws_admin?ticket=t1', 'ws://localhost/ws_admin?ticket=t2']);
    FakeSocket.all[1].onclose?.();
    jest.advanceTimersByTime(1999);
    TestBed.inject(HttpTestingController).expectNone(ApiRoutes.wsTickets.adminLive);
    jest.advanceTimersByTime(1);
    await issueTicket('t3');
    expect(FakeSocket.all).toHaveLength(3);
    live.stop();
    expect(FakeSocket.all[2].closed).toBe(true);
    jest.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it('retries when the ticket request fails', async () => {
    const live = TestBed.inject(AdminLiveService);
    live.start();
    TestBed.inject(HttpTestingController).expectOne(ApiRoutes.wsTickets.adminLive).flush({ error: 'SERVICE_UNAVAILABLE' }, { status: 503, statusText: 'down' });
    await settle();
    expect(live.state()).toBe('closed');
    expect(FakeSocket.all).toHaveLength(0);
    jest.advanceTimersByTime(1000);
    await issueTicket('again');
    expect(FakeSocket.all[0].url).toBe('ws://localhost/ws_admin?ticket=again');
    live.stop();
  });
});
