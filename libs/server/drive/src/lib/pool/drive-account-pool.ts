import { randomUUID } from 'node:crypto';

import { DriveAccountRepository, utcDay } from './drive-account.repository';
import { DriveAccountDoc, DriveAccountHealth, UNLIMITED_QUOTA_BYTES } from './drive-account.schema';
import type { DriveClient } from '../drive-client';
import type { DriveCredential } from '../drive-credential';
import { DriveError } from '../drive-error';
import type { DriveAbout, ResumableSessionInput } from '../drive-types';
import { DriveUploadSession } from '../drive-upload-session';
import { EnvAccount } from './drive-credentials';

/** What the pool needs from a Drive client (DriveClient satisfies it). */
export interface DriveAccountAccess {
  about(): Promise<DriveAbout>;
  ensureFolder(name: string): Promise<string>;
}

export interface Sealer {
  sealJson(value: unknown, associatedData?: string): string;
  openJson<T>(sealed: string, associatedData?: string): T;
}

/** Outcome kinds the pool reacts to (the Drive client's error kinds). */
export type DriveFailureKind = 'rate_limited' | 'storage_full' | 'daily_cap' | 'auth_revoked' | 'not_found' | 'transient' | 'bad_request';

export interface DriveFailure {
  kind: DriveFailureKind;
  message: string;
  retryAfterMs?: number | null;
}

export interface Reservation {
  accountId: string;
  bytes: number;
  folderId: string | null;
}

export class NoStorageAvailableError extends Error {
  constructor(readonly bytes: number) {
    super(`no Drive account can take ${bytes} bytes right now`);
    this.name = 'NoStorageAvailableError';
  }
}

export class DriveAccountNotFoundError extends Error {
  constructor(id: string) {
    super(`Drive account ${id} does not exist`);
    this.name = 'DriveAccountNotFoundError';
  }
}

/** An account as admins see it: everything but the secret. */
export type DriveAccountView = Omit<DriveAccountDoc, 'credentialSealed'>;

export interface DriveAccountPoolOptions {
  /** Drive's per-user upload cap per day (750 GB). */
  dailyCapBytes?: number;
  /** Folder every account uploads into (created if missing). */
  folderName?: string;
  /** Consecutive transient failures before an account is marked unhealthy. */
  unhealthyAfterFailures?: number;
  /**
   * How long an account's read state (enabled, health, credential) is reused
   * by `readerClient` before MongoDB is asked again (default 2 s; 0 = always ask).
   */
  readerStateTtlMs?: number;
  now?: () => Date;
}

const RATE_LIMIT_BASE_MS = 30_000;
const RATE_LIMIT_MAX_MS = 60 * 60_000;

/**
 * The pool of Google Drive accounts. Reservation spreads load by choosing the
 * account with the most free space (ties: least recently used), so large
 * accounts fill evenly and a fresh account takes over from a full one.
 * All shared state (reservations, rate limits, daily counters) lives in
 * MongoDB, so any number of api and worker processes share one view.
 */
export class DriveAccountPool<C extends DriveAccountAccess = DriveClient> {
  private readonly clients = new Map<string, { sealed: string; client: C }>();
  /** readerClient answers by account: reused for `readerStateTtlMs`, shared while one read is in flight. */
  private readonly readers = new Map<string, { until: number; client: Promise<C | null> }>();
  private readonly readerStateTtlMs: number;
  private readonly dailyCapBytes: number;
  private readonly folderName: string;
  private readonly unhealthyAfter: number;
  private readonly now: () => Date;

  constructor(
    private readonly repository: DriveAccountRepository,
    private readonly sealer: Sealer,
    private readonly clientFactory: (credential: DriveCredential) => C,
    options: DriveAccountPoolOptions = {},
  ) {
    this.dailyCapBytes = options.dailyCapBytes ?? 750 * 1000 ** 3;
    this.folderName = options.folderName ?? 'DirectDriveX';
    this.unhealthyAfter = options.unhealthyAfterFailures ?? 3;
    this.readerStateTtlMs = options.readerStateTtlMs ?? 2000;
    this.now = options.now ?? (() => new Date());
  }

  async reserve(bytes: number, options: { exclude?: string[] } = {}): Promise<Reservation> {
    const now = this.now();
    await this.repository.rollDailyWindow(now);
    const account = await this.repository.reserve(bytes, now, this.dailyCapBytes, options.exclude ?? []);
    if (!account) throw new NoStorageAvailableError(bytes);
    return { accountId: account._id, bytes, folderId: account.folderId };
  }

