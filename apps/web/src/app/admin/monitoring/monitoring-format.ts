import { ProbeStatus } from '@ddx/contracts';

export type Tone = 'success' | 'warning' | 'danger' | 'neutral';

export function probeTone(status: ProbeStatus | 'ok' | 'degraded'): Tone {
  switch (status) {
    case 'up':
    case 'ok':
      return 'success';
    case 'degraded':
      return 'warning';
    case 'down':
      return 'danger';
    default:
      return 'neutral';
  }
}

/** `12.5 ms`, `1.2 s`, or an em dash when there is no value. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

/** A share (0…1) as a percentage with one decimal. */
export function formatRate(rate: number): string {
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 2 : 1)}%`;
}
