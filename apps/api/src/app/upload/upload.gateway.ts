import { UPLOAD_CHUNK_SIZE, UploadErrorCode, WS_UPLOAD_PREFIX } from '@ddx/contracts';
import { FileRepository, SecretBox } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { LiveEventsPublisher, REDIS } from '@ddx/server-queue';
import { UploadLedger } from '@ddx/server-uploads';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import Redis from 'ioredis';
import { IncomingMessage, Server } from 'node:http';
import { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

import { AppWsAdapter } from '../common/app-ws.adapter';
import { UploadLock } from './upload-lock';
import { UploadSocketSession } from './upload-socket.session';
import { uploadTokenMatches } from './upload-token';

/** `WS /ws_api/upload/:file_id?token=…` — see docs/upload-protocol.md. */
@Injectable()
export class UploadGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UploadGateway.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: UPLOAD_CHUNK_SIZE, perMessageDeflate: false });

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly files: FileRepository,
    private readonly ledger: UploadLedger,
    private readonly pool: DriveAccountPool,
    private readonly secrets: SecretBox,
    private readonly events: LiveEventsPublisher,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    AppWsAdapter.route(server, `${WS_UPLOAD_PREFIX}/upload/:file_id`, (req, socket, head, params) => this.upgrade(req, socket, head, params['file_id'] ?? ''));
  }

  onApplicationShutdown(): void {
    for (const client of this.wss.clients) client.close(1001, 'server restarting');
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, fileId: string): void {
    const token = new URL(req.url ?? '/', 'ws://localhost').searchParams.get('token');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.accept(ws, fileId, token).catch((err: unknown) => {
        this.logger.error({ msg: 'upload socket setup failed', fileId, err });
        reject(ws, UploadErrorCode.STORAGE_ERROR, 'Something went wrong on our side; reconnect to resume the upload.', 1011);
      });
    });
  }

  private async accept(ws: WebSocket, fileId: string, token: string | null): Promise<void> {
    const file = /^[0-9a-f-]{36}$/i.test(fileId) ? await this.files.findById(fileId) : null;
    if (!file || !uploadTokenMatches(token, file.uploadTokenHash)) {
      return reject(ws, UploadErrorCode.UPLOAD_TOKEN_INVALID, 'This upload link is not valid.', 1008);
    }
    if (file.status !== 'pending' && file.status !== 'uploading') {
      return reject(ws, UploadErrorCode.UPLOAD_NOT_ACTIVE, 'This upload is no longer active.', 1008);
    }
    if (file.expiresAt && file.expiresAt.getTime() <= Date.now()) {
      await this.ledger.end(file._id, 'failed', 'EXPIRED');
      return reject(ws, UploadErrorCode.SESSION_EXPIRED, 'This upload session has expired. Please start the upload again.', 1008);
    }
    const lock = await UploadLock.acquire(this.redis, file._id, { waitMs: 3000 });
    if (!lock) return reject(ws, UploadErrorCode.UPLOAD_IN_PROGRESS, 'This file is already being uploaded from another connection.', 1008);
    const session = new UploadSocketSession(ws, file, lock, {
      files: this.files,
      ledger: this.ledger,
      pool: this.pool,
      secrets: this.secrets,
      events: this.events,
      chunkSize: UPLOAD_CHUNK_SIZE,
      maxAttempts: 5,
      retryBaseMs: 300,
    });
    await session.start();
  }
}

function reject(ws: WebSocket, code: string, message: string, closeCode: number): void {
  if (ws.readyState === WebSocket.OPEN) {
    ws.send(JSON.stringify({ type: 'error', code, value: message }));
    ws.close(closeCode);
  }
}
