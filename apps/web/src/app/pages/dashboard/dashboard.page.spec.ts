import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { PublicFile } from '@ddx/contracts';

import { DashboardPage, filterAndSort } from './dashboard.page';

const f = (id: string, filename: string, size: number, created: string): PublicFile => ({
  file_id: id,
  filename,
  size,
  content_type: 'application/octet-stream',
  status: 'completed',
  created_at: created,
  completed_at: created,
  download_url: `/api/v1/download/stream/${id}`,
  batch_id: null,
});
const files = [f('1', 'Report 10.pdf', 300, '2024-01-03T00:00:00.000Z'), f('2', 'report 9.pdf', 100, '2024-01-01T00:00:00.000Z'), f('3', 'photo.png', 200, '2024-01-02T00:00:00.000Z')];
const me = {
  id: 'u',
  email: 'ada@example.org',
  role: 'user',
  status: 'active',
  name: null,
  picture: null,
  has_password: true,
  google_linked: false,
  created_at: '2024-01-01T00:00:00.000Z',
  last_login_at: null,
  member_since: '2024-01-01T00:00:00.000Z',
  storage: {
    used_bytes: 600,
    quota_bytes: 1000,
    remaining_bytes: 400,
    file_count: 3,
    breakdown: { documents: { bytes: 400, count: 2 }, images: { bytes: 200, count: 1 }, videos: { bytes: 0, count: 0 }, audio: { bytes: 0, count: 0 }, other: { bytes: 0, count: 0 } },
  },
};

describe('filterAndSort', () => {
  it('searches names case-insensitively and sorts naturally', () => {
    expect(filterAndSort(files, 'REPORT', 'name').map((x) => x.filename)).toEqual(['report 9.pdf', 'Report 10.pdf']);
    expect(filterAndSort(files, '', 'largest').map((x) => x.file_id)).toEqual(['1', '3', '2']);
    expect(filterAndSort(files, '', 'oldest').map((x) => x.file_id)).toEqual(['2', '3', '1']);
    expect(filterAndSort(files, 'nothing', 'newest')).toEqual([]);
  });
});

describe('DashboardPage', () => {
  it('lists the files from history and deletes one after confirmation', async () => {
    TestBed.configureTestingModule({ imports: [DashboardPage], providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
    const fixture = TestBed.createComponent(DashboardPage);
    const http = TestBed.inject(HttpTestingController);
    fixture.detectChanges();
    http.expectOne('/api/v1/auth/users/me').flush(me);
    http.expectOne('/api/v1/files/me/history?page=1&limit=20').flush({ items: files, total: 3, page: 1, limit: 20 });
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    expect(Array.from(el.querySelectorAll('[data-testid="file-row"]')).map((r) => r.getAttribute('data-file-id'))).toEqual(['1', '3', '2']);
    expect(el.querySelector('[data-testid="storage"] [role="progressbar"]')?.getAttribute('aria-valuenow')).toBe('60');

    (el.querySelector('[data-file-id="3"] [data-testid="delete-file"]') as HTMLButtonElement).click();
    fixture.detectChanges();
    const dialog = el.querySelector('[role="dialog"]');
    expect(dialog?.textContent).toContain('“photo.png” will be deleted');
    http.expectNone((r) => r.method === 'DELETE');

    (el.querySelector('[data-testid="confirm-ok"]') as HTMLButtonElement).click();
    const del = http.expectOne('/api/v1/files/3');
    expect(del.request.method).toBe('DELETE');
    del.flush(null, { status: 204, statusText: 'No Content' });
    http.expectOne('/api/v1/files/me/history?page=1&limit=20').flush({ items: [files[0], files[1]], total: 2, page: 1, limit: 20 });
    http.expectOne('/api/v1/auth/users/me').flush(me);
    fixture.detectChanges();
    expect(el.querySelector('[role="dialog"]')).toBeNull();
    expect(el.querySelectorAll('[data-testid="file-row"]')).toHaveLength(2);
  });
});
