import { z } from 'zod';

/** Events pushed to admins on `WS /ws_admin` (JSON text frames). */
export const liveEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('upload.started'), at: z.string(), fileId: z.string(), filename: z.string(), size: z.number(), resumedAt: z.number() }),
  z.object({ type: z.literal('upload.progress'), at: z.string(), fileId: z.string(), offset: z.number(), size: z.number() }),
  z.object({ type: z.literal('upload.completed'), at: z.string(), fileId: z.string(), filename: z.string(), size: z.number() }),
  z.object({ type: z.literal('upload.failed'), at: z.string(), fileId: z.string(), code: z.string() }),
  z.object({ type: z.literal('upload.cancelled'), at: z.string(), fileId: z.string() }),
  /** The socket closed before the upload ended; the upload stays resumable until it expires. */
  z.object({ type: z.literal('upload.disconnected'), at: z.string(), fileId: z.string(), offset: z.number() }),
  z.object({ type: z.literal('backup.completed'), at: z.string(), fileId: z.string(), size: z.number() }),
  z.object({ type: z.literal('backup.failed'), at: z.string(), fileId: z.string(), reason: z.string(), final: z.boolean() }),
  z.object({ type: z.literal('account.health'), at: z.string(), accountId: z.string(), label: z.string(), health: z.string(), lastError: z.string().nullable() }),
  z.object({
    type: z.literal('worker.heartbeat'),
    at: z.string(),
    pid: z.number(),
    rssBytes: z.number(),
    heapUsedBytes: z.number(),
    cpuPercent: z.number(),
  }),
  z.object({
    type: z.literal('system'),
    at: z.string(),
    activeUploads: z.number(),
    uploadBytesPerSecond: z.number(),
    queues: z.record(z.string(), z.record(z.string(), z.number())),
    api: z.object({ pid: z.number(), rssBytes: z.number(), heapUsedBytes: z.number(), cpuPercent: z.number() }),
    workers: z.array(z.object({ pid: z.number(), rssBytes: z.number(), cpuPercent: z.number(), seenAt: z.string() })),
    mongoLatencyMs: z.number().nullable(),
    redisLatencyMs: z.number().nullable(),
  }),
]);
export type LiveEvent = z.infer<typeof liveEventSchema>;
export type LiveEventType = LiveEvent['type'];

/** Redis pub/sub channel (after the install's key prefix) carrying LiveEvents between processes. */
export const LIVE_EVENTS_CHANNEL = 'live-events';
