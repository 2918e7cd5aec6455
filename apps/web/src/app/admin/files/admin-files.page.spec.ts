import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AdminFile, AdminFileList, AdminStorageList, Role } from '@ddx/contracts';

import { AdminSession } from '../core/admin-session';
import { adminFile, FILE_ID } from './admin-file.fixture';
import { AdminFilesPage } from './admin-files.page';
const list = (items: AdminFile[]): AdminFileList => ({ items, total: items.length, page: 1, limit: 25, total_pages: 1 });
const accounts: AdminStorageList = {
  accounts: [],
  totals: { accounts: 0, enabled: 0, healthy: 0, quota_bytes: 0, usage_bytes: 0, reserved_bytes: 0, free_bytes: 0, files_count: 0, stored_bytes: 0 },
};
const FIRST = '/api/v1/admin/files?sort_by=created_at&sort_order=desc&page=1&limit=25';

function setup(role: Role) {
  TestBed.configureTestingModule({ imports: [AdminFilesPage], providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  TestBed.inject(AdminSession).setProfile({ id: 'f'.repeat(24), email: 'me@example.org', role, permissions: [], created_at: '2026-01-01T00:00:00.000Z', last_login_at: null });
  const fixture = TestBed.createComponent(AdminFilesPage);
  const http = TestBed.inject(HttpTestingController);
  fixture.detectChanges();
  return { fixture, http, el: fixture.nativeElement as HTMLElement };
}

const click = (f: ComponentFixture<unknown>, sel: string) => {
  ((f.nativeElement as HTMLElement).querySelector(sel) as HTMLElement).click();
  f.detectChanges();
};
const type = (f: ComponentFixture<unknown>, sel: string, value: string) => {
  const input = (f.nativeElement as HTMLElement).querySelector(sel) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  f.detectChanges();
};

describe('AdminFilesPage', () => {
  it('loads a server-side page and sends the filters, refusing a size it cannot read', async () => {
    const { fixture, http, el } = setup('admin');
    http.expectOne('/api/v1/admin/storage/accounts').flush(accounts);
    http.expectOne(FIRST).flush(list([adminFile({ quarantined: true, owner_email: 'bob@example.org', owner_id: 'a'.repeat(24) })]));
    fixture.detectChanges();
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="files-total"]')?.textContent).toContain('1 file');
    const row = el.querySelector('[data-testid="file-row-report.pdf"]') as HTMLElement;
    expect(row.textContent).toContain('bob@example.org');
    expect(row.querySelector('[data-testid="file-quarantined"]')).not.toBeNull();
    expect(row.querySelector('a')?.getAttribute('href')).toBe(`/admin/files/${FILE_ID}`);

    type(fixture, '[data-testid="file-name-filter"]', 'report');
    type(fixture, '[data-testid="file-size-min"]', 'lots');
    click(fixture, '[data-testid="file-search"]');
    expect(el.querySelector('[data-testid="files-error"]')?.textContent).toContain('Minimum size');
    http.expectNone(() => true);

    type(fixture, '[data-testid="file-size-min"]', '1 KiB');
    click(fixture, '[data-testid="file-search"]');
    http.expectOne('/api/v1/admin/files?name=report&size_min=1024&sort_by=created_at&sort_order=desc&page=1&limit=25').flush(list([]));
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="files-table"]')?.textContent).toContain('No files match.');
  });

  it('bulk quarantine asks for a reason, then posts the selected ids', () => {
    const { fixture, http, el } = setup('superadmin');
    http.expectOne('/api/v1/admin/storage/accounts').flush(accounts);
    http.expectOne(FIRST).flush(list([adminFile()]));
    fixture.detectChanges();
    click(fixture, '[data-testid="file-select"]');
    click(fixture, '[data-testid="files-bulk-quarantine"]');
    expect(el.querySelector('[data-testid="reason-dialog-message"]')?.textContent).toContain('1 selected files stop being downloadable');
    click(fixture, '[data-testid="reason-confirm"]');
    expect(el.querySelector('[data-testid="field-error"]')?.textContent).toContain('A reason is required.');
    http.expectNone(() => true);

    type(fixture, '[data-testid="reason-input"]', 'malware report');
    click(fixture, '[data-testid="reason-confirm"]');
    const req = http.expectOne('/api/v1/admin/files/bulk');
    expect(req.request.body).toEqual({ ids: [FILE_ID], action: 'quarantine', reason: 'malware report' });
    req.flush({ action: 'quarantine', succeeded: [FILE_ID], failed: [] });
    http.expectOne(FIRST).flush(list([adminFile({ quarantined: true })]));
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="file-quarantined"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="files-bulk-bar"]')).toBeNull();
  });

  it('a role without files.manage gets no selection or bulk actions', () => {
    const { fixture, http, el } = setup('regular');
    http.expectOne(FIRST).flush(list([adminFile()]));
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="file-select"]')).toBeNull();
    expect(el.querySelector('[data-testid="orphans-cleanup"]')).toBeNull();
    // without storage.read the account filter is a plain text box
    expect(el.querySelector('input[data-testid="file-account-filter"]')).not.toBeNull();
  });
});
