import { Module } from '@nestjs/common';

import { SystemQueueService } from './system-queue.service';

@Module({ providers: [SystemQueueService], exports: [SystemQueueService] })
export class SystemModule {}
