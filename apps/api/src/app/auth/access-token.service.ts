import { ErrorCode, Role } from '@ddx/contracts';
import { AppConfig } from '@ddx/server-config';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';

import { AppException } from '../common/app-exception';

export const TOKEN_ISSUER = 'directdrivex';
/** Distinct audiences (and secrets): a user token is never an admin token and vice versa. */
export const USER_AUDIENCE = 'ddx:user';
export const ADMIN_AUDIENCE = 'ddx:admin';

export interface AccessTokenClaims {
  /** users._id */
  sub: string;
  /** users.tokenVersion at issue time. */
  ver: number;
  jti: string;
  exp: number;
  iat: number;
}

export interface AdminAccessTokenClaims extends AccessTokenClaims {
  /** Informational; guards use the role stored in the database. */
  role: Role;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

/** Signs and verifies the two kinds of bearer token (HS256, pinned). */
@Injectable()
export class AccessTokenService {
  private readonly userJwt: JwtService;
  private readonly adminJwt: JwtService;

  constructor(private readonly config: AppConfig) {
    this.userJwt = new JwtService({ secret: config.JWT_SECRET });
    this.adminJwt = new JwtService({ secret: config.ADMIN_JWT_SECRET });
  }

  async issueUserToken(user: { id: string; tokenVersion: number }): Promise<IssuedToken> {
    const expiresIn = this.config.ACCESS_TOKEN_TTL_MINUTES * 60;
    const token = await this.userJwt.signAsync(
      { ver: user.tokenVersion },
      { algorithm: 'HS256', audience: USER_AUDIENCE, issuer: TOKEN_ISSUER, subject: user.id, jwtid: randomUUID(), expiresIn },
    );
    return { token, expiresIn };
  }

  async issueAdminToken(admin: { id: string; tokenVersion: number; role: Role }): Promise<IssuedToken> {
    const expiresIn = this.config.ADMIN_TOKEN_TTL_MINUTES * 60;
    const token = await this.adminJwt.signAsync(
      { ver: admin.tokenVersion, role: admin.role },
      { algorithm: 'HS256', audience: ADMIN_AUDIENCE, issuer: TOKEN_ISSUER, subject: admin.id, jwtid: randomUUID(), expiresIn },
    );
    return { token, expiresIn };
  }

  /** Throws 401 TOKEN_EXPIRED / TOKEN_INVALID. */
  verifyUserToken(token: string): Promise<AccessTokenClaims> {
    return this.verify<AccessTokenClaims>(this.userJwt, token, USER_AUDIENCE);
  }

  /** Throws 401 TOKEN_EXPIRED / TOKEN_INVALID. */
  verifyAdminToken(token: string): Promise<AdminAccessTokenClaims> {
    return this.verify<AdminAccessTokenClaims>(this.adminJwt, token, ADMIN_AUDIENCE);
  }

  private async verify<T extends AccessTokenClaims>(jwt: JwtService, token: string, audience: string): Promise<T> {
    let claims: T;
    try {
      claims = await jwt.verifyAsync<T>(token, { algorithms: ['HS256'], audience, issuer: TOKEN_ISSUER });
    } catch (err) {
      if ((err as Error).name === 'TokenExpiredError') {
        throw new AppException(401, ErrorCode.TOKEN_EXPIRED, 'Your session has expired. Please sign in again.', undefined, BEARER_CHALLENGE);
      }
      throw invalidToken();
    }
    if (typeof claims.sub !== 'string' || typeof claims.ver !== 'number') throw invalidToken();
    return claims;
  }
}

export const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

export function invalidToken(): AppException {
  return new AppException(401, ErrorCode.TOKEN_INVALID, 'Your session is not valid. Please sign in again.', undefined, BEARER_CHALLENGE);
}
