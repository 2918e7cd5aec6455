import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AdminSettings, Role } from '@ddx/contracts';

import { SYSTEM_STATUS_URL } from '../../components/maintenance/maintenance-state';
import { AdminSession } from '../core/admin-session';
import { AdminSettingsPage } from './admin-settings.page';
import { MiB, SETTING_KEYS, SETTINGS_GROUPS } from './settings-form';
import { SETTINGS } from './settings.fixture';

const URL = '/api/v1/admin/config/settings';

async function setup(role: Role, settings: AdminSettings = SETTINGS) {
  TestBed.configureTestingModule({ imports: [AdminSettingsPage], providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  TestBed.inject(AdminSession).setProfile({ id: 'f'.repeat(24), email: 'me@example.org', role, permissions: [], created_at: '2026-01-01T00:00:00.000Z', last_login_at: null });
  const fixture = TestBed.createComponent(AdminSettingsPage);
  const http = TestBed.inject(HttpTestingController);
  fixture.detectChanges();
  http.expectOne(URL).flush(settings);
  fixture.detectChanges();
  await fixture.whenStable(); // template-driven controls get their values asynchronously
  fixture.detectChanges();
  return { fixture, http, el: fixture.nativeElement as HTMLElement };
}

const control = (el: HTMLElement, key: string) => el.querySelector(`[data-testid="setting-${key}"]`) as HTMLInputElement;

function type(fixture: ComponentFixture<unknown>, key: string, value: string): void {
  const input = control(fixture.nativeElement as HTMLElement, key);
  input.value = value;
  input.dispatchEvent(new Event('input'));
  fixture.detectChanges();
}

function toggle(fixture: ComponentFixture<unknown>, key: string): void {
  control(fixture.nativeElement as HTMLElement, key).click();
  fixture.detectChanges();
}

function submit(fixture: ComponentFixture<unknown>): void {
  (fixture.nativeElement as HTMLElement).querySelector('form')?.dispatchEvent(new Event('submit'));
  fixture.detectChanges();
}

const fieldError = (el: HTMLElement, key: string) => el.querySelector(`[data-testid="field-${key}"] [data-testid="field-error"]`)?.textContent?.trim() ?? null;

describe('AdminSettingsPage', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('shows every setting in its group with the loaded values', async () => {
    const { el } = await setup('superadmin');
    for (const key of SETTING_KEYS) expect({ key, rendered: control(el, key) !== null }).toEqual({ key, rendered: true });
    for (const g of SETTINGS_GROUPS) expect(el.querySelector(`[data-testid="settings-group-${g.id}"] h2`)?.textContent?.trim()).toBe(g.title);
    expect(el.querySelector('[data-testid="settings-group-backups"] [data-testid="setting-backupConcurrency"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="settings-group-logs"] [data-testid="setting-errorLogRetentionDays"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="settings-group-monitoring"] [data-testid="setting-alertDiskFreeMinPercent"]')).not.toBeNull();

    expect(control(el, 'registrationOpen').checked).toBe(true);
    expect(control(el, 'maxFilesPerBatch').value).toBe('20');
    expect(control(el, 'maxFilesPerBatch').getAttribute('min')).toBe('1');
    expect(control(el, 'maxFilesPerBatch').getAttribute('max')).toBe('100');
    expect(control(el, 'userMaxFileBytes').value).toBe('100');
    expect(control(el, 'alertProcessMemoryMaxBytes').value).toBe('1536');
    expect(control(el, 'backupConcurrency').value).toBe('');
    expect(control(el, 'backupConcurrency').getAttribute('placeholder')).toBe('Worker default');
    expect(control(el, 'blockedExtensions').value).toBe('.exe');
    expect(control(el, 'maintenanceMessage').getAttribute('maxlength')).toBe('500');
    expect(el.querySelector('[data-testid="settings-readonly"]')).toBeNull();
    expect(el.querySelector('[data-testid="settings-pending"]')?.textContent).toContain('No unsaved changes');
  });

  it('is read-only for an admin without manageSettings', async () => {
    const { el } = await setup('admin');
    expect(el.querySelector('[data-testid="settings-readonly"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="settings-save"]')).toBeNull();
    expect((el.querySelector('fieldset') as HTMLFieldSetElement).disabled).toBe(true);
    expect(control(el, 'maxFilesPerBatch').matches(':disabled')).toBe(true);
    expect(control(el, 'errorLogRetentionDays').value).toBe('30');
  });

  it('checks values against the bounds before sending, then sends only what changed', async () => {
    const { fixture, http, el } = await setup('superadmin');
    type(fixture, 'maxFilesPerBatch', '0');
    expect(fieldError(el, 'maxFilesPerBatch')).toBe('Must be from 1 to 100.');
    type(fixture, 'errorLogRetentionDays', '4000');
    expect(fieldError(el, 'errorLogRetentionDays')).toBe('Must be from 0 to 3650 days.');
    submit(fixture);
    expect(el.querySelector('[data-testid="settings-error"]')?.textContent).toContain('not valid');
    http.expectNone(URL);

    type(fixture, 'maxFilesPerBatch', '7');
    type(fixture, 'errorLogRetentionDays', '0');
    type(fixture, 'userMaxFileBytes', '250');
    type(fixture, 'backupConcurrency', '3');
    expect(fieldError(el, 'maxFilesPerBatch')).toBeNull();
    expect(el.querySelector('[data-testid="settings-pending"]')?.textContent).toContain('4 unsaved changes');
    submit(fixture);
    const req = http.expectOne(URL);
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({ maxFilesPerBatch: 7, errorLogRetentionDays: 0, userMaxFileBytes: 250 * MiB, backupConcurrency: 3 });
    req.flush({ ...SETTINGS, maxFilesPerBatch: 7, errorLogRetentionDays: 0, userMaxFileBytes: 250 * MiB, backupConcurrency: 3 });
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="settings-pending"]')?.textContent).toContain('No unsaved changes');
  });

  it('sends null when the backup concurrency box is emptied', async () => {
    const { fixture, http } = await setup('superadmin', { ...SETTINGS, backupConcurrency: 4 });
    expect(control(fixture.nativeElement as HTMLElement, 'backupConcurrency').value).toBe('4');
    type(fixture, 'backupConcurrency', '');
    submit(fixture);
    const req = http.expectOne(URL);
    expect(req.request.body).toEqual({ backupConcurrency: null });
    req.flush(SETTINGS);
  });

  it('shows the api validation errors under their fields', async () => {
    const { fixture, http, el } = await setup('superadmin');
    type(fixture, 'uploadSessionTtlHours', '48');
    submit(fixture);
    http.expectOne(URL).flush(
      { statusCode: 400, error: 'VALIDATION', message: 'Invalid body.uploadSessionTtlHours: Too big', details: [{ path: 'body.uploadSessionTtlHours', message: 'Too big: expected number to be <=24' }] },
      { status: 400, statusText: 'Bad Request' },
    );
    fixture.detectChanges();
    expect(fieldError(el, 'uploadSessionTtlHours')).toBe('Too big: expected number to be <=24');
    expect(el.querySelector('[data-testid="settings-error"]')?.textContent).toContain('see the highlighted fields');
    // editing the field clears the server's complaint
    type(fixture, 'uploadSessionTtlHours', '12');
    expect(fieldError(el, 'uploadSessionTtlHours')).toBeNull();
  });

  it('asks before turning maintenance mode on, and sends nothing when cancelled', async () => {
    const { fixture, http, el } = await setup('superadmin');
    toggle(fixture, 'maintenanceMode');
    type(fixture, 'maintenanceMessage', 'Back at 15:00 UTC.');
    submit(fixture);
    http.expectNone(URL);
    expect(document.body.textContent).toContain('Turn on maintenance mode?');
    expect(document.body.textContent).toContain('They will see: “Back at 15:00 UTC.”');
    (document.querySelector('[data-testid="confirm-cancel"]') as HTMLButtonElement).click();
    fixture.detectChanges();
    http.expectNone(URL);
    expect(control(el, 'maintenanceMode').checked).toBe(true); // the form keeps the edit

    submit(fixture);
    (document.querySelector('[data-testid="confirm-ok"]') as HTMLButtonElement).click();
    fixture.detectChanges();
    const req = http.expectOne(URL);
    expect(req.request.body).toEqual({ maintenanceMode: true, maintenanceMessage: 'Back at 15:00 UTC.' });
    req.flush({ ...SETTINGS, maintenanceMode: true, maintenanceMessage: 'Back at 15:00 UTC.' });
    // the shell's maintenance banner learns about it at once
    http.expectOne(SYSTEM_STATUS_URL).flush({ maintenance: true, message: 'Back at 15:00 UTC.', max_files_per_batch: 20, registration_open: true });
    fixture.detectChanges();
    expect(document.querySelector('[data-testid="confirm-ok"]')).toBeNull();
  });

  it('turns maintenance mode off without asking', async () => {
    const { fixture, http } = await setup('superadmin', { ...SETTINGS, maintenanceMode: true });
    toggle(fixture, 'maintenanceMode');
    submit(fixture);
    const req = http.expectOne(URL);
    expect(req.request.body).toEqual({ maintenanceMode: false });
    req.flush(SETTINGS);
    http.expectOne(SYSTEM_STATUS_URL).flush({ maintenance: false, message: null, max_files_per_batch: 20, registration_open: true });
  });
});
