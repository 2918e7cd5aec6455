import { createParamDecorator, ExecutionContext } from '@nestjs/common';

import { AuthenticatedAdmin, AuthenticatedRequest, AuthenticatedUser } from '../principal';

/**
 * The user attached by UserAuthGuard (always set) or OptionalUserAuthGuard
 * (undefined for anonymous callers).
 */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().ddxUser,
);

/** The admin attached by AdminAuthGuard, with the permissions of their role. */
export const CurrentAdmin = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedAdmin | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().ddxAdmin,
);
