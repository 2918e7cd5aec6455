import { OAuth2Client } from 'google-auth-library';
import { drive as createDrive } from 'googleapis/build/src/apis/drive';
import { startFixture, type EmulatorFixture } from '../testing/emulator-fixture';

describe('Google sign-in (authorization code flow)', () => {
  let fx: EmulatorFixture;
  const redirectUri = 'http://localhost:4200/api/v1/auth/google/callback';

  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(() => fx.emulator.close());
  beforeEach(async () => {
    await fx.control.reset();
    await fx.control.addOAuthClient({ client_id: 'web.apps.googleusercontent.com', client_secret: 'web-secret', redirect_uris: [redirectUri] });
    await fx.control.addUser({ email: 'ann@example.com', name: 'Ann Example' });
  });

  const client = (): OAuth2Client =>
    new OAuth2Client({
      clientId: 'web.apps.googleusercontent.com',
      clientSecret: 'web-secret',
      redirectUri,
      endpoints: {
        oauth2AuthBaseUrl: `${fx.emulator.url}o/oauth2/v2/auth`,
        oauth2TokenUrl: `${fx.emulator.url}token`,
        oauth2FederatedSignonPemCertsUrl: `${fx.emulator.url}oauth2/v1/certs`,
      },
    });

  /** What the browser does: follow the consent URL and read where it is sent back to. */
  async function authorize(url: string): Promise<URL> {
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location') as string);
  }

  it('redirects back with a code, exchanges it for tokens, and issues a verifiable id_token and userinfo', async () => {
    const oauth = client();
    const { codeVerifier, codeChallenge } = await oauth.generateCodeVerifierAsync();
    const url = oauth.generateAuthUrl({
      scope: ['openid', 'email', 'profile'],
      state: 'xyz',
      login_hint: 'ann@example.com',
      access_type: 'offline',
      code_challenge: codeChallenge,
      code_challenge_method: 'S256' as never,
    });
    const back = await authorize(url);
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('xyz');
    const code = back.searchParams.get('code') as string;

    const { tokens } = await oauth.getToken({ code, codeVerifier });
    expect(tokens.refresh_token).toBeTruthy();
    const ticket = await oauth.verifyIdToken({ idToken: tokens.id_token as string, audience: 'web.apps.googleusercontent.com' });
    expect(ticket.getPayload()).toMatchObject({ email: 'ann@example.com', email_verified: true, name: 'Ann Example', iss: 'https://accounts.google.com' });

    oauth.setCredentials(tokens);
    const info = await oauth.request<{ sub: string; email: string }>({ url: `${fx.emulator.url}oauth2/v3/userinfo` });
    expect(info.data).toMatchObject({ email: 'ann@example.com', sub: ticket.getUserId() });

    // A sign-in token has no Drive scope.
    await expect(createDrive({ version: 'v3', auth: oauth }).about.get({ fields: 'user' }, { rootUrl: fx.emulator.url })).rejects.toMatchObject({
      status: 403,
    });
    // Codes are single use.
    await expect(client().getToken({ code, codeVerifier })).rejects.toMatchObject({ response: { data: { error: 'invalid_grant' } } });
  });

  it('refuses a wrong PKCE verifier, an unknown user and an unregistered redirect URI', async () => {
    const oauth = client();
    const { codeChallenge } = await oauth.generateCodeVerifierAsync();
    const url = oauth.generateAuthUrl({ scope: ['openid'], login_hint: 'ann@example.com', code_challenge: codeChallenge, code_challenge_method: 'S256' as never });
    const code = (await authorize(url)).searchParams.get('code') as string;
    await expect(oauth.getToken({ code, codeVerifier: 'x'.repeat(43) })).rejects.toMatchObject({ response: { data: { error: 'invalid_grant' } } });

    const denied = await authorize(oauth.generateAuthUrl({ scope: ['openid'], login_hint: 'bob@example.com', state: 's' }));
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('s');

    const bad = oauth.generateAuthUrl({ scope: ['openid'], login_hint: 'ann@example.com', redirect_uri: 'http://evil.test/cb' });
    expect((await fetch(bad, { redirect: 'manual' })).status).toBe(400);
  });
});
