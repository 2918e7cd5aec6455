import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { AdminFileList, AdminUserDetail, Role } from '@ddx/contracts';

import { AdminSession } from '../core/admin-session';
import { AdminUserDetailPage } from './admin-user-detail.page';

const ID = 'a'.repeat(24);
const GiB = 1024 ** 3;
const detail = (over: Partial<AdminUserDetail> = {}): AdminUserDetail => ({
  id: ID,
  email: 'bob@example.org',
  role: 'regular',
  status: 'active',
  status_reason: null,
  name: null,
  has_password: true,
  google_linked: false,
  created_at: '2026-01-01T00:00:00.000Z',
  last_login_at: null,
  storage_quota_bytes: 10 * GiB,
  files_count: 1,
  storage_used_bytes: 2048,
  storage: { quota_bytes: 10 * GiB, used_bytes: 2048, reserved_bytes: 0, free_bytes: 10 * GiB - 2048 },
  ...over,
});
const noFiles: AdminFileList = { items: [], total: 0, page: 1, limit: 20, total_pages: 0 };
const FILES = `/api/v1/admin/users/${ID}/files?status=&sort_by=created_at&sort_order=desc&page=1&limit=20`.replace('status=&', '');

async function setup(role: Role, user = detail()) {
  TestBed.configureTestingModule({
    providers: [provideRouter([{ path: 'admin/users/:id', component: AdminUserDetailPage }, { path: 'admin/users', children: [] }]), provideHttpClient(), provideHttpClientTesting()],
  });
  TestBed.inject(AdminSession).setProfile({ id: 'f'.repeat(24), email: 'me@example.org', role, permissions: [], created_at: '2026-01-01T00:00:00.000Z', last_login_at: null });
  const harness = await RouterTestingHarness.create();
  await harness.navigateByUrl(`/admin/users/${ID}`);
  const http = TestBed.inject(HttpTestingController);
  http.expectOne(`/api/v1/admin/users/${ID}`).flush(user);
  http.expectOne(FILES).flush(noFiles);
  harness.detectChanges();
  await harness.fixture.whenStable();
  harness.detectChanges();
  const el = harness.routeNativeElement as HTMLElement;
  const click = (sel: string) => {
    (el.querySelector(sel) as HTMLElement).click();
    harness.detectChanges();
  };
  const type = (sel: string, value: string) => {
    const input = el.querySelector(sel) as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    harness.detectChanges();
  };
  return { harness, http, el, click, type };
}

describe('AdminUserDetailPage', () => {
  it('sets the quota from a size in words and refuses text it cannot read', async () => {
    const { http, el, click, type, harness } = await setup('admin');
    expect((el.querySelector('[data-testid="detail-quota-input"]') as HTMLInputElement).value).toBe('10 GiB');
    type('[data-testid="detail-quota-input"]', 'plenty');
    click('[data-testid="detail-quota-save"]');
    expect(el.textContent).toContain('Enter a size such as 20 GiB or 500 MiB.');
    http.expectNone(() => true);

    type('[data-testid="detail-quota-input"]', '20 GiB');
    click('[data-testid="detail-quota-save"]');
    const req = http.expectOne(`/api/v1/admin/users/${ID}/quota`);
    expect(req.request.method).toBe('PUT');
    expect(req.request.body).toEqual({ quota_bytes: 20 * GiB });
    req.flush(detail());
    http.expectOne(`/api/v1/admin/users/${ID}`).flush(detail({ storage_quota_bytes: 20 * GiB, storage: { quota_bytes: 20 * GiB, used_bytes: 2048, reserved_bytes: 0, free_bytes: 20 * GiB - 2048 } }));
    harness.detectChanges();
    expect(el.querySelector('[data-testid="detail-storage"]')?.textContent).toContain('20 GiB');
  });

  it('an admin looking at another admin can neither moderate nor change the role', async () => {
    const { el } = await setup('admin', detail({ role: 'admin', email: 'ann@example.org' }));
    for (const id of ['detail-suspend', 'detail-ban', 'detail-delete', 'detail-role-select', 'detail-reset-password', 'detail-quota-input']) {
      expect(el.querySelector(`[data-testid="${id}"]`)).toBeNull();
    }
    expect(el.textContent).toContain("Your role cannot change this account's access.");
  });

  it('a superadmin changes the role after confirming', async () => {
    const { http, el, click, harness } = await setup('superadmin');
    const select = el.querySelector('[data-testid="detail-role-select"]') as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.value)).toEqual(['admin', 'superadmin']);
    click('[data-testid="detail-role-save"]');
    expect(el.querySelector('[role="dialog"]')?.textContent).toContain('can then sign in to this admin panel as admin');
    http.expectNone(() => true);
    click('[data-testid="confirm-ok"]');
    const req = http.expectOne(`/api/v1/admin/users/${ID}/role`);
    expect(req.request.body).toEqual({ role: 'admin' });
    req.flush(detail({ role: 'admin' }));
    http.expectOne(`/api/v1/admin/users/${ID}`).flush(detail({ role: 'admin' }));
    harness.detectChanges();
    expect(el.querySelector('[data-testid="detail-role"]')?.textContent).toBe('admin');
  });

  it('shows the password policy refusal of a reset in the dialog', async () => {
    const { http, el, click, type, harness } = await setup('admin');
    click('[data-testid="detail-reset-password"]');
    type('[data-testid="detail-new-password"]', 'short');
    click('[data-testid="detail-password-save"]');
    const req = http.expectOne(`/api/v1/admin/users/${ID}/reset-password`);
    expect(req.request.body).toEqual({ new_password: 'short' });
    req.flush(
      { statusCode: 400, error: 'VALIDATION', message: 'The password is too weak.', details: [{ path: 'new_password', message: 'At least 12 characters.' }] },
      { status: 400, statusText: 'Bad Request' },
    );
    harness.detectChanges();
    expect(el.querySelector('[role="dialog"]')?.textContent).toContain('The password is too weak. At least 12 characters.');
  });

  it('deletes the account after the confirmation and returns to the list', async () => {
    const { http, el, click, harness } = await setup('admin');
    click('[data-testid="detail-delete"]');
    expect(el.querySelector('[data-testid="reason-dialog-message"]')?.textContent).toContain('every file they own is removed');
    http.expectNone(() => true);
    click('[data-testid="reason-confirm"]');
    const req = http.expectOne(`/api/v1/admin/users/${ID}`);
    expect(req.request.method).toBe('DELETE');
    req.flush({ user_id: ID, email: 'bob@example.org', files_deleted: 1, purges_queued: 1 });
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/admin/users');
  });
});
