import { ErrorCode, GoogleAuthUrlResponse, GoogleSignInResponse, Role } from '@ddx/contracts';
import { Injectable, Logger } from '@nestjs/common';

import { ActivityAction } from '../../activity/activity-action';
import { ActivityLogService } from '../../activity/activity-log.service';
import { AppException } from '../../common/app-exception';
import { SettingsService } from '../../settings/settings.service';
import { DuplicateEmailError, UserRecord } from '../../users/user.record';
import { UserRepository } from '../../users/user.repository';
import { AccessTokenService } from '../access-token.service';
import { EmailVerificationTokenRepository } from '../email-verification-token.repository';
import { PasswordResetTokenRepository } from '../password-reset-token.repository';
import { assertActive } from '../principal.service';
import { GoogleOAuthClient, GoogleOAuthError, GoogleUserInfo } from './google-oauth.client';
import { OAuthBrowserBinding, OAuthStateStore } from './oauth-state.store';

/**
 * "Sign in with Google": the state (CSRF) and PKCE bookkeeping, and the
 * rules for turning a Google identity into an account — only verified
 * e-mails, link to an existing account only by verified e-mail, never
 * re-point an account already linked to another Google user.
 */
@Injectable()
export class GoogleSignInService {
  private readonly logger = new Logger(GoogleSignInService.name);

  constructor(
    private readonly google: GoogleOAuthClient,
    private readonly states: OAuthStateStore,
    private readonly users: UserRepository,
    private readonly tokens: AccessTokenService,
    private readonly resetTokens: PasswordResetTokenRepository,
    private readonly verificationTokens: EmailVerificationTokenRepository,
    private readonly settings: SettingsService,
    private readonly activity: ActivityLogService,
  ) {}

  /** The Google URL, and the cookie the controller must give the browser so the callback can tell it is the same one. */
  async authorizationUrl(): Promise<{ body: GoogleAuthUrlResponse; binding: OAuthBrowserBinding }> {
    this.assertEnabled();
    const { state, codeVerifier, binding } = await this.states.create();
    return { body: { auth_url: this.google.authorizationUrl(state, codeVerifier) }, binding };
  }

  /** `browserNonce`: the value of the attempt's cookie (oauthCookieName(state)) as the browser sent it. */
  async callback(input: { code: string; state: string }, browserNonce: string | undefined, ip: string): Promise<GoogleSignInResponse> {
    this.assertEnabled();
    const check = await this.states.consume(input.state, browserNonce);
    if (!check.ok && check.reason === 'other_browser') {
      await this.fail(ip, null, 'state_other_browser');
      throw new AppException(
        400,
        ErrorCode.OAUTH_BROWSER_MISMATCH,
        'This Google sign-in was started in another browser (or its cookies were blocked). Please start again here.',
      );
    }
    if (!check.ok) {
      await this.fail(ip, null, 'state_invalid');
      throw new AppException(400, ErrorCode.OAUTH_STATE_INVALID, 'This sign-in attempt has expired or was already used. Please start again.');
    }
    const { codeVerifier } = check;
    let info: GoogleUserInfo;
    try {
      info = await this.google.signIn(input.code, codeVerifier);
    } catch (err) {
      if (!(err instanceof GoogleOAuthError)) throw err;
      this.logger.warn({ err: err.message }, 'Google sign-in failed');
      await this.fail(ip, null, err.rejected ? 'code_rejected' : 'google_unreachable');
      throw err.rejected
        ? new AppException(400, ErrorCode.GOOGLE_SIGNIN_FAILED, 'Google did not accept this sign-in. Please start again.')
        : new AppException(502, ErrorCode.GOOGLE_SIGNIN_FAILED, 'Google sign-in is not reachable right now. Please try again.');
    }
    if (!info.emailVerified) {
      await this.fail(ip, info.email, 'email_unverified');
      throw new AppException(403, ErrorCode.GOOGLE_EMAIL_UNVERIFIED, 'Your Google account e-mail address is not verified.');
    }

    const { user, created, linked } = await this.findOrCreate(info, ip);
    try {
      assertActive(user);
    } catch (err) {
      await this.fail(ip, user.email, user.status, user.id);
      throw err;
    }
    await this.users.recordLogin(user.id);
    await this.activity.record({
      actorType: 'user',
      actorId: user.id,
      actorEmail: user.email,
      action: ActivityAction.userGoogleLogin,
      ip,
      details: { created, linked },
    });
    const issued = await this.tokens.issueUserToken(user);
    return {
      access_token: issued.token,
      token_type: 'bearer',
      expires_in: issued.expiresIn,
      user: { email: user.email, name: user.name ?? info.name, picture: user.picture ?? info.picture },
    };
  }

