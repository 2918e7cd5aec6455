import { AppConfig } from '@ddx/server-config';
import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';

import { UsersModule } from '../users/users.module';
import { AccessTokenService } from './access-token.service';
import { AuthController } from './auth.controller';
import { AuthRateLimits } from './auth-rate-limits';
import { AuthService } from './auth.service';
import { GoogleOAuthClient } from './google/google-oauth.client';
import { GoogleSignInController } from './google/google-signin.controller';
import { GoogleSignInService } from './google/google-signin.service';
import { OAuthStateStore } from './google/oauth-state.store';
import { AdminAuthGuard } from './guards/admin-auth.guard';
import { OptionalUserAuthGuard } from './guards/optional-user-auth.guard';
import { UserAuthGuard } from './guards/user-auth.guard';
import { Mailer } from './mailer.service';
import { PasswordHasher, SCRYPT_PARAMS, scryptParamsFor } from './password-hasher';
import { PasswordPolicy } from './password-policy';
import { PASSWORD_RESET_TOKEN_MODEL, passwordResetTokenSchema } from './password-reset-token.schema';
import { EmailVerificationTokenRepository } from './email-verification-token.repository';
import { EMAIL_VERIFICATION_TOKEN_MODEL, emailVerificationTokenSchema } from './email-verification-token.schema';
import { PasswordResetTokenRepository } from './password-reset-token.repository';
import { PrincipalService } from './principal.service';
import { RateLimiter } from './rate-limiter.service';
import { SignInThrottle } from './sign-in-throttle';

/**
 * User accounts and authentication. Global so that any feature can put
 * `@UseGuards(UserAuthGuard | OptionalUserAuthGuard | AdminAuthGuard)` on a
 * controller without importing this module (see ./index.ts).
 */
@Global()
@Module({
  imports: [
    UsersModule,
    MongooseModule.forFeature([
      { name: PASSWORD_RESET_TOKEN_MODEL, schema: passwordResetTokenSchema },
      { name: EMAIL_VERIFICATION_TOKEN_MODEL, schema: emailVerificationTokenSchema },
    ]),
  ],
  controllers: [AuthController, GoogleSignInController],
  providers: [
    AccessTokenService,
    PrincipalService,
    UserAuthGuard,
    OptionalUserAuthGuard,
    AdminAuthGuard,
    { provide: SCRYPT_PARAMS, useFactory: (config: AppConfig) => scryptParamsFor(config.NODE_ENV), inject: [AppConfig] },
    PasswordHasher,
    PasswordPolicy,
    RateLimiter,
    AuthRateLimits,
    SignInThrottle,
    Mailer,
    PasswordResetTokenRepository,
    EmailVerificationTokenRepository,
    AuthService,
    OAuthStateStore,
    GoogleOAuthClient,
    GoogleSignInService,
  ],
  exports: [
    UsersModule,
    AccessTokenService,
    PrincipalService,
    UserAuthGuard,
    OptionalUserAuthGuard,
    AdminAuthGuard,
    PasswordHasher,
    PasswordPolicy,
    RateLimiter,
    AuthRateLimits,
    SignInThrottle,
  ],
})
export class AuthModule {}
