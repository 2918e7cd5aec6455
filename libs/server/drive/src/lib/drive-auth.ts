import { JWT, OAuth2Client } from 'google-auth-library';
import { DRIVE_SCOPE, GOOGLE_API_ROOT, type DriveCredential, type ServiceAccountKeyJson } from './drive-credential';
import { DriveError } from './drive-error';

/** gtoken (inside the JWT client) always posts here, whatever the key file says. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export function isGoogleApiRoot(apiRoot: string): boolean {
  const host = new URL(apiRoot).hostname;
  return host === 'googleapis.com' || host.endsWith('.googleapis.com');
}

/** Adds the trailing slash googleapis expects of a rootUrl. */
export function normalizeApiRoot(apiRoot: string | undefined): string {
  const root = apiRoot ?? GOOGLE_API_ROOT;
  new URL(root); // throws on a malformed root, at construction rather than on first use
  return root.endsWith('/') ? root : `${root}/`;
}

/**
 * An auth client for either credential kind. When `apiRoot` is not Google's (the local
 * emulator), token requests go to `${apiRoot}token` too: OAuth2Client takes the URL as an
 * endpoint; the JWT client needs a transporter interceptor because gtoken hard-codes it.
 */
export function createDriveAuth(credential: DriveCredential, apiRoot: string, scopes: string[] = [DRIVE_SCOPE]): OAuth2Client {
  const tokenUrl = isGoogleApiRoot(apiRoot) ? null : `${apiRoot}token`;
  if (credential.kind === 'oauth') {
    const client = new OAuth2Client({
      clientId: credential.clientId,
      clientSecret: credential.clientSecret,
      ...(tokenUrl ? { endpoints: { oauth2TokenUrl: tokenUrl } } : {}),
    });
    client.setCredentials({ refresh_token: credential.refreshToken });
    return client;
  }

  const key = parseServiceAccountKey(credential.json);
  // Scopes are required: without them the JWT client signs its own access token and never
  // calls the token endpoint, which only Google's front end would accept.
  const jwt = new JWT({ email: key.client_email, key: key.private_key, keyId: key.private_key_id, scopes, subject: credential.subject });
  if (tokenUrl) {
    jwt.transporter.interceptors.request.add({
      resolved: async (options) => {
        if (String(options.url).startsWith(GOOGLE_TOKEN_URL)) options.url = new URL(tokenUrl);
        return options;
      },
    });
  }
  return jwt;
}

function parseServiceAccountKey(json: ServiceAccountKeyJson | string): ServiceAccountKeyJson {
  let key: Partial<ServiceAccountKeyJson>;
  try {
    key = typeof json === 'string' ? (JSON.parse(json) as Partial<ServiceAccountKeyJson>) : json;
  } catch {
    throw malformed('the service-account key is not valid JSON');
  }
  if (!key || typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw malformed('the service-account key lacks client_email or private_key');
  }
  return key as ServiceAccountKeyJson;
}

function malformed(detail: string): DriveError {
  return new DriveError({
    kind: 'auth_revoked',
    operation: 'configure',
    status: null,
    reason: 'malformed_credentials',
    message: `Drive credentials unusable: ${detail}`,
  });
}
