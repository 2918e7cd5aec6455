import { errorBodySchema, wsTicketResponseSchema } from '@ddx/contracts';
import { Controller, Headers, Header, Param, Post } from '@nestjs/common';
import { z } from 'zod';

import { Contract } from '../common/contract.decorator';
import { UploadTicketService } from './upload-ticket.service';

const fileIdParams = z.object({ file_id: z.string().uuid('not a file id') });

@Controller()
export class UploadTicketController {
  constructor(private readonly tickets: UploadTicketService) {}

  @Post('upload/:file_id/ticket')
  @Header('Cache-Control', 'no-store')
  @Contract({
    summary: "A single-use ticket (30 s) to open this upload's WebSocket: send the upload token in X-Upload-Token, then connect with ?ticket=",
    tags: ['upload'],
    params: fileIdParams,
    responses: { 201: wsTicketResponseSchema, 401: errorBodySchema, 403: errorBodySchema, 409: errorBodySchema },
  })
  issue(@Param('file_id') fileId: string, @Headers('x-upload-token') uploadToken: string | undefined) {
    return this.tickets.issue(fileId, uploadToken);
  }
}
