/** Every BullMQ queue of the product. Producers and processors import these. */
export const QueueName = {
  system: 'system',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const SystemJob = {
  /** Round trip used by tests and health tooling: the worker echoes the payload. */
  ping: 'ping',
} as const;

export interface PingJobData {
  nonce: string;
}
export interface PingJobResult {
  nonce: string;
  pid: number;
}
