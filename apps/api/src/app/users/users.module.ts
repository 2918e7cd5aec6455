import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';

import { FileStatsRepository } from './file-stats.repository';
import { UserRepository } from './user.repository';
import { USER_MODEL, userSchema } from './user.schema';

/** The `users` collection and read-only per-user file statistics. Admin user management reuses UserRepository. */
@Module({
  imports: [MongooseModule.forFeature([{ name: USER_MODEL, schema: userSchema }])],
  providers: [UserRepository, FileStatsRepository],
  exports: [UserRepository, FileStatsRepository],
})
export class UsersModule {}
