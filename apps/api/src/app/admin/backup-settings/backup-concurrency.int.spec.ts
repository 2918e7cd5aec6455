import { startApp } from '@ddx/local-services';
import { testServices } from '@ddx/local-services/testing';
import { openQueue, openQueueEvents, QueueName } from '@ddx/server-queue';
import { Queue, QueueEvents } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { AdminWorld, MiB, sleep } from '../testing/admin-world';

jest.setTimeout(180_000);

const SETTINGS = '/api/v1/admin/config/settings';

/** When each backup job became active and finished, as the worker reported it to Redis (server clock). */
class JobTimeline {
  private readonly marks: Array<{ at: [number, number]; jobId: string; delta: 1 | -1 }> = [];

  constructor(private readonly events: QueueEvents) {
    events.on('active', ({ jobId }, id) => this.mark(jobId, id, 1));
    events.on('completed', ({ jobId }, id) => this.mark(jobId, id, -1));
    events.on('failed', ({ jobId }, id) => this.mark(jobId, id, -1));
  }

  /** The most of `jobIds` that were running at the same time. */
  maxConcurrent(jobIds: string[]): number {
    const ours = this.marks.filter((m) => jobIds.includes(m.jobId)).sort((a, b) => a.at[0] - b.at[0] || a.at[1] - b.at[1]);
    let running = 0;
    let max = 0;
    for (const m of ours) {
      running += m.delta;
      max = Math.max(max, running);
    }
    return max;
  }

  private mark(jobId: string, streamId: string, delta: 1 | -1): void {
    const [ms, seq] = streamId.split('-').map(Number);
    this.marks.push({ at: [ms ?? 0, seq ?? 0], jobId, delta });
  }
}

/**
 * The admin setting `backupConcurrency` is obeyed by a running worker
 * without a restart: with 1, backup copies never overlap (though the
 * worker's own BACKUP_CONCURRENCY is 4); changed to 2 through the admin
 * API, two run at once. Each copy is made slow by delaying the Drive read.
 */
describe('backup concurrency setting, enforced by the worker', () => {
  let w: AdminWorld;
  let queue: Queue;
  let events: QueueEvents;
  let timeline: JobTimeline;
  const workerLog = join(testServices().dataDir, `worker-backupconc-${process.pid}-${Date.now()}.log`);

  beforeAll(async () => {
    w = await AdminWorld.start('backupconc', { env: { SETTINGS_CACHE_TTL_MS: '500' } });
    queue = openQueue(QueueName.backup, w.env);
    events = openQueueEvents(QueueName.backup, w.env);
    await events.waitUntilReady();
    timeline = new JobTimeline(events);
  });

  afterAll(async () => {
    await events?.close();
    await queue?.close();
    await w?.close();
  });

  const setConcurrency = async (value: number | null) => {
    const res = await w.req('PATCH', SETTINGS, w.rootToken, { backupConcurrency: value });
    expect(res.status).toBe(200);
    expect(res.body['backupConcurrency']).toBe(value);
  };

  /** Uploads while the queue is paused, so every copy is waiting when the worker may take them. */
  async function backUpTogether(count: number): Promise<string[]> {
    await queue.pause();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await w.upload(randomBytes(MiB / 4 + i), { filename: `conc-${i}.bin` }));
    expect(await queue.getJobCounts('paused', 'wait')).toMatchObject({ paused: count });
    await queue.resume();
    for (const id of ids) expect((await w.backedUp(id, 90_000))?.backupStatus).toBe('completed');
    return ids;
  }

  async function workerApplied(to: number): Promise<boolean> {
    const applied = () =>
      existsSync(workerLog) &&
      readFileSync(workerLog, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => {
          try {
            return JSON.parse(line) as { msg?: string; to?: number };
          } catch {
            return {}; // a line still being written
          }
        })
        .some((l) => l.msg === 'backup concurrency changed' && l.to === to);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (applied()) return true;
      await sleep(100);
    }
    return false;
  }

  it('with 1, copies never overlap; changed to 2 on the running worker, two run at once', async () => {
    await setConcurrency(1);
    await w.control.addFault({ kind: 'delay', delayMs: 1500, route: 'files.download', count: 1000 });
    // Its log is read to know when it applied a change; w.close() stops it.
    w.workers.push(await startApp('worker', { ...w.env, BACKUP_CONCURRENCY: '4', SETTINGS_CACHE_TTL_MS: '500' }, { log: workerLog }));
    // The worker started with the setting, not its own BACKUP_CONCURRENCY.
    expect(await workerApplied(1)).toBe(true);

    const first = await backUpTogether(3);
    expect(timeline.maxConcurrent(first)).toBe(1);

    await setConcurrency(2);
    expect(await workerApplied(2)).toBe(true);
    const second = await backUpTogether(3);
    expect(timeline.maxConcurrent(second)).toBe(2);
  });
});
