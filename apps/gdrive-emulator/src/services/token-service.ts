import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { newAccessToken, newAuthCode, newRefreshToken } from '../core/ids';
import type { EmulatorState } from '../state/emulator-state';
import type {
  AccessTokenRecord,
  AuthorizationCode,
  Principal,
  SigningKey,
  UserRefreshToken,
} from '../state/types';
import type { EmulatorSettings } from './settings';

const AUTH_CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface IssuedToken {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
}

/** Access tokens, sign-in refresh tokens, authorization codes and the id_token signing key. */
export class TokenService {
  constructor(
    private readonly state: EmulatorState,
    private readonly settings: EmulatorSettings,
  ) {}

  issueAccessToken(principal: Principal, scope: string, clientId: string | null): IssuedToken {
    this.pruneExpired();
    const lifetime = this.settings.tokenLifetimeSeconds;
    const record: AccessTokenRecord = {
      token: newAccessToken(),
      principal,
      expiresAt: Date.now() + lifetime * 1000,
      scope,
      clientId,
    };
    this.state.accessTokens.set(record.token, record);
    this.state.changed();
    return { access_token: record.token, expires_in: lifetime, token_type: 'Bearer' };
  }

  /** The live record behind a bearer token, or null when unknown, expired or revoked. */
  authenticate(token: string): AccessTokenRecord | null {
    const record = this.state.accessTokens.get(token);
    if (!record) return null;
    if (record.expiresAt <= Date.now()) {
      this.state.accessTokens.delete(token);
      return null;
    }
    if (record.principal.kind === 'account') {
      const account = this.state.accounts.get(record.principal.accountId);
      if (!account || account.revoked) return null;
    } else if (!this.state.users.has(record.principal.sub)) {
      return null;
    }
    return record;
  }

  createAuthorizationCode(input: Omit<AuthorizationCode, 'code' | 'expiresAt'>): string {
    const code = newAuthCode();
    this.state.authCodes.set(code, { ...input, code, expiresAt: Date.now() + AUTH_CODE_LIFETIME_MS });
    return code;
  }

  /** Codes are single use: a replayed code is gone, like Google's `invalid_grant`. */
  consumeAuthorizationCode(code: string): AuthorizationCode | null {
    const record = this.state.authCodes.get(code);
    if (!record) return null;
    this.state.authCodes.delete(code);
    return record.expiresAt > Date.now() ? record : null;
  }

  issueUserRefreshToken(sub: string, clientId: string, scope: string): string {
    const record: UserRefreshToken = { token: newRefreshToken(), sub, clientId, scope };
    this.state.userRefreshTokens.set(record.token, record);
    this.state.changed();
    return record.token;
  }

  findUserRefreshToken(token: string): UserRefreshToken | undefined {
    return this.state.userRefreshTokens.get(token);
  }

  /** The RSA key that signs id_tokens; created on first use and persisted with the state. */
  signingKey(): SigningKey {
    if (!this.state.signingKey) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      this.state.signingKey = {
        kid: randomBytes(20).toString('hex'),
        privateKeyPem: privateKey,
        publicKeyPem: publicKey,
      };
      this.state.changed();
    }
    return this.state.signingKey;
  }

  private pruneExpired(): void {
    if (this.state.accessTokens.size < 10_000) return;
    const now = Date.now();
    for (const [token, record] of this.state.accessTokens) {
      if (record.expiresAt <= now) this.state.accessTokens.delete(token);
    }
  }
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
