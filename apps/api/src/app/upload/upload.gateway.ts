import { ErrorCode, UPLOAD_CHUNK_SIZE, UploadErrorCode, WS_UPLOAD_PREFIX } from '@ddx/contracts';
import { AppConfig } from '@ddx/server-config';
import { FileRepository, SecretBox } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { LiveEventsPublisher, REDIS } from '@ddx/server-queue';
import { UploadLedger } from '@ddx/server-uploads';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import Redis from 'ioredis';
import { IncomingMessage, Server } from 'node:http';
import { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

import { AppWsAdapter } from '../common/app-ws.adapter';
import { PrincipalRevocation, PrincipalRevocations } from '../ws-tickets/principal-revocations';
import { UploadTicketService } from '../ws-tickets/upload-ticket.service';
import { WsTicketStore } from '../ws-tickets/ws-ticket.store';
import { Md5Thread } from './md5-thread';
import { UploadLock } from './upload-lock';
import { UploadSocketSession } from './upload-socket.session';

/**
 * `WS /ws_api/upload/:file_id?ticket=…` — see docs/upload-protocol.md. The
 * ticket (POST /upload/:file_id/ticket with the upload token) is bound to
 * the file and works once. Sockets of an owner who is suspended or banned
 * are closed on every replica (PrincipalRevocations).
 */
@Injectable()
export class UploadGateway implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(UploadGateway.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: UPLOAD_CHUNK_SIZE, perMessageDeflate: false });
  /** Open sockets of owned uploads, by owner, so a revocation finds them. */
  private readonly byOwner = new Map<string, Set<WebSocket>>();
  /** Open upload sessions, so a shutdown can wait for them to let go. */
  private readonly sessions = new Set<UploadSocketSession>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly files: FileRepository,
    private readonly ledger: UploadLedger,
    private readonly pool: DriveAccountPool,
    private readonly secrets: SecretBox,
    private readonly events: LiveEventsPublisher,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly tickets: WsTicketStore,
    private readonly access: UploadTicketService,
    private readonly revocations: PrincipalRevocations,
    private readonly md5: Md5Thread,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    AppWsAdapter.route(server, `${WS_UPLOAD_PREFIX}/upload/:file_id`, (req, socket, head, params) => this.upgrade(req, socket, head, params['file_id'] ?? ''));
    this.revocations.onRevoked((r) => this.closeSocketsOf(r));
  }

  /**
   * Before Redis, MongoDB and the MD5 thread go (they close in onApplicationShutdown):
   * close every upload socket and wait, briefly, for each session to save its
   * checkpoint and release its lock, so the client resumes at once on another replica.
   */
  async beforeApplicationShutdown(): Promise<void> {
    for (const client of this.wss.clients) client.close(1001, 'server restarting');
    const released = Promise.all([...this.sessions].map((s) => s.released));
    const cutAfter = setTimeout(() => {
      for (const client of this.wss.clients) client.terminate();
    }, 1500);
    await Promise.race([released, new Promise((r) => setTimeout(r, 5000).unref())]);
    clearTimeout(cutAfter);
  }

  onApplicationShutdown(): void {
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, fileId: string): void {
    const ticket = new URL(req.url ?? '/', 'ws://localhost').searchParams.get('ticket');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // A bad frame (e.g. a reserved opcode) arriving while accept() awaits its checks
      // is emitted as 'error'; unheard, that would end the process. ws closes the socket itself.
      ws.on('error', () => undefined);
      this.accept(ws, fileId, ticket).catch((err: unknown) => {
        this.logger.error({ msg: 'upload socket setup failed', fileId, err });
        reject(ws, UploadErrorCode.STORAGE_ERROR, 'Something went wrong on our side; reconnect to resume the upload.', 1011);
      });
    });
  }

  private async accept(ws: WebSocket, fileId: string, ticket: string | null): Promise<void> {
    const grant = await this.tickets.redeem(ticket, 'upload');
    if (!grant || grant.fileId !== fileId) {
      return reject(ws, ErrorCode.WS_TICKET_INVALID, 'This connection ticket is not valid: it expired, was already used or is for another upload. Ask for a new one.', 1008);
    }
    const file = await this.files.findById(fileId);
    if (!file) return reject(ws, UploadErrorCode.UPLOAD_NOT_ACTIVE, 'This upload is no longer active.', 1008);
    if (file.status !== 'pending' && file.status !== 'uploading') {
      return reject(ws, UploadErrorCode.UPLOAD_NOT_ACTIVE, 'This upload is no longer active.', 1008);
    }
    if (file.expiresAt && file.expiresAt.getTime() <= Date.now()) {
      await this.ledger.end(file._id, 'failed', 'EXPIRED');
      return reject(ws, UploadErrorCode.SESSION_EXPIRED, 'This upload session has expired. Please start the upload again.', 1008);
    }
    // The owner may have been suspended or banned since the ticket was issued.
    const refusal = await this.access.ownerRefusal(file);
    if (refusal) return reject(ws, refusal.code, refusal.message, 1008);
    const lock = await UploadLock.acquire(this.redis, file._id, { waitMs: 3000 });
    if (!lock) return reject(ws, UploadErrorCode.UPLOAD_IN_PROGRESS, 'This file is already being uploaded from another connection.', 1008);
    // Read again under the lock: the socket that held it saves its last checkpoint before letting go.
    const current = await this.files.findById(fileId);
    if (!current || (current.status !== 'pending' && current.status !== 'uploading')) {
      await lock.release();
      return reject(ws, UploadErrorCode.UPLOAD_NOT_ACTIVE, 'This upload is no longer active.', 1008);
    }
    if (file.ownerId) this.track(file.ownerId, ws);
    const session = new UploadSocketSession(ws, current, lock, {
      files: this.files,
      ledger: this.ledger,
      pool: this.pool,
      secrets: this.secrets,
      events: this.events,
      md5: this.md5,
      chunkSize: UPLOAD_CHUNK_SIZE,
      putSpan: this.config.UPLOAD_REQUEST_MIB * 1024 * 1024,
      maxAttempts: 5,
      retryBaseMs: 300,
    });
    this.sessions.add(session);
    void session.released.then(() => this.sessions.delete(session));
    await session.start();
  }

  private track(ownerId: string, ws: WebSocket): void {
    const open = this.byOwner.get(ownerId) ?? new Set<WebSocket>();
    this.byOwner.set(ownerId, open);
    open.add(ws);
    ws.once('close', () => {
      open.delete(ws);
      if (open.size === 0 && this.byOwner.get(ownerId) === open) this.byOwner.delete(ownerId);
    });
  }

  private closeSocketsOf({ userId, status }: PrincipalRevocation): void {
    const open = this.byOwner.get(userId);
    if (!open) return;
    const [code, message] =
      status === 'banned'
        ? [ErrorCode.ACCOUNT_BANNED, 'This account has been banned.']
        : [ErrorCode.ACCOUNT_SUSPENDED, 'This account is suspended. Contact support if you think this is a mistake.'];
    for (const ws of open) reject(ws, code, message, 1008);
    this.logger.log({ msg: 'closed upload sockets of a revoked account', userId, sockets: open.size, status });
  }
}

function reject(ws: WebSocket, code: string, message: string, closeCode: number): void {
  if (ws.readyState === WebSocket.OPEN) {
    ws.send(JSON.stringify({ type: 'error', code, value: message }));
    ws.close(closeCode);
  }
}
