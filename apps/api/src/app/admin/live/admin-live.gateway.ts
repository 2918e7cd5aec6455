import { ErrorCode, isAdminRole, LiveEvent, WS_ADMIN_PATH } from '@ddx/contracts';
import { pingDatabase } from '@ddx/server-database';
import { BackupQueue, CleanupQueue, LiveEventsPublisher, MaintenanceQueue, REDIS } from '@ddx/server-queue';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectConnection } from '@nestjs/mongoose';
import Redis from 'ioredis';
import { Connection } from 'mongoose';
import { IncomingMessage, Server } from 'node:http';
import { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

import { AppWsAdapter } from '../../common/app-ws.adapter';
import { UserRepository } from '../../users/user.repository';
import { WsTicketGrant, WsTicketStore } from '../../ws-tickets/ws-ticket.store';
import { ActiveUploads } from './active-uploads';

const SNAPSHOT_MS = 3000;

type AdminGrant = Extract<WsTicketGrant, { kind: 'admin' }>;

interface AdminSocket {
  ws: WebSocket;
  grant: AdminGrant;
}

/**
 * `WS /ws_admin?ticket=<ticket>` (POST /admin/live/ticket): live events from
 * every api replica and worker (through Redis pub/sub) plus a `system`
 * snapshot every few seconds. The admin behind the ticket is re-checked with
 * every snapshot (same tokenVersion, still an active admin, token not yet
 * expired), so a signed-out, revoked or demoted admin is disconnected within
 * seconds.
 */
@Injectable()
export class AdminLiveGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AdminLiveGateway.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly sockets = new Set<AdminSocket>();
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;
  private readonly workers = new Map<number, { pid: number; rssBytes: number; cpuPercent: number; seenAt: string }>();
  private readonly activeUploads = new ActiveUploads();
  private lastSnapshotAt = Date.now();
  private lastCpu = process.cpuUsage();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly tickets: WsTicketStore,
    private readonly users: UserRepository,
    private readonly events: LiveEventsPublisher,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectConnection() private readonly connection: Connection,
    private readonly backupQueue: BackupQueue,
    private readonly cleanupQueue: CleanupQueue,
    private readonly maintenanceQueue: MaintenanceQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    AppWsAdapter.route(server, WS_ADMIN_PATH, (req, socket, head) => void this.upgrade(req, socket, head));
    // A subscriber connection can do nothing else, so it is a separate one.
    this.subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('message', (_channel, message: string) => this.onEvent(message));
    this.subscriber.on('error', () => undefined);
    await this.subscriber.subscribe(this.events.channelName).catch((err: unknown) => this.logger.warn({ msg: 'live events unavailable', err: String(err) }));
    this.timer = setInterval(() => void this.snapshot(), SNAPSHOT_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    for (const s of this.sockets) s.ws.close(1001, 'server restarting');
    this.wss.close();
    this.subscriber?.disconnect();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const ticket = new URL(req.url ?? '/', 'ws://localhost').searchParams.get('ticket');
    const grant = await this.tickets.redeem(ticket, 'admin').catch(() => null);
    const admin = grant && (await this.stillAdmin(grant).catch(() => false));
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // A bad frame is emitted as 'error', also on a socket being refused; unheard,
      // that would end the process. ws closes the socket itself.
      ws.on('error', () => undefined);
      if (!grant || !admin) {
        // Browsers show a socket's close reason but not a refused upgrade's status.
        ws.close(1008, grant ? 'admin access ended' : ErrorCode.WS_TICKET_INVALID);
        return;
      }
      const entry = { ws, grant };
      this.sockets.add(entry);
      ws.on('close', () => this.sockets.delete(entry));
      ws.on('error', () => undefined);
      void this.snapshot(entry);
    });
  }

  private onEvent(message: string): void {
    let event: LiveEvent;
    try {
      event = JSON.parse(message) as LiveEvent;
    } catch {
      return;
    }
    if (event.type === 'worker.heartbeat') {
      this.workers.set(event.pid, { pid: event.pid, rssBytes: event.rssBytes, cpuPercent: event.cpuPercent, seenAt: event.at });
    } else {
      this.activeUploads.apply(event);
    }
    this.broadcast(message);
  }

  private broadcast(message: string, only?: AdminSocket): void {
    for (const s of only ? [only] : this.sockets) if (s.ws.readyState === WebSocket.OPEN) s.ws.send(message);
  }

  private async snapshot(only?: AdminSocket): Promise<void> {
    if (this.sockets.size === 0) return;
    if (!only) await this.recheckAdmins();
    const now = Date.now();
    const seconds = Math.max(0.001, (now - this.lastSnapshotAt) / 1000);
    const cpu = process.cpuUsage(this.lastCpu);
    if (!only) {
      this.lastCpu = process.cpuUsage();
      this.lastSnapshotAt = now;
    }
    const mem = process.memoryUsage();
    for (const [pid, w] of this.workers) if (now - new Date(w.seenAt).getTime() > 15_000) this.workers.delete(pid);
    const [backup, cleanup, maintenance, mongoLatencyMs, redisLatencyMs] = await Promise.all([
      this.backupQueue.jobCounts('waiting', 'active', 'delayed', 'failed').catch(() => ({})),
      this.cleanupQueue.jobCounts('waiting', 'active', 'delayed', 'failed').catch(() => ({})),
      this.maintenanceQueue.jobCounts('waiting', 'active', 'delayed', 'failed').catch(() => ({})),
      this.timed(() => pingDatabase(this.connection)),
      this.timed(async () => (await this.redis.ping()) === 'PONG'),
    ]);
    const event: LiveEvent = {
      type: 'system',
      at: new Date(now).toISOString(),
      // Uploads streaming now, not files in an active state: an abandoned upload stays `uploading` until it expires.
      activeUploads: this.activeUploads.count(now),
      uploadBytesPerSecond: Math.round((only ? this.activeUploads.peekBytes() : this.activeUploads.takeBytes()) / seconds),
      queues: { backup, cleanup, maintenance },
      api: { pid: process.pid, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 1000) / 10 },
      workers: [...this.workers.values()],
      mongoLatencyMs,
      redisLatencyMs,
    };
    this.broadcast(JSON.stringify(event), only);
  }

  private async recheckAdmins(): Promise<void> {
    await Promise.all(
      [...this.sockets].map(async (s) => {
        const still = await this.stillAdmin(s.grant).catch(() => false);
        if (!still) {
          s.ws.close(1008, 'admin access ended');
          this.sockets.delete(s);
        }
      }),
    );
  }

  private async stillAdmin(grant: AdminGrant): Promise<boolean> {
    if (grant.tokenExpiresAt <= Date.now()) return false;
    const user = await this.users.findById(grant.adminId);
    return !!user && user.tokenVersion === grant.tokenVersion && user.status === 'active' && isAdminRole(user.role);
  }

  private async timed(check: () => Promise<boolean>): Promise<number | null> {
    const start = process.hrtime.bigint();
    const ok = await check().catch(() => false);
    return ok ? Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100 : null;
  }
}
