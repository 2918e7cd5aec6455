import { ErrorCode, getPermissions, isAdminRole } from '@ddx/contracts';
import { Injectable } from '@nestjs/common';

import { AppException } from '../common/app-exception';
import { UserRecord } from '../users/user.record';
import { UserRepository } from '../users/user.repository';
import { AccessTokenService, invalidToken } from './access-token.service';
import { AuthenticatedAdmin, AuthenticatedUser } from './principal';

/**
 * Turns a bearer token into the account behind it, re-checked against the
 * database on every request: the account exists, its tokenVersion still
 * matches (logout, password change, suspension and role change bump it) and
 * it is active. WebSocket gateways call it with the token from the URL.
 */
@Injectable()
export class PrincipalService {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly users: UserRepository,
  ) {}

  async resolveUser(token: string): Promise<AuthenticatedUser> {
    const claims = await this.tokens.verifyUserToken(token);
    const user = await this.liveAccount(claims.sub, claims.ver);
    return toPrincipal(user);
  }

  async resolveAdmin(token: string): Promise<AuthenticatedAdmin> {
    const claims = await this.tokens.verifyAdminToken(token);
    const user = await this.liveAccount(claims.sub, claims.ver);
    if (!isAdminRole(user.role)) throw new AppException(403, ErrorCode.PERMISSION_DENIED, 'This account is not an administrator.');
    return { ...toPrincipal(user), permissions: getPermissions(user.role) };
  }

  private async liveAccount(id: string, version: number): Promise<UserRecord> {
    const user = await this.users.findById(id);
    if (!user || user.tokenVersion !== version) throw invalidToken();
    assertActive(user);
    return user;
  }
}

/** 403 with the reason code for suspended and banned accounts. */
export function assertActive(user: Pick<UserRecord, 'status'>): void {
  if (user.status === 'suspended') {
    throw new AppException(403, ErrorCode.ACCOUNT_SUSPENDED, 'This account is suspended. Contact support if you think this is a mistake.');
  }
  if (user.status === 'banned') {
    throw new AppException(403, ErrorCode.ACCOUNT_BANNED, 'This account has been banned.');
  }
}

function toPrincipal(user: UserRecord): AuthenticatedUser {
  return { id: user.id, email: user.email, role: user.role, status: user.status, tokenVersion: user.tokenVersion };
}
