import { AdminErrorCode, Role } from '@ddx/contracts';
import { FileRepository, UserStorageRepository } from '@ddx/server-database';

import { strictMock } from '../../../testing/strict-mock';
import { PasswordHasher, PasswordPolicy } from '../../auth';
import { AppException } from '../../common/app-exception';
import { UserRecord } from '../../users/user.record';
import { UserRepository } from '../../users/user.repository';
import { AdminActor } from '../shared/admin-actor.decorator';
import { AdminAudit } from '../shared/admin-audit.service';
import { FileRemoval } from '../shared/file-removal.service';
import { AdminUserRepository } from './admin-user.repository';
import { AdminUsersService } from './admin-users.service';

function record(id: string, role: Role): UserRecord {
  // Asserted rather than annotated: the record keeps gaining fields these rules do not read.
  return {
    id,
    email: `${id}@example.org`,
    passwordHash: 'h',
    role,
    status: 'active',
    statusReason: null,
    tokenVersion: 1,
    storageQuotaBytes: 1000,
    storageUsedBytes: 0,
    googleId: null,
    name: null,
    picture: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    lastLoginAt: null,
    emailVerified: true,
  } as UserRecord;
}

function actorOf(role: Role, id = `actor-${role}`): AdminActor {
  return { admin: { id, email: `${id}@example.org`, role, status: 'active', tokenVersion: 1, permissions: [] }, ip: '127.0.0.1' };
}

/** The service with every repository strict: only the writes a test expects are stubbed. */
function setup(target: UserRecord) {
  const users = strictMock<UserRepository>('users', {
    findById: jest.fn(async (id: string) => (id === target.id ? target : null)),
    setStatus: jest.fn(async (_id: string, status: UserRecord['status']) => ({ ...target, status })),
    setPassword: jest.fn(async () => target),
    setRole: jest.fn(async (_id: string, role: Role) => ({ ...target, role })),
  });
  const directory = strictMock<AdminUserRepository>('directory', { deleteById: jest.fn(async () => undefined) });
  const files = strictMock<FileRepository>('files', {
    usageByOwners: jest.fn(async () => new Map()),
    findByOwner: jest.fn(async () => []),
  });
  const storage = strictMock<UserStorageRepository>('storage', { setQuota: jest.fn(async () => undefined) });
  const removal = strictMock<FileRemoval>('removal');
  const hasher = strictMock<PasswordHasher>('hasher', { hash: jest.fn(async () => 'new-hash') });
  const policy = strictMock<PasswordPolicy>('policy', { assertAcceptable: jest.fn(async () => undefined) });
  const audit = strictMock<AdminAudit>('audit', {
    record: jest.fn(async () => undefined),
    refuse: jest.fn(async (_a: AdminActor, _t: string, _what: string, message: string, code = 'PERMISSION_DENIED') => new AppException(403, code, message)),
  });
  // Tells live sessions of a suspended or banned account to close.
  const revocations = strictMock<{ publish(event: unknown): Promise<void> }>('revocations', { publish: jest.fn(async () => undefined) });
  // Built positionally rather than through Nest: the role rules need no module wiring.
  const Service = AdminUsersService as unknown as new (...deps: unknown[]) => AdminUsersService;
  const service = new Service(users, directory, files, storage, removal, hasher, policy, audit, revocations);
  return { service, users, directory, storage, audit };
}

type Action = 'suspend' | 'ban' | 'delete' | 'reset_password' | 'set_quota' | 'promote' | 'demote';

async function attempt(actorRole: Role, targetRole: Role, action: Action) {
  const target = record('target', targetRole);
  const env = setup(target);
  const actor = actorOf(actorRole);
  const run = () => {
    switch (action) {
      case 'suspend':
      case 'ban':
        return env.service.changeStatus(actor, target.id, action, 'why');
      case 'delete':
        return env.service.remove(actor, target.id, 'why');
      case 'reset_password':
        return env.service.resetPassword(actor, target.id, 'a long new password');
      case 'set_quota':
        return env.service.setQuota(actor, target.id, 5000);
      case 'promote':
        return env.service.setRole(actor, target.id, targetRole === Role.regular ? Role.admin : Role.superadmin);
      case 'demote':
        return env.service.setRole(actor, target.id, targetRole === Role.superadmin ? Role.admin : Role.regular);
    }
  };
  const outcome = await run().then(
    () => 'allowed' as const,
    (e: unknown) => {
      if (e instanceof AppException && e.getStatus() === 403 && e.code === 'PERMISSION_DENIED') return 'refused' as const;
      throw e;
    },
  );
  const writes = [env.users.setStatus, env.users.setPassword, env.users.setRole, env.storage.setQuota, env.directory.deleteById];
  const written = writes.some((w) => w.mock.calls.length > 0);
  return { outcome, written, env };
}

const { regular, admin, superadmin } = Role;

