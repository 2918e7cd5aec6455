import { WebRoutes } from '@ddx/contracts';
import { AppConfig } from '@ddx/server-config';
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';

export interface GoogleUserInfo {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
  picture: string | null;
}

/** Raised for anything Google (or the emulator) answers that is not a usable sign-in. */
export class GoogleOAuthError extends Error {
  constructor(
    message: string,
    /** true when the user's code was refused (invalid_grant), false for outages. */
    readonly rejected: boolean,
  ) {
    super(message);
    this.name = 'GoogleOAuthError';
  }
}

const TIMEOUT_MS = 10_000;

/**
 * Google's OAuth 2.0 web-server flow for sign-in (openid email profile): the
 * authorization URL, the code exchange and the userinfo call. Endpoints come
 * from the env so tests and `npm start` use the Drive emulator.
 */
@Injectable()
export class GoogleOAuthClient {
  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return Boolean(this.config.GOOGLE_OAUTH_CLIENT_ID && this.config.GOOGLE_OAUTH_CLIENT_SECRET);
  }

  get redirectUri(): string {
    return this.config.GOOGLE_OAUTH_REDIRECT_URI ?? new URL(WebRoutes.googleCallback, this.config.PUBLIC_BASE_URL).toString();
  }

  authorizationUrl(state: string, codeVerifier: string): string {
    const url = new URL(this.config.GOOGLE_OAUTH_AUTH_URL);
    url.searchParams.set('client_id', this.config.GOOGLE_OAUTH_CLIENT_ID ?? '');
    url.searchParams.set('redirect_uri', this.redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', 'openid email profile');
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', createHash('sha256').update(codeVerifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('prompt', 'select_account');
    return url.toString();
  }

  /** Exchanges the authorization code and reads the signed-in Google user. */
  async signIn(code: string, codeVerifier: string): Promise<GoogleUserInfo> {
    const accessToken = await this.exchangeCode(code, codeVerifier);
    return this.userInfo(accessToken);
  }

  private async exchangeCode(code: string, codeVerifier: string): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: codeVerifier,
      client_id: this.config.GOOGLE_OAUTH_CLIENT_ID ?? '',
      client_secret: this.config.GOOGLE_OAUTH_CLIENT_SECRET ?? '',
      redirect_uri: this.redirectUri,
    });
    const res = await this.call(this.config.GOOGLE_OAUTH_TOKEN_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body,
    });
    const json = (await res.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown };
    if (!res.ok || typeof json.access_token !== 'string') {
      const error = typeof json.error === 'string' ? json.error : `HTTP ${res.status}`;
      throw new GoogleOAuthError(`token exchange failed: ${error}`, res.status >= 400 && res.status < 500);
    }
    return json.access_token;
  }

  private async userInfo(accessToken: string): Promise<GoogleUserInfo> {
    const res = await this.call(this.config.GOOGLE_OAUTH_USERINFO_URL, {
      headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
    });
    if (!res.ok) throw new GoogleOAuthError(`userinfo failed: HTTP ${res.status}`, false);
    const info = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (typeof info['sub'] !== 'string' || typeof info['email'] !== 'string') {
      throw new GoogleOAuthError('userinfo lacks sub or email', false);
    }
    const verified = info['email_verified'];
    return {
      sub: info['sub'],
      email: info['email'].trim().toLowerCase(),
      // Google sends a boolean; some OpenID providers send "true".
      emailVerified: verified === true || verified === 'true',
      name: typeof info['name'] === 'string' ? info['name'].slice(0, 200) : null,
      picture: typeof info['picture'] === 'string' && /^https?:\/\//.test(info['picture']) ? info['picture'].slice(0, 2048) : null,
    };
  }

  private async call(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      throw new GoogleOAuthError(`request to ${new URL(url).host} failed: ${(err as Error).message}`, false);
    }
  }
}
