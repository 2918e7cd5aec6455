import { AdminApiRoutes, AdminStorageAccount, AdminStorageList, DeleteAllFiles, StorageAccountRemoval } from '@ddx/contracts';
import { FileDoc } from '@ddx/server-database';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { EmulatorAccount } from '../../../testing/drive-emulator';
import { AdminWorld, MiB } from '../testing/admin-world';

jest.setTimeout(180_000);

describe('admin storage accounts API (api + worker + Drive emulator + WebDAV)', () => {
  let w: AdminWorld;
  /** Pool account id by emulator e-mail. */
  const idOf: Record<string, string> = {};
  /** The OAuth account added through the API. */
  let addedId = '';

  beforeAll(async () => {
    w = await AdminWorld.start('adminstorage', { worker: true, accounts: 2 });
    for (const a of await w.pool.list()) idOf[a.email] = a._id;
  });

  afterAll(async () => {
    await w?.close();
  });

  const get = <T>(path: string, token = w.adminToken) => w.req<T>('GET', path, token);
  const post = <T>(path: string, json: unknown = {}, token = w.adminToken) => w.req<T>('POST', path, token, json);
  const del = <T>(path: string, token = w.adminToken) => w.req<T>('DELETE', path, token);
  const accountCount = () => w.db.collection('drive_accounts').countDocuments();
  const oauth = (a: EmulatorAccount, refreshToken = a.credentials.oauth?.refresh_token) => ({
    kind: 'oauth',
    client_id: a.credentials.oauth?.client_id,
    client_secret: a.credentials.oauth?.client_secret,
    refresh_token: refreshToken,
  });

  /** Only `accountId` takes new uploads while `run` runs. */
  async function onlyOn<T>(accountId: string, run: () => Promise<T>): Promise<T> {
    const others = (await w.pool.list()).filter((a) => a._id !== accountId && a.enabled);
    for (const a of others) await w.pool.setEnabled(a._id, false);
    try {
      return await run();
    } finally {
      for (const a of others) await w.pool.setEnabled(a._id, true);
    }
  }

  async function storedOn(accountId: string, data: Buffer, filename: string): Promise<FileDoc> {
    const id = await onlyOn(accountId, () => w.upload(data, { filename }));
    const f = await w.backedUp(id);
    expect(f).toMatchObject({ driveAccountId: accountId, backupStatus: 'completed' });
    return f as FileDoc;
  }

  it('lists accounts with quota, usage, health and totals, and never a secret', async () => {
    const res = await get<AdminStorageList>(AdminApiRoutes.storageAccounts);
    expect(res.status).toBe(200);
    expect(res.body.accounts).toHaveLength(2);
    expect(res.body.accounts[0]).toMatchObject({ kind: 'oauth', enabled: true, health: 'healthy', quota_bytes: 2048 * MiB, unlimited: false, reserved_bytes: 0, files_count: 0 });
    expect(res.body.totals).toMatchObject({ accounts: 2, enabled: 2, healthy: 2, quota_bytes: 2 * 2048 * MiB, files_count: 0 });
    for (const a of w.accounts) {
      expect(res.text).not.toContain(a.credentials.oauth?.refresh_token as string);
      expect(res.text).not.toContain(a.credentials.oauth?.client_secret as string);
    }
    expect(res.text).not.toMatch(/credential/i);
  });

  it('adding an account is a superadmin power: a plain admin gets 403 and nothing is stored', async () => {
    const fresh = await w.control.addAccount({ limit: 128 * MiB });
    const before = await accountCount();
    const refused = await post(AdminApiRoutes.storageAccounts, { label: 'by an admin', credential: oauth(fresh) });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ statusCode: 403, error: 'PERMISSION_DENIED' });
    expect(await accountCount()).toBe(before);
    expect(await w.activity({ action: 'admin.storage_add', actorEmail: w.adminEmail })).toHaveLength(0);
    const byRoot = await post<AdminStorageAccount>(AdminApiRoutes.storageAccounts, { label: 'by root', credential: oauth(fresh) }, w.rootToken);
    expect(byRoot.status).toBe(201);
    expect(await accountCount()).toBe(before + 1);
    expect((await del<StorageAccountRemoval>(AdminApiRoutes.storageAccount(byRoot.body.id), w.rootToken)).status).toBe(200);
  });

  it('adds an account only after Drive accepted its credentials; bad ones are refused and nothing is stored', async () => {
    const fresh = await w.control.addAccount({ limit: 512 * MiB });
    const before = await accountCount();
    const bad = await post(AdminApiRoutes.storageAccounts, { label: 'bad', credential: oauth(fresh, 'not-a-real-refresh-token') }, w.rootToken);
    expect(bad.status).toBe(400);
    expect(bad.body['error']).toBe('CREDENTIALS_REJECTED');
    expect((await post(AdminApiRoutes.storageAccounts, { credential: { kind: 'oauth', client_id: 'x' } }, w.rootToken)).status).toBe(400);
    const badKey = await post(
      AdminApiRoutes.storageAccounts,
      { credential: { kind: 'service_account', key_json: '{"client_email":"svc@example.org","private_key":"-----BEGIN PRIVATE KEY-----\\nnope"}' } },
      w.rootToken,
    );
    expect(badKey.status).toBe(400);
    expect(badKey.body['error']).toBe('CREDENTIALS_REJECTED');
    expect(await accountCount()).toBe(before);
    expect(await w.activity({ action: 'admin.storage_add_failed', actorEmail: 'root@example.org' })).toHaveLength(2);

    const good = await post<AdminStorageAccount>(AdminApiRoutes.storageAccounts, { label: 'Fresh one', credential: oauth(fresh) }, w.rootToken);
    expect(good.status).toBe(201);
    expect(good.body).toMatchObject({ label: 'Fresh one', email: fresh.email, kind: 'oauth', enabled: true, health: 'healthy', quota_bytes: 512 * MiB });
    expect(good.text).not.toContain(fresh.credentials.oauth?.refresh_token as string);
    expect(await accountCount()).toBe(before + 1);
    idOf[fresh.email] = good.body.id;
    addedId = good.body.id;
    const dup = await post(AdminApiRoutes.storageAccounts, { credential: oauth(fresh) }, w.rootToken);
    expect(dup.status).toBe(409);
    expect(dup.body['error']).toBe('ACCOUNT_EXISTS');

    const sa = await w.control.addAccount({ limit: 256 * MiB });
    const viaKey = await post<AdminStorageAccount>(AdminApiRoutes.storageAccounts, { credential: { kind: 'service_account', key_json: JSON.stringify(sa.credentials.serviceAccount) } }, w.rootToken);
    expect(viaKey.status).toBe(201);
    expect(viaKey.body).toMatchObject({ kind: 'service_account', quota_bytes: 256 * MiB });
    idOf[sa.email] = viaKey.body.id;
    expect(await w.activity({ action: 'admin.storage_add', target: good.body.id, ip: '127.0.0.1' })).toHaveLength(1);
  });

  it('usage grows by the uploaded bytes after a re-check, matching what Drive reports; files count and stored bytes follow', async () => {
    const fresh = w.accounts[0] as EmulatorAccount;
    const id = idOf[fresh.email] as string;
    const before = (await post<AdminStorageAccount>(AdminApiRoutes.storageCheck(id))).body;
    const data = randomBytes(3 * MiB + 17);
    await storedOn(id, data, 'usage.bin');
    const after = await post<AdminStorageAccount>(AdminApiRoutes.storageCheck(id));
    expect(after.status).toBe(200);
    expect(after.body.usage_bytes).toBe(before.usage_bytes + data.length);
    expect(after.body.usage_bytes).toBe((await w.control.getAccount(fresh.email)).usage);
    expect(after.body).toMatchObject({ files_count: before.files_count + 1, stored_bytes: before.stored_bytes + data.length, reserved_bytes: 0 });
    expect(after.body.free_bytes).toBe((after.body.quota_bytes as number) - after.body.usage_bytes);
    expect(Date.parse(after.body.last_checked_at as string)).toBeGreaterThan(Date.now() - 60_000);

    const all = await post<AdminStorageList>(AdminApiRoutes.storageRefreshAll);
    expect(all.status).toBe(200);
    expect(all.body.totals.usage_bytes).toBe(all.body.accounts.reduce((n, a) => n + a.usage_bytes, 0));
    expect(all.body.totals.stored_bytes).toBeGreaterThanOrEqual(data.length);
    expect(await w.activity({ action: 'admin.storage_check', target: id })).toHaveLength(2);
  });

  it('disabling keeps new uploads off an account; a re-check marks a revoked account unhealthy with the reason', async () => {
    const [a, b] = w.accounts as [EmulatorAccount, EmulatorAccount];
    const disabled = await post<AdminStorageAccount>(AdminApiRoutes.storageDisable(idOf[a.email] as string));
    expect(disabled.body.enabled).toBe(false);
    const others = Object.values(idOf).filter((x) => x !== idOf[a.email] && x !== idOf[b.email]);
    for (const o of others) await w.pool.setEnabled(o, false);
    const fileId = await w.upload(randomBytes(1000));
    expect((await w.files.findById(fileId))?.driveAccountId).toBe(idOf[b.email]);
    for (const o of others) await w.pool.setEnabled(o, true);
    // Enabling again sends uploads to the account: a superadmin power, like adding it.
    const adminEnable = await post(AdminApiRoutes.storageEnable(idOf[a.email] as string));
    expect(adminEnable.status).toBe(403);
    expect((await w.pool.get(idOf[a.email] as string))?.enabled).toBe(false);
    expect((await post<AdminStorageAccount>(AdminApiRoutes.storageEnable(idOf[a.email] as string), {}, w.rootToken)).body.enabled).toBe(true);

    const doomed = await w.control.addAccount({ limit: 64 * MiB });
    const added = await post<AdminStorageAccount>(AdminApiRoutes.storageAccounts, { credential: oauth(doomed) }, w.rootToken);
    await w.control.revokeAccount(doomed.email);
    const checked = await post<AdminStorageAccount>(AdminApiRoutes.storageCheck(added.body.id));
    expect(checked.body.health).toBe('unhealthy');
    expect(checked.body.last_error).toBeTruthy();
    // Empty accounts may be removed by an admin.
    const removed = await del<StorageAccountRemoval>(AdminApiRoutes.storageAccount(added.body.id));
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ removed: true, served_from_backup: [], lost: [] });
    expect((await get(AdminApiRoutes.storageAccount(added.body.id))).status).toBe(404);
  });

  it('refuses to remove an account holding files (409) unless a superadmin forces it, then says what is served from backup and what is lost', async () => {
    const target = addedId;
    const safe = await storedOn(target, randomBytes(200_000), 'has-copy.bin');
    const lost = await storedOn(target, randomBytes(1000), 'no-copy.bin');
    await w.files.setBackup(lost._id, { backupStatus: 'failed', backupPath: null });

    const refused = await del(AdminApiRoutes.storageAccount(target));
    expect(refused.status).toBe(409);
    expect(refused.body['error']).toBe('ACCOUNT_HAS_FILES');
    expect((await del(AdminApiRoutes.storageAccount(target), w.rootToken)).status).toBe(409);
    const adminForce = await del(`${AdminApiRoutes.storageAccount(target)}?force=true`);
    expect(adminForce.status).toBe(403);
    expect(await w.activity({ action: 'admin.permission_denied', target, 'details.attempted': 'storage_force_remove' })).toHaveLength(1);
    expect((await w.pool.get(target))?._id).toBe(target);

    const forced = await del<StorageAccountRemoval>(`${AdminApiRoutes.storageAccount(target)}?force=true`, w.rootToken);
    expect(forced.status).toBe(200);
    expect(forced.body.served_from_backup).toEqual([{ file_id: safe._id, filename: 'has-copy.bin' }]);
    expect(forced.body.lost).toEqual([{ file_id: lost._id, filename: 'no-copy.bin' }]);
    expect(await w.pool.get(target)).toBeNull();
    const served = await w.download(safe._id);
    expect(served.status).toBe(200);
    expect(served.headers.get('x-served-from')).toBe('backup');
    expect((await w.download(lost._id)).status).not.toBe(200);
    const log = await w.activity({ action: 'admin.storage_remove', target });
    expect(log[0]).toMatchObject({ actorEmail: 'root@example.org', details: expect.objectContaining({ force: true, lost: [lost._id], servedFromBackup: [safe._id] }) });
  });

  it('deletes all files of an account (superadmin only): records deleted, both copies purged, untracked Drive files removed', async () => {
    const a = w.accounts[1] as EmulatorAccount;
    const id = idOf[a.email] as string;
    const files = [await storedOn(id, randomBytes(MiB), 'all-1.bin'), await storedOn(id, randomBytes(5000), 'all-2.bin')];
    const onAccount = await w.files.findByAccount(id, ['completed']);
    const client = await w.pool.client(id);
    const folderId = (await w.pool.get(id))?.folderId as string;
    const stray = await client.uploadSmallFile({ name: 'stray.bin', parents: [folderId], body: randomBytes(100) });

    expect((await post(AdminApiRoutes.storageDeleteAllFiles(id))).status).toBe(403);
    expect((await w.files.findById(files[0]?._id as string))?.status).toBe('completed');
    const res = await post<DeleteAllFiles>(AdminApiRoutes.storageDeleteAllFiles(id), {}, w.rootToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ account_id: id, files_deleted: onAccount.length, purges_queued: onAccount.length, untracked_deleted: 1 });
    for (const f of files) {
      expect((await w.purged(f._id))?.purgedAt).toBeTruthy();
      expect(existsSync(join(w.webdav.rootDir, f.backupPath as string))).toBe(false);
    }
    for (const f of onAccount) expect((await w.purged(f._id))?.purgedAt).toBeTruthy();
    expect((await client.listFolder(folderId)).files).toEqual([]);
    const after = await post<AdminStorageAccount>(AdminApiRoutes.storageCheck(id));
    expect(after.body).toMatchObject({ files_count: 0, stored_bytes: 0, usage_bytes: 0 });
    expect(stray.id).toBeTruthy();
    expect(await w.activity({ action: 'admin.storage_delete_all_files', target: id, actorEmail: 'root@example.org' })).toHaveLength(1);
  });
});
