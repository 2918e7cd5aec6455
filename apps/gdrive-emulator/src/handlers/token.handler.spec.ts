import { JWT, OAuth2Client } from 'google-auth-library';
import { drive as createDrive } from 'googleapis/build/src/apis/drive';
import { authClientFor, type ServiceAccountCredentialJson } from '../contract/contract-target';
import type { EmulatorAccount, EmulatorOAuthCredentials } from '../testing/emulator-control';
import { generateServiceAccountKey, startFixture, type EmulatorFixture } from '../testing/emulator-fixture';

function oauthOf(account: EmulatorAccount): EmulatorOAuthCredentials {
  if (!account.credentials.oauth) throw new Error('account has no OAuth credentials');
  return account.credentials.oauth;
}

describe('POST /token', () => {
  let fx: EmulatorFixture;
  const key = generateServiceAccountKey();
  const otherKey = generateServiceAccountKey();

  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(() => fx.emulator.close());
  beforeEach(() => fx.control.reset());

  const oauthClient = (clientId: string, clientSecret: string, refreshToken: string): OAuth2Client => {
    const client = new OAuth2Client({ clientId, clientSecret, endpoints: { oauth2TokenUrl: `${fx.emulator.url}token` } });
    client.setCredentials({ refresh_token: refreshToken });
    return client;
  };

  it('issues a Bearer token with the configured lifetime for a known refresh token', async () => {
    const account = await fx.control.addAccount({ serviceAccount: false });
    const oauth = oauthOf(account);
    const client = oauthClient(oauth.client_id, oauth.client_secret, oauth.refresh_token);
    const { token } = await client.getAccessToken();
    expect(token).toMatch(/^ya29\./);
    const expiresIn = (client.credentials.expiry_date as number) - Date.now();
    expect(expiresIn).toBeGreaterThan(3590_000);
    expect(expiresIn).toBeLessThanOrEqual(3600_000);
  });

  it('answers invalid_grant for an unknown refresh token and invalid_client for a wrong secret or client', async () => {
    const account = await fx.control.addAccount({ serviceAccount: false });
    const oauth = oauthOf(account);
    await expect(oauthClient(oauth.client_id, oauth.client_secret, '1//unknown').getAccessToken()).rejects.toMatchObject({
      response: { status: 400, data: { error: 'invalid_grant' } },
    });
    await expect(oauthClient(oauth.client_id, 'wrong', oauth.refresh_token).getAccessToken()).rejects.toMatchObject({
      response: { status: 401, data: { error: 'invalid_client' } },
    });
    await expect(oauthClient('nobody.apps.googleusercontent.com', 'x', oauth.refresh_token).getAccessToken()).rejects.toMatchObject({
      response: { status: 401, data: { error: 'invalid_client', error_description: 'The OAuth client was not found.' } },
    });
  });

  it('revoking an account fails its refresh token with invalid_grant and kills its live access tokens', async () => {
    const account = await fx.control.addAccount({ serviceAccount: false });
    const oauth = oauthOf(account);
    const client = oauthClient(oauth.client_id, oauth.client_secret, oauth.refresh_token);
    const drive = createDrive({ version: 'v3', auth: client });
    await drive.about.get({ fields: 'user' }, { rootUrl: fx.emulator.url });

    await fx.control.revokeAccount(account.id);
    await expect(drive.about.get({ fields: 'user' }, { rootUrl: fx.emulator.url })).rejects.toMatchObject({ status: 401 });
    await expect(oauthClient(oauth.client_id, oauth.client_secret, oauth.refresh_token).getAccessToken()).rejects.toMatchObject({
      response: { data: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } },
    });
  });

  it('accepts a service-account assertion only when signed by the registered key', async () => {
    const account = await fx.control.addAccount({
      oauth: false,
      serviceAccount: { private_key: key, client_email: 'pool-1@proj.iam.gserviceaccount.com', private_key_id: 'kid-1' },
    });
    const sa = account.credentials.serviceAccount as ServiceAccountCredentialJson;
    expect(sa.private_key).toBe(key);
    const good = authClientFor('service_account', sa, fx.emulator.url);
    const about = await createDrive({ version: 'v3', auth: good }).about.get({ fields: 'user' }, { rootUrl: fx.emulator.url });
    expect(about.data.user?.emailAddress).toBe(account.email);

    const forged = authClientFor('service_account', { ...sa, private_key: otherKey }, fx.emulator.url) as JWT;
    await expect(forged.getAccessToken()).rejects.toMatchObject({ message: 'invalid_grant: Invalid JWT Signature.' });

    const stranger = authClientFor('service_account', { ...sa, client_email: 'who@proj.iam.gserviceaccount.com' }, fx.emulator.url);
    await expect(stranger.getAccessToken()).rejects.toMatchObject({ message: 'invalid_grant: Invalid grant: account not found' });
  });

  it('honours caller-supplied OAuth credentials, so a launcher can pre-generate them', async () => {
    const account = await fx.control.addAccount({
      email: 'pre@emulator.local',
      oauth: { client_id: 'pre.apps.googleusercontent.com', client_secret: 'pre-secret', refresh_token: '1//pre-token' },
      serviceAccount: false,
    });
    expect(account.credentials.oauth).toMatchObject({ client_id: 'pre.apps.googleusercontent.com', refresh_token: '1//pre-token' });
    expect(account.credentials.serviceAccount).toBeNull();
    const client = oauthClient('pre.apps.googleusercontent.com', 'pre-secret', '1//pre-token');
    const about = await createDrive({ version: 'v3', auth: client }).about.get({ fields: 'user' }, { rootUrl: fx.emulator.url });
    expect(about.data.user?.emailAddress).toBe('pre@emulator.local');
    await expect(fx.control.addAccount({ oauth: { refresh_token: '1//pre-token' }, serviceAccount: false })).rejects.toThrow(/409/);
  });
});
