import { ErrorCode } from '@ddx/contracts';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';

import { AppException } from '../../common/app-exception';
import { BEARER_CHALLENGE, invalidToken } from '../access-token.service';
import { AuthenticatedRequest, bearerToken } from '../principal';
import { PrincipalService } from '../principal.service';

/**
 * Requires a valid *user* token (`Authorization: Bearer …` from
 * POST /auth/token or Google sign-in). Admin tokens are refused. The user is
 * then available through `@CurrentUser()`.
 */
@Injectable()
export class UserAuthGuard implements CanActivate {
  constructor(private readonly principals: PrincipalService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(req);
    if (token === null) throw new AppException(401, ErrorCode.TOKEN_MISSING, 'You need to sign in to do this.', undefined, BEARER_CHALLENGE);
    if (!token) throw invalidToken(); // an Authorization header that is not `Bearer <token>`
    req.ddxUser = await this.principals.resolveUser(token);
    return true;
  }
}
