import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';

import { AuthenticatedRequest, bearerToken } from '../principal';
import { PrincipalService } from '../principal.service';

/**
 * Anonymous callers pass with no user; a caller that sends a token gets it
 * checked like UserAuthGuard does. A token that is present but invalid,
 * expired or revoked is a 401, not a silent downgrade to anonymous: an
 * upload meant for an account must not land anonymously.
 */
@Injectable()
export class OptionalUserAuthGuard implements CanActivate {
  constructor(private readonly principals: PrincipalService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(req);
    if (token === null) return true;
    req.ddxUser = await this.principals.resolveUser(token);
    return true;
  }
}
