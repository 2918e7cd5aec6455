import { StoredToken, tokenExpiry } from './stored-token';

const KEY = 'test.token';
const jwt = (exp: number) => `h.${btoa(JSON.stringify({ sub: 'u', exp })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.s`;
const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;
const anHourAgo = () => Math.floor(Date.now() / 1000) - 3600;

describe('StoredToken', () => {
  beforeEach(() => localStorage.clear());

  it('reads the token a previous page load stored, and drops one that has expired', () => {
    const live = jwt(inOneHour());
    localStorage.setItem(KEY, live);
    expect(new StoredToken(window, KEY).token()).toBe(live);

    localStorage.setItem(KEY, jwt(anHourAgo()));
    expect(new StoredToken(window, KEY).token()).toBeNull();
    expect(localStorage.getItem(KEY)).toBeNull();
  });

  it('set and clear write through to localStorage; current() signs out once the token expires', () => {
    const stored = new StoredToken(window, KEY);
    const live = jwt(inOneHour());
    stored.set(live);
    expect(localStorage.getItem(KEY)).toBe(live);
    expect(stored.current()).toBe(live);

    const old = jwt(anHourAgo());
    stored.set(old);
    expect(stored.token()).toBe(old);
    expect(stored.current()).toBeNull();
    expect(stored.token()).toBeNull();
    expect(localStorage.getItem(KEY)).toBeNull();

    stored.set(live);
    stored.clear();
    expect([stored.token(), localStorage.getItem(KEY)]).toEqual([null, null]);
  });

  it('follows a sign-in or sign-out made in another tab, and only for its own key', () => {
    const onOtherTab = jest.fn();
    const stored = new StoredToken(window, KEY, onOtherTab);
    const live = jwt(inOneHour());

    localStorage.setItem(KEY, live); // what the other tab did; its event reaches this one
    window.dispatchEvent(new StorageEvent('storage', { key: KEY }));
    expect(stored.token()).toBe(live);
    expect(onOtherTab).toHaveBeenCalledTimes(1);

    window.dispatchEvent(new StorageEvent('storage', { key: 'some.other.key' }));
    expect(onOtherTab).toHaveBeenCalledTimes(1);

    localStorage.removeItem(KEY);
    window.dispatchEvent(new StorageEvent('storage', { key: KEY }));
    expect(stored.token()).toBeNull();
    expect(onOtherTab).toHaveBeenCalledTimes(2);
  });

  it('works, signed out, where storage is unavailable', () => {
    const stored = new StoredToken(null, KEY);
    stored.set(jwt(inOneHour()));
    expect(stored.current()).not.toBeNull();
    stored.clear();
    expect(stored.current()).toBeNull();
  });
});

describe('tokenExpiry', () => {
  it('reads exp from a JWT payload (base64url) and gives null for anything else', () => {
    expect(tokenExpiry(jwt(1234567890))).toBe(1234567890);
    expect(tokenExpiry('not-a-jwt')).toBeNull();
    expect(tokenExpiry('a.!!!.c')).toBeNull();
    expect(tokenExpiry(`a.${btoa('{"exp":"soon"}')}.c`)).toBeNull();
  });
});
