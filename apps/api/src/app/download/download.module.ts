import { DownloadStatsRepository } from '@ddx/server-database';
import { Module } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';

import { DownloadController } from './download.controller';
import { DownloadService } from './download.service';
import { FileSourceService } from './file-source.service';
import { ZipStreamSlots } from './zip-stream-slots';

@Module({ controllers: [DownloadController], providers: [DownloadService, FileSourceService, ZipStreamSlots, { provide: DownloadStatsRepository, inject: [getConnectionToken()], useFactory: (c: Connection) => new DownloadStatsRepository(c) }], exports: [FileSourceService] })
export class DownloadModule {}
