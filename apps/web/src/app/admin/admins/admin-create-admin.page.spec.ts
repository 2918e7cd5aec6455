import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { getPermissions } from '@ddx/contracts';

import { AdminSession } from '../core/admin-session';
import { AdminCreateAdminPage } from './admin-create-admin.page';

function setup() {
  TestBed.configureTestingModule({ imports: [AdminCreateAdminPage], providers: [provideHttpClient(), provideHttpClientTesting()] });
  TestBed.inject(AdminSession).setProfile({ id: 'f'.repeat(24), email: 'root@example.org', role: 'superadmin', permissions: getPermissions('superadmin'), created_at: '2026-01-01T00:00:00.000Z', last_login_at: null });
  const fixture = TestBed.createComponent(AdminCreateAdminPage);
  const http = TestBed.inject(HttpTestingController);
  fixture.detectChanges();
  http.expectOne('/api/v1/admin/config/settings').flush({ passwordMinLength: 12 });
  fixture.detectChanges();
  return { fixture, http, el: fixture.nativeElement as HTMLElement };
}

function fill(f: ComponentFixture<unknown>, values: Record<string, string>): void {
  const el = f.nativeElement as HTMLElement;
  for (const [id, value] of Object.entries(values)) {
    const input = el.querySelector(`[data-testid="create-admin-${id}"]`) as HTMLInputElement | HTMLSelectElement;
    input.value = value;
    input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input'));
  }
  f.detectChanges();
}
const submit = (f: ComponentFixture<unknown>) => {
  ((f.nativeElement as HTMLElement).querySelector('[data-testid="create-admin-submit"]') as HTMLButtonElement).click();
  f.detectChanges();
};

describe('AdminCreateAdminPage', () => {
  it('enforces the minimum length from the settings before asking the API', async () => {
    const { fixture, http, el } = setup();
    await fixture.whenStable();
    fill(fixture, { email: 'a@example.org', password: 'eleven char', confirm: 'eleven char' });
    submit(fixture);
    expect(el.textContent).toContain('At least 12 characters.');
    http.expectNone('/api/v1/admin/auth/create-admin');
    http.verify();
  });

  it('posts the account and shows the API refusal on the right field', async () => {
    const { fixture, http, el } = setup();
    await fixture.whenStable();
    fill(fixture, { email: 'taken@example.org', password: 'a good long password', confirm: 'a good long password', role: 'superadmin' });
    submit(fixture);
    const req = http.expectOne('/api/v1/admin/auth/create-admin');
    expect(req.request.body).toEqual({ email: 'taken@example.org', password: 'a good long password', role: 'superadmin' });
    req.flush({ statusCode: 409, error: 'EMAIL_TAKEN', message: 'An account with this e-mail address already exists.' }, { status: 409, statusText: 'Conflict' });
    fixture.detectChanges();
    expect(el.textContent).toContain('An account with this e-mail address already exists.');

    submit(fixture);
    http.expectOne('/api/v1/admin/auth/create-admin').flush({ id: 'b'.repeat(24), email: 'taken@example.org', role: 'superadmin', permissions: [], created_at: '2026-01-01T00:00:00.000Z', last_login_at: null }, { status: 201, statusText: 'Created' });
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="create-admin-done"]')?.textContent).toContain('taken@example.org can now sign in to the admin panel as superadmin');
    await fixture.whenStable();
    fixture.detectChanges();
    expect((el.querySelector('[data-testid="create-admin-email"]') as HTMLInputElement).value).toBe('');
  });
});