  private async findOrCreate(info: GoogleUserInfo, ip: string): Promise<{ user: UserRecord; created: boolean; linked: boolean }> {
    const known = await this.users.findByGoogleId(info.sub);
    if (known) return { user: known, created: false, linked: false };

    const existing = await this.users.findByEmail(info.email);
    if (existing) return { user: await this.link(existing, info, ip), created: false, linked: true };


    const settings = await this.settings.getAll();
    if (!settings.registrationOpen) {
      await this.fail(ip, info.email, 'registration_closed');
      throw new AppException(403, ErrorCode.REGISTRATION_CLOSED, 'New accounts cannot be created at the moment.');
    }
    try {
      const user = await this.users.create({
        email: info.email,
        passwordHash: null,
        role: Role.regular,
        storageQuotaBytes: settings.defaultStorageQuotaBytes,
        googleId: info.sub,
        emailVerified: info.emailVerified,
        name: info.name,
        picture: info.picture,
      });
      await this.activity.record({ actorType: 'user', actorId: user.id, actorEmail: user.email, action: ActivityAction.userRegister, ip, details: { via: 'google' } });
      return { user, created: true, linked: false };
    } catch (err) {
      // Registered concurrently (another tab, another replica): link instead.
      if (!(err instanceof DuplicateEmailError)) throw err;
      const raced = await this.users.findByEmail(info.email);
      if (!raced) throw err;
      return { user: await this.link(raced, info, ip), created: false, linked: true };
    }
  }

  /**
   * Verified Google e-mail only (checked before); refuses an account tied to
   * another Google user. An account whose address was never proved may have
   * been registered by someone else in the owner's name: the owner, proven
   * by Google now, takes it over — the password is cleared, every session
   * and every pending reset or verification link ends.
   */
  private async link(user: UserRecord, info: GoogleUserInfo, ip: string): Promise<UserRecord> {
    const google = { googleId: info.sub, name: user.name ?? info.name, picture: user.picture ?? info.picture };
    const takeOver = !user.emailVerified;
    const linked = takeOver ? await this.users.linkGoogleReplacingCredentials(user.id, google) : await this.users.linkGoogle(user.id, google);
    if (!linked) {
      await this.fail(ip, user.email, 'linked_to_other_google_account', user.id);
      throw new AppException(409, ErrorCode.GOOGLE_SIGNIN_FAILED, 'This account is linked to a different Google account.');
    }
    if (takeOver) {
      await Promise.all([this.resetTokens.retireAll(user.id), this.verificationTokens.retireAll(user.id)]);
      this.logger.warn({ userId: user.id }, 'Google sign-in took over an unverified account: password cleared, sessions revoked');
    }
    return linked;
  }

  private assertEnabled(): void {
    if (!this.google.enabled) {
      throw new AppException(404, ErrorCode.GOOGLE_SIGNIN_DISABLED, 'Google sign-in is not enabled on this server.');
    }
  }

  private fail(ip: string, email: string | null, reason: string, userId: string | null = null): Promise<void> {
    return this.activity.record({
      actorType: 'user',
      actorId: userId,
      actorEmail: email,
      action: ActivityAction.userGoogleLoginFailed,
      ip,
      details: { reason },
    });
  }
}
