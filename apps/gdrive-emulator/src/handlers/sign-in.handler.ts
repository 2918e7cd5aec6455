import { createPublicKey } from 'node:crypto';
import { googleErrors } from '../core/google-error';
import type { ApiContext } from '../http/api-context';
import { ID_TOKEN_ISSUER } from './token.handler';

/**
 * `GET /o/oauth2/v2/auth`: Google's consent screen without the screen. With a
 * `login_hint` naming a known user it redirects straight back with a code; without one it
 * shows a bare account chooser (links that add the hint), handy in a browser.
 */
export async function authorizeEndpoint(ctx: ApiContext): Promise<void> {
  const { ex, services } = ctx;
  const q = ex.url.searchParams;
  const clientId = q.get('client_id') ?? '';
  const redirectUri = q.get('redirect_uri') ?? '';
  const client = services.state.oauthClients.get(clientId);
  if (!client) return ex.sendText(401, 'Error 401: invalid_client\nThe OAuth client was not found.');
  if (!client.redirectUris.includes(redirectUri)) {
    return ex.sendText(400, `Error 400: redirect_uri_mismatch\nThe redirect URI in the request, ${redirectUri}, does not match the ones authorized for the OAuth client.`);
  }

  const state = q.get('state');
  const back = (params: Record<string, string>): void => {
    const target = new URL(redirectUri);
    for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
    if (state !== null) target.searchParams.set('state', state);
    ex.res.writeHead(302, { Location: target.toString(), 'Content-Length': '0' });
    ex.res.end();
  };

  if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
  const scope = (q.get('scope') ?? '').trim();
  if (!scope) return back({ error: 'invalid_request', error_description: 'Missing required parameter: scope' });
  const method = q.get('code_challenge_method');
  if (method !== null && method !== 'S256' && method !== 'plain') {
    return back({ error: 'invalid_request', error_description: 'Invalid code_challenge_method' });
  }

  const hint = q.get('login_hint');
  if (!hint) return sendChooser(ctx);
  const user = services.signIn.findUserByEmail(hint);
  if (!user) return back({ error: 'access_denied' });

  const code = services.tokens.createAuthorizationCode({
    clientId,
    redirectUri,
    sub: user.sub,
    scope,
    nonce: q.get('nonce'),
    codeChallenge: q.get('code_challenge'),
    codeChallengeMethod: q.get('code_challenge') ? ((method as 'S256' | 'plain' | null) ?? 'plain') : null,
    offline: q.get('access_type') === 'offline',
  });
  back({ code, scope, authuser: '0', prompt: 'consent' });
}

function sendChooser(ctx: ApiContext): void {
  const users = ctx.services.signIn.users();
  const escape = (s: string): string =>
    s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
  const items = users.map((u) => {
    const url = new URL(ctx.ex.url.toString());
    url.searchParams.set('login_hint', u.email);
    return `<li><a href="${escape(url.pathname + url.search)}">${escape(u.name)} &lt;${escape(u.email)}&gt;</a></li>`;
  });
  const body = users.length
    ? `<ul>${items.join('')}</ul>`
    : '<p>No users. Add one with <code>POST /__emulator/users {"email": "…"}</code>.</p>';
  ctx.ex.sendText(200, `<!doctype html><title>Choose an account</title><h1>Choose an account (gdrive-emulator)</h1>${body}`, 'text/html; charset=UTF-8');
}

/** `GET /oauth2/v3/userinfo`: the OpenID claims of the token's user (or Drive account). */
export async function userinfoEndpoint(ctx: ApiContext): Promise<void> {
  const { token, services } = ctx;
  if (!token) throw googleErrors.invalidCredentials();
  if (token.principal.kind === 'user') {
    const user = services.state.users.get(token.principal.sub);
    if (!user) throw googleErrors.invalidCredentials();
    const [givenName, ...rest] = user.name.split(' ');
    ctx.ex.sendJson(200, {
      sub: user.sub,
      name: user.name,
      given_name: givenName,
      ...(rest.length ? { family_name: rest.join(' ') } : {}),
      ...(user.picture ? { picture: user.picture } : {}),
      email: user.email,
      email_verified: user.emailVerified,
    });
    return;
  }
  const account = ctx.account;
  if (!account) throw googleErrors.invalidCredentials();
  ctx.ex.sendJson(200, { sub: account.id, name: account.displayName, email: account.email, email_verified: true });
}

/** `GET /oauth2/v3/certs` (JWK set) and `/oauth2/v1/certs` (kid → PEM, what google-auth-library reads). */
export async function certsEndpoint(ctx: ApiContext): Promise<void> {
  const key = ctx.services.tokens.signingKey();
  if (ctx.ex.url.pathname === '/oauth2/v1/certs') {
    ctx.ex.sendJson(200, { [key.kid]: key.publicKeyPem });
    return;
  }
  const jwk = createPublicKey(key.publicKeyPem).export({ format: 'jwk' });
  ctx.ex.sendJson(200, { keys: [{ ...jwk, alg: 'RS256', use: 'sig', kid: key.kid }] });
}

export async function discoveryEndpoint(ctx: ApiContext): Promise<void> {
  const base = ctx.ex.baseUrl;
  ctx.ex.sendJson(200, {
    issuer: ID_TOKEN_ISSUER,
    authorization_endpoint: `${base}o/oauth2/v2/auth`,
    token_endpoint: `${base}token`,
    userinfo_endpoint: `${base}oauth2/v3/userinfo`,
    jwks_uri: `${base}oauth2/v3/certs`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: ['aud', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'iss', 'name', 'picture', 'sub'],
    code_challenge_methods_supported: ['plain', 'S256'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
  });
}
