import { DatabaseModule } from '@ddx/server-database';
import { DynamicModule, Module } from '@nestjs/common';

import { ActivityModule } from '../app/activity/activity.module';
import { SuperadminProvisioner } from '../app/admin/auth/superadmin-provisioner';
import { PasswordHasher } from '../app/auth/password-hasher';
import { PasswordPolicy } from '../app/auth/password-policy';
import { SettingsModule } from '../app/settings/settings.module';
import { UsersModule } from '../app/users/users.module';

/** What the one-shot commands need: MongoDB and the account rules, no HTTP, no Redis. */
@Module({})
export class CliModule {
  static register(config: DynamicModule): DynamicModule {
    return {
      module: CliModule,
      imports: [config, DatabaseModule, SettingsModule, ActivityModule, UsersModule],
      providers: [PasswordHasher, PasswordPolicy, SuperadminProvisioner],
    };
  }
}
