import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';

import { RegisterPage } from './register.page';

function setup() {
  TestBed.configureTestingModule({ imports: [RegisterPage], providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(RegisterPage);
  const http = TestBed.inject(HttpTestingController);
  const router = TestBed.inject(Router);
  jest.spyOn(router, 'navigateByUrl').mockResolvedValue(true);
  fixture.detectChanges();
  http.expectOne('/api/v1/auth/google/auth').flush({ statusCode: 503, error: 'GOOGLE_SIGNIN_DISABLED', message: 'off' }, { status: 503, statusText: 'x' });
  fixture.detectChanges();
  return { fixture, http, router, el: fixture.nativeElement as HTMLElement };
}

function fill(fixture: ComponentFixture<unknown>, values: Record<string, string>) {
  for (const [id, value] of Object.entries(values)) {
    const input = (fixture.nativeElement as HTMLElement).querySelector(`[data-testid="${id}"]`) as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
  }
  fixture.detectChanges();
}
const submit = (f: ComponentFixture<unknown>) => {
  (f.nativeElement as HTMLElement).querySelector('form')?.dispatchEvent(new Event('submit'));
  f.detectChanges();
};
const errors = (el: HTMLElement) => Array.from(el.querySelectorAll('[data-testid="field-error"]')).map((e) => e.textContent?.trim());

describe('RegisterPage', () => {
  afterEach(() => localStorage.clear());

  it('requires a password of the minimum length and a matching confirmation', () => {
    const { fixture, http, el } = setup();
    fill(fixture, { email: 'ada@example.org', password: 'short', confirm: 'shorter' });
    submit(fixture);
    expect(errors(el)).toEqual(['Password must be at least 8 characters.', 'The passwords do not match.']);
    http.expectNone('/api/v1/auth/register');
  });

  it('re-checks the confirmation when the password changes', () => {
    const { fixture, el } = setup();
    fill(fixture, { email: 'ada@example.org', password: 'long enough 1', confirm: 'long enough 1' });
    expect(errors(el)).toEqual([]);
    fill(fixture, { password: 'long enough 2' });
    expect(errors(el)).toEqual(['The passwords do not match.']);
  });

  it('registers and says "check your e-mail" without signing in (the answer is the same for a taken address)', () => {
    const { fixture, http, el, router } = setup();
    fill(fixture, { email: 'ada@example.org', password: 'long enough 1', confirm: 'long enough 1' });
    submit(fixture);
    const reg = http.expectOne('/api/v1/auth/register');
    expect(reg.request.body).toEqual({ email: 'ada@example.org', password: 'long enough 1' });
    reg.flush({ message: 'Thank you. Check your e-mail: we have sent a message to this address.' }, { status: 201, statusText: 'Created' });
    fixture.detectChanges();
    const done = el.querySelector('[data-testid="register-done"]');
    expect(done?.textContent).toContain('Check your e-mail');
    expect(done?.textContent).toContain('we have sent a message to this address');
    expect(el.querySelector('form')).toBeNull();
    http.expectNone('/api/v1/auth/token');
    expect(router.navigateByUrl).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);
  });

  it('shows a refused password under the field and keeps the form', () => {
    const { fixture, http, el } = setup();
    fill(fixture, { email: 'ada@example.org', password: 'password123', confirm: 'password123' });
    submit(fixture);
    http.expectOne('/api/v1/auth/register').flush({ statusCode: 400, error: 'WEAK_PASSWORD', message: 'This password is too common.' }, { status: 400, statusText: 'Bad Request' });
    fixture.detectChanges();
    expect(errors(el)).toEqual(['This password is too common.']);
    expect(el.querySelector('[data-testid="register-done"]')).toBeNull();
  });
});
