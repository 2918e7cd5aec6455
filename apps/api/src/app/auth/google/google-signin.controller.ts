import {
  ApiRoutes,
  errorBodySchema,
  GoogleAuthUrlResponse,
  googleAuthUrlResponseSchema,
  GoogleCallbackRequest,
  googleCallbackRequestSchema,
  GoogleSignInResponse,
  googleSignInResponseSchema,
} from '@ddx/contracts';
import { AppConfig } from '@ddx/server-config';
import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';

import { Contract } from '../../common/contract.decorator';
import { clientIp } from '../principal';
import { GoogleSignInService } from './google-signin.service';
import { OAUTH_STATE_TTL_SECONDS, oauthCookieName } from './oauth-state.store';

const TAGS = ['auth'];
/** Both routes of this controller (the api's global prefix included). */
const COOKIE_PATH = ApiRoutes.auth.googleAuth.slice(0, ApiRoutes.auth.googleAuth.lastIndexOf('/'));

/** One cookie from the Cookie header (the api has no cookie parser; this is its only cookie). */
function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

@Controller('auth/google')
export class GoogleSignInController {
  constructor(
    private readonly google: GoogleSignInService,
    private readonly config: AppConfig,
  ) {}

  @Get('auth')
  @Contract({
    summary: 'Start "Sign in with Google": the Google URL to send the browser to (carries a single-use state, bound to this browser by an HttpOnly cookie)',
    tags: TAGS,
    responses: { 200: googleAuthUrlResponseSchema, 404: errorBodySchema },
  })
  async authUrl(@Res({ passthrough: true }) res: Response): Promise<GoogleAuthUrlResponse> {
    res.setHeader('Cache-Control', 'no-store');
    const { body, binding } = await this.google.authorizationUrl();
    // Lax: sent on the SPA's own requests, never on another site's; only to this controller's routes.
    res.cookie(binding.cookieName, binding.nonce, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.NODE_ENV === 'production',
      path: COOKIE_PATH,
      maxAge: OAUTH_STATE_TTL_SECONDS * 1000,
    });
    return body;
  }

  @Post('callback')
  @HttpCode(200)
  @Contract({
    summary: 'Finish "Sign in with Google" with the code and state Google returned; returns a user bearer token',
    tags: TAGS,
    body: googleCallbackRequestSchema,
    responses: { 200: googleSignInResponseSchema, 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 502: errorBodySchema },
  })
  callback(@Body() body: GoogleCallbackRequest, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<GoogleSignInResponse> {
    res.setHeader('Cache-Control', 'no-store');
    const cookieName = oauthCookieName(body.state);
    // Single use whatever the outcome, like the state itself.
    res.clearCookie(cookieName, { path: COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure: this.config.NODE_ENV === 'production' });
    return this.google.callback(body, readCookie(req, cookieName), clientIp(req));
  }
}
