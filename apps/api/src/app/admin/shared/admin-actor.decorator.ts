import { createParamDecorator, ExecutionContext } from '@nestjs/common';

import { AuthenticatedAdmin, AuthenticatedRequest, clientIp } from '../../auth';

/** Who is acting, from where: what every admin action is logged with. */
export interface AdminActor {
  admin: AuthenticatedAdmin;
  ip: string;
}

/** The admin attached by AdminAuthGuard plus the client IP (trusted-proxy aware). */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): AdminActor => {
  const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!req.ddxAdmin) throw new Error('@Actor() needs AdminAuthGuard on the route');
  return { admin: req.ddxAdmin, ip: clientIp(req) };
});
