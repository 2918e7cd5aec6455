import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { UserSession } from '../../core/user-session';
import { VerifyEmailBannerComponent } from './verify-email-banner.component';

/** A token that is not expired (exp in 2100); only its payload is read in the browser. */
const TOKEN = `x.${btoa(JSON.stringify({ exp: 4102444800 }))}.y`;

describe('VerifyEmailBannerComponent', () => {
  function setup(signedIn: boolean) {
    TestBed.configureTestingModule({ imports: [VerifyEmailBannerComponent], providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
    const session = TestBed.inject(UserSession);
    if (signedIn) session.set(TOKEN);
    const fixture = TestBed.createComponent(VerifyEmailBannerComponent);
    fixture.detectChanges();
    return { fixture, session, el: fixture.nativeElement as HTMLElement, http: TestBed.inject(HttpTestingController) };
  }
  const profile = (verified: boolean) => ({ email: 'ada@example.org', email_verified: verified });

  afterEach(() => localStorage.clear());

  it('asks nothing and shows nothing when signed out', () => {
    const { el, http } = setup(false);
    http.expectNone('/api/v1/auth/users/me');
    expect(el.querySelector('[data-testid="verify-banner"]')).toBeNull();
  });

  it('shows the banner for an unconfirmed address and sends a new link on request', () => {
    const { fixture, el, http } = setup(true);
    http.expectOne('/api/v1/auth/users/me').flush(profile(false));
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="verify-banner"]')?.textContent).toContain('Please confirm your e-mail address');
    (el.querySelector('[data-testid="verify-resend"]') as HTMLButtonElement).click();
    const resend = http.expectOne('/api/v1/auth/verify-email/resend');
    expect(resend.request.method).toBe('POST');
    resend.flush({ message: 'We have sent a new confirmation link to ada@example.org.' });
  });

  it('stays hidden once the address is confirmed', () => {
    const { fixture, el, http, session } = setup(true);
    http.expectOne('/api/v1/auth/users/me').flush(profile(true));
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="verify-banner"]')).toBeNull();
    session.emailVerified.set(false);
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="verify-banner"]')).not.toBeNull();
  });
});
