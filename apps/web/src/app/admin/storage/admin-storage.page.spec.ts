import { buildAddRequest, removalPlan } from './admin-storage.page';

describe('removalPlan', () => {
  it('an empty account is simply removed', () => {
    expect(removalPlan({ label: 'Drive 3', files_count: 0, reserved_bytes: 0 }, false)).toEqual({
      message: 'Drive 3 leaves the pool; no files are stored on it. The bytes in the Google account itself are not touched.',
      force: false,
      allowed: true,
    });
  });

  it('an account with files is refused to an admin and says who can force it', () => {
    const plan = removalPlan({ label: 'Drive 1', files_count: 4, reserved_bytes: 0 }, false);
    expect(plan.allowed).toBe(false);
    expect(plan.message).toContain('4 files are stored on Drive 1, so removing it is refused');
    expect(plan.message).toContain('ask a superadmin');
  });

  it('a superadmin forces it and is told what happens to the files and uploads in flight', () => {
    const plan = removalPlan({ label: 'Drive 1', files_count: 0, reserved_bytes: 10 }, true);
    expect(plan).toMatchObject({ force: true, allowed: true });
    expect(plan.message).toContain('Uploads are in flight to Drive 1');
    expect(plan.message).toContain('files without one can no longer be downloaded');
  });
});

describe('buildAddRequest', () => {
  const base = { kind: 'oauth' as const, label: '', clientId: ' id ', clientSecret: 's', refreshToken: 't', keyJson: '', subject: '' };
  it('builds an OAuth credential and a service-account one, or says what is missing', () => {
    expect(buildAddRequest(base)).toEqual({ label: undefined, credential: { kind: 'oauth', client_id: 'id', client_secret: 's', refresh_token: 't' } });
    expect(buildAddRequest({ ...base, refreshToken: ' ' })).toBe('Client id, client secret and refresh token are required.');
    expect(buildAddRequest({ ...base, kind: 'service_account', keyJson: '{oops' })).toBe('The key file is not valid JSON.');
    expect(buildAddRequest({ ...base, kind: 'service_account', keyJson: '{"a":1}', label: 'SA' })).toEqual({ label: 'SA', credential: { kind: 'service_account', key_json: '{"a":1}', subject: undefined } });
  });
});
