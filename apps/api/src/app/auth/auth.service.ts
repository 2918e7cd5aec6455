import {
  ChangePasswordResponse,
  ErrorCode,
  MeResponse,
  MessageResponse,
  RegisterResponse,
  Role,
  TokenResponse,
  WebRoutes,
} from '@ddx/contracts';
import { AppConfig } from '@ddx/server-config';
import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';

import { ActivityAction } from '../activity/activity-action';
import { ActivityLogService } from '../activity/activity-log.service';
import { AppException } from '../common/app-exception';
import { SettingsService } from '../settings/settings.service';
import { FileStatsRepository } from '../users/file-stats.repository';
import { DuplicateEmailError, UserRecord } from '../users/user.record';
import { UserRepository } from '../users/user.repository';
import { AccessTokenService } from './access-token.service';
import { AuthRateLimits } from './auth-rate-limits';
import { EmailVerificationTokenRepository } from './email-verification-token.repository';
import { Mailer } from './mailer.service';
import { PasswordHasher } from './password-hasher';
import { PasswordPolicy } from './password-policy';
import { PasswordResetTokenRepository } from './password-reset-token.repository';
import { AuthenticatedUser } from './principal';
import { assertActive } from './principal.service';
import { toMeResponse } from './profile.mapper';
import { RateLimiter } from './rate-limiter.service';
import { pairKey, SignInThrottle } from './sign-in-throttle';

export const REGISTER_ANSWER =
  'Thank you. Check your e-mail: we have sent a message to this address with what to do next. It can take a few minutes to arrive.';
export const EMAIL_VERIFICATION_TTL_HOURS = 48;
export const FORGOT_PASSWORD_ANSWER = 'If an account exists for this address, we have sent it a link to reset the password.';
const INVALID_CREDENTIALS_MESSAGE = 'Wrong e-mail or password. If you signed up with Google, use "Sign in with Google".';

export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

