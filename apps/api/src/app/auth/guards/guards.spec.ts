import { Permission } from '@ddx/contracts';
import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { ActivityLogService } from '../../activity/activity-log.service';
import { AppException } from '../../common/app-exception';
import { REQUIRED_PERMISSIONS_KEY } from '../decorators/require-permissions.decorator';
import { AuthenticatedRequest } from '../principal';
import { PrincipalService } from '../principal.service';
import { AdminAuthGuard } from './admin-auth.guard';
import { OptionalUserAuthGuard } from './optional-user-auth.guard';
import { UserAuthGuard } from './user-auth.guard';

const USER = { id: 'u1', email: 'a@example.org', role: 'regular' as const, status: 'active' as const, tokenVersion: 0 };
const ADMIN = { ...USER, role: 'admin' as const, permissions: [Permission.viewAdminPanel, Permission.manageStorage] };

/** Every method throws unless the test stubs it: an unexpected call fails the test. */
function strictPrincipals(overrides: Partial<Record<'resolveUser' | 'resolveAdmin', jest.Mock>>): PrincipalService {
  const fail = (name: string) => jest.fn(() => Promise.reject(new Error(`unexpected ${name}`)));
  return { resolveUser: overrides.resolveUser ?? fail('resolveUser'), resolveAdmin: overrides.resolveAdmin ?? fail('resolveAdmin') } as unknown as PrincipalService;
}

function context(headers: Record<string, string>, handler: () => void = () => undefined): { ctx: ExecutionContext; req: AuthenticatedRequest } {
  const req = { headers, method: 'POST', path: '/x', ip: '127.0.0.1' } as unknown as AuthenticatedRequest;
  const ctx = {
    switchToHttp: () => ({ getRequest: () => req }),
    getHandler: () => handler,
    getClass: () => class Dummy {},
  } as unknown as ExecutionContext;
  return { ctx, req };
}

describe('OptionalUserAuthGuard', () => {
  it('lets anonymous callers through with no user', async () => {
    const { ctx, req } = context({});
    expect(await new OptionalUserAuthGuard(strictPrincipals({})).canActivate(ctx)).toBe(true);
    expect(req.ddxUser).toBeUndefined();
  });

  it('attaches the user of a valid token', async () => {
    const resolveUser = jest.fn().mockResolvedValue(USER);
    const { ctx, req } = context({ authorization: 'Bearer good.token.here' });
    expect(await new OptionalUserAuthGuard(strictPrincipals({ resolveUser })).canActivate(ctx)).toBe(true);
    expect(resolveUser).toHaveBeenCalledWith('good.token.here');
    expect(req.ddxUser).toEqual(USER);
  });

  it('refuses a present but invalid token instead of treating the caller as anonymous', async () => {
    const resolveUser = jest.fn().mockRejectedValue(new AppException(401, 'TOKEN_INVALID', 'no'));
    const { ctx } = context({ authorization: 'Bearer bad' });
    await expect(new OptionalUserAuthGuard(strictPrincipals({ resolveUser })).canActivate(ctx)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    const empty = context({ authorization: 'Bearer ' });
    await expect(new OptionalUserAuthGuard(strictPrincipals({ resolveUser })).canActivate(empty.ctx)).rejects.toBeInstanceOf(AppException);
  });
});

describe('UserAuthGuard', () => {
  it('requires a bearer token', async () => {
    const { ctx } = context({ authorization: 'Basic abc' });
    await expect(new UserAuthGuard(strictPrincipals({})).canActivate(ctx)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(new UserAuthGuard(strictPrincipals({})).canActivate(context({}).ctx)).rejects.toMatchObject({ code: 'TOKEN_MISSING' });
  });
});

describe('AdminAuthGuard with @RequirePermissions', () => {
  const activity = { record: jest.fn().mockResolvedValue(undefined) } as unknown as ActivityLogService;

  it('lets through an admin holding every required permission', async () => {
    const handler = () => undefined;
    Reflect.defineMetadata(REQUIRED_PERMISSIONS_KEY, [Permission.manageStorage], handler);
    const { ctx, req } = context({ authorization: 'Bearer t' }, handler);
    const guard = new AdminAuthGuard(strictPrincipals({ resolveAdmin: jest.fn().mockResolvedValue(ADMIN) }), new Reflector(), activity);
    expect(await guard.canActivate(ctx)).toBe(true);
    expect(req.ddxAdmin).toEqual(ADMIN);
  });

  it('refuses, and logs, when a permission of the role is missing', async () => {
    const handler = () => undefined;
    Reflect.defineMetadata(REQUIRED_PERMISSIONS_KEY, [Permission.destructiveStorage], handler);
    const { ctx, req } = context({ authorization: 'Bearer t' }, handler);
    const guard = new AdminAuthGuard(strictPrincipals({ resolveAdmin: jest.fn().mockResolvedValue(ADMIN) }), new Reflector(), activity);
    await expect(guard.canActivate(ctx)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(req.ddxAdmin).toBeUndefined();
    expect(activity.record).toHaveBeenCalledWith(expect.objectContaining({ action: 'admin.permission_denied', actorId: 'u1' }));
  });
});
