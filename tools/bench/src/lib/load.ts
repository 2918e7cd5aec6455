import { request } from 'node:http';

import { keepAliveAgent } from './http';

export interface LoadResult {
  url: string;
  /** How many distinct URLs the requests went round. */
  urls: number;
  connections: number;
  durationMs: number;
  requests: number;
  /** Every request answered, warm-up and wind-down included (what the CPU of the whole run is divided by). */
  allRequests: number;
  errors: number;
  /** Non-2xx answers. */
  badStatus: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** One body seen (for correctness checks). */
  sampleBody?: string;
  /** Answers `check` refused (during the measured part). */
  badBodies: number;
}

/**
 * A small keep-alive load generator (what autocannon does, without the
 * dependency): `connections` sockets, each sending the next GET as soon as
 * the previous answer is read, for `durationMs` after `warmupMs`. With several
 * URLs, requests go round them in order (so no two requests in flight share
 * one unless there are fewer URLs than connections); `check` sees every answer.
 */
export async function runLoad(
  url: string | string[],
  options: { connections: number; durationMs: number; warmupMs?: number; check?: (url: string, body: string) => boolean },
): Promise<LoadResult> {
  const agent = keepAliveAgent(options.connections);
  const urls = [url].flat();
  if (!urls.length) throw new Error('no URL to load');
  const targets = urls.map((u) => new URL(u));
  let turn = 0;
  let badBodies = 0;
  let allRequests = 0;
  const latencies: number[] = [];
  let errors = 0;
  let badStatus = 0;
  let sampleBody: string | undefined;
  let recording = false;
  let running = true;

  const once = () =>
    new Promise<void>((resolve) => {
      const k = turn++ % targets.length;
      const target = targets[k] as URL;
      const started = performance.now();
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, agent, headers: { Accept: 'application/json' } },
        (res) => {
          const parts: Buffer[] = [];
          const keep = sampleBody === undefined || options.check !== undefined;
          res.on('data', (c: Buffer) => {
            if (keep) parts.push(c);
          });
          res.on('end', () => {
            allRequests++;
            const body = keep ? Buffer.concat(parts).toString('utf8') : '';
            if (recording) {
              latencies.push(performance.now() - started);
              if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) badStatus++;
              if (options.check && !options.check(urls[k] as string, body)) badBodies++;
            }
            if (sampleBody === undefined && parts.length) sampleBody = body;
            resolve();
          });
          res.on('error', () => {
            if (recording) errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        if (recording) errors++;
        resolve();
      });
      req.end();
    });

  const loop = async () => {
    while (running) await once();
  };
  const loops = Array.from({ length: options.connections }, loop);
  await sleep(options.warmupMs ?? 1000);
  recording = true;
  const started = performance.now();
  await sleep(options.durationMs);
  recording = false;
  const elapsed = performance.now() - started;
  running = false;
  await Promise.all(loops);
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? (latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] as number) : NaN);
  const mean = latencies.reduce((s, x) => s + x, 0) / Math.max(1, latencies.length);
  return {
    url: urls[0] as string,
    urls: urls.length,
    connections: options.connections,
    durationMs: Math.round(elapsed),
    requests: latencies.length,
    allRequests,
    errors,
    badStatus,
    rps: latencies.length / (elapsed / 1000),
    latencyMs: { p50: round(pct(50)), p90: round(pct(90)), p99: round(pct(99)), max: round(latencies[latencies.length - 1] ?? NaN), mean: round(mean) },
    sampleBody,
    badBodies,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
