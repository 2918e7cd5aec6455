import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component, signal } from '@angular/core';
import { discardPeriodicTasks, fakeAsync, TestBed, tick } from '@angular/core/testing';

import { MAINTENANCE_POLL_MS, MaintenanceBannerComponent } from './maintenance-banner.component';
import { DEFAULT_MAINTENANCE_MESSAGE, SYSTEM_STATUS_URL, SystemStatus } from './maintenance-state';
import { maintenanceInterceptor } from './maintenance.interceptor';

@Component({
  standalone: true,
  imports: [MaintenanceBannerComponent],
  template: `<app-maintenance-banner [adminArea]="admin()" />`,
})
class HostComponent {
  readonly admin = signal(false);
}

const status = (maintenance: boolean, message: string | null = null): SystemStatus => ({ maintenance, message, max_files_per_batch: 5, registration_open: true });

function setup() {
  TestBed.configureTestingModule({ imports: [HostComponent], providers: [provideHttpClient(withInterceptors([maintenanceInterceptor])), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(HostComponent);
  fixture.detectChanges();
  const http = TestBed.inject(HttpTestingController);
  const el = fixture.nativeElement as HTMLElement;
  const banner = () => el.querySelector('[data-testid="maintenance-banner"]');
  return { fixture, http, el, banner };
}

describe('MaintenanceBannerComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('shows nothing while the api is not in maintenance', () => {
    const { fixture, http, banner } = setup();
    http.expectOne(SYSTEM_STATUS_URL).flush(status(false));
    fixture.detectChanges();
    expect(banner()).toBeNull();
  });

  it("shows the admin's message from the status endpoint, worded for the admin area there", () => {
    const { fixture, http, banner } = setup();
    http.expectOne(SYSTEM_STATUS_URL).flush(status(true, 'Back at 15:00 UTC.'));
    fixture.detectChanges();
    expect(banner()?.getAttribute('role')).toBe('status');
    expect(banner()?.textContent).toContain('Down for maintenance.');
    expect(banner()?.querySelector('[data-testid="maintenance-message"]')?.textContent).toBe('Back at 15:00 UTC.');

    fixture.componentInstance.admin.set(true);
    fixture.detectChanges();
    expect(banner()?.textContent).toContain('Maintenance mode is on.');
    expect(banner()?.textContent).toContain('Back at 15:00 UTC.');
  });

  it('appears as soon as any api call answers 503 MAINTENANCE, and not for another 503', () => {
    const { fixture, http, banner } = setup();
    http.expectOne(SYSTEM_STATUS_URL).flush(status(false));
    const client = TestBed.inject(HttpClient);
    const failures: number[] = [];

    client.get('/api/v1/files').subscribe({ error: (e: { status: number }) => failures.push(e.status) });
    http.expectOne('/api/v1/files').flush({ statusCode: 503, error: 'SERVICE_UNAVAILABLE', message: 'Drive is down.' }, { status: 503, statusText: 'Service Unavailable' });
    fixture.detectChanges();
    expect(banner()).toBeNull();

    client.post('/api/v1/upload/initiate', {}).subscribe({ error: (e: { status: number }) => failures.push(e.status) });
    http.expectOne('/api/v1/upload/initiate').flush({ statusCode: 503, error: 'MAINTENANCE', message: 'Upgrading storage.' }, { status: 503, statusText: 'Service Unavailable' });
    fixture.detectChanges();
    expect(banner()?.textContent).toContain('Upgrading storage.');
    // the caller still gets its error
    expect(failures).toEqual([503, 503]);
  });

  it('falls back to a plain message when the admin left it empty', () => {
    const { fixture, http, banner } = setup();
    http.expectOne(SYSTEM_STATUS_URL).flush(status(true, '  '));
    fixture.detectChanges();
    expect(banner()?.textContent).toContain(DEFAULT_MAINTENANCE_MESSAGE);
  });

  it('keeps asking, so the banner goes away when maintenance ends', fakeAsync(() => {
    const { fixture, http, banner } = setup();
    http.expectOne(SYSTEM_STATUS_URL).flush(status(true, 'Soon.'));
    fixture.detectChanges();
    expect(banner()).not.toBeNull();

    tick(MAINTENANCE_POLL_MS - 1);
    http.expectNone(SYSTEM_STATUS_URL);
    tick(1);
    http.expectOne(SYSTEM_STATUS_URL).flush(status(false));
    fixture.detectChanges();
    expect(banner()).toBeNull();

    // a failed status request keeps what is known
    tick(MAINTENANCE_POLL_MS);
    http.expectOne(SYSTEM_STATUS_URL).flush(null, { status: 0, statusText: 'Unknown Error' });
    fixture.detectChanges();
    expect(banner()).toBeNull();
    discardPeriodicTasks();
  }));

  it('asks again when the tab comes back into view', () => {
    const { http } = setup();
    http.expectOne(SYSTEM_STATUS_URL).flush(status(false));
    document.dispatchEvent(new Event('visibilitychange')); // jsdom: always "visible"
    http.expectOne(SYSTEM_STATUS_URL).flush(status(false));
  });
});
