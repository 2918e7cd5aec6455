import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';

import { userAuthInterceptor } from '../../core/user-auth.interceptor';
import { USER_TOKEN_STORAGE_KEY, UserSession } from '../../core/user-session';
import { adminAuthInterceptor, isAdminApiUrl } from './admin-auth.interceptor';
import { ADMIN_TOKEN_STORAGE_KEY, AdminSession } from './admin-session';

const ORIGIN = 'http://localhost';

describe('isAdminApiUrl', () => {
  it.each([
    ['/api/v1/admin/users', true],
    ['/api/v1/admin/auth/me', true],
    [`${ORIGIN}/api/v1/admin/config/settings`, true],
    ['/api/v1/files/../admin/users', true], // normalised before checking
    ['/api/v1/admin', false],
    ['/api/v1/administrators', false],
    ['/api/v1/auth/users/me', false],
    ['/api/v1/admin/../files/x', false],
    ['https://evil.example/api/v1/admin/users', false],
    ['//evil.example/api/v1/admin/users', false],
    ['/assets/x.json', false],
  ])('%s → %s', (url, expected) => {
    expect(isAdminApiUrl(url, ORIGIN)).toBe(expected);
  });
});

describe('adminAuthInterceptor (with the user interceptor, as in app.config)', () => {
  function setup(tokens: { user?: string; admin?: string }) {
    localStorage.clear();
    if (tokens.user) localStorage.setItem(USER_TOKEN_STORAGE_KEY, tokens.user);
    if (tokens.admin) localStorage.setItem(ADMIN_TOKEN_STORAGE_KEY, tokens.admin);
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(withInterceptors([userAuthInterceptor, adminAuthInterceptor])), provideHttpClientTesting()],
    });
    const router = TestBed.inject(Router);
    jest.spyOn(router, 'navigate').mockResolvedValue(true);
    return { http: TestBed.inject(HttpClient), ctl: TestBed.inject(HttpTestingController), router, admin: TestBed.inject(AdminSession), user: TestBed.inject(UserSession) };
  }

  afterEach(() => localStorage.clear());

  it('sends the admin token to /api/v1/admin/ only, and the user token everywhere else on the api', () => {
    const { http, ctl } = setup({ user: 'user-token', admin: 'admin-token' });
    http.get('/api/v1/admin/users').subscribe();
    http.get('/api/v1/auth/users/me').subscribe();
    http.get('https://other.example/api/v1/admin/users').subscribe();
    http.get('/assets/x.json').subscribe();
    expect(ctl.expectOne('/api/v1/admin/users').request.headers.get('Authorization')).toBe('Bearer admin-token');
    expect(ctl.expectOne('/api/v1/auth/users/me').request.headers.get('Authorization')).toBe('Bearer user-token');
    expect(ctl.expectOne('https://other.example/api/v1/admin/users').request.headers.has('Authorization')).toBe(false);
    expect(ctl.expectOne('/assets/x.json').request.headers.has('Authorization')).toBe(false);
    ctl.verify();
  });

  it('never sends the user token to the admin api, even when no admin is signed in', () => {
    const { http, ctl } = setup({ user: 'user-token' });
    http.get('/api/v1/admin/auth/me').subscribe();
    http.get('/api/v1/admin/users', { headers: { Authorization: 'Bearer user-token' } }).subscribe();
    expect(ctl.expectOne('/api/v1/admin/auth/me').request.headers.has('Authorization')).toBe(false);
    expect(ctl.expectOne('/api/v1/admin/users').request.headers.has('Authorization')).toBe(false);
  });

  it('a 401 from the admin api ends the admin session only and goes to /admin/login', () => {
    const { http, ctl, router, admin, user } = setup({ user: 'user-token', admin: 'admin-token' });
    const errors: unknown[] = [];
    http.get('/api/v1/admin/users').subscribe({ error: (e) => errors.push(e) });
    ctl.expectOne('/api/v1/admin/users').flush({ statusCode: 401, error: 'TOKEN_EXPIRED', message: 'expired' }, { status: 401, statusText: 'Unauthorized' });
    expect(errors).toHaveLength(1);
    expect(admin.signedIn()).toBe(false);
    expect(localStorage.getItem(ADMIN_TOKEN_STORAGE_KEY)).toBeNull();
    expect(user.signedIn()).toBe(true);
    expect(localStorage.getItem(USER_TOKEN_STORAGE_KEY)).toBe('user-token');
    expect(router.navigate).toHaveBeenCalledWith(['/admin/login'], { queryParams: { reason: 'expired' } });
  });

  it('a 403 (missing permission) keeps the admin session', () => {
    const { http, ctl, router, admin } = setup({ admin: 'admin-token' });
    http.patch('/api/v1/admin/config/settings', {}).subscribe({ error: () => undefined });
    ctl.expectOne('/api/v1/admin/config/settings').flush({ statusCode: 403, error: 'PERMISSION_DENIED', message: 'no' }, { status: 403, statusText: 'Forbidden' });
    expect(admin.signedIn()).toBe(true);
    expect(router.navigate).not.toHaveBeenCalled();
  });

  it('a 401 on a user route never touches the admin session', () => {
    const { http, ctl, admin } = setup({ user: 'user-token', admin: 'admin-token' });
    http.get('/api/v1/files/me/history').subscribe({ error: () => undefined });
    ctl.expectOne('/api/v1/files/me/history').flush({ statusCode: 401, error: 'TOKEN_EXPIRED', message: 'expired' }, { status: 401, statusText: 'Unauthorized' });
    expect(admin.signedIn()).toBe(true);
  });
});
