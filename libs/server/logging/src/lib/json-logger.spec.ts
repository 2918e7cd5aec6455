import { Writable } from 'node:stream';

import { createRootLogger, JsonLogger } from './json-logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: createRootLogger('test', 'debug', stream) };
}

describe('JsonLogger', () => {
  it('writes one JSON object per line with level, context and message', () => {
    const { lines, logger } = capture();
    new JsonLogger(logger).warn('disk almost full', 'Storage');
    expect(lines[0]).toMatchObject({ level: 'warn', context: 'Storage', msg: 'disk almost full', service: 'test' });
    expect(typeof lines[0]?.['time']).toBe('string');
  });

  it('keeps structured fields and redacts secrets', () => {
    const { lines, logger } = capture();
    new JsonLogger(logger).log({ msg: 'login', user: 'a@b.c', password: 'hunter2' }, 'Auth');
    expect(lines[0]).toMatchObject({ msg: 'login', user: 'a@b.c', password: '[redacted]' });
  });

  it('serialises errors with their stack', () => {
    const { lines, logger } = capture();
    new JsonLogger(logger).error(new Error('boom'), 'X');
    expect((lines[0]?.['err'] as { stack: string }).stack).toContain('boom');
  });
});
