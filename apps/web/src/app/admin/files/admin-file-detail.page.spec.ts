import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { AdminFileDetail, Role } from '@ddx/contracts';

import { AdminSession } from '../core/admin-session';
import { AdminFileDetailPage, verdict } from './admin-file-detail.page';
import { adminFile } from './admin-file.fixture';

const ID = '0b8f3a52-5d0e-4a43-9c55-0d7d2b1e9f01';
const detail = (over: Partial<AdminFileDetail['file']> = {}): AdminFileDetail => ({
  file: adminFile(over),
  storage: {
    drive: { account_id: 'acc1', account_label: 'Drive one', account_usable: true, exists: true, size: 2048, md5: 'd41d8cd98f00b204e9800998ecf8427e', size_matches: true, md5_matches: false, error: null },
    backup: { enabled: true, path: '/ddx/x/report.pdf', exists: null, size: null, size_matches: null, error: 'WebDAV did not answer' },
    served_from: 'drive',
  },
});

async function setup(role: Role) {
  TestBed.configureTestingModule({
    providers: [provideRouter([{ path: 'admin/files/:id', component: AdminFileDetailPage }, { path: 'admin/files', children: [] }]), provideHttpClient(), provideHttpClientTesting()],
  });
  TestBed.inject(AdminSession).setProfile({ id: 'f'.repeat(24), email: 'me@example.org', role, permissions: [], created_at: '2026-01-01T00:00:00.000Z', last_login_at: null });
  const harness = await RouterTestingHarness.create();
  await harness.navigateByUrl(`/admin/files/${ID}`);
  const http = TestBed.inject(HttpTestingController);
  const el = harness.routeNativeElement as HTMLElement;
  const click = (sel: string) => {
    (el.querySelector(sel) as HTMLElement).click();
    harness.detectChanges();
  };
  return { harness, http, el, click };
}

describe('verdict', () => {
  it('maps the api tri-state to words', () => {
    expect(verdict(true)).toEqual({ text: 'yes', tone: 'success' });
    expect(verdict(false, 'matches', 'differs')).toEqual({ text: 'differs', tone: 'danger' });
    expect(verdict(null)).toEqual({ text: 'unknown', tone: 'neutral' });
  });
});

describe('AdminFileDetailPage', () => {
  it('shows where the copies are and whether they match', async () => {
    const { harness, http, el } = await setup('admin');
    http.expectOne(`/api/v1/admin/files/${ID}`).flush(detail());
    harness.detectChanges();
    expect(el.querySelector('[data-testid="drive-exists"]')?.textContent?.trim()).toBe('yes');
    expect(el.querySelector('[data-testid="drive-md5"]')?.textContent?.trim()).toBe('differs');
    expect(el.querySelector('[data-testid="backup-exists"]')?.textContent?.trim()).toBe('unknown');
    expect(el.querySelector('[data-testid="insight-backup"]')?.textContent).toContain('WebDAV did not answer');
    expect(el.querySelector('[data-testid="served-from"]')?.textContent).toContain('Google Drive');
  });

  it('quarantines with a reason and shows the new state', async () => {
    const { harness, http, el, click } = await setup('admin');
    http.expectOne(`/api/v1/admin/files/${ID}`).flush(detail());
    harness.detectChanges();
    click('[data-testid="file-quarantine"]');
    const reason = el.querySelector('[data-testid="reason-input"]') as HTMLTextAreaElement;
    reason.value = 'phishing';
    reason.dispatchEvent(new Event('input'));
    click('[data-testid="reason-confirm"]');
    const req = http.expectOne(`/api/v1/admin/files/${ID}/quarantine`);
    expect(req.request.body).toEqual({ reason: 'phishing' });
    req.flush({});
    http.expectOne(`/api/v1/admin/files/${ID}`).flush(detail({ quarantined: true }));
    harness.detectChanges();
    expect(el.querySelector('[data-testid="file-quarantine-notice"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="file-release"]')).not.toBeNull();
  });

  it('delete is confirmed, sends the reason and goes back to the list', async () => {
    const { harness, http, el, click } = await setup('superadmin');
    http.expectOne(`/api/v1/admin/files/${ID}`).flush(detail());
    harness.detectChanges();
    click('[data-testid="file-delete"]');
    expect(el.querySelector('[data-testid="reason-dialog-message"]')?.textContent).toContain('Google Drive and the WebDAV backup are removed');
    http.expectNone(() => true);
    const reason = el.querySelector('[data-testid="reason-input"]') as HTMLTextAreaElement;
    reason.value = 'dmca';
    reason.dispatchEvent(new Event('input'));
    click('[data-testid="reason-confirm"]');
    const req = http.expectOne(`/api/v1/admin/files/${ID}?reason=dmca`);
    expect(req.request.method).toBe('DELETE');
    req.flush({ file_id: ID, status: 'deleted', purge_queued: true });
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/admin/files');
  });

  it('hides every action from a role without files.manage and backups.manage', async () => {
    const { harness, http, el } = await setup('regular');
    http.expectOne(`/api/v1/admin/files/${ID}`).flush(detail());
    harness.detectChanges();
    for (const id of ['file-quarantine', 'file-delete', 'file-integrity', 'file-force-backup']) expect(el.querySelector(`[data-testid="${id}"]`)).toBeNull();
  });

  it('runs the integrity check and shows the outcome per copy', async () => {
    const { harness, http, el, click } = await setup('admin');
    http.expectOne(`/api/v1/admin/files/${ID}`).flush(detail());
    harness.detectChanges();
    click('[data-testid="file-integrity"]');
    http.expectOne(`/api/v1/admin/files/${ID}/integrity-check`).flush({
      file_id: ID,
      mode: 'inline',
      expected_size: 2048,
      expected_md5: 'x',
      drive: { checked: true, method: 'read', size: 2048, md5: 'x', ok: true, error: null },
      backup: { checked: false, method: null, size: null, md5: null, ok: null, error: null },
      ok: true,
      checked_at: '2026-01-02T00:00:00.000Z',
    });
    harness.detectChanges();
    expect(el.querySelector('[data-testid="integrity-ok"]')?.textContent).toContain('every copy matches');
    expect(el.querySelector('[data-testid="integrity-result"]')?.textContent).toContain('WebDAV: no copy');
  });
});