  release(reservation: Pick<Reservation, 'accountId' | 'bytes'>): Promise<void> {
    return this.repository.release(reservation.accountId, reservation.bytes);
  }

  commit(accountId: string, reservedBytes: number, storedBytes: number): Promise<void> {
    return this.repository.commit(accountId, reservedBytes, storedBytes);
  }

  giveBack(accountId: string, bytes: number): Promise<void> {
    return this.repository.giveBack(accountId, bytes);
  }

  /**
   * Reserves `spec.size` bytes on an account (never one in `exclude`) and opens a
   * resumable session there; an account that refuses is reported and the next one
   * tried, up to `attempts` accounts. Throws NoStorageAvailableError when no account
   * can take the file, or the last account's DriveError.
   */
  async openSession(
    this: DriveAccountPool<DriveClient>,
    spec: Omit<ResumableSessionInput, 'parents'>,
    options: { exclude?: string[]; attempts?: number } = {},
  ): Promise<{ reservation: Reservation; session: DriveUploadSession }> {
    const tried = [...(options.exclude ?? [])];
    let refusal: unknown = null;
    for (let attempt = 0; attempt < (options.attempts ?? 3); attempt++) {
      const reservation = await this.reserve(spec.size, { exclude: tried });
      tried.push(reservation.accountId);
      try {
        const client = await this.client(reservation.accountId);
        const uri = await client.createResumableSession({ ...spec, parents: reservation.folderId ? [reservation.folderId] : undefined });
        return { reservation, session: new DriveUploadSession(reservation.accountId, client, uri, spec.size) };
      } catch (e) {
        await this.release(reservation);
        if (!(e instanceof DriveError)) throw e;
        await this.reportFailure(reservation.accountId, e);
        refusal = e;
      }
    }
    throw refusal;
  }

  /** A ready client for the account (credentials decrypted in memory only). */
  async client(accountId: string): Promise<C> {
    const account = await this.repository.findById(accountId);
    if (!account) throw new DriveAccountNotFoundError(accountId);
    return this.clientOf(account);
  }

  /**
   * The client of an account that may serve reads now (enabled, not
   * unhealthy), or null (the download path). One MongoDB read answers both,
   * and its answer is reused for `readerStateTtlMs`: a download does not pay
   * a round trip for account state that changes a few times a day. Changes
   * made through this pool apply at once in this process; other processes
   * see them within the TTL, and a client that fails meanwhile makes the
   * download fall back to the backup like any Drive error.
   */
  readerClient(accountId: string): Promise<C | null> {
    const now = this.now().getTime();
    const hit = this.readers.get(accountId);
    if (hit && hit.until > now) return hit.client;
    const client = this.repository.findById(accountId).then((account) => (!account || !account.enabled || account.health === 'unhealthy' ? null : this.clientOf(account)));
    const entry = { until: now + this.readerStateTtlMs, client };
    this.readers.set(accountId, entry);
    // A failed read is not remembered.
    client.catch(() => {
      if (this.readers.get(accountId) === entry) this.readers.delete(accountId);
    });
    return client;
  }

  private clientOf(account: DriveAccountDoc): C {
    const accountId = account._id;
    const cached = this.clients.get(accountId);
    if (cached && cached.sealed === account.credentialSealed) return cached.client;
    const client = this.clientFactory(this.sealer.openJson<DriveCredential>(account.credentialSealed, account._id));
    this.clients.set(accountId, { sealed: account.credentialSealed, client });
    return client;
  }

  /** Records what Drive said so the next reservation avoids a struggling account. */
  async reportFailure(accountId: string, failure: DriveFailure): Promise<void> {
    try {
      await this.recordFailure(accountId, failure);
    } finally {
      this.readers.delete(accountId);
    }
  }

