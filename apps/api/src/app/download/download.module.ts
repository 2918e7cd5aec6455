import { Module } from '@nestjs/common';

import { DownloadController } from './download.controller';
import { DownloadService } from './download.service';
import { FileSourceService } from './file-source.service';

@Module({ controllers: [DownloadController], providers: [DownloadService, FileSourceService], exports: [FileSourceService] })
export class DownloadModule {}
