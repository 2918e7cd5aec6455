import { Module } from '@nestjs/common';

import { UsersModule } from '../../users/users.module';
import { AdminAuthController } from './admin-auth.controller';
import { AdminAuthService } from './admin-auth.service';
import { SuperadminBootstrap } from './superadmin-bootstrap';
import { SuperadminProvisioner } from './superadmin-provisioner';

@Module({
  imports: [UsersModule],
  controllers: [AdminAuthController],
  providers: [AdminAuthService, SuperadminProvisioner, SuperadminBootstrap],
})
export class AdminAuthModule {}
