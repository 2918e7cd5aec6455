import {
  ApiRoutes,
  batchInitiateRequestSchema,
  batchInitiateResponseSchema,
  cancelUploadRequestSchema,
  errorBodySchema,
  fileHistoryResponseSchema,
  initiateUploadRequestSchema,
  initiateUploadResponseSchema,
  paginationQuerySchema,
  quotaInfoResponseSchema,
} from '@ddx/contracts';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { Request } from 'express';
import { z } from 'zod';

import { AuthenticatedUser, clientIp, CurrentUser, OptionalUserAuthGuard, UserAuthGuard } from '../auth';
import { Contract } from '../common/contract.decorator';
import { FileSpec, UploadActor, UploadService } from './upload.service';

const fileIdParams = z.object({ file_id: z.string().uuid('not a file id') });

function actorOf(req: Request, user?: AuthenticatedUser): UploadActor {
  return { userId: user?.id ?? null, ip: clientIp(req) };
}

@Controller()
@UseGuards(OptionalUserAuthGuard)
export class UploadController {
  constructor(private readonly uploads: UploadService) {}

  @Post('upload/initiate')
  @Contract({
    summary: 'Start an upload: checks limits (429 past the hourly allowance or the in-progress cap), reserves storage, returns the WebSocket URL and a single-use token',
    tags: ['upload'],
    body: initiateUploadRequestSchema,
    responses: { 201: initiateUploadResponseSchema, 429: errorBodySchema },
    auth: ['user'],
  })
  initiate(@Body() body: FileSpec, @Req() req: Request, @CurrentUser() user?: AuthenticatedUser) {
    return this.uploads.initiate(body, actorOf(req, user));
  }

  @Post('batch/initiate')
  @Contract({
    summary: 'Start several uploads at once; entries answer in request order',
    tags: ['upload'],
    body: batchInitiateRequestSchema,
    responses: { 201: batchInitiateResponseSchema, 429: errorBodySchema },
    auth: ['user'],
  })
  initiateBatch(@Body() body: { files: FileSpec[] }, @Req() req: Request, @CurrentUser() user?: AuthenticatedUser) {
    return this.uploads.initiateBatch(body.files, actorOf(req, user));
  }

  @Post('upload/cancel/:file_id')
  @HttpCode(204)
  @Contract({
    summary: "Cancel an upload (its owner, or whoever holds its upload token in X-Upload-Token or the body)",
    tags: ['upload'],
    params: fileIdParams,
    body: cancelUploadRequestSchema,
    responses: { 204: null },
    auth: ['user'],
  })
  async cancel(
    @Param('file_id') fileId: string,
    @Body() body: { upload_token?: string },
    @Headers('x-upload-token') headerToken: string | undefined,
    @Req() req: Request,
    @CurrentUser() user?: AuthenticatedUser,
  ): Promise<void> {
    await this.uploads.cancel(fileId, actorOf(req, user), body.upload_token ?? headerToken);
  }

  @Get('upload/quota-info')
  @Contract({ summary: "The caller's daily upload allowance and storage quota", tags: ['upload'], responses: { 200: quotaInfoResponseSchema }, auth: ['user'] })
  quotaInfo(@Req() req: Request, @CurrentUser() user?: AuthenticatedUser) {
    return this.uploads.quotaInfo(actorOf(req, user));
  }
}

@Controller('files')
export class FileHistoryController {
  constructor(private readonly uploads: UploadService) {}

  @Get('me/history')
  @UseGuards(UserAuthGuard)
  @Contract({
    summary: "The caller's files, newest first",
    tags: ['files'],
    query: paginationQuerySchema,
    responses: { 200: fileHistoryResponseSchema },
    auth: ['user'],
  })
  history(@Query() query: { page: number; limit: number }, @CurrentUser() user: AuthenticatedUser) {
    return this.uploads.history(user.id, query.page, query.limit);
  }
}

