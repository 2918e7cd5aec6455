import { createPublicKey } from 'node:crypto';
import { decodeJwt, signRs256, verifyRs256 } from '../core/jwt';
import type { ApiContext } from '../http/api-context';
import { pkceChallenge } from '../services/token-service';
import type { OAuthClientRecord } from '../state/types';
import { OAuthError } from './oauth-error';

export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive';
export const ID_TOKEN_ISSUER = 'https://accounts.google.com';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_S = 3600;
const CLOCK_SKEW_S = 300;

/** Audiences Google accepts for a service-account assertion (gtoken sends the first). */
const ACCEPTED_AUDIENCES = [
  'https://oauth2.googleapis.com/token',
  'https://www.googleapis.com/oauth2/v4/token',
  'https://accounts.google.com/o/oauth2/token',
];

/** `POST /token`: refresh_token, jwt-bearer and authorization_code grants. */
export async function tokenEndpoint(ctx: ApiContext): Promise<void> {
  const form = await readForm(ctx);
  const grantType = form.get('grant_type');
  let body: Record<string, unknown>;
  switch (grantType) {
    case 'refresh_token':
      body = refreshTokenGrant(ctx, form);
      break;
    case JWT_BEARER:
      body = jwtBearerGrant(ctx, form);
      break;
    case 'authorization_code':
      body = authorizationCodeGrant(ctx, form);
      break;
    default:
      throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  }
  ctx.ex.sendJson(200, body, { 'Cache-Control': 'no-cache, no-store, max-age=0, must-revalidate', Pragma: 'no-cache' });
}

async function readForm(ctx: ApiContext): Promise<URLSearchParams> {
  const raw = (await ctx.ex.readBody(64 * 1024)).toString('utf8');
  const type = ctx.ex.header('content-type') ?? '';
  if (type.includes('application/json')) {
    try {
      const parsed = JSON.parse(raw) as Record<string, unknown>;
      return new URLSearchParams(Object.entries(parsed).map(([k, v]): [string, string] => [k, String(v)]));
    } catch {
      throw new OAuthError(400, 'invalid_request', 'Invalid JSON payload.');
    }
  }
  return new URLSearchParams(raw);
}

/** Client authentication: form fields (google-auth-library's default) or HTTP Basic. */
function authenticateClient(ctx: ApiContext, form: URLSearchParams): OAuthClientRecord {
  let clientId = form.get('client_id');
  let clientSecret = form.get('client_secret');
  const basic = /^Basic\s+(.+)$/i.exec(ctx.ex.header('authorization') ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    clientId = decodeURIComponent(decoded.slice(0, colon));
    clientSecret = decodeURIComponent(decoded.slice(colon + 1));
  }
  if (!clientId) throw new OAuthError(400, 'invalid_request', 'Could not determine client ID from request.');
  const client = ctx.services.state.oauthClients.get(clientId);
  if (!client) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
  if (!clientSecret) throw new OAuthError(400, 'invalid_request', 'client_secret is missing.');
  if (client.clientSecret !== clientSecret) throw new OAuthError(401, 'invalid_client', 'Unauthorized');
  return client;
}

function refreshTokenGrant(ctx: ApiContext, form: URLSearchParams): Record<string, unknown> {
  const client = authenticateClient(ctx, form);
  const refreshToken = form.get('refresh_token');
  if (!refreshToken) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
  const { accounts, tokens } = ctx.services;

  const account = accounts.findByRefreshToken(refreshToken);
  if (account) {
    if (account.oauth?.clientId !== client.clientId) throw new OAuthError(400, 'unauthorized_client', 'Unauthorized');
    if (account.revoked) throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    return { ...tokens.issueAccessToken({ kind: 'account', accountId: account.id }, DRIVE_SCOPE, client.clientId), scope: DRIVE_SCOPE };
  }
  const userToken = tokens.findUserRefreshToken(refreshToken);
  if (userToken && userToken.clientId === client.clientId && ctx.services.state.users.has(userToken.sub)) {
    return {
      ...tokens.issueAccessToken({ kind: 'user', sub: userToken.sub }, userToken.scope, client.clientId),
      scope: userToken.scope,
    };
  }
  throw new OAuthError(400, 'invalid_grant', 'Bad Request');
}

