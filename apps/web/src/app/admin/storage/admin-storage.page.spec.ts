import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AdminApiRoutes, AdminStorageAccount, AdminStorageList, getPermissions, Role } from '@ddx/contracts';

import { AdminSession } from '../core/admin-session';
import { AdminStoragePage, buildAddRequest, removalPlan } from './admin-storage.page';

const account = (over: Partial<AdminStorageAccount>): AdminStorageAccount => ({
  id: 'acc1',
  label: 'Drive one',
  email: 'one@example.org',
  kind: 'oauth',
  folder_id: null,
  enabled: true,
  health: 'healthy',
  last_error: null,
  last_checked_at: null,
  consecutive_failures: 0,
  rate_limited_until: null,
  unlimited: false,
  quota_bytes: 1000,
  usage_bytes: 0,
  reserved_bytes: 0,
  free_bytes: 1000,
  daily_uploaded_bytes: 0,
  files_count: 0,
  stored_bytes: 0,
  created_at: '2026-01-01T00:00:00.000Z',
  ...over,
});

async function render(role: Role): Promise<HTMLElement> {
  TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  TestBed.inject(AdminSession).setProfile({ id: 'f'.repeat(24), email: 'me@example.org', role, permissions: getPermissions(role), created_at: '2026-01-01T00:00:00.000Z', last_login_at: null });
  const fixture = TestBed.createComponent(AdminStoragePage);
  fixture.detectChanges();
  const list: AdminStorageList = {
    accounts: [account({ id: 'on', label: 'On', enabled: true }), account({ id: 'off', label: 'Off', email: 'off@example.org', enabled: false })],
    totals: { accounts: 2, enabled: 1, healthy: 2, quota_bytes: 2000, usage_bytes: 0, reserved_bytes: 0, free_bytes: 1000, files_count: 0, stored_bytes: 0 },
  };
  TestBed.inject(HttpTestingController).expectOne(AdminApiRoutes.storageAccounts).flush(list);
  fixture.detectChanges();
  return fixture.nativeElement as HTMLElement;
}

describe('AdminStoragePage: who may send uploads to a new account', () => {
  const has = (el: HTMLElement, testId: string) => el.querySelector(`[data-testid="${testId}"]`) !== null;

  it('a plain admin manages accounts but sees no "Add account" and no "Enable"', async () => {
    const el = await render('admin');
    expect({ add: has(el, 'storage-add'), enable: has(el, 'storage-enable'), disable: has(el, 'storage-disable'), check: has(el, 'storage-check') }).toEqual({
      add: false,
      enable: false,
      disable: true,
      check: true,
    });
  });

  it('a superadmin sees both', async () => {
    const el = await render('superadmin');
    expect({ add: has(el, 'storage-add'), enable: has(el, 'storage-enable') }).toEqual({ add: true, enable: true });
  });
});

describe('removalPlan', () => {
  it('an empty account is simply removed', () => {
    expect(removalPlan({ label: 'Drive 3', files_count: 0, reserved_bytes: 0 }, false)).toEqual({
      message: 'Drive 3 leaves the pool; no files are stored on it. The bytes in the Google account itself are not touched.',
      force: false,
      allowed: true,
    });
  });

  it('an account with files is refused to an admin and says who can force it', () => {
    const plan = removalPlan({ label: 'Drive 1', files_count: 4, reserved_bytes: 0 }, false);
    expect(plan.allowed).toBe(false);
    expect(plan.message).toContain('4 files are stored on Drive 1, so removing it is refused');
    expect(plan.message).toContain('ask a superadmin');
  });

  it('a superadmin forces it and is told what happens to the files and uploads in flight', () => {
    const plan = removalPlan({ label: 'Drive 1', files_count: 0, reserved_bytes: 10 }, true);
    expect(plan).toMatchObject({ force: true, allowed: true });
    expect(plan.message).toContain('Uploads are in flight to Drive 1');
    expect(plan.message).toContain('files without one can no longer be downloaded');
  });
});

describe('buildAddRequest', () => {
  const base = { kind: 'oauth' as const, label: '', clientId: ' id ', clientSecret: 's', refreshToken: 't', keyJson: '', subject: '' };
  it('builds an OAuth credential and a service-account one, or says what is missing', () => {
    expect(buildAddRequest(base)).toEqual({ label: undefined, credential: { kind: 'oauth', client_id: 'id', client_secret: 's', refresh_token: 't' } });
    expect(buildAddRequest({ ...base, refreshToken: ' ' })).toBe('Client id, client secret and refresh token are required.');
    expect(buildAddRequest({ ...base, kind: 'service_account', keyJson: '{oops' })).toBe('The key file is not valid JSON.');
    expect(buildAddRequest({ ...base, kind: 'service_account', keyJson: '{"a":1}', label: 'SA' })).toEqual({ label: 'SA', credential: { kind: 'service_account', key_json: '{"a":1}', subject: undefined } });
  });
});
