import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AdminUser, AdminUserList, Role } from '@ddx/contracts';

import { AdminSession } from '../core/admin-session';
import { AdminUsersPage } from './admin-users.page';

const user = (over: Partial<AdminUser>): AdminUser => ({
  id: 'a'.repeat(24),
  email: 'bob@example.org',
  role: 'regular',
  status: 'active',
  status_reason: null,
  name: null,
  has_password: true,
  google_linked: false,
  created_at: '2026-01-01T00:00:00.000Z',
  last_login_at: null,
  storage_quota_bytes: 1,
  files_count: 3,
  storage_used_bytes: 2048,
  ...over,
});
const FIRST = '/api/v1/admin/users?page=1&limit=20&sort_by=created_at&sort_order=desc';
const page = (items: AdminUser[]): AdminUserList => ({ items, total: items.length, page: 1, limit: 20, total_pages: 1 });

function setup(role: Role) {
  TestBed.configureTestingModule({ imports: [AdminUsersPage], providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  TestBed.inject(AdminSession).setProfile({ id: 'f'.repeat(24), email: 'me@example.org', role, permissions: [], created_at: '2026-01-01T00:00:00.000Z', last_login_at: null });
  const fixture = TestBed.createComponent(AdminUsersPage);
  const http = TestBed.inject(HttpTestingController);
  fixture.detectChanges();
  return { fixture, http, el: fixture.nativeElement as HTMLElement };
}

const click = (f: ComponentFixture<unknown>, sel: string) => {
  ((f.nativeElement as HTMLElement).querySelector(sel) as HTMLElement).click();
  f.detectChanges();
};

describe('AdminUsersPage', () => {
  it('loads a server-side page, filters by status and shows who may be moderated', async () => {
    const { fixture, http, el } = setup('admin');
    http.expectOne(FIRST).flush(page([user({}), user({ id: 'b'.repeat(24), email: 'other-admin@example.org', role: 'admin' })]));
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="users-total"]')?.textContent).toContain('2 users');
    // an admin moderates regular users only
    expect(el.querySelector('[data-testid="user-row-bob@example.org"] [data-testid="user-suspend"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="user-row-other-admin@example.org"] [data-testid="user-suspend"]')).toBeNull();

    await fixture.whenStable(); // template-driven controls register asynchronously
    const select = el.querySelector('[data-testid="user-status-filter"]') as HTMLSelectElement;
    select.value = 'suspended';
    select.dispatchEvent(new Event('change'));
    fixture.detectChanges();
    http.expectOne('/api/v1/admin/users?page=1&limit=20&status=suspended&sort_by=created_at&sort_order=desc').flush(page([]));
  });

  it('asks for a reason before suspending, then posts it and reloads', () => {
    const { fixture, http, el } = setup('superadmin');
    http.expectOne(FIRST).flush(page([user({})]));
    fixture.detectChanges();
    click(fixture, '[data-testid="user-suspend"]');
    click(fixture, '[data-testid="moderation-confirm"]');
    expect(el.querySelector('[data-testid="field-error"]')?.textContent).toContain('A reason is required.');
    http.expectNone(() => true);

    const reason = el.querySelector('[data-testid="moderation-reason"]') as HTMLTextAreaElement;
    reason.value = 'spam';
    reason.dispatchEvent(new Event('input'));
    click(fixture, '[data-testid="moderation-confirm"]');
    const req = http.expectOne(`/api/v1/admin/users/${'a'.repeat(24)}/suspend`);
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ reason: 'spam' });
    req.flush(user({ status: 'suspended', status_reason: 'spam' }));
    http.expectOne(FIRST).flush(page([user({ status: 'suspended', status_reason: 'spam' })]));
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="user-status"]')?.textContent?.trim()).toBe('suspended');
    expect(el.querySelector('[data-testid="user-reactivate"]')).not.toBeNull();
  });

  it('shows the API refusal in the dialog', () => {
    const { fixture, http, el } = setup('superadmin');
    http.expectOne(FIRST).flush(page([user({})]));
    fixture.detectChanges();
    click(fixture, '[data-testid="user-ban"]');
    const reason = el.querySelector('[data-testid="moderation-reason"]') as HTMLTextAreaElement;
    reason.value = 'fraud';
    reason.dispatchEvent(new Event('input'));
    click(fixture, '[data-testid="moderation-confirm"]');
    http.expectOne(`/api/v1/admin/users/${'a'.repeat(24)}/ban`).flush({ statusCode: 403, error: 'PERMISSION_DENIED', message: 'You may not do that.' }, { status: 403, statusText: 'Forbidden' });
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="moderation-error"]')?.textContent).toContain('You may not do that.');
  });

  it('bulk-bans the selected users it may moderate, with a reason, and reports refusals', () => {
    const { fixture, http, el } = setup('admin');
    const other = user({ id: 'c'.repeat(24), email: 'carol@example.org' });
    const admin = user({ id: 'b'.repeat(24), email: 'other-admin@example.org', role: 'admin' });
    http.expectOne(FIRST).flush(page([user({}), other, admin]));
    fixture.detectChanges();
    // an admin cannot select another admin
    expect((el.querySelector('[data-testid="user-row-other-admin@example.org"] [data-testid="user-select"]') as HTMLInputElement).disabled).toBe(true);
    click(fixture, '[data-testid="users-select-all"]');
    expect(el.querySelector('[data-testid="users-bulk-bar"]')?.textContent).toContain('2 selected');
    click(fixture, '[data-testid="users-bulk-ban"]');
    click(fixture, '[data-testid="reason-confirm"]');
    expect(el.querySelector('[data-testid="field-error"]')?.textContent).toContain('A reason is required.');
    http.expectNone(() => true);
    const reason = el.querySelector('[data-testid="reason-input"]') as HTMLTextAreaElement;
    reason.value = 'spam wave';
    reason.dispatchEvent(new Event('input'));
    click(fixture, '[data-testid="reason-confirm"]');
    const req = http.expectOne('/api/v1/admin/users/bulk');
    expect(req.request.body).toEqual({ ids: ['a'.repeat(24), 'c'.repeat(24)], action: 'ban', reason: 'spam wave' });
    req.flush({ action: 'ban', succeeded: ['a'.repeat(24)], failed: [{ id: 'c'.repeat(24), error: 'NOT_FOUND', message: 'No such user.' }] });
    http.expectOne(FIRST).flush(page([user({ status: 'banned' })]));
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="users-bulk-bar"]')).toBeNull();
  });

  it('sends role, sort and order to the server and links each user to its page', async () => {
    const { fixture, http, el } = setup('admin');
    http.expectOne(FIRST).flush(page([user({})]));
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="user-link"]')?.getAttribute('href')).toBe(`/admin/users/${'a'.repeat(24)}`);
    await fixture.whenStable();
    const role = el.querySelector('[data-testid="user-role-filter"]') as HTMLSelectElement;
    role.value = 'admin';
    role.dispatchEvent(new Event('change'));
    fixture.detectChanges();
    http.expectOne('/api/v1/admin/users?page=1&limit=20&role=admin&sort_by=created_at&sort_order=desc').flush(page([]));
    const sort = el.querySelector('[data-testid="user-sort"]') as HTMLSelectElement;
    sort.value = 'email';
    sort.dispatchEvent(new Event('change'));
    fixture.detectChanges();
    http.expectOne('/api/v1/admin/users?page=1&limit=20&role=admin&sort_by=email&sort_order=desc').flush(page([]));
  });
});
