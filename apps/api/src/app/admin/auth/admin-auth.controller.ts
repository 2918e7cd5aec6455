import {
  AdminProfile,
  adminProfileSchema,
  AdminTokenRequest,
  adminTokenRequestSchema,
  AdminTokenResponse,
  adminTokenResponseSchema,
  CreateAdminRequest,
  createAdminRequestSchema,
  errorBodySchema,
  MessageResponse,
  messageResponseSchema,
  Permission,
  VerifyAdminResponse,
  verifyAdminResponseSchema,
} from '@ddx/contracts';
import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { Request, Response } from 'express';

import { CurrentAdmin } from '../../auth/decorators/current-user.decorator';
import { RequirePermissions } from '../../auth/decorators/require-permissions.decorator';
import { AdminAuthGuard } from '../../auth/guards/admin-auth.guard';
import { AuthenticatedAdmin, clientIp } from '../../auth/principal';
import { Contract } from '../../common/contract.decorator';
import { AdminAuthService } from './admin-auth.service';

const TAGS = ['admin-auth'];

@Controller('admin/auth')
export class AdminAuthController {
  constructor(private readonly adminAuth: AdminAuthService) {}

  @Post('token')
  @HttpCode(200)
  @Contract({
    summary: 'Admin sign-in (admin and superadmin accounts); returns an admin bearer token',
    tags: TAGS,
    body: adminTokenRequestSchema,
    bodyContentTypes: ['application/json', 'application/x-www-form-urlencoded'],
    responses: { 200: adminTokenResponseSchema, 401: errorBodySchema, 403: errorBodySchema, 429: errorBodySchema },
  })
  token(@Body() body: AdminTokenRequest, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<AdminTokenResponse> {
    res.setHeader('Cache-Control', 'no-store');
    return this.adminAuth.login({ email: body.email ?? body.username ?? '', password: body.password }, clientIp(req));
  }

  @Get('me')
  @UseGuards(AdminAuthGuard)
  @RequirePermissions(Permission.viewAdminPanel)
  @Contract({
    summary: 'The signed-in admin with the permissions of their role',
    tags: TAGS,
    auth: ['admin'],
    responses: { 200: adminProfileSchema, 401: errorBodySchema, 403: errorBodySchema },
  })
  me(@CurrentAdmin() admin: AuthenticatedAdmin): Promise<AdminProfile> {
    return this.adminAuth.me(admin);
  }

  @Get('verify-admin')
  @UseGuards(AdminAuthGuard)
  @RequirePermissions(Permission.viewAdminPanel)
  @Contract({
    summary: 'Whether the admin token is still valid (the SPA checks this on load)',
    tags: TAGS,
    auth: ['admin'],
    responses: { 200: verifyAdminResponseSchema, 401: errorBodySchema, 403: errorBodySchema },
  })
  verify(@CurrentAdmin() admin: AuthenticatedAdmin): VerifyAdminResponse {
    return this.adminAuth.verify(admin);
  }

  @Post('create-admin')
  @UseGuards(AdminAuthGuard)
  @RequirePermissions(Permission.createAdmins)
  @Contract({
    summary: 'Create an admin or superadmin account (superadmin only)',
    tags: TAGS,
    auth: ['admin'],
    body: createAdminRequestSchema,
    responses: { 201: adminProfileSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 409: errorBodySchema },
  })
  createAdmin(@CurrentAdmin() admin: AuthenticatedAdmin, @Body() body: CreateAdminRequest, @Req() req: Request): Promise<AdminProfile> {
    return this.adminAuth.createAdmin(admin, body, clientIp(req));
  }

  @Post('logout')
  @HttpCode(200)
  @UseGuards(AdminAuthGuard)
  @Contract({
    summary: 'Admin sign-out: every token of this account stops working',
    tags: TAGS,
    auth: ['admin'],
    responses: { 200: messageResponseSchema, 401: errorBodySchema },
  })
  logout(@CurrentAdmin() admin: AuthenticatedAdmin, @Req() req: Request): Promise<MessageResponse> {
    return this.adminAuth.logout(admin, clientIp(req));
  }
}
