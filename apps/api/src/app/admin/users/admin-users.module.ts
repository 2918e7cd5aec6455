import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';

import { USER_MODEL, userSchema } from '../../users/user.schema';
import { UsersModule } from '../../users/users.module';
import { AdminSharedModule } from '../shared/admin-shared.module';
import { AdminUserRepository } from './admin-user.repository';
import { AdminUsersController } from './admin-users.controller';
import { AdminUsersService } from './admin-users.service';

@Module({
  imports: [UsersModule, AdminSharedModule, MongooseModule.forFeature([{ name: USER_MODEL, schema: userSchema }])],
  controllers: [AdminUsersController],
  providers: [AdminUserRepository, AdminUsersService],
  exports: [AdminUserRepository],
})
export class AdminUsersModule {}
