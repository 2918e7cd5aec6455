import { REDIS } from '@ddx/server-queue';
import { Global, Module } from '@nestjs/common';
import Redis from 'ioredis';

import { UsersModule } from '../users/users.module';
import { PrincipalRevocations } from './principal-revocations';
import { UploadTicketController } from './upload-ticket.controller';
import { UploadTicketService } from './upload-ticket.service';
import { WsTicketStore } from './ws-ticket.store';

/** How sockets are authenticated (tickets) and closed when an account loses its access; used by every gateway. */
@Global()
@Module({
  imports: [UsersModule],
  controllers: [UploadTicketController],
  providers: [
    { provide: WsTicketStore, inject: [REDIS], useFactory: (redis: Redis) => new WsTicketStore(redis) },
    UploadTicketService,
    PrincipalRevocations,
  ],
  exports: [WsTicketStore, UploadTicketService, PrincipalRevocations],
})
export class WsTicketsModule {}