export function hashResetToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Self-service account rules: registration, sign-in, passwords, logout, profile. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UserRepository,
    private readonly fileStats: FileStatsRepository,
    private readonly resetTokens: PasswordResetTokenRepository,
    private readonly verificationTokens: EmailVerificationTokenRepository,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly tokens: AccessTokenService,
    private readonly limiter: RateLimiter,
    private readonly limits: AuthRateLimits,
    private readonly throttle: SignInThrottle,
    private readonly settings: SettingsService,
    private readonly activity: ActivityLogService,
    private readonly mailer: Mailer,
    private readonly config: AppConfig,
  ) {}

  /**
   * The same answer, and about the same time, whether or not the address
   * already has an account: the password is hashed either way, and what
   * differs — a verification link for a new account, a notice to the owner
   * of an existing one — goes out by e-mail in the background.
   */
  async register(input: { email: string; password: string }, ip: string): Promise<RegisterResponse> {
    await this.limiter.consume(this.limits.registerPerIp(), ip);
    const settings = await this.settings.getAll();
    if (!settings.registrationOpen) {
      throw new AppException(403, ErrorCode.REGISTRATION_CLOSED, 'New accounts cannot be created at the moment.');
    }
    const email = normalizeEmail(input.email);
    await this.policy.assertAcceptable(input.password, email);
    const passwordHash = await this.hasher.hash(input.password);
    try {
      const user = await this.users.create({ email, passwordHash, role: Role.regular, storageQuotaBytes: settings.defaultStorageQuotaBytes });
      await this.activity.record({ actorType: 'user', actorId: user.id, actorEmail: email, action: ActivityAction.userRegister, ip });
      void this.sendVerification(user).catch((err: unknown) => this.logger.error({ err, userId: user.id }, 'verification e-mail could not be sent'));
    } catch (err) {
      if (!(err instanceof DuplicateEmailError)) throw err;
      // Also one write, as for a new account, so the two take about as long.
      await this.activity.record({ actorType: 'user', actorId: null, actorEmail: email, action: ActivityAction.userRegisterExisting, ip });
      void this.noticeRegistrationAttempt(email).catch((err2: unknown) => this.logger.error({ err: err2 }, 'registration-attempt notice could not be sent'));
    }
    return { message: REGISTER_ANSWER };
  }

  /** Uses the e-mailed link: the address it was sent to is now proven. */
  async verifyEmail(input: { token: string }, ip: string): Promise<MessageResponse> {
    const used = await this.verificationTokens.consume(hashResetToken(input.token));
    const user = used ? await this.users.findById(used.userId) : null;
    // The link proves the address it went to; an account whose address is another one now is not proven by it.
    if (!used || !user || user.email !== used.email) {
      throw new AppException(
        400,
        ErrorCode.VERIFICATION_TOKEN_INVALID,
        'This confirmation link is invalid, expired or already used. Sign in and ask for a new one.',
      );
    }
    if (!user.emailVerified) await this.users.markEmailVerified(user.id);
    await this.verificationTokens.retireAll(user.id);
    await this.activity.record({
      actorType: 'user',
      actorId: user.id,
      actorEmail: user.email,
      action: ActivityAction.userEmailVerified,
      ip,
    });
    return { message: 'Your e-mail address is confirmed. Thank you!' };
  }

  /** A new link for the signed-in account (the old ones stop working). */
  async resendVerification(principal: AuthenticatedUser, ip: string): Promise<MessageResponse> {
    await this.limiter.consume(this.limits.verificationResendPerIp(), ip);
    await this.limiter.consume(this.limits.verificationResendPerAccount(), principal.id);
    const user = await this.users.findById(principal.id);
    if (!user) throw new AppException(404, ErrorCode.NOT_FOUND, 'This account no longer exists.');
    if (user.emailVerified) return { message: 'Your e-mail address is already confirmed.' };
    void this.sendVerification(user).catch((err: unknown) => this.logger.error({ err, userId: user.id }, 'verification e-mail could not be sent'));
    return { message: `We have sent a new confirmation link to ${user.email}.` };
  }

  private async sendVerification(user: UserRecord): Promise<void> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.verificationTokens.issue(user.id, user.email, hashResetToken(token), new Date(now.getTime() + EMAIL_VERIFICATION_TTL_HOURS * 3600_000), now);
    void this.verificationTokens.deleteExpired(new Date(now.getTime() - 24 * 3600_000)).catch(() => undefined);
    const link = new URL(WebRoutes.verifyEmail, this.config.PUBLIC_BASE_URL);
    link.searchParams.set('token', token);
    await this.mailer.sendEmailVerification({ to: user.email, link: link.toString(), expiresInHours: EMAIL_VERIFICATION_TTL_HOURS });
  }

  /** At most a few a day per address, so registering cannot be used to flood someone's inbox. */
  private async noticeRegistrationAttempt(email: string): Promise<void> {
    const counted = await this.limiter.hit(this.limits.registrationNoticePerAccount(), email);
    if (!counted.allowed) return;
    const base = this.config.PUBLIC_BASE_URL;
    await this.mailer.sendRegistrationAttempt({
      to: email,
      signInLink: new URL('/login', base).toString(),
      resetLink: new URL('/forgot-password', base).toString(),
    });
  }

  async login(input: { username: string; password: string }, ip: string): Promise<TokenResponse> {
    const email = normalizeEmail(input.username);
    const attempt = await this.throttle.begin('user', email, ip);

    const user = await this.users.findByEmail(email);
    const ok = await this.hasher.verify(input.password, user?.passwordHash);
    if (!user || !ok) {
      await this.throttle.failed(attempt);
      await this.activity.record({
        actorType: 'user',
        actorId: user?.id ?? null,
        actorEmail: email,
        action: ActivityAction.userLoginFailed,
        ip,
        details: { reason: user ? (user.passwordHash ? 'wrong_password' : 'no_password') : 'unknown_account' },
      });
      throw new AppException(401, ErrorCode.INVALID_CREDENTIALS, INVALID_CREDENTIALS_MESSAGE);
    }
    await this.throttle.succeeded(attempt);
    this.assertActiveOrLog(user, ip, ActivityAction.userLoginFailed);

    await this.upgradeHash(user, input.password);
    await this.users.recordLogin(user.id);
    await this.activity.record({ actorType: 'user', actorId: user.id, actorEmail: user.email, action: ActivityAction.userLogin, ip });
    const issued = await this.tokens.issueUserToken(user);
    return { access_token: issued.token, token_type: 'bearer', expires_in: issued.expiresIn };
  }

  async me(principal: AuthenticatedUser): Promise<MeResponse> {
    const user = await this.users.findById(principal.id);
    if (!user) throw new AppException(404, ErrorCode.NOT_FOUND, 'This account no longer exists.');
    return toMeResponse(user, await this.fileStats.summarize(user.id));
  }

  /**
   * The current password is always required (Google-only accounts set one
   * through forgot-password). Every other session ends; the caller gets a
   * fresh token.
   */
  async changePassword(
    principal: AuthenticatedUser,
    input: { current_password: string; new_password: string },
    ip: string,
  ): Promise<ChangePasswordResponse> {
    // Same (account, client) counter as sign-in: a stolen token cannot be used to guess the password faster.
    const pairPolicy = await this.limits.userLoginPerAccountClient();
    await this.limiter.consume(pairPolicy, pairKey(principal.email, ip));
    const user = await this.users.findById(principal.id);
    if (!user) throw new AppException(404, ErrorCode.NOT_FOUND, 'This account no longer exists.');
    if (!user.passwordHash) {
      throw new AppException(
        400,
        ErrorCode.PASSWORD_NOT_SET,
        'Your account has no password yet. Use "Forgot password" to set one through your e-mail.',
      );
    }
    if (!(await this.hasher.verify(input.current_password, user.passwordHash))) {
      throw new AppException(400, ErrorCode.INVALID_CURRENT_PASSWORD, 'The current password is not correct.');
    }
    await this.limiter.reset(pairPolicy, pairKey(principal.email, ip));
    if (input.new_password === input.current_password) {
      throw new AppException(400, ErrorCode.WEAK_PASSWORD, 'The new password must differ from the current one.');
    }
    await this.policy.assertAcceptable(input.new_password, user.email);
    const updated = await this.users.setPassword(user.id, await this.hasher.hash(input.new_password));
    if (!updated) throw new AppException(404, ErrorCode.NOT_FOUND, 'This account no longer exists.');
    await this.resetTokens.retireAll(user.id);
    await this.activity.record({ actorType: 'user', actorId: user.id, actorEmail: user.email, action: ActivityAction.userPasswordChange, ip });
    const issued = await this.tokens.issueUserToken(updated);
    return {
      message: 'Your password has been changed. Other sessions have been signed out.',
      access_token: issued.token,
      token_type: 'bearer',
      expires_in: issued.expiresIn,
    };
  }

  /** Ends every session of the account (tokens carry the version it bumps). */
  async logout(principal: AuthenticatedUser, ip: string): Promise<MessageResponse> {
    await this.users.revokeTokens(principal.id);
    await this.activity.record({ actorType: 'user', actorId: principal.id, actorEmail: principal.email, action: ActivityAction.userLogout, ip });
    return { message: 'You have been signed out.' };
  }

  /**
   * Same answer whether or not the account exists. The e-mail goes out in
   * the background so the response time does not tell either.
   */
  async forgotPassword(input: { email: string }, ip: string): Promise<MessageResponse> {
    const email = normalizeEmail(input.email);
    await this.limiter.consume(this.limits.forgotPasswordPerIp(), ip);
    await this.limiter.consume(this.limits.forgotPasswordPerAccount(), email);
    const user = await this.users.findByEmail(email);
    await this.activity.record({
      actorType: 'user',
      actorId: user?.id ?? null,
      actorEmail: email,
      action: ActivityAction.userPasswordResetRequest,
      ip,
      details: { known: Boolean(user) },
    });
    // Everything that depends on the account happens after the answer.
    if (user && user.status !== 'banned') {
      void this.sendPasswordReset(user).catch((err: unknown) => this.logger.error({ err, userId: user.id }, 'password-reset e-mail could not be sent'));
    }
    return { message: FORGOT_PASSWORD_ANSWER };
  }

  private async sendPasswordReset(user: UserRecord): Promise<void> {
    const ttlMinutes = await this.settings.get('passwordResetTtlMinutes');
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.resetTokens.issue(user.id, hashResetToken(token), new Date(now.getTime() + ttlMinutes * 60_000), now);
    void this.resetTokens.deleteExpired(new Date(now.getTime() - 24 * 3600_000)).catch(() => undefined);

    const link = new URL(WebRoutes.resetPassword, this.config.PUBLIC_BASE_URL);
    link.searchParams.set('token', token);
    await this.mailer.sendPasswordReset({ to: user.email, link: link.toString(), expiresInMinutes: ttlMinutes });
  }

  async resetPassword(input: { token: string; new_password: string }, ip: string): Promise<MessageResponse> {
    const tokenHash = hashResetToken(input.token);
    const invalid = () =>
      new AppException(400, ErrorCode.RESET_TOKEN_INVALID, 'This reset link is invalid, expired or already used. Please ask for a new one.');
    const pending = await this.resetTokens.findUsable(tokenHash);
    const user = pending ? await this.users.findById(pending.userId) : null;
    if (!pending || !user) throw invalid();
    // Checked before the token is used, so a weak choice does not burn the link.
    await this.policy.assertAcceptable(input.new_password, user.email);
    if (!(await this.resetTokens.consume(tokenHash))) throw invalid();

    await this.users.setPassword(user.id, await this.hasher.hash(input.new_password));
    await this.resetTokens.retireAll(user.id);
    await this.throttle.forgetAccount(user.email);
    await this.activity.record({ actorType: 'user', actorId: user.id, actorEmail: user.email, action: ActivityAction.userPasswordReset, ip });
    return { message: 'Your password has been reset. You can sign in with the new one.' };
  }

  private assertActiveOrLog(user: UserRecord, ip: string, action: ActivityAction): void {
    try {
      assertActive(user);
    } catch (err) {
      void this.activity.record({ actorType: 'user', actorId: user.id, actorEmail: user.email, action, ip, details: { reason: user.status } });
      throw err;
    }
  }

  /** Raises an old hash to the current scrypt parameters while the password is at hand. */
  private async upgradeHash(user: UserRecord, password: string): Promise<void> {
    if (user.passwordHash && this.hasher.needsRehash(user.passwordHash)) {
      await this.users.rehashPassword(user.id, user.passwordHash, await this.hasher.hash(password));
    }
  }
}
