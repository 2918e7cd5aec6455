import { isolatedNames } from '@ddx/local-services/testing';
import { FileDoc, FileRepository, fileSchema } from '@ddx/server-database';
import { DriveAccountPool } from '@ddx/server-drive';
import { CleanupQueue } from '@ddx/server-queue';
import mongoose, { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';

import { CleanupProcessor } from './cleanup.processor';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The daily purge of records of unfinished uploads, against real FerretDB. */
describe('CleanupProcessor: records of cancelled, failed and expired uploads past uploadRecordRetentionDays', () => {
  let connection: Connection;
  let files: FileRepository;
  let processor: CleanupProcessor;
  const raw = () => connection.collection<Partial<FileDoc> & { _id: string }>('files');

  beforeAll(async () => {
    connection = await mongoose.createConnection(isolatedNames('endedpurge').mongoUrl, { retryWrites: false }).asPromise();
    files = new FileRepository(connection.model<FileDoc>('File', fileSchema));
    // Only the records purge runs here: no Drive, store or queue is touched.
    processor = new CleanupProcessor(files, null as never, null as unknown as DriveAccountPool, null, connection, null as unknown as CleanupQueue);
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  beforeEach(async () => {
    await raw().deleteMany({});
    await connection.collection('settings').deleteMany({});
  });

  /** A record as the upload flow leaves it, last changed `daysAgo` days ago. */
  async function record(status: FileDoc['status'], daysAgo: number, failureReason: string | null = null): Promise<string> {
    const id = randomUUID();
    const at = new Date(Date.now() - daysAgo * DAY_MS);
    await raw().insertOne({
      _id: id,
      ownerId: null,
      filename: `${status}-${daysAgo}.bin`,
      originalFilename: `${status}-${daysAgo}.bin`,
      sizeBytes: 5,
      contentType: 'application/octet-stream',
      status,
      failureReason,
      committedBytes: 0,
      createdAt: at,
      updatedAt: at,
    });
    return id;
  }

  const left = async () => (await raw().find({}).project<{ filename: string }>({ filename: 1 }).toArray()).map((d) => d.filename).sort();

  it('deletes cancelled, failed and expired records older than the default 7 days; keeps recent ones, active uploads and files', async () => {
    await record('cancelled', 8);
    await record('failed', 30, 'STORAGE_ERROR');
    await record('failed', 7.1, 'EXPIRED');
    await record('cancelled', 6.9);
    await record('failed', 1, 'EXPIRED');
    await record('completed', 400);
    await record('deleted', 400);
    await record('pending', 8);
    await record('uploading', 8);

    const outcome = await processor.purgeEndedUploads();

    expect(outcome).toMatchObject({ retentionDays: 7, deleted: 3 });
    expect(await left()).toEqual(['cancelled-6.9.bin', 'completed-400.bin', 'deleted-400.bin', 'failed-1.bin', 'pending-8.bin', 'uploading-8.bin']);
  });

  it('follows the uploadRecordRetentionDays setting; 0 keeps every record', async () => {
    await record('cancelled', 3);
    await record('failed', 1, 'EXPIRED');
    await connection.collection<{ _id: string; value: unknown }>('settings').insertOne({ _id: 'uploadRecordRetentionDays', value: 2 });
    expect(await processor.purgeEndedUploads()).toMatchObject({ retentionDays: 2, deleted: 1 });
    expect(await left()).toEqual(['failed-1.bin']);

    await record('cancelled', 3000);
    await connection.collection<{ _id: string; value: unknown }>('settings').updateOne({ _id: 'uploadRecordRetentionDays' }, { $set: { value: 0 } });
    expect(await processor.purgeEndedUploads()).toEqual({ retentionDays: 0, deleted: 0, cutoff: null });
    expect(await left()).toEqual(['cancelled-3000.bin', 'failed-1.bin']);
  });

  it('runs as the daily cleanup job', async () => {
    await record('cancelled', 10);
    await expect(processor.process({ name: 'purge-ended-uploads', data: {} } as never)).resolves.toMatchObject({ deleted: 1 });
    expect(await left()).toEqual([]);
  });
});