  private async recordFailure(accountId: string, failure: DriveFailure): Promise<void> {
    const now = this.now();
    const account = await this.repository.findById(accountId);
    if (!account) return;
    switch (failure.kind) {
      case 'rate_limited': {
        const backoff = Math.min(RATE_LIMIT_BASE_MS * 2 ** account.rateLimitStrikes, RATE_LIMIT_MAX_MS);
        const until = new Date(now.getTime() + Math.max(failure.retryAfterMs ?? 0, backoff));
        await this.repository.markRateLimited(accountId, until, failure.message);
        return;
      }
      case 'daily_cap': {
        const midnight = new Date(`${utcDay(new Date(now.getTime() + 86_400_000))}T00:00:00.000Z`);
        await this.repository.markRateLimited(accountId, midnight, failure.message);
        return;
      }
      case 'storage_full':
        await this.repository.markFull(accountId, failure.message);
        return;
      case 'auth_revoked':
        await this.repository.markFailure(accountId, 'unhealthy', failure.message, now);
        return;
      case 'transient': {
        const health: DriveAccountHealth = account.consecutiveFailures + 1 >= this.unhealthyAfter ? 'unhealthy' : 'degraded';
        await this.repository.markFailure(accountId, health, failure.message, now);
        return;
      }
      default:
        return; // not_found / bad_request concern one file, not the account
    }
  }

  async reportSuccess(accountId: string): Promise<void> {
    await this.repository.markSuccess(accountId);
    this.readers.delete(accountId);
  }

  /** Reads quota and usage from Drive; failures are recorded, not thrown. */
  async refreshAccount(accountId: string): Promise<DriveAccountView | null> {
    try {
      const client = await this.client(accountId);
      const about = await client.about();
      await this.repository.applyQuota(accountId, about.limit ?? UNLIMITED_QUOTA_BYTES, about.usage, this.now());
    } catch (e) {
      if (e instanceof DriveAccountNotFoundError) return null;
      await this.reportFailure(accountId, asFailure(e));
    }
    const account = await this.repository.findById(accountId);
    return account ? view(account) : null;
  }

  async refreshAll(): Promise<DriveAccountView[]> {
    const accounts = await this.repository.list();
    const out: DriveAccountView[] = [];
    for (const a of accounts) {
      const refreshed = await this.refreshAccount(a._id);
      if (refreshed) out.push(refreshed);
    }
    return out;
  }

  /** Adds an account after proving the credential works with a live call. */
  async addAccount(input: { label?: string; credential: DriveCredential }): Promise<DriveAccountView> {
    const client = this.clientFactory(input.credential);
    const about = await client.about();
    const folderId = await client.ensureFolder(this.folderName);
    const id = randomUUID();
    const account = await this.repository.insert(
      {
        _id: id,
        label: input.label ?? about.email ?? 'Drive account',
        email: about.email ?? `${id}@unknown`,
        kind: input.credential.kind,
        credentialSealed: this.sealer.sealJson(input.credential, id),
        folderId,
        quotaLimitBytes: about.limit ?? UNLIMITED_QUOTA_BYTES,
        quotaUsageBytes: about.usage,
      },
      this.now(),
    );
    return view(account);
  }

  async setEnabled(id: string, enabled: boolean): Promise<DriveAccountView> {
    const account = await this.repository.update(id, { enabled });
    this.readers.delete(id);
    if (!account) throw new DriveAccountNotFoundError(id);
    return view(account);
  }

  async remove(id: string): Promise<void> {
    const removed = await this.repository.remove(id);
    this.readers.delete(id);
    if (!removed) throw new DriveAccountNotFoundError(id);
    this.clients.delete(id);
  }

  async list(): Promise<DriveAccountView[]> {
    return (await this.repository.list()).map(view);
  }

  async get(id: string): Promise<DriveAccountView | null> {
    const a = await this.repository.findById(id);
    return a ? view(a) : null;
  }

  /**
   * First boot: imports accounts declared in env when the collection is
   * empty. An account that fails its live check is reported and skipped.
   */
  async importFromEnv(accounts: EnvAccount[]): Promise<{ imported: number; failed: Array<{ label?: string; reason: string }> }> {
    if (accounts.length === 0 || (await this.repository.count()) > 0) return { imported: 0, failed: [] };
    let imported = 0;
    const failed: Array<{ label?: string; reason: string }> = [];
    for (const a of accounts) {
      try {
        await this.addAccount(a);
        imported++;
      } catch (e) {
        if ((e as { code?: number }).code === 11000) continue; // another replica imported it
        failed.push({ label: a.label, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    return { imported, failed };
  }
}

function view(account: DriveAccountDoc): DriveAccountView {
  const { credentialSealed: _secret, ...rest } = account;
  return rest;
}

function asFailure(e: unknown): DriveFailure {
  const kind = (e as { kind?: DriveFailureKind }).kind;
  const retryAfterMs = (e as { retryAfterMs?: number }).retryAfterMs;
  return { kind: kind ?? 'transient', message: e instanceof Error ? e.message : String(e), retryAfterMs };
}
