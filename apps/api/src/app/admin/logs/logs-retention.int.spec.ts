import { LogsJob, openQueue, openQueueEvents, QueueName } from '@ddx/server-queue';
import { Queue, QueueEvents } from 'bullmq';
import { Types } from 'mongoose';

import { AdminWorld } from '../testing/admin-world';

jest.setTimeout(120_000);

const DAY = 24 * 60 * 60 * 1000;
const SETTINGS = '/api/v1/admin/config/settings';

/** The worker's daily retention job applies the retention settings (no TTL indexes on FerretDB). */
describe('log retention job (worker)', () => {
  let w: AdminWorld;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    w = await AdminWorld.start('logretention');
    queue = openQueue(QueueName.logs, w.env);
    events = openQueueEvents(QueueName.logs, w.env);
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await events?.close();
    await queue?.close();
    await w?.close();
  });

  const entry = (action: string, ageDays: number) => ({
    _id: new Types.ObjectId(),
    actorType: 'user',
    actorId: null,
    actorEmail: 'someone@example.org',
    action,
    target: `age-${ageDays}`,
    ip: '192.0.2.1',
    details: null,
    at: new Date(Date.now() - ageDays * DAY),
  });
  const error = (ageDays: number) => ({ at: new Date(Date.now() - ageDays * DAY), status: 500, method: 'GET', route: `/age-${ageDays}`, requestId: null, error: 'Error', message: 'x', stack: null, suppressedBefore: 0 });

  it('deletes what is older than each log’s retention, keeps the rest and logs what it did', async () => {
    const settings = await w.req('PATCH', SETTINGS, w.rootToken, { activityLogRetentionDays: 30, accessLogRetentionDays: 0, errorLogRetentionDays: 7 });
    expect(settings.status).toBe(200);
    // A plain admin cannot change retention.
    expect((await w.req('PATCH', SETTINGS, w.adminToken, { errorLogRetentionDays: 1 })).status).toBe(403);
    expect((await w.req('PATCH', SETTINGS, w.rootToken, { errorLogRetentionDays: -1 })).status).toBe(400);

    const logs = w.db.collection('activity_logs');
    await logs.insertMany([entry('test.retained', 40), entry('test.retained', 20), entry('user.login_failed', 400), entry('user.login', 2)]);
    await w.db.collection('app_errors').insertMany([error(10), error(3)]);

    await w.startWorker();
    // The schedule is daily; run it now as well and wait for that run.
    const job = await queue.add(LogsJob.purge, {});
    const outcome = (await job.waitUntilFinished(events, 60_000)) as Array<{ kind: string; deleted: number; retentionDays: number }>;
    expect(outcome.map((o) => [o.kind, o.retentionDays])).toEqual([
      ['activity', 30],
      ['access', 0],
      ['errors', 7],
    ]);

    expect((await logs.find({ action: 'test.retained' }).toArray()).map((d) => d['target'])).toEqual(['age-20']);
    // Access is kept forever (0): even a 400-day-old sign-in stays.
    expect(await logs.countDocuments({ action: { $in: ['user.login_failed', 'user.login'] }, target: { $in: ['age-400', 'age-2'] } })).toBe(2);
    expect((await w.db.collection('app_errors').find({}).toArray()).map((d) => d['route'])).toEqual(['/age-3']);

    const purged = await w.activity({ action: 'system.logs_purged' });
    expect(purged.map((p) => [p['target'], p['actorType']]).sort()).toEqual([
      ['activity', 'system'],
      ['errors', 'system'],
    ]);
    expect(purged.find((p) => p['target'] === 'activity')?.['details']).toMatchObject({ kind: 'activity', retention_days: 30, deleted: 1 });

    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, Number(s.every)])).toEqual([[LogsJob.purge, DAY]]);
  });
});
