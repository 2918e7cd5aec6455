import { ConnectionOptions, Queue, QueueEvents } from 'bullmq';

import { QueueName } from './queue-names';
import { redisOptionsFromUrl } from './redis-options';

/** BullMQ keys of an install live under `<REDIS_PREFIX>:bull`. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}:bull`;
}

/** BullMQ requires maxRetriesPerRequest=null on its blocking connections. */
export function bullConnection(redisUrl: string): ConnectionOptions {
  return { ...redisOptionsFromUrl(redisUrl), maxRetriesPerRequest: null };
}

export interface QueueEnv {
  REDIS_URL?: string;
  REDIS_PREFIX?: string;
}

function required(env: QueueEnv): { url: string; prefix: string } {
  if (!env.REDIS_URL || !env.REDIS_PREFIX) throw new Error('REDIS_URL and REDIS_PREFIX are needed to open a queue');
  return { url: env.REDIS_URL, prefix: env.REDIS_PREFIX };
}

/**
 * A handle on a queue of another process (tests that drive a separately
 * started api or worker). Inside the Nest apps, queues are reached through
 * their producer classes only.
 */
export function openQueue<Data = unknown>(name: QueueName, env: QueueEnv): Queue<Data> {
  const { url, prefix } = required(env);
  return new Queue<Data>(name, { connection: bullConnection(url), prefix: bullPrefix(prefix) });
}

/** The events of a queue of another process (see `openQueue`). */
export function openQueueEvents(name: QueueName, env: QueueEnv): QueueEvents {
  const { url, prefix } = required(env);
  return new QueueEvents(name, { connection: bullConnection(url), prefix: bullPrefix(prefix) });
}
