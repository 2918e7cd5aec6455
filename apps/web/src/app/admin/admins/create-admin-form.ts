import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH_FLOOR } from '@ddx/contracts';

export interface CreateAdminForm {
  email: string;
  password: string;
  confirm: string;
  role: 'admin' | 'superadmin';
}

export type CreateAdminProblems = Partial<Record<keyof CreateAdminForm, string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * What the form can tell before asking the API (which applies the full
 * password policy, e.g. the admin's minimum length setting and its list of
 * common passwords, and answers WEAK_PASSWORD otherwise).
 */
export function createAdminProblems(form: CreateAdminForm, minLength = PASSWORD_MIN_LENGTH_FLOOR): CreateAdminProblems {
  const problems: CreateAdminProblems = {};
  const email = form.email.trim();
  if (!email) problems.email = 'Enter an e-mail address.';
  else if (!EMAIL.test(email) || email.length > 254) problems.email = 'Enter a valid e-mail address.';
  if (form.password.length < minLength) problems.password = `At least ${minLength} characters.`;
  else if (form.password.length > PASSWORD_MAX_LENGTH) problems.password = `At most ${PASSWORD_MAX_LENGTH} characters.`;
  else if (isOwnAddress(form.password, email)) problems.password = 'The password must not be the e-mail address.';
  else if (new Set(form.password).size < 3) problems.password = 'The password needs more different characters.';
  if (!problems.password && form.confirm !== form.password) problems.confirm = 'The passwords do not match.';
  if (form.role !== 'admin' && form.role !== 'superadmin') problems.role = 'Choose a role.';
  return problems;
}

/** As the API's policy: the whole address, or its local part when 4+ characters long. */
function isOwnAddress(password: string, email: string): boolean {
  const lower = password.toLowerCase();
  const address = email.toLowerCase();
  const local = address.split('@')[0] ?? '';
  return !!address && (lower === address || (local.length >= 4 && lower === local));
}
