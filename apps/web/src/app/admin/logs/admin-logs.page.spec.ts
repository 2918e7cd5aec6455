import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { AccessLogPage, AccessSummary, ActivityLogPage, getPermissions, Role } from '@ddx/contracts';

import { AdminSession } from '../core/admin-session';
import { AdminLogsPage } from './admin-logs.page';

const activityPage = (total: number, page = 1): ActivityLogPage => ({
  items: [{ id: `e${page}`, at: '2026-01-01T10:00:00.000Z', actor_type: 'admin', actor_id: null, actor_email: 'root@example.org', action: 'admin.user_ban', target: 'u1', ip: '192.0.2.1', details: { reason: 'spam' } }],
  total,
  page,
  limit: 25,
  total_pages: Math.ceil(total / 25),
});
const accessPage: AccessLogPage = {
  items: [{ id: 'a1', at: '2026-01-01T10:00:00.000Z', realm: 'user', outcome: 'failed', method: 'password', email: 'bob@example.org', user_id: null, ip: '203.0.113.7', reason: 'wrong_password' }],
  total: 1,
  page: 1,
  limit: 25,
  total_pages: 1,
};
const summary: AccessSummary = { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z', total: 5, successful: 2, failed: 3, top_ips: [{ ip: '203.0.113.7', attempts: 4, failed: 3 }] };
const SETTINGS = '/api/v1/admin/config/settings';

function setup(role: Role) {
  TestBed.configureTestingModule({ imports: [AdminLogsPage], providers: [provideHttpClient(), provideHttpClientTesting()] });
  TestBed.inject(AdminSession).setProfile({ id: 'f'.repeat(24), email: 'me@example.org', role, permissions: getPermissions(role), created_at: '2026-01-01T00:00:00.000Z', last_login_at: null });
  const fixture = TestBed.createComponent(AdminLogsPage);
  const http = TestBed.inject(HttpTestingController);
  fixture.detectChanges();
  http.expectOne(SETTINGS).flush({ activityLogRetentionDays: 365, accessLogRetentionDays: 90, errorLogRetentionDays: 0 });
  return { fixture, http, el: fixture.nativeElement as HTMLElement };
}

const q = (el: HTMLElement, id: string) => el.querySelector(`[data-testid="${id}"]`) as HTMLElement;
function click(f: ComponentFixture<unknown>, id: string): void {
  q(f.nativeElement as HTMLElement, id).click();
  f.detectChanges();
}
function type(f: ComponentFixture<unknown>, id: string, value: string): void {
  const input = q(f.nativeElement as HTMLElement, id) as HTMLInputElement | HTMLSelectElement;
  input.value = value;
  input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input'));
  f.detectChanges();
}

describe('AdminLogsPage', () => {
  it('pages the activity log server-side and sends the filters as typed', async () => {
    const { fixture, http, el } = setup('admin');
    http.expectOne('/api/v1/admin/logs/activity?page=1&limit=25').flush(activityPage(60));
    fixture.detectChanges();
    expect(q(el, 'log-total').textContent).toContain('60 entries · page 1 of 3');
    expect(el.querySelectorAll('[data-testid="log-row"]')).toHaveLength(1);
    expect(el.textContent).toContain('reason: spam');

    click(fixture, 'log-next');
    http.expectOne('/api/v1/admin/logs/activity?page=2&limit=25').flush(activityPage(60, 2));
    fixture.detectChanges();
    expect(q(el, 'log-total').textContent).toContain('page 2 of 3');

    await fixture.whenStable();
    type(fixture, 'log-filter-search', 'a+b (c)');
    click(fixture, 'log-search');
    const req = http.expectOne((r) => r.url === '/api/v1/admin/logs/activity');
    expect(req.request.params.get('search')).toBe('a+b (c)');
    expect(req.request.params.get('page')).toBe('1');
    req.flush(activityPage(1));
    // An admin reads but does not purge.
    expect(q(el, 'log-retention')).toBeNull();
  });

  it('shows sign-ins with the top IPs, and filters by an IP from the summary', async () => {
    const { fixture, http, el } = setup('admin');
    http.expectOne('/api/v1/admin/logs/activity?page=1&limit=25').flush(activityPage(1));
    click(fixture, 'log-tab-access');
    http.expectOne('/api/v1/admin/logs/access?page=1&limit=25').flush(accessPage);
    http.expectOne('/api/v1/admin/logs/access/summary?hours=24&top=10').flush(summary);
    fixture.detectChanges();
    expect(q(el, 'access-totals').textContent).toContain('5 attempts · 2 successful · 3 failed');
    expect(q(el, 'top-ips').textContent).toContain('203.0.113.7');
    expect(el.querySelector('[data-testid="log-row"]')?.textContent).toContain('wrong_password');

    (q(el, 'top-ips').querySelector('button') as HTMLButtonElement).click();
    fixture.detectChanges();
    http.expectOne('/api/v1/admin/logs/access?ip=203.0.113.7&page=1&limit=25').flush(accessPage);
    http.expectOne('/api/v1/admin/logs/access/summary?hours=24&top=10').flush(summary);
  });

  it('drops an answer that arrives after switching to another log', () => {
    const { fixture, http, el } = setup('admin');
    const slow = http.expectOne('/api/v1/admin/logs/activity?page=1&limit=25');
    click(fixture, 'log-tab-errors');
    http.expectOne('/api/v1/admin/logs/errors?page=1&limit=25').flush({ items: [], total: 0, page: 1, limit: 25, total_pages: 0 });
    slow.flush(activityPage(99));
    fixture.detectChanges();
    expect(q(el, 'log-total').textContent).toContain('0 entries');
    expect(el.textContent).toContain('No server errors recorded.');
  });

  it('lets a superadmin purge old entries of the current log after confirming, and shows the retention', async () => {
    const { fixture, http, el } = setup('superadmin');
    http.expectOne('/api/v1/admin/logs/activity?page=1&limit=25').flush(activityPage(1));
    fixture.detectChanges();
    expect(q(el, 'retention-current').textContent).toContain('older than 365 days are deleted automatically');

    await fixture.whenStable();
    type(fixture, 'purge-days', '0');
    click(fixture, 'purge-open');
    expect(el.textContent).toContain('Between 1 and 3650 days.');
    http.expectNone('/api/v1/admin/logs/purge');

    type(fixture, 'purge-days', '30');
    click(fixture, 'purge-open');
    expect(document.querySelector('[data-testid="confirm-ok"]')).not.toBeNull();
    (document.querySelector('[data-testid="confirm-ok"]') as HTMLButtonElement).click();
    fixture.detectChanges();
    const purge = http.expectOne('/api/v1/admin/logs/purge');
    expect(purge.request.method).toBe('POST');
    expect(purge.request.body).toEqual({ kind: 'activity', older_than_days: 30 });
    purge.flush({ kind: 'activity', deleted: 12, cutoff: '2026-01-01T00:00:00.000Z' });
    http.expectOne('/api/v1/admin/logs/activity?page=1&limit=25').flush(activityPage(1));
  });
});
