import { AdminTokenResponse, ApiRoutes, InitiateUploadResponse, TokenResponse } from '@ddx/contracts';
import { RunningApp, startApp } from '@ddx/local-services';
import { TestWebdav, testWebdav } from '@ddx/local-services/testing';
import { FileDoc, FileRepository } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { createServer } from 'node:net';

import { accountsJson, EmulatorAccount, EmulatorControl, RunningEmulator, startEmulator } from '../../../testing/drive-emulator';
import { startTestApp, TestApp, testEnv } from '../../../testing/test-app';
import { runUpload } from '../../../testing/upload-client';
import { call, HttpResult, uniqueEmail } from '../../auth/testing/http';

export const MiB = 1024 * 1024;
export const ROOT_EMAIL = 'root@example.org';
export const ROOT_PASSWORD = 'Root-pass-for-admin-tests-9';
export const PASSWORD = 'correct horse battery';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
}

/**
 * Everything the admin integration tests run against: the api in this
 * process, the Drive emulator in this process, Apache WebDAV, FerretDB and
 * Redis from global-setup, and (optionally) a real worker process.
 */
export class AdminWorld {
  emulator!: RunningEmulator;
  control!: EmulatorControl;
  accounts: EmulatorAccount[] = [];
  api!: TestApp;
  db!: Connection;
  env!: Record<string, string>;
  webdav!: TestWebdav;
  workers: RunningApp[] = [];
  rootToken = '';
  adminToken = '';
  adminEmail = '';

  static async start(label: string, options: { worker?: boolean; accounts?: number; env?: Record<string, string> } = {}): Promise<AdminWorld> {
    const w = new AdminWorld();
    w.emulator = await startEmulator();
    w.control = new EmulatorControl(w.emulator.url);
    for (let i = 0; i < (options.accounts ?? 1); i++) w.accounts.push(await w.control.addAccount({ limit: 2048 * MiB }));
    w.webdav = testWebdav(label);
    w.env = testEnv(label, {
      GDRIVE_API_ROOT: w.emulator.url,
      GDRIVE_ACCOUNTS_JSON: accountsJson(w.accounts),
      WEBDAV_URL: w.webdav.url,
      WEBDAV_USERNAME: w.webdav.username,
      WEBDAV_PASSWORD: w.webdav.password,
      WEBDAV_PREFIX: w.webdav.prefix,
      BACKUP_SWEEP_MS: '1000',
      SUPERADMIN_EMAIL: ROOT_EMAIL,
      SUPERADMIN_PASSWORD: ROOT_PASSWORD,
      AUTH_REGISTER_MAX_PER_IP_PER_HOUR: '1000',
      AUTH_LOGIN_MAX_FAILURES_PER_IP: '1000',
      ...(options.env ?? {}),
    });
    w.api = await startTestApp(w.env);
    w.db = w.api.app.get<Connection>(getConnectionToken());
    w.rootToken = await w.adminLogin(ROOT_EMAIL, ROOT_PASSWORD);
    w.adminEmail = uniqueEmail('admin');
    await w.createAdmin(w.adminEmail, 'admin');
    w.adminToken = await w.adminLogin(w.adminEmail, PASSWORD);
    if (options.worker) await w.startWorker();
    return w;
  }

  async startWorker(overrides: Record<string, string> = {}): Promise<RunningApp> {
    const worker = await startApp('worker', { ...this.env, ...overrides });
    this.workers.push(worker);
    return worker;
  }

  async stopWorker(worker: RunningApp): Promise<void> {
    await worker.stop();
    this.workers = this.workers.filter((w) => w !== worker);
  }

  async close(): Promise<void> {
    for (const w of this.workers) await w.stop().catch(() => undefined);
    await this.db?.dropDatabase().catch(() => undefined);
    await this.api?.close();
    await this.emulator?.close();
  }

  get pool(): DriveAccountPool {
    return this.api.app.get<DriveAccountPool>(DriveAccountPool);
  }

  get files(): FileRepository {
    return this.api.app.get(FileRepository);
  }

  /** An admin API call. */
  req<T = Record<string, unknown>>(method: string, path: string, token: string | undefined, json?: unknown): Promise<HttpResult<T>> {
    return call<T>(this.api.url, method, path, { token, json });
  }

  async adminLogin(email: string, password: string): Promise<string> {
    const res = await call<AdminTokenResponse>(this.api.url, 'POST', ApiRoutes.adminAuth.token, { json: { email, password } });
    if (res.status !== 200) throw new Error(`admin login ${email}: ${res.status} ${res.text}`);
    return res.body.access_token;
  }

  async createAdmin(email: string, role: 'admin' | 'superadmin'): Promise<string> {
    const res = await call<{ id: string }>(this.api.url, 'POST', ApiRoutes.adminAuth.createAdmin, { token: this.rootToken, json: { email, password: PASSWORD, role } });
    if (res.status !== 201) throw new Error(`create admin: ${res.status} ${res.text}`);
    return res.body.id;
  }

  userLogin(email: string, password = PASSWORD): Promise<HttpResult<TokenResponse>> {
    return call<TokenResponse>(this.api.url, 'POST', ApiRoutes.auth.token, { form: { username: email, password } });
  }

  async registerUser(label = 'user'): Promise<TestUser> {
    const email = uniqueEmail(label);
    const reg = await call(this.api.url, 'POST', ApiRoutes.auth.register, { json: { email, password: PASSWORD } });
    if (reg.status !== 201) throw new Error(`register: ${reg.status} ${reg.text}`);
    // Registration answers a message only (the same for a taken address); the id comes from the database.
    const id = String((await this.db.collection('users').findOne({ email }))?.['_id']);
    const login = await this.userLogin(email);
    return { id, email, password: PASSWORD, token: login.body.access_token };
  }

  /** Uploads through the real protocol (WebSocket) and returns the file id. */
  async upload(data: Buffer, options: { filename?: string; contentType?: string; token?: string } = {}): Promise<string> {
    const res = await fetch(`${this.api.url}/api/v1/upload/initiate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
      body: JSON.stringify({ filename: options.filename ?? 'file.bin', size: data.length, content_type: options.contentType ?? 'application/octet-stream' }),
    });
    if (res.status !== 200 && res.status !== 201) throw new Error(`initiate: ${res.status} ${await res.text()}`);
    const init = (await res.json()) as InitiateUploadResponse;
    const run = await runUpload(this.api.url, init.file_id, init.upload_token, data);
    const last = run.messages[run.messages.length - 1];
    if (last?.type !== 'success') throw new Error(`upload did not succeed: ${JSON.stringify(last)}`);
    return init.file_id;
  }

  download(id: string): Promise<Response> {
    return fetch(`${this.api.url}/api/v1/download/stream/${id}`);
  }

  /** Polls the file record until `done` holds (or the time is up; the caller's expect then fails). */
  async fileWhen(id: string, done: (f: FileDoc | null) => boolean, timeoutMs = 30_000): Promise<FileDoc | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = await this.files.findById(id);
      if (done(f) || Date.now() > deadline) return f;
      await sleep(200);
    }
  }

  backedUp(id: string, timeoutMs = 30_000): Promise<FileDoc | null> {
    return this.fileWhen(id, (f) => f?.backupStatus === 'completed', timeoutMs);
  }

  purged(id: string, timeoutMs = 30_000): Promise<FileDoc | null> {
    return this.fileWhen(id, (f) => !!f?.purgedAt, timeoutMs);
  }

  activity(filter: Record<string, unknown>) {
    return this.db.collection('activity_logs').find(filter).toArray();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A localhost port nothing listens on (taken, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
