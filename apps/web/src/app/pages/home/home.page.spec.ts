import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { HomePage } from './home.page';

describe('HomePage', () => {
  function setup() {
    TestBed.configureTestingModule({ imports: [HomePage], providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
    const fixture = TestBed.createComponent(HomePage);
    fixture.detectChanges();
    const http = TestBed.inject(HttpTestingController);
    return { fixture, http };
  }
  const status = (f: ReturnType<typeof setup>['fixture']) =>
    (f.nativeElement as HTMLElement).querySelector('[data-testid="service-status"]')?.textContent?.trim();

  it('reports operational when the api is healthy', () => {
    const { fixture, http } = setup();
    expect(status(fixture)).toBe('Checking service status…');
    http.expectOne('/api/v1/health').flush({ status: 'ok', mongo: 'up', redis: 'up' });
    fixture.detectChanges();
    expect(status(fixture)).toBe('All systems operational');
  });

  it('reports degraded on a 503 health body', () => {
    const { fixture, http } = setup();
    http.expectOne('/api/v1/health').flush({ status: 'degraded', mongo: 'up', redis: 'down' }, { status: 503, statusText: 'Unavailable' });
    fixture.detectChanges();
    expect(status(fixture)).toContain('degraded');
  });

  it('reports unreachable when the request fails', () => {
    const { fixture, http } = setup();
    http.expectOne('/api/v1/health').error(new ProgressEvent('error'), { status: 0 });
    fixture.detectChanges();
    expect(status(fixture)).toBe('The service cannot be reached');
  });

  it('has the upload widget with the daily allowance from quota-info', async () => {
    const { fixture, http } = setup();
    http.expectOne('/api/v1/health').flush({ status: 'ok', mongo: 'up', redis: 'up' });
    http.expectOne('/api/v1/upload/quota-info').flush({
      scope: 'anonymous',
      max_file_size_bytes: 2 * 1024 ** 3,
      daily_limit_bytes: 2 * 1024 ** 3,
      daily_used_bytes: 512 * 1024 ** 2,
      daily_remaining_bytes: 1.5 * 1024 ** 3,
      storage_quota_bytes: null,
      storage_used_bytes: null,
      storage_remaining_bytes: null,
      resets_at: '2030-01-02T00:00:00.000Z',
    });
    await fixture.whenStable();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="dropzone"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="quota-daily"]')?.textContent?.replace(/\s+/g, ' ').trim()).toBe('512 MiB of 2 GiB used · 1.5 GiB left');
    expect(el.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow')).toBe('25');
  });
});
