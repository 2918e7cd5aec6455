import {
  AdminProfile,
  AdminTokenResponse,
  CreateAdminRequest,
  ErrorCode,
  getPermissions,
  isAdminRole,
  MessageResponse,
  Role,
  VerifyAdminResponse,
} from '@ddx/contracts';
import { Injectable } from '@nestjs/common';

import { ActivityAction } from '../../activity/activity-action';
import { ActivityLogService } from '../../activity/activity-log.service';
import { AccessTokenService } from '../../auth/access-token.service';
import { normalizeEmail } from '../../auth/auth.service';
import { PasswordHasher } from '../../auth/password-hasher';
import { PasswordPolicy } from '../../auth/password-policy';
import { AuthenticatedAdmin } from '../../auth/principal';
import { assertActive } from '../../auth/principal.service';
import { toAdminProfile } from '../../auth/profile.mapper';
import { SignInThrottle } from '../../auth/sign-in-throttle';
import { AppException } from '../../common/app-exception';
import { SettingsService } from '../../settings/settings.service';
import { DuplicateEmailError } from '../../users/user.record';
import { UserRepository } from '../../users/user.repository';

/** Admin sign-in and admin account creation. Every action lands in the activity log. */
@Injectable()
export class AdminAuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly tokens: AccessTokenService,
    private readonly throttle: SignInThrottle,
    private readonly settings: SettingsService,
    private readonly activity: ActivityLogService,
  ) {}

  async login(input: { email: string; password: string }, ip: string): Promise<AdminTokenResponse> {
    const email = normalizeEmail(input.email);
    const attempt = await this.throttle.begin('admin', email, ip);

    const user = await this.users.findByEmail(email);
    const ok = await this.hasher.verify(input.password, user?.passwordHash);
    // A regular account with the right password gets the same answer as a wrong password.
    if (!user || !ok || !isAdminRole(user.role)) {
      await this.throttle.failed(attempt);
      await this.activity.record({
        actorType: 'admin',
        actorId: user?.id ?? null,
        actorEmail: email,
        action: ActivityAction.adminLoginFailed,
        ip,
        details: { reason: !user ? 'unknown_account' : !ok ? 'wrong_password' : 'not_admin' },
      });
      throw new AppException(401, ErrorCode.INVALID_CREDENTIALS, 'Wrong e-mail or password, or not an administrator account.');
    }
    await this.throttle.succeeded(attempt);
    try {
      assertActive(user);
    } catch (err) {
      await this.activity.record({ actorType: 'admin', actorId: user.id, actorEmail: email, action: ActivityAction.adminLoginFailed, ip, details: { reason: user.status } });
      throw err;
    }
    if (user.passwordHash && this.hasher.needsRehash(user.passwordHash)) {
      await this.users.rehashPassword(user.id, user.passwordHash, await this.hasher.hash(input.password));
    }
    await this.users.recordLogin(user.id);
    await this.activity.record({ actorType: 'admin', actorId: user.id, actorEmail: user.email, action: ActivityAction.adminLogin, ip, details: { role: user.role } });
    const issued = await this.tokens.issueAdminToken(user);
    return {
      access_token: issued.token,
      token_type: 'bearer',
      expires_in: issued.expiresIn,
      admin_role: user.role,
      permissions: getPermissions(user.role),
    };
  }

  async me(admin: AuthenticatedAdmin): Promise<AdminProfile> {
    const user = await this.users.findById(admin.id);
    if (!user) throw new AppException(404, ErrorCode.NOT_FOUND, 'This account no longer exists.');
    return toAdminProfile(user);
  }

  verify(admin: AuthenticatedAdmin): VerifyAdminResponse {
    return { valid: true, admin_email: admin.email, admin_role: admin.role, permissions: admin.permissions };
  }

  /** Ends every session of the account, admin and user tokens alike (they share tokenVersion). */
  async logout(admin: AuthenticatedAdmin, ip: string): Promise<MessageResponse> {
    await this.users.revokeTokens(admin.id);
    await this.activity.record({ actorType: 'admin', actorId: admin.id, actorEmail: admin.email, action: ActivityAction.adminLogout, ip });
    return { message: 'You have been signed out.' };
  }

  /** Route is guarded by Permission.createAdmins (superadmin only). */
  async createAdmin(actor: AuthenticatedAdmin, input: CreateAdminRequest, ip: string): Promise<AdminProfile> {
    const email = normalizeEmail(input.email);
    await this.policy.assertAcceptable(input.password, email);
    try {
      const user = await this.users.create({
        email,
        passwordHash: await this.hasher.hash(input.password),
        role: input.role === 'superadmin' ? Role.superadmin : Role.admin,
        storageQuotaBytes: await this.settings.get('defaultStorageQuotaBytes'),
        // A new account the superadmin vouches for; existing accounts are never promoted here (below).
        emailVerified: true,
      });
      await this.activity.record({
        actorType: 'admin',
        actorId: actor.id,
        actorEmail: actor.email,
        action: ActivityAction.adminCreateAdmin,
        target: user.id,
        ip,
        details: { email, role: user.role },
      });
      return toAdminProfile(user);
    } catch (err) {
      if (err instanceof DuplicateEmailError) {
        const existing = await this.users.findByEmail(email);
        if (existing && !existing.emailVerified) {
          // Possibly registered by someone else in the owner's name: say so rather than suggest promoting it.
          throw new AppException(
            409,
            ErrorCode.EMAIL_NOT_VERIFIED,
            'An account with this e-mail address exists but has not confirmed the address; it cannot become an admin account.',
          );
        }
        throw new AppException(409, ErrorCode.EMAIL_TAKEN, 'An account with this e-mail address already exists.');
      }
      throw err;
    }
  }
}
