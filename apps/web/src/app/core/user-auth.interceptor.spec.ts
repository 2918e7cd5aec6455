import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';

import { isUserApiUrl, userAuthInterceptor } from './user-auth.interceptor';
import { USER_TOKEN_STORAGE_KEY, UserSession } from './user-session';

const ORIGIN = 'http://localhost'; // jsdom's origin

describe('isUserApiUrl', () => {
  it.each([
    ['/api/v1/upload/initiate', true],
    ['/api/v1/auth/users/me', true],
    ['/api/v1/files/me/history?page=2', true],
    [`${ORIGIN}/api/v1/files/x/meta`, true],
    ['/api/v1/administrators', true], // not the admin area, just a similar name
    ['/api/v1/admin/auth/me', false],
    ['/api/v1/admin', false],
    ['/api/v1/files/../admin/users', false], // normalised before checking
    ['/api/v2/whatever', false],
    ['/api/docs', false],
    ['/assets/logo.svg', false],
    ['https://evil.example/api/v1/auth/users/me', false],
    ['//evil.example/api/v1/auth/users/me', false],
  ])('%s → %s', (url, expected) => {
    expect(isUserApiUrl(url, ORIGIN)).toBe(expected);
  });
});

describe('userAuthInterceptor', () => {
  function setup(token: string | null) {
    localStorage.clear();
    if (token) localStorage.setItem(USER_TOKEN_STORAGE_KEY, token);
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(withInterceptors([userAuthInterceptor])), provideHttpClientTesting()],
    });
    const router = TestBed.inject(Router);
    jest.spyOn(router, 'navigate').mockResolvedValue(true);
    return { http: TestBed.inject(HttpClient), ctl: TestBed.inject(HttpTestingController), session: TestBed.inject(UserSession), router };
  }

  afterEach(() => localStorage.clear());

  it('sends the user token to user api routes only', () => {
    const { http, ctl } = setup('user-token');
    http.get('/api/v1/auth/users/me').subscribe();
    http.get('/api/v1/admin/users').subscribe();
    http.get('https://other.example/api/v1/auth/users/me').subscribe();
    http.get('/assets/x.json').subscribe();
    expect(ctl.expectOne('/api/v1/auth/users/me').request.headers.get('Authorization')).toBe('Bearer user-token');
    expect(ctl.expectOne('/api/v1/admin/users').request.headers.has('Authorization')).toBe(false);
    expect(ctl.expectOne('https://other.example/api/v1/auth/users/me').request.headers.has('Authorization')).toBe(false);
    expect(ctl.expectOne('/assets/x.json').request.headers.has('Authorization')).toBe(false);
    ctl.verify();
  });

  it('never touches an Authorization header the admin area sets itself', () => {
    const { http, ctl } = setup('user-token');
    http.get('/api/v1/admin/auth/me', { headers: { Authorization: 'Bearer admin-token' } }).subscribe();
    expect(ctl.expectOne('/api/v1/admin/auth/me').request.headers.get('Authorization')).toBe('Bearer admin-token');
  });

  it('sends nothing when signed out, and an expired token counts as signed out', () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const expired = `x.${btoa(JSON.stringify({ exp: past })).replace(/=+$/, '')}.y`;
    const { http, ctl, session } = setup(expired);
    http.get('/api/v1/upload/quota-info').subscribe();
    expect(ctl.expectOne('/api/v1/upload/quota-info').request.headers.has('Authorization')).toBe(false);
    expect(session.signedIn()).toBe(false);
    expect(localStorage.getItem(USER_TOKEN_STORAGE_KEY)).toBeNull();
  });

  it('a 401 on a request that carried the token ends the session and goes to sign-in', () => {
    const { http, ctl, session, router } = setup('user-token');
    const errors: unknown[] = [];
    http.get('/api/v1/files/me/history').subscribe({ error: (e) => errors.push(e) });
    ctl.expectOne('/api/v1/files/me/history').flush({ statusCode: 401, error: 'TOKEN_EXPIRED', message: 'Your session has expired.' }, { status: 401, statusText: 'Unauthorized' });
    expect(errors).toHaveLength(1);
    expect(session.signedIn()).toBe(false);
    expect(localStorage.getItem(USER_TOKEN_STORAGE_KEY)).toBeNull();
    expect(router.navigate).toHaveBeenCalledWith(['/login'], { queryParams: { returnUrl: undefined, reason: 'expired' } });
  });

  it('a 401 without a token (wrong password at sign-in) changes nothing', () => {
    const { http, ctl, router } = setup(null);
    http.post('/api/v1/auth/token', {}).subscribe({ error: () => undefined });
    ctl.expectOne('/api/v1/auth/token').flush({ statusCode: 401, error: 'INVALID_CREDENTIALS', message: 'Wrong' }, { status: 401, statusText: 'Unauthorized' });
    expect(router.navigate).not.toHaveBeenCalled();
  });

  it('a 401 from an admin route does not sign the user out', () => {
    const { http, ctl, session } = setup('user-token');
    http.get('/api/v1/admin/auth/me').subscribe({ error: () => undefined });
    ctl.expectOne('/api/v1/admin/auth/me').flush({ statusCode: 401, error: 'TOKEN_MISSING', message: 'x' }, { status: 401, statusText: 'Unauthorized' });
    expect(session.signedIn()).toBe(true);
  });
});
