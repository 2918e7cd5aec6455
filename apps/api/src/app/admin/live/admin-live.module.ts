import { Module } from '@nestjs/common';

import { UsersModule } from '../../users/users.module';
import { AdminLiveController } from './admin-live.controller';
import { AdminLiveGateway } from './admin-live.gateway';

@Module({ imports: [UsersModule], controllers: [AdminLiveController], providers: [AdminLiveGateway] })
export class AdminLiveModule {}
