import { LiveEvent, WS_ADMIN_PATH } from '@ddx/contracts';
import { FileRepository, pingDatabase } from '@ddx/server-database';
import { LiveEventsPublisher, QueueName, REDIS } from '@ddx/server-queue';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectConnection } from '@nestjs/mongoose';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Connection } from 'mongoose';
import { IncomingMessage, Server } from 'node:http';
import { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

import { PrincipalService } from '../../auth';
import { AppWsAdapter } from '../../common/app-ws.adapter';

const SNAPSHOT_MS = 3000;

interface AdminSocket {
  ws: WebSocket;
  token: string;
}

/**
 * `WS /ws_admin?token=<admin token>`: live events from every api replica and
 * worker (through Redis pub/sub) plus a `system` snapshot every few seconds.
 * The token is checked before the socket is accepted and again with every
 * snapshot, so a revoked or demoted admin is disconnected within seconds.
 */
@Injectable()
export class AdminLiveGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AdminLiveGateway.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly sockets = new Set<AdminSocket>();
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;
  private readonly workers = new Map<number, { pid: number; rssBytes: number; cpuPercent: number; seenAt: string }>();
  private readonly uploadOffsets = new Map<string, number>();
  private bytesSinceSnapshot = 0;
  private lastSnapshotAt = Date.now();
  private lastCpu = process.cpuUsage();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly principals: PrincipalService,
    private readonly files: FileRepository,
    private readonly events: LiveEventsPublisher,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectConnection() private readonly connection: Connection,
    @InjectQueue(QueueName.backup) private readonly backupQueue: Queue,
    @InjectQueue(QueueName.cleanup) private readonly cleanupQueue: Queue,
    @InjectQueue(QueueName.maintenance) private readonly maintenanceQueue: Queue,
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
    const token = new URL(req.url ?? '/', 'ws://localhost').searchParams.get('token') ?? '';
    const admin = await this.principals.resolveAdmin(token).catch(() => null);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!admin) {
        ws.close(1008, 'admin token required');
        return;
      }
      const entry = { ws, token };
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
    } else if (event.type === 'upload.progress') {
      const previous = this.uploadOffsets.get(event.fileId) ?? 0;
      if (event.offset > previous) this.bytesSinceSnapshot += event.offset - previous;
      this.uploadOffsets.set(event.fileId, event.offset);
    } else if (event.type === 'upload.completed' || event.type === 'upload.failed') {
      this.uploadOffsets.delete(event.fileId);
    } else if (event.type === 'upload.started') {
      this.uploadOffsets.set(event.fileId, event.resumedAt);
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
    const [activeUploads, backup, cleanup, maintenance, mongoLatencyMs, redisLatencyMs] = await Promise.all([
      this.files.countActive().catch(() => -1),
      this.backupQueue.getJobCounts('waiting', 'active', 'delayed', 'failed').catch(() => ({})),
      this.cleanupQueue.getJobCounts('waiting', 'active', 'delayed', 'failed').catch(() => ({})),
      this.maintenanceQueue.getJobCounts('waiting', 'active', 'delayed', 'failed').catch(() => ({})),
      this.timed(() => pingDatabase(this.connection)),
      this.timed(async () => (await this.redis.ping()) === 'PONG'),
    ]);
    const event: LiveEvent = {
      type: 'system',
      at: new Date(now).toISOString(),
      activeUploads,
      uploadBytesPerSecond: Math.round(this.bytesSinceSnapshot / seconds),
      queues: { backup, cleanup, maintenance },
      api: { pid: process.pid, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 1000) / 10 },
      workers: [...this.workers.values()],
      mongoLatencyMs,
      redisLatencyMs,
    };
    if (!only) this.bytesSinceSnapshot = 0;
    this.broadcast(JSON.stringify(event), only);
  }

  private async recheckAdmins(): Promise<void> {
    await Promise.all(
      [...this.sockets].map(async (s) => {
        const still = await this.principals.resolveAdmin(s.token).catch(() => null);
        if (!still) {
          s.ws.close(1008, 'admin access ended');
          this.sockets.delete(s);
        }
      }),
    );
  }

  private async timed(check: () => Promise<boolean>): Promise<number | null> {
    const start = process.hrtime.bigint();
    const ok = await check().catch(() => false);
    return ok ? Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100 : null;
  }
}
