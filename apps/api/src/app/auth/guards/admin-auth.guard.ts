import { ErrorCode, hasPermissions, Permission } from '@ddx/contracts';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { ActivityAction } from '../../activity/activity-action';
import { ActivityLogService } from '../../activity/activity-log.service';
import { AppException } from '../../common/app-exception';
import { BEARER_CHALLENGE, invalidToken } from '../access-token.service';
import { REQUIRED_PERMISSIONS_KEY } from '../decorators/require-permissions.decorator';
import { AuthenticatedRequest, bearerToken, clientIp } from '../principal';
import { PrincipalService } from '../principal.service';

/**
 * Requires a valid *admin* token (POST /admin/auth/token; user tokens are
 * refused even for admins) for an account whose current role is admin or
 * superadmin, plus every permission listed with `@RequirePermissions` on the
 * handler or controller. Denials are written to the activity log.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly principals: PrincipalService,
    private readonly reflector: Reflector,
    private readonly activity: ActivityLogService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(req);
    if (token === null) throw new AppException(401, ErrorCode.TOKEN_MISSING, 'Administrator sign-in required.', undefined, BEARER_CHALLENGE);
    if (!token) throw invalidToken(); // an Authorization header that is not `Bearer <token>`
    const admin = await this.principals.resolveAdmin(token);
    const required =
      this.reflector.getAllAndMerge<Permission[]>(REQUIRED_PERMISSIONS_KEY, [context.getHandler(), context.getClass()]) ?? [];
    if (!hasPermissions(admin.role, required)) {
      await this.activity.record({
        actorType: 'admin',
        actorId: admin.id,
        actorEmail: admin.email,
        action: ActivityAction.adminPermissionDenied,
        target: `${req.method} ${req.path}`,
        ip: clientIp(req),
        details: { required, role: admin.role },
      });
      throw new AppException(403, ErrorCode.PERMISSION_DENIED, 'Your administrator role does not allow this.');
    }
    req.ddxAdmin = admin;
    return true;
  }
}
