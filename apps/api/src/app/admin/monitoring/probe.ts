import { Probe, ProbeStatus } from '@ddx/contracts';
import { performance } from 'node:perf_hooks';

import { withTimeout } from '../../metrics/with-timeout';

/** Every live check gives up after this long, so a page of probes answers within seconds. */
export const PROBE_TIMEOUT_MS = 3000;

export interface ProbeOutcome {
  status?: ProbeStatus;
  detail?: string | null;
}

/**
 * Runs one check with a timeout and measures it. A check that throws or
 * times out is `down` with the reason; the latency is null after a timeout.
 */
export async function runProbe(name: string, check: () => Promise<ProbeOutcome>, timeoutMs = PROBE_TIMEOUT_MS): Promise<Probe> {
  const started = performance.now();
  try {
    const outcome = await withTimeout(check(), timeoutMs);
    return { name, status: outcome.status ?? 'up', latency_ms: round(performance.now() - started), detail: outcome.detail ?? null };
  } catch (e) {
    const elapsed = performance.now() - started;
    const timedOut = elapsed >= timeoutMs;
    return { name, status: 'down', latency_ms: timedOut ? null : round(elapsed), detail: timedOut ? `no answer within ${timeoutMs} ms` : reason(e) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** A short, single-line reason (no stack, no URL credentials). */
export function reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\/\/[^/@\s]+@/g, '//').split('\n', 1)[0]?.slice(0, 300) ?? 'failed';
}
