import { errorBodySchema, Permission, wsTicketResponseSchema } from '@ddx/contracts';
import { Controller, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { Request } from 'express';

import { AccessTokenService, AdminAuthGuard, AuthenticatedAdmin, bearerToken, CurrentAdmin, RequirePermissions } from '../../auth';
import { Contract } from '../../common/contract.decorator';
import { WsTicketStore } from '../../ws-tickets/ws-ticket.store';

/** /admin/live: the ticket that opens `WS /ws_admin`, so the admin token never appears in a socket URL. */
@Controller('admin/live')
@UseGuards(AdminAuthGuard)
@RequirePermissions(Permission.viewAdminPanel)
export class AdminLiveController {
  constructor(
    private readonly tickets: WsTicketStore,
    private readonly tokens: AccessTokenService,
  ) {}

  @Post('ticket')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Contract({
    summary: 'A single-use ticket (30 s) to open WS /ws_admin?ticket=…; the socket lives as long as this admin token would',
    tags: ['admin-monitoring'],
    auth: ['admin'],
    responses: { 201: wsTicketResponseSchema, 401: errorBodySchema, 403: errorBodySchema },
  })
  async ticket(@CurrentAdmin() admin: AuthenticatedAdmin, @Req() req: Request) {
    // The guard verified this token; its expiry bounds the socket's life.
    const claims = await this.tokens.verifyAdminToken(bearerToken(req) ?? '');
    const { ticket, expiresIn } = await this.tickets.issue({ kind: 'admin', adminId: admin.id, tokenVersion: admin.tokenVersion, tokenExpiresAt: claims.exp * 1000 });
    return { ticket, expires_in: expiresIn };
  }
}
