import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';

import { ACTIVITY_LOG_MODEL, activityLogSchema } from './activity-log.schema';
import { ActivityLogRepository } from './activity-log.repository';
import { ActivityLogService } from './activity-log.service';

/** Global: every admin feature records its actions through ActivityLogService. */
@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: ACTIVITY_LOG_MODEL, schema: activityLogSchema }])],
  providers: [ActivityLogRepository, ActivityLogService],
  exports: [ActivityLogService],
})
export class ActivityModule {}
