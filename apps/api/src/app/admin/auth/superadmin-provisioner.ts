import { Role } from '@ddx/contracts';
import { AppConfig, weakPasswordProblems } from '@ddx/server-config';
import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

import { ActivityAction } from '../../activity/activity-action';
import { ActivityLogService } from '../../activity/activity-log.service';
import { PasswordHasher } from '../../auth/password-hasher';
import { PasswordPolicy } from '../../auth/password-policy';
import { SettingsService } from '../../settings/settings.service';
import { DuplicateEmailError } from '../../users/user.record';
import { UserRepository } from '../../users/user.repository';

export const DEV_SUPERADMIN_EMAIL = 'admin@directdrivex.local';

export type ProvisionResult =
  | { outcome: 'created'; id: string; email: string }
  | { outcome: 'exists'; email: string }
  | { outcome: 'refused'; reason: string };

/**
 * Creates superadmins outside the API: at start from SUPERADMIN_EMAIL /
 * SUPERADMIN_PASSWORD (or a development default) and from the
 * `admin:create` command. Several replicas starting at once are safe: the
 * unique e-mail index lets one insert win.
 */
@Injectable()
export class SuperadminProvisioner {
  private readonly logger = new Logger('Superadmin');

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly settings: SettingsService,
    private readonly activity: ActivityLogService,
    private readonly config: AppConfig,
  ) {}

  /** Runs at api start; never throws (a problem is logged, the api keeps serving). */
  async ensureAtStartup(): Promise<ProvisionResult> {
    try {
      return await this.ensure();
    } catch (err) {
      this.logger.error({ err }, 'could not check or create the first superadmin');
      return { outcome: 'refused', reason: 'error' };
    }
  }

  private async ensure(): Promise<ProvisionResult> {
    if (await this.users.existsWithRole(Role.superadmin)) return { outcome: 'exists', email: '' };
    const { SUPERADMIN_EMAIL: email, SUPERADMIN_PASSWORD: password, NODE_ENV } = this.config;
    if (email && password) {
      // loadConfig already refused a weak password in production.
      const result = await this.create(email, password, 'env');
      if (result.outcome === 'created') this.logger.log({ email: result.email }, 'superadmin created from SUPERADMIN_EMAIL');
      if (result.outcome === 'exists') {
        this.logger.error(
          { email },
          'SUPERADMIN_EMAIL belongs to an existing account that is not a superadmin; nothing changed. Use another address or `admin:create`.',
        );
      }
      return result;
    }
    if (NODE_ENV === 'development') {
      const generated = randomBytes(18).toString('base64url');
      const result = await this.create(DEV_SUPERADMIN_EMAIL, generated, 'dev-default');
      if (result.outcome === 'created') {
        this.logger.warn(
          { email: DEV_SUPERADMIN_EMAIL },
          `DEVELOPMENT SUPERADMIN CREATED — sign in to the admin panel with e-mail ${DEV_SUPERADMIN_EMAIL} and password ${generated} . ` +
            'This password is shown only this once; set SUPERADMIN_EMAIL/SUPERADMIN_PASSWORD or run `npm run admin:create` to choose your own.',
        );
      }
      return result;
    }
    this.logger.warn('no superadmin exists: set SUPERADMIN_EMAIL and SUPERADMIN_PASSWORD, or run `node dist/apps/api/main.js admin:create --email …`');
    return { outcome: 'refused', reason: 'not configured' };
  }

  /** For the CLI: applies the password policy (and the production rules) first. */
  async createChecked(email: string, password: string): Promise<ProvisionResult> {
    const problem =
      (await this.policy.problem(password, email)) ??
      (this.config.NODE_ENV === 'production' ? (weakPasswordProblems('password', password, email)[0] ?? null) : null);
    if (problem) return { outcome: 'refused', reason: problem };
    return this.create(email, password, 'cli');
  }

  private async create(email: string, password: string, source: 'env' | 'dev-default' | 'cli'): Promise<ProvisionResult> {
    const normalized = email.trim().toLowerCase();
    try {
      const user = await this.users.create({
        email: normalized,
        passwordHash: await this.hasher.hash(password),
        role: Role.superadmin,
        storageQuotaBytes: await this.settings.get('defaultStorageQuotaBytes'),
        // The operator chose this address (env or CLI); nobody else could have registered it first.
        emailVerified: true,
      });
      await this.activity.record({
        actorType: 'system',
        action: ActivityAction.systemSuperadminCreated,
        target: user.id,
        details: { email: normalized, source },
      });
      return { outcome: 'created', id: user.id, email: normalized };
    } catch (err) {
      if (err instanceof DuplicateEmailError) return { outcome: 'exists', email: normalized };
      throw err;
    }
  }
}
