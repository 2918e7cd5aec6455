import { redisOptionsFromUrl } from './redis-options';

describe('redisOptionsFromUrl', () => {
  it('reads host, port, credentials and database', () => {
    expect(redisOptionsFromUrl('redis://user:p%40ss@cache.internal:6380/3')).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 3,
      tls: undefined,
    });
  });

  it('defaults the port and enables TLS for rediss', () => {
    const o = redisOptionsFromUrl('rediss://cache.example');
    expect(o.port).toBe(6379);
    expect(o.db).toBe(0);
    expect(o.tls).toEqual({});
  });
});
