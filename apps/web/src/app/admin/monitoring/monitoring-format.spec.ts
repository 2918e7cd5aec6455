import { formatMs, formatRate, probeTone } from './monitoring-format';

describe('monitoring formatting', () => {
  it('formats latencies, rates and probe tones', () => {
    expect(formatMs(null)).toBe('—');
    expect(formatMs(3.25)).toBe('3.3 ms');
    expect(formatMs(250)).toBe('250 ms');
    expect(formatMs(2500)).toBe('2.5 s');
    expect(formatMs(30_000)).toBe('30 s');
    expect(formatRate(0)).toBe('0.0%');
    expect(formatRate(0.125)).toBe('12.5%');
    expect(formatRate(0.0004)).toBe('0.04%');
    expect(probeTone('up')).toBe('success');
    expect(probeTone('degraded')).toBe('warning');
    expect(probeTone('down')).toBe('danger');
    expect(probeTone('disabled')).toBe('neutral');
  });
});
