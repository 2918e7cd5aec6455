/// <reference types="jest" />
/**
 * A stand-in for a repository or service in unit tests: every method the test
 * did not stub throws when called, so an unexpected write fails the test
 * instead of passing silently.
 */
export function strictMock<T extends object>(name: string, stubs: Partial<Record<keyof T, jest.Mock>> = {}): T & Record<keyof T, jest.Mock> {
  return new Proxy(stubs as T & Record<keyof T, jest.Mock>, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof T];
      // Promise resolution probes `then`; a mock is not a thenable.
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      return () => {
        throw new Error(`unexpected call ${name}.${String(prop)}()`);
      };
    },
  });
}
