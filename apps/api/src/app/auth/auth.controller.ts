import {
  ChangePasswordRequest,
  ChangePasswordResponse,
  changePasswordRequestSchema,
  changePasswordResponseSchema,
  errorBodySchema,
  ForgotPasswordRequest,
  forgotPasswordRequestSchema,
  MeResponse,
  meResponseSchema,
  MessageResponse,
  messageResponseSchema,
  RegisterRequest,
  registerRequestSchema,
  RegisterResponse,
  registerResponseSchema,
  ResetPasswordRequest,
  resetPasswordRequestSchema,
  TokenRequest,
  tokenRequestSchema,
  TokenResponse,
  tokenResponseSchema,
  VerifyEmailRequest,
  verifyEmailRequestSchema,
} from '@ddx/contracts';
import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { Request, Response } from 'express';

import { Contract } from '../common/contract.decorator';
import { AuthService } from './auth.service';
import { CurrentUser } from './decorators/current-user.decorator';
import { UserAuthGuard } from './guards/user-auth.guard';
import { AuthenticatedUser, clientIp } from './principal';

const TAGS = ['auth'];

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Contract({
    summary: 'Create an account (e-mail and password only; closed when the registration setting is off). Same answer whether or not the address is taken; the e-mail that follows says which',
    tags: TAGS,
    body: registerRequestSchema,
    responses: { 201: registerResponseSchema, 400: errorBodySchema, 403: errorBodySchema, 429: errorBodySchema },
  })
  register(@Body() body: RegisterRequest, @Req() req: Request): Promise<RegisterResponse> {
    return this.auth.register(body, clientIp(req));
  }

  @Post('verify-email')
  @HttpCode(200)
  @Contract({
    summary: 'Confirm the e-mail address with the token from the verification e-mail (single use)',
    tags: TAGS,
    body: verifyEmailRequestSchema,
    responses: { 200: messageResponseSchema, 400: errorBodySchema },
  })
  verifyEmail(@Body() body: VerifyEmailRequest, @Req() req: Request): Promise<MessageResponse> {
    return this.auth.verifyEmail(body, clientIp(req));
  }

  @Post('verify-email/resend')
  @HttpCode(200)
  @UseGuards(UserAuthGuard)
  @Contract({
    summary: 'E-mail a new verification link to the signed-in account (older links stop working)',
    tags: TAGS,
    auth: ['user'],
    responses: { 200: messageResponseSchema, 401: errorBodySchema, 429: errorBodySchema },
  })
  resendVerification(@CurrentUser() user: AuthenticatedUser, @Req() req: Request): Promise<MessageResponse> {
    return this.auth.resendVerification(user, clientIp(req));
  }

  @Post('token')
  @HttpCode(200)
  @Contract({
    summary: 'Sign in: OAuth2 password grant (form `username`, `password`) or JSON; returns a user bearer token',
    tags: TAGS,
    body: tokenRequestSchema,
    bodyContentTypes: ['application/x-www-form-urlencoded', 'application/json'],
    responses: { 200: tokenResponseSchema, 401: errorBodySchema, 403: errorBodySchema, 429: errorBodySchema },
  })
  async token(@Body() body: TokenRequest, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<TokenResponse> {
    res.setHeader('Cache-Control', 'no-store');
    return this.auth.login({ username: body.username ?? body.email ?? '', password: body.password }, clientIp(req));
  }

  @Get('users/me')
  @UseGuards(UserAuthGuard)
  @Contract({
    summary: 'The signed-in user: profile and storage used by completed files',
    tags: TAGS,
    auth: ['user'],
    responses: { 200: meResponseSchema, 401: errorBodySchema, 403: errorBodySchema },
  })
  me(@CurrentUser() user: AuthenticatedUser): Promise<MeResponse> {
    return this.auth.me(user);
  }

  @Post('change-password')
  @HttpCode(200)
  @UseGuards(UserAuthGuard)
  @Contract({
    summary: 'Change the password (current password required); signs out every other session and returns a new token',
    tags: TAGS,
    auth: ['user'],
    body: changePasswordRequestSchema,
    responses: { 200: changePasswordResponseSchema, 400: errorBodySchema, 401: errorBodySchema, 429: errorBodySchema },
  })
  changePassword(@CurrentUser() user: AuthenticatedUser, @Body() body: ChangePasswordRequest, @Req() req: Request): Promise<ChangePasswordResponse> {
    return this.auth.changePassword(user, body, clientIp(req));
  }

  @Post('forgot-password')
  @HttpCode(200)
  @Contract({
    summary: 'E-mail a single-use password-reset link (same answer whether or not the account exists)',
    tags: TAGS,
    body: forgotPasswordRequestSchema,
    responses: { 200: messageResponseSchema, 429: errorBodySchema },
  })
  forgotPassword(@Body() body: ForgotPasswordRequest, @Req() req: Request): Promise<MessageResponse> {
    return this.auth.forgotPassword(body, clientIp(req));
  }

  @Post('reset-password')
  @HttpCode(200)
  @Contract({
    summary: 'Set a new password with the token from the reset e-mail; signs out every session',
    tags: TAGS,
    body: resetPasswordRequestSchema,
    responses: { 200: messageResponseSchema, 400: errorBodySchema },
  })
  resetPassword(@Body() body: ResetPasswordRequest, @Req() req: Request): Promise<MessageResponse> {
    return this.auth.resetPassword(body, clientIp(req));
  }

  @Post('logout')
  @HttpCode(200)
  @UseGuards(UserAuthGuard)
  @Contract({
    summary: 'Sign out: every token of this account stops working',
    tags: TAGS,
    auth: ['user'],
    responses: { 200: messageResponseSchema, 401: errorBodySchema },
  })
  logout(@CurrentUser() user: AuthenticatedUser, @Req() req: Request): Promise<MessageResponse> {
    return this.auth.logout(user, clientIp(req));
  }
}
