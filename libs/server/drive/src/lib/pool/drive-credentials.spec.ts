import { accountsFromEnv } from './drive-credentials';

const key = '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n';

describe('accountsFromEnv', () => {
  it('reads a JSON list with both credential kinds', () => {
    const accounts = accountsFromEnv({
      GDRIVE_ACCOUNTS_JSON: JSON.stringify([
        { label: 'one', client_id: 'c', client_secret: 's', refresh_token: 'r' },
        { type: 'service_account', client_email: 'sa@p.iam.gserviceaccount.com', private_key: key },
        { label: 'three', service_account: { client_email: 'x@p.iam.gserviceaccount.com', private_key: key } },
      ]),
    });
    expect(accounts.map((a) => [a.label, a.credential.kind])).toEqual([
      ['one', 'oauth'],
      [undefined, 'service_account'],
      ['three', 'service_account'],
    ]);
  });

  it('reads any number of numbered variables in order', () => {
    const accounts = accountsFromEnv({
      GDRIVE_ACCOUNT_10_CLIENT_ID: 'c10',
      GDRIVE_ACCOUNT_10_CLIENT_SECRET: 's',
      GDRIVE_ACCOUNT_10_REFRESH_TOKEN: 'r',
      GDRIVE_ACCOUNT_2_SERVICE_ACCOUNT_JSON: JSON.stringify({ client_email: 'a@b.iam.gserviceaccount.com', private_key: key }),
    });
    expect(accounts.map((a) => a.credential.kind)).toEqual(['service_account', 'oauth']);
  });

  it('names the broken variable', () => {
    expect(() => accountsFromEnv({ GDRIVE_ACCOUNT_3_CLIENT_ID: 'x' })).toThrow(/GDRIVE_ACCOUNT_3_/);
    expect(() => accountsFromEnv({ GDRIVE_ACCOUNTS_JSON: '[{"client_id":1}]' })).toThrow(/GDRIVE_ACCOUNTS_JSON/);
    expect(() => accountsFromEnv({ GDRIVE_ACCOUNTS_JSON: 'nope' })).toThrow(/not valid JSON/);
  });
});
