import { Permission } from '@ddx/contracts';
import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { ActivityLogService } from '../../activity/activity-log.service';
import { REQUIRED_PERMISSIONS_KEY } from '../decorators/require-permissions.decorator';
import { AuthenticatedRequest } from '../principal';
import { PrincipalService } from '../principal.service';
import { AdminAuthGuard } from './admin-auth.guard';
import { UserAuthGuard } from './user-auth.guard';

const ADMIN = { id: 'a1', email: 'a1@example.org', role: 'admin' as const, status: 'active' as const, tokenVersion: 0, permissions: [] };
const USER = { id: 'u1', email: 'u1@example.org', role: 'regular' as const, status: 'active' as const, tokenVersion: 0 };

function context(headers: Record<string, string>, handler: () => void = () => undefined, controller: object = class Plain {}) {
  const req = { headers, method: 'DELETE', path: '/api/v1/admin/files/f1', ip: '198.51.100.9' } as unknown as AuthenticatedRequest;
  const ctx = { switchToHttp: () => ({ getRequest: () => req }), getHandler: () => handler, getClass: () => controller } as unknown as ExecutionContext;
  return { ctx, req };
}

function principals(resolve: Partial<Record<'resolveUser' | 'resolveAdmin', jest.Mock>>): PrincipalService {
  const never = () => jest.fn(() => Promise.reject(new Error('not expected')));
  return { resolveUser: resolve.resolveUser ?? never(), resolveAdmin: resolve.resolveAdmin ?? never() } as unknown as PrincipalService;
}

describe('UserAuthGuard refusals', () => {
  it('asks a caller without a token to sign in, with a Bearer challenge', async () => {
    await expect(new UserAuthGuard(principals({})).canActivate(context({}).ctx)).rejects.toMatchObject({
      status: 401,
      code: 'TOKEN_MISSING',
      message: 'You need to sign in to do this.',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  });

  it('passes the token of a Bearer header (any letter case) to the principal check and attaches the user', async () => {
    const resolveUser = jest.fn().mockResolvedValue(USER);
    const { ctx, req } = context({ authorization: 'bearer tok.en' });
    expect(await new UserAuthGuard(principals({ resolveUser })).canActivate(ctx)).toBe(true);
    expect(resolveUser).toHaveBeenCalledWith('tok.en');
    expect(req.ddxUser).toEqual(USER);
  });
});

describe('AdminAuthGuard refusals', () => {
  const activity = () => ({ record: jest.fn().mockResolvedValue(undefined) }) as unknown as ActivityLogService & { record: jest.Mock };

  it('asks a caller without a token for administrator sign-in, and refuses a header that is not Bearer', async () => {
    const guard = new AdminAuthGuard(principals({}), new Reflector(), activity());
    await expect(guard.canActivate(context({}).ctx)).rejects.toMatchObject({
      status: 401,
      code: 'TOKEN_MISSING',
      message: 'Administrator sign-in required.',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
    await expect(guard.canActivate(context({ authorization: 'Basic YTpi' }).ctx)).rejects.toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
  });

  it('merges the permissions the controller and the handler require, and logs who was refused what', async () => {
    const handler = () => undefined;
    class Controller {}
    Reflect.defineMetadata(REQUIRED_PERMISSIONS_KEY, [Permission.viewFiles], Controller);
    Reflect.defineMetadata(REQUIRED_PERMISSIONS_KEY, [Permission.purgeLogs], handler);
    const log = activity();
    const guard = new AdminAuthGuard(principals({ resolveAdmin: jest.fn().mockResolvedValue(ADMIN) }), new Reflector(), log);
    await expect(guard.canActivate(context({ authorization: 'Bearer t' }, handler, Controller).ctx)).rejects.toMatchObject({
      status: 403,
      code: 'PERMISSION_DENIED',
      message: 'Your administrator role does not allow this.',
    });
    expect(log.record).toHaveBeenCalledWith({
      actorType: 'admin',
      actorId: 'a1',
      actorEmail: 'a1@example.org',
      action: 'admin.permission_denied',
      target: 'DELETE /api/v1/admin/files/f1',
      ip: '198.51.100.9',
      details: { required: expect.arrayContaining([Permission.viewFiles, Permission.purgeLogs]), role: 'admin' },
    });
  });

  it('lets an admin through a route that requires nothing beyond an admin token', async () => {
    const { ctx, req } = context({ authorization: 'Bearer t' });
    const log = activity();
    const guard = new AdminAuthGuard(principals({ resolveAdmin: jest.fn().mockResolvedValue(ADMIN) }), new Reflector(), log);
    expect(await guard.canActivate(ctx)).toBe(true);
    expect(req.ddxAdmin).toEqual(ADMIN);
    expect(log.record).not.toHaveBeenCalled();
  });
});
