import {
  errorBodySchema,
  GoogleAuthUrlResponse,
  googleAuthUrlResponseSchema,
  GoogleCallbackRequest,
  googleCallbackRequestSchema,
  GoogleSignInResponse,
  googleSignInResponseSchema,
} from '@ddx/contracts';
import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';

import { Contract } from '../../common/contract.decorator';
import { clientIp } from '../principal';
import { GoogleSignInService } from './google-signin.service';

const TAGS = ['auth'];

@Controller('auth/google')
export class GoogleSignInController {
  constructor(private readonly google: GoogleSignInService) {}

  @Get('auth')
  @Contract({
    summary: 'Start "Sign in with Google": the Google URL to send the browser to (carries a single-use state)',
    tags: TAGS,
    responses: { 200: googleAuthUrlResponseSchema, 404: errorBodySchema },
  })
  authUrl(@Res({ passthrough: true }) res: Response): Promise<GoogleAuthUrlResponse> {
    res.setHeader('Cache-Control', 'no-store');
    return this.google.authorizationUrl();
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
    return this.google.callback(body, clientIp(req));
  }
}
