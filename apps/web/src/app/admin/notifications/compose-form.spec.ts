import { audienceOf, composeRequest, describeAudience, emptyCompose } from './compose-form';

describe('compose form', () => {
  it('splits listed recipients into user ids and e-mails', () => {
    const form = { ...emptyCompose(), audience: 'users' as const, recipients: 'ada@example.org, 0123456789abcdef01234567\n bob@example.org;' };
    expect(audienceOf(form)).toEqual({ kind: 'users', user_ids: ['0123456789abcdef01234567'], emails: ['ada@example.org', 'bob@example.org'] });
    expect(audienceOf({ ...emptyCompose(), audience: 'role', role: 'admin' })).toEqual({ kind: 'role', role: 'admin' });
    expect(audienceOf({ ...emptyCompose(), audience: 'inactive' })).toEqual({ kind: 'inactive' });
  });

  it('builds the request, or says what is missing', () => {
    const base = { ...emptyCompose(), title: ' Hi ', body: 'There' };
    expect(composeRequest(base)).toEqual({ request: { title: 'Hi', body: 'There', audience: { kind: 'all' }, channels: { in_app: true, email: false }, draft: false } });
    expect(composeRequest({ ...base, title: '' })).toEqual({ problem: expect.stringMatching(/title/) });
    expect(composeRequest({ ...base, title: '', body: '', templateId: 't1' })).toEqual({
      request: { template_id: 't1', audience: { kind: 'all' }, channels: { in_app: true, email: false }, draft: false },
    });
    expect(composeRequest({ ...base, inApp: false, email: false })).toEqual({ problem: 'Choose at least one channel.' });
    expect(composeRequest({ ...base, audience: 'users', recipients: ' ' })).toEqual({ problem: 'List at least one recipient.' });
    expect(composeRequest({ ...base, mode: 'schedule' })).toEqual({ problem: 'Choose when to send it.' });
    const scheduled = composeRequest({ ...base, mode: 'schedule', scheduledLocal: '2030-01-02T03:04' });
    expect('request' in scheduled && scheduled.request.scheduled_at).toBe(new Date('2030-01-02T03:04').toISOString());
    const draft = composeRequest({ ...base, mode: 'draft', email: true });
    expect('request' in draft && draft.request).toMatchObject({ draft: true, channels: { in_app: true, email: true } });
  });

  it('describes audiences', () => {
    expect(describeAudience({ kind: 'users', user_ids: ['a'], role: null })).toBe('1 selected user');
    expect(describeAudience({ kind: 'role', user_ids: [], role: 'admin' })).toBe('Role: admin');
  });
});
