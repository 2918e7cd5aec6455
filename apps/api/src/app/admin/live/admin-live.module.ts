import { Module } from '@nestjs/common';

import { AdminLiveGateway } from './admin-live.gateway';

@Module({ providers: [AdminLiveGateway] })
export class AdminLiveModule {}