/** Service-account grant: the assertion must verify against the account's public key. */
function jwtBearerGrant(ctx: ApiContext, form: URLSearchParams): Record<string, unknown> {
  const assertion = form.get('assertion');
  if (!assertion) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: assertion');
  const jwt = decodeJwt(assertion);
  if (!jwt) throw new OAuthError(400, 'invalid_grant', 'Invalid JWT: Unable to parse the assertion.');
  const { payload } = jwt;
  const iss = payload['iss'];
  const account = typeof iss === 'string' ? ctx.services.accounts.findByServiceAccountEmail(iss) : undefined;
  if (!account || !account.serviceAccount || account.revoked) {
    throw new OAuthError(400, 'invalid_grant', 'Invalid grant: account not found');
  }
  const key = account.serviceAccount;
  const kid = jwt.header['kid'];
  if ((kid !== undefined && kid !== key.privateKeyId) || !verifyRs256(jwt, createPublicKey(key.publicKeyPem))) {
    throw new OAuthError(400, 'invalid_grant', 'Invalid JWT Signature.');
  }
  const aud = payload['aud'];
  const ownTokenUrl = `${ctx.ex.baseUrl}token`;
  if (typeof aud !== 'string' || ![...ACCEPTED_AUDIENCES, ownTokenUrl].includes(aud)) {
    throw new OAuthError(400, 'invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${ACCEPTED_AUDIENCES[0]}`);
  }
  const iat = payload['iat'];
  const exp = payload['exp'];
  const now = Math.floor(Date.now() / 1000);
  if (
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    exp <= now - CLOCK_SKEW_S ||
    iat > now + CLOCK_SKEW_S ||
    exp - iat > MAX_ASSERTION_LIFETIME_S ||
    exp <= iat
  ) {
    throw new OAuthError(
      400,
      'invalid_grant',
      'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
    );
  }
  const scope = payload['scope'];
  if (typeof scope !== 'string' || !scope.trim()) {
    throw new OAuthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
  }
  return ctx.services.tokens.issueAccessToken({ kind: 'account', accountId: account.id }, scope, null) as unknown as Record<string, unknown>;
}

/** Sign-in: exchanges the code from `/o/oauth2/v2/auth` for tokens and an id_token. */
function authorizationCodeGrant(ctx: ApiContext, form: URLSearchParams): Record<string, unknown> {
  const client = authenticateClient(ctx, form);
  const { tokens, state } = ctx.services;
  const code = tokens.consumeAuthorizationCode(form.get('code') ?? '');
  if (!code || code.clientId !== client.clientId) throw new OAuthError(400, 'invalid_grant', 'Bad Request');
  if (form.get('redirect_uri') !== code.redirectUri) throw new OAuthError(400, 'redirect_uri_mismatch', 'Bad Request');
  if (code.codeChallenge) {
    const verifier = form.get('code_verifier');
    const expected = code.codeChallengeMethod === 'plain' ? verifier : verifier && pkceChallenge(verifier);
    if (!verifier || expected !== code.codeChallenge) throw new OAuthError(400, 'invalid_grant', 'Invalid code verifier.');
  }
  const user = state.users.get(code.sub);
  if (!user) throw new OAuthError(400, 'invalid_grant', 'Bad Request');

  const issued = tokens.issueAccessToken({ kind: 'user', sub: user.sub }, code.scope, client.clientId);
  const body: Record<string, unknown> = { ...issued, scope: code.scope };
  if (code.scope.split(/\s+/).includes('openid')) {
    const key = tokens.signingKey();
    const iat = Math.floor(Date.now() / 1000);
    const [givenName, ...rest] = user.name.split(' ');
    body['id_token'] = signRs256(
      {
        iss: ID_TOKEN_ISSUER,
        azp: client.clientId,
        aud: client.clientId,
        sub: user.sub,
        email: user.email,
        email_verified: user.emailVerified,
        name: user.name,
        given_name: givenName,
        ...(rest.length ? { family_name: rest.join(' ') } : {}),
        ...(user.picture ? { picture: user.picture } : {}),
        ...(code.nonce ? { nonce: code.nonce } : {}),
        iat,
        exp: iat + 3600,
      },
      key.privateKeyPem,
      key.kid,
    );
  }
  if (code.offline) body['refresh_token'] = tokens.issueUserRefreshToken(user.sub, client.clientId, code.scope);
  return body;
}
