import { createAdminProblems } from './create-admin-form';

const ok = { email: 'new.admin@example.org', password: 'long enough pass', confirm: 'long enough pass', role: 'admin' as const };

describe('createAdminProblems', () => {
  it('accepts a valid form', () => {
    expect(createAdminProblems(ok)).toEqual({});
  });

  it('applies the password policy the API applies', () => {
    expect(createAdminProblems({ ...ok, password: 'short', confirm: 'short' }).password).toBe('At least 8 characters.');
    expect(createAdminProblems({ ...ok }, 20).password).toBe('At least 20 characters.');
    expect(createAdminProblems({ ...ok, password: 'New.Admin@example.org', confirm: 'New.Admin@example.org' }).password).toMatch(/e-mail address/);
    expect(createAdminProblems({ ...ok, password: 'new.admin', confirm: 'new.admin' }).password).toMatch(/e-mail address/);
    expect(createAdminProblems({ ...ok, password: 'abababababab', confirm: 'abababababab' }).password).toMatch(/different characters/);
  });

  it('checks e-mail and confirmation', () => {
    expect(createAdminProblems({ ...ok, email: '' }).email).toBe('Enter an e-mail address.');
    expect(createAdminProblems({ ...ok, email: 'not-an-address' }).email).toBe('Enter a valid e-mail address.');
    expect(createAdminProblems({ ...ok, confirm: 'something else' }).confirm).toBe('The passwords do not match.');
  });
});
