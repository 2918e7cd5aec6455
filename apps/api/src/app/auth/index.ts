/**
 * What other features use from authentication:
 *
 *   @UseGuards(UserAuthGuard)            user token required      → @CurrentUser() user: AuthenticatedUser
 *   @UseGuards(OptionalUserAuthGuard)    anonymous or user token  → @CurrentUser() user?: AuthenticatedUser
 *   @UseGuards(AdminAuthGuard)           admin token required     → @CurrentAdmin() admin: AuthenticatedAdmin
 *   @RequirePermissions(Permission.x)    with AdminAuthGuard
 *   PrincipalService.resolveUser(token)  for WebSocket gateways (token from the URL)
 *   RateLimiter + a RateLimitPolicy      Redis counters with Retry-After
 */
export { AccessTokenService } from './access-token.service';
export { AuthModule } from './auth.module';
export { CurrentAdmin, CurrentUser } from './decorators/current-user.decorator';
export { RequirePermissions } from './decorators/require-permissions.decorator';
export { AdminAuthGuard } from './guards/admin-auth.guard';
export { OptionalUserAuthGuard } from './guards/optional-user-auth.guard';
export { UserAuthGuard } from './guards/user-auth.guard';
export { PasswordHasher } from './password-hasher';
export { PasswordPolicy } from './password-policy';
export type { AuthenticatedAdmin, AuthenticatedRequest, AuthenticatedUser } from './principal';
export { bearerToken, clientIp } from './principal';
export { assertActive, PrincipalService } from './principal.service';
export type { RateLimitPolicy } from './rate-limiter.service';
export { RateLimiter } from './rate-limiter.service';
