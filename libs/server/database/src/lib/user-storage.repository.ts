import { Connection, Types } from 'mongoose';

interface UserStorageFields {
  _id: Types.ObjectId | string;
  storageQuotaBytes?: number;
  storageUsedBytes?: number;
  storageReservedBytes?: number;
  storageFreeBytes?: number;
}

/**
 * The storage-quota ledger kept on `users`: quota, used, reserved (uploads
 * in flight) and free = quota − used − reserved. Free is stored so that a
 * reservation is one plain-filter conditional update — parallel initiations
 * can never pass the quota together.
 */
export class UserStorageRepository {
  constructor(private readonly connection: Connection) {}

  /** Users are keyed by ObjectId; callers pass its hex string. */
  private id(userId: string): Types.ObjectId | string {
    return Types.ObjectId.isValid(userId) && new Types.ObjectId(userId).toHexString() === userId ? new Types.ObjectId(userId) : userId;
  }

  private get users() {
    return this.connection.collection<UserStorageFields>('users');
  }

  /** Fills the ledger fields on users created before they existed. */
  private async ensureLedger(userId: string): Promise<void> {
    const user = await this.users.findOne({ _id: this.id(userId) }, { projection: { storageQuotaBytes: 1, storageUsedBytes: 1, storageReservedBytes: 1, storageFreeBytes: 1 } });
    if (!user || typeof user.storageFreeBytes === 'number') return;
    const quota = user.storageQuotaBytes ?? 0;
    const used = user.storageUsedBytes ?? 0;
    const reserved = user.storageReservedBytes ?? 0;
    await this.users.updateOne(
      { _id: this.id(userId), storageFreeBytes: { $exists: false } },
      { $set: { storageUsedBytes: used, storageReservedBytes: reserved, storageFreeBytes: quota - used - reserved } },
    );
  }

  async reserve(userId: string, bytes: number): Promise<boolean> {
    await this.ensureLedger(userId);
    const res = await this.users.updateOne(
      { _id: this.id(userId), storageFreeBytes: { $gte: bytes } },
      { $inc: { storageFreeBytes: -bytes, storageReservedBytes: bytes } },
    );
    return res.modifiedCount === 1 || (bytes === 0 && res.matchedCount === 1);
  }

  async release(userId: string, bytes: number): Promise<void> {
    if (bytes <= 0) return;
    await this.users.updateOne({ _id: this.id(userId) }, { $inc: { storageFreeBytes: bytes, storageReservedBytes: -bytes } });
  }

  /** Reservation becomes usage (the stored size may differ from what was reserved). */
  async commit(userId: string, reservedBytes: number, storedBytes: number): Promise<void> {
    await this.users.updateOne(
      { _id: this.id(userId) },
      { $inc: { storageReservedBytes: -reservedBytes, storageUsedBytes: storedBytes, storageFreeBytes: reservedBytes - storedBytes } },
    );
  }

  /** A deleted file's bytes are given back. */
  async giveBack(userId: string, bytes: number): Promise<void> {
    await this.users.updateOne({ _id: this.id(userId) }, { $inc: { storageUsedBytes: -bytes, storageFreeBytes: bytes } });
  }

  /** Admin changed the quota: free moves by the same amount. */
  async setQuota(userId: string, quotaBytes: number): Promise<void> {
    await this.ensureLedger(userId);
    for (let attempt = 0; attempt < 10; attempt++) {
      const u = await this.users.findOne({ _id: this.id(userId) });
      if (!u) return;
      const res = await this.users.updateOne(
        { _id: this.id(userId), storageQuotaBytes: u.storageQuotaBytes ?? 0, storageFreeBytes: u.storageFreeBytes ?? 0 },
        { $set: { storageQuotaBytes: quotaBytes }, $inc: { storageFreeBytes: quotaBytes - (u.storageQuotaBytes ?? 0) } },
      );
      if (res.matchedCount === 1) return;
    }
  }

  async get(userId: string): Promise<{ quota: number; used: number; reserved: number; free: number } | null> {
    await this.ensureLedger(userId);
    const u = await this.users.findOne({ _id: this.id(userId) });
    if (!u) return null;
    return { quota: u.storageQuotaBytes ?? 0, used: u.storageUsedBytes ?? 0, reserved: u.storageReservedBytes ?? 0, free: u.storageFreeBytes ?? 0 };
  }
}
