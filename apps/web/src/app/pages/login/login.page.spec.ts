import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';

import { USER_TOKEN_STORAGE_KEY } from '../../core/user-session';
import { LoginPage } from './login.page';

function setup() {
  TestBed.configureTestingModule({ imports: [LoginPage], providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(LoginPage);
  const http = TestBed.inject(HttpTestingController);
  const router = TestBed.inject(Router);
  jest.spyOn(router, 'navigateByUrl').mockResolvedValue(true);
  fixture.detectChanges();
  http.expectOne('/api/v1/auth/google/auth').flush({ statusCode: 404, error: 'GOOGLE_SIGNIN_DISABLED', message: 'off' }, { status: 404, statusText: 'Not Found' });
  fixture.detectChanges();
  return { fixture, http, router, el: fixture.nativeElement as HTMLElement };
}

function type(fixture: ComponentFixture<unknown>, testId: string, value: string) {
  const input = (fixture.nativeElement as HTMLElement).querySelector(`[data-testid="${testId}"]`) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  input.dispatchEvent(new Event('blur'));
  fixture.detectChanges();
}

const submit = (f: ComponentFixture<unknown>) => {
  (f.nativeElement as HTMLElement).querySelector('form')?.dispatchEvent(new Event('submit'));
  f.detectChanges();
};
const errors = (el: HTMLElement) => Array.from(el.querySelectorAll('[data-testid="field-error"]')).map((e) => e.textContent?.trim());

describe('LoginPage', () => {
  afterEach(() => localStorage.clear());

  it('shows what is missing and sends nothing when the form is empty', () => {
    const { fixture, http, el } = setup();
    expect(errors(el)).toEqual([]); // nothing before the user did anything
    submit(fixture);
    expect(errors(el)).toEqual(['E-mail is required.', 'Password is required.']);
    const email = el.querySelector('[data-testid="email"]') as HTMLInputElement;
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(email.getAttribute('aria-describedby')).toBe(el.querySelector('[data-testid="field-error"]')?.id);
    http.expectNone('/api/v1/auth/token');
  });

  it('rejects an address that is not an e-mail', () => {
    const { fixture, el } = setup();
    type(fixture, 'email', 'not-an-email');
    expect(errors(el)).toEqual(['Enter a valid e-mail address, like name@example.com.']);
  });

  it('signs in, keeps the token and goes back where the user came from', () => {
    const { fixture, http, router } = setup();
    fixture.componentRef.setInput('returnUrl', '/download/abc');
    type(fixture, 'email', 'ada@example.org');
    type(fixture, 'password', 'correct horse');
    submit(fixture);
    const req = http.expectOne('/api/v1/auth/token');
    expect(req.request.body).toEqual({ username: 'ada@example.org', password: 'correct horse' });
    req.flush({ access_token: 'tok', token_type: 'bearer', expires_in: 3600 });
    expect(localStorage.getItem(USER_TOKEN_STORAGE_KEY)).toBe('tok');
    expect(router.navigateByUrl).toHaveBeenCalledWith('/download/abc');
  });

  it('never follows a returnUrl to another site', () => {
    const { fixture, http, router } = setup();
    fixture.componentRef.setInput('returnUrl', '//evil.example/phish');
    type(fixture, 'email', 'ada@example.org');
    type(fixture, 'password', 'correct horse');
    submit(fixture);
    http.expectOne('/api/v1/auth/token').flush({ access_token: 'tok', token_type: 'bearer', expires_in: 3600 });
    expect(router.navigateByUrl).toHaveBeenCalledWith('/dashboard');
  });

  it('says so in words when the password is wrong', () => {
    const { fixture, http, el } = setup();
    type(fixture, 'email', 'ada@example.org');
    type(fixture, 'password', 'wrong');
    submit(fixture);
    http.expectOne('/api/v1/auth/token').flush({ statusCode: 401, error: 'INVALID_CREDENTIALS', message: 'Invalid e-mail or password.' }, { status: 401, statusText: 'Unauthorized' });
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="form-error"]')?.textContent?.trim()).toBe('The e-mail or password is not right.');
    expect(localStorage.getItem(USER_TOKEN_STORAGE_KEY)).toBeNull();
  });

  it('shows the Google button only when Google sign-in is configured', () => {
    const { el } = setup();
    expect(el.querySelector('[data-testid="google-sign-in"]')).toBeNull();

    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ imports: [LoginPage], providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
    const fixture = TestBed.createComponent(LoginPage);
    fixture.detectChanges();
    TestBed.inject(HttpTestingController).expectOne('/api/v1/auth/google/auth').flush({ auth_url: 'https://accounts.google.com/o/oauth2/v2/auth?x' });
    fixture.detectChanges();
    expect((fixture.nativeElement as HTMLElement).querySelector('[data-testid="google-sign-in"]')?.textContent).toContain('Continue with Google');
  });
});
