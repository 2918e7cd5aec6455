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

  it.each([[['--port', 'x']], [['--port', '70000']], [['--data-dir']], [['--bogus']], [['--token-lifetime', '0']]])(
    'refuses %p',
    (argv) => {
      expect(() => parseCliOptions(argv, {})).toThrow(CliUsageError);
    },
  );
});
