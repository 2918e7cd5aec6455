import { HttpClient, HttpContext } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import {
  ApiRoutes,
  ChangePasswordResponse,
  GoogleAuthUrlResponse,
  GoogleSignInResponse,
  MeResponse,
  MessageResponse,
  RegisterResponse,
  TokenResponse,
} from '@ddx/contracts';
import { finalize, map, Observable, tap } from 'rxjs';

import { NO_SIGN_IN_REDIRECT } from '../core/user-auth.interceptor';
import { UserSession } from '../core/user-session';

/** Accounts: sign-up, sign-in (password or Google), profile, passwords, sign-out. */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly session = inject(UserSession);

  /** The same answer whether or not the address is taken: what happens next arrives by e-mail. */
  register(email: string, password: string): Observable<RegisterResponse> {
    return this.http.post<RegisterResponse>(ApiRoutes.auth.register, { email, password });
  }

  /** Uses the link from the verification e-mail; a signed-in session learns the address is confirmed. */
  verifyEmail(token: string): Observable<MessageResponse> {
    return this.http.post<MessageResponse>(ApiRoutes.auth.verifyEmail, { token }).pipe(
      tap(() => {
        if (this.session.signedIn()) this.session.emailVerified.set(true);
      }),
    );
  }

  resendVerification(): Observable<MessageResponse> {
    return this.http.post<MessageResponse>(ApiRoutes.auth.verifyEmailResend, {});
  }

  /** Signs in and keeps the token. */
  login(email: string, password: string): Observable<TokenResponse> {
    return this.http.post<TokenResponse>(ApiRoutes.auth.token, { username: email, password }).pipe(tap((t) => this.session.set(t.access_token)));
  }

  /** `quiet`: a refused token does not send the visitor to the sign-in page (for background checks). */
  me(options: { quiet?: boolean } = {}): Observable<MeResponse> {
    const context = options.quiet ? new HttpContext().set(NO_SIGN_IN_REDIRECT, true) : undefined;
    return this.http.get<MeResponse>(ApiRoutes.auth.me, { context }).pipe(tap((m) => this.session.emailVerified.set(m.email_verified)));
  }

  /** Every other session ends; this one continues with the new token. */
  changePassword(currentPassword: string, newPassword: string): Observable<ChangePasswordResponse> {
    return this.http
      .post<ChangePasswordResponse>(ApiRoutes.auth.changePassword, { current_password: currentPassword, new_password: newPassword })
      .pipe(tap((r) => this.session.set(r.access_token)));
  }

  forgotPassword(email: string): Observable<MessageResponse> {
    return this.http.post<MessageResponse>(ApiRoutes.auth.forgotPassword, { email });
  }

  resetPassword(token: string, newPassword: string): Observable<MessageResponse> {
    return this.http.post<MessageResponse>(ApiRoutes.auth.resetPassword, { token, new_password: newPassword });
  }

  /** Signs out everywhere; the local session ends even when the api cannot be reached. */
  logout(): Observable<void> {
    return this.http.post<MessageResponse>(ApiRoutes.auth.logout, {}, { context: new HttpContext().set(NO_SIGN_IN_REDIRECT, true) }).pipe(
      map(() => undefined),
      finalize(() => this.session.clear()),
    );
  }

  /** Errors (404/503 GOOGLE_SIGNIN_DISABLED) when Google sign-in is not configured. */
  googleAuthUrl(): Observable<string> {
    return this.http.get<GoogleAuthUrlResponse>(ApiRoutes.auth.googleAuth).pipe(map((r) => r.auth_url));
  }

  googleCallback(code: string, state: string): Observable<GoogleSignInResponse> {
    return this.http.post<GoogleSignInResponse>(ApiRoutes.auth.googleCallback, { code, state }).pipe(tap((r) => this.session.set(r.access_token)));
  }
}
