import { DownloadStatsRepository } from '@ddx/server-database';
import { Module } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';

import { DownloadController } from './download.controller';
import { DownloadService } from './download.service';
import { FileSourceService } from './file-source.service';

@Module({ controllers: [DownloadController], providers: [DownloadService, FileSourceService, { provide: DownloadStatsRepository, inject: [getConnectionToken()], useFactory: (c: Connection) => new DownloadStatsRepository(c) }], exports: [FileSourceService] })
export class DownloadModule {}
