import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { UserSession } from '../../core/user-session';
import { VerifyEmailPage } from './verify-email.page';

describe('VerifyEmailPage', () => {
  function setup(token?: string, before: (session: UserSession) => void = () => undefined) {
    TestBed.configureTestingModule({ imports: [VerifyEmailPage], providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
    before(TestBed.inject(UserSession));
    const fixture = TestBed.createComponent(VerifyEmailPage);
    if (token) fixture.componentRef.setInput('token', token);
    fixture.detectChanges();
    return { fixture, el: fixture.nativeElement as HTMLElement, http: TestBed.inject(HttpTestingController) };
  }

  afterEach(() => localStorage.clear());

  it('explains that the e-mail link is needed when there is no token, and asks nothing of the api', () => {
    const { el, http } = setup();
    expect(el.querySelector('[data-testid="form-error"]')?.textContent).toContain('needs the link from the confirmation e-mail');
    http.expectNone('/api/v1/auth/verify-email');
  });

  it('posts the token once and shows the answer; a signed-in session learns the address is confirmed', () => {
    const token = 'b'.repeat(43);
    const { fixture, el, http } = setup(token, (session) => {
      session.set(`x.${btoa(JSON.stringify({ exp: 4102444800 }))}.y`);
      session.emailVerified.set(false);
    });
    const session = TestBed.inject(UserSession);
    const req = http.expectOne('/api/v1/auth/verify-email');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ token });
    req.flush({ message: 'Your e-mail address is confirmed. Thank you!' });
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="verify-done"]')?.textContent).toContain('Your e-mail address is confirmed');
    expect(session.emailVerified()).toBe(true);
  });

  it('shows why a used or expired link is refused', () => {
    const { fixture, el, http } = setup('c'.repeat(43));
    http
      .expectOne('/api/v1/auth/verify-email')
      .flush(
        { statusCode: 400, error: 'VERIFICATION_TOKEN_INVALID', message: 'This confirmation link is invalid, expired or already used. Sign in and ask for a new one.' },
        { status: 400, statusText: 'Bad Request' },
      );
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="form-error"]')?.textContent).toContain('already used');
    expect(el.querySelector('[data-testid="verify-done"]')).toBeNull();
  });
});
