import { CliUsageError, parseCliOptions } from './cli-options';

describe('parseCliOptions', () => {
  it('reads flags in both --flag value and --flag=value forms', () => {
    expect(parseCliOptions(['--port', '0', '--host=0.0.0.0', '--data-dir', '/tmp/d', '--config=/c.json', '--verbose'], {})).toEqual({
      port: 0,
      host: '0.0.0.0',
      dataDir: '/tmp/d',
      config: '/c.json',
      verbose: true,
    });
  });

  it('takes the environment as defaults and lets flags win', () => {
    const env = { GDRIVE_EMULATOR_PORT: '4010', GDRIVE_EMULATOR_DATA_DIR: '/env', GDRIVE_EMULATOR_CONFIG: '/env.json' };
    expect(parseCliOptions([], env)).toEqual({ port: 4010, dataDir: '/env', config: '/env.json' });
    expect(parseCliOptions(['--port', '5000'], env).port).toBe(5000);
  });

  it('reads the network profile: latency in ms, bandwidth in megabits/s', () => {
    expect(parseCliOptions(['--latency-ms', '20', '--bandwidth-mbps=800'], {})).toEqual({ latencyMs: 20, bandwidthBytesPerSecond: 100_000_000 });
    expect(parseCliOptions([], { GDRIVE_EMULATOR_LATENCY_MS: '5', GDRIVE_EMULATOR_BANDWIDTH_MBPS: '8' })).toEqual({
      latencyMs: 5,
      bandwidthBytesPerSecond: 1_000_000,
    });
    expect(parseCliOptions(['--bandwidth-mbps', '0'], {}).bandwidthBytesPerSecond).toBeNull();
  });

  it.each([[['--latency-ms', '-1']], [['--latency-ms', 'far']], [['--latency-ms', '']], [['--bandwidth-mbps', 'x']], [['--bandwidth-mbps', '0.0001']]])(
    'refuses the network flags %p with a usage error',
    (argv) => {
      expect(() => parseCliOptions(argv, {})).toThrow(CliUsageError);
    },
  );

  it.each([[['--port', 'x']], [['--port', '70000']], [['--data-dir']], [['--bogus']], [['--token-lifetime', '0']]])(
    'refuses %p',
    (argv) => {
      expect(() => parseCliOptions(argv, {})).toThrow(CliUsageError);
    },
  );
});
