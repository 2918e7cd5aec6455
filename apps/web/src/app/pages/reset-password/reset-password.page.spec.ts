import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';

import { ResetPasswordPage } from './reset-password.page';

describe('ResetPasswordPage', () => {
  function setup(token?: string) {
    TestBed.configureTestingModule({ imports: [ResetPasswordPage], providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
    const fixture = TestBed.createComponent(ResetPasswordPage);
    if (token) fixture.componentRef.setInput('token', token);
    fixture.detectChanges();
    const router = TestBed.inject(Router);
    jest.spyOn(router, 'navigate').mockResolvedValue(true);
    return { fixture, el: fixture.nativeElement as HTMLElement, http: TestBed.inject(HttpTestingController), router };
  }

  it('explains that the e-mail link is needed when there is no token', () => {
    const { el } = setup();
    expect(el.querySelector('[data-testid="form-error"]')?.textContent).toContain('needs the link from the password-reset e-mail');
    expect(el.querySelector('form')).toBeNull();
  });

  it('posts the token from the link with the new password, and offers a new link when it is no longer valid', () => {
    const token = 'a'.repeat(43);
    const { fixture, el, http } = setup(token);
    for (const [id, v] of [
      ['password', 'a new password'],
      ['confirm', 'a new password'],
    ]) {
      const input = el.querySelector(`[data-testid="${id}"]`) as HTMLInputElement;
      input.value = v as string;
      input.dispatchEvent(new Event('input'));
    }
    el.querySelector('form')?.dispatchEvent(new Event('submit'));
    const req = http.expectOne('/api/v1/auth/reset-password');
    expect(req.request.body).toEqual({ token, new_password: 'a new password' });
    req.flush({ statusCode: 400, error: 'RESET_TOKEN_INVALID', message: 'This reset link is invalid or has expired.' }, { status: 400, statusText: 'Bad Request' });
    fixture.detectChanges();
    const alert = el.querySelector('[data-testid="form-error"]');
    expect(alert?.textContent).toContain('This reset link is invalid or has expired.');
    expect(alert?.querySelector('a')?.getAttribute('href')).toBe('/forgot-password');
  });
});