/**
 * Who may do what to whom. Each row is one pair; both directions between the
 * admin roles are listed, so a rule that checks only one side fails here.
 */
const RULES: Array<[Role, Action, Role, 'allowed' | 'refused']> = [
  [admin, 'suspend', regular, 'allowed'],
  [admin, 'suspend', admin, 'refused'],
  [admin, 'suspend', superadmin, 'refused'],
  [superadmin, 'suspend', regular, 'allowed'],
  [superadmin, 'suspend', admin, 'allowed'],
  [superadmin, 'suspend', superadmin, 'refused'],
  [admin, 'ban', regular, 'allowed'],
  [admin, 'ban', admin, 'refused'],
  [admin, 'ban', superadmin, 'refused'],
  [superadmin, 'ban', regular, 'allowed'],
  [superadmin, 'ban', admin, 'allowed'],
  [superadmin, 'ban', superadmin, 'refused'],
  [admin, 'delete', regular, 'allowed'],
  [admin, 'delete', admin, 'refused'],
  [admin, 'delete', superadmin, 'refused'],
  [superadmin, 'delete', regular, 'allowed'],
  [superadmin, 'delete', admin, 'allowed'],
  [superadmin, 'delete', superadmin, 'refused'],
  [admin, 'reset_password', regular, 'allowed'],
  [admin, 'reset_password', admin, 'refused'],
  [admin, 'reset_password', superadmin, 'refused'],
  [superadmin, 'reset_password', regular, 'allowed'],
  [superadmin, 'reset_password', admin, 'allowed'],
  [superadmin, 'reset_password', superadmin, 'allowed'],
  [admin, 'set_quota', regular, 'allowed'],
  [admin, 'set_quota', admin, 'refused'],
  [admin, 'set_quota', superadmin, 'refused'],
  [superadmin, 'set_quota', regular, 'allowed'],
  [superadmin, 'set_quota', admin, 'allowed'],
  [superadmin, 'set_quota', superadmin, 'allowed'],
  // promote: regular → admin, admin → superadmin; demote: admin → regular, superadmin → admin
  [admin, 'promote', regular, 'refused'],
  [admin, 'promote', admin, 'refused'],
  [admin, 'demote', admin, 'refused'],
  [admin, 'demote', superadmin, 'refused'],
  [superadmin, 'promote', regular, 'allowed'],
  [superadmin, 'promote', admin, 'allowed'],
  [superadmin, 'demote', admin, 'allowed'],
  [superadmin, 'demote', superadmin, 'refused'],
];

describe('AdminUsersService: which admin role may act on which account', () => {
  it.each(RULES)('%s → %s → %s: %s', async (actorRole, action, targetRole, expected) => {
    const { outcome, written, env } = await attempt(actorRole, targetRole, action);
    expect(outcome).toBe(expected);
    // A refusal changes nothing and is logged; an allowed action writes and is logged.
    expect(written).toBe(expected === 'allowed');
    if (expected === 'refused') expect(env.audit.refuse).toHaveBeenCalledWith(expect.anything(), 'target', expect.any(String), expect.stringContaining(`"${targetRole}"`));
    else expect(env.audit.record).toHaveBeenCalled();
  });

  it.each(['suspend', 'ban', 'delete', 'promote', 'demote'] as const)('refuses %s on the acting account itself, even for a superadmin', async (action) => {
    const self = record('actor-superadmin', Role.superadmin);
    const env = setup(self);
    const actor = actorOf(Role.superadmin);
    const call =
      action === 'delete'
        ? env.service.remove(actor, self.id, null)
        : action === 'promote' || action === 'demote'
          ? env.service.setRole(actor, self.id, action === 'promote' ? Role.superadmin : Role.admin)
          : env.service.changeStatus(actor, self.id, action, null);
    await expect(call).rejects.toMatchObject({ code: AdminErrorCode.SELF_ACTION });
    expect(env.users.setStatus).not.toHaveBeenCalled();
    expect(env.users.setRole).not.toHaveBeenCalled();
    expect(env.directory.deleteById).not.toHaveBeenCalled();
  });

  it('treats setting the role an account already has as a no-op, not a write', async () => {
    const env = setup(record('target', Role.admin));
    const view = await env.service.setRole(actorOf(Role.superadmin), 'target', Role.admin);
    expect(view.role).toBe(Role.admin);
    expect(env.users.setRole).not.toHaveBeenCalled();
  });

  it('reactivates with the reason cleared and says 404 for an unknown account', async () => {
    const env = setup(record('target', Role.regular));
    await env.service.changeStatus(actorOf(Role.admin), 'target', 'reactivate', 'ignored');
    expect(env.users.setStatus).toHaveBeenCalledWith('target', 'active', null);
    await expect(env.service.changeStatus(actorOf(Role.admin), 'nobody', 'ban', null)).rejects.toMatchObject({ status: 404 });
  });
});
