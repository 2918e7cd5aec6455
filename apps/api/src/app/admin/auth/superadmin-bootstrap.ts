import { Injectable, OnApplicationBootstrap } from '@nestjs/common';

import { SuperadminProvisioner } from './superadmin-provisioner';

/** Makes sure a superadmin exists before the api starts listening. */
@Injectable()
export class SuperadminBootstrap implements OnApplicationBootstrap {
  constructor(private readonly provisioner: SuperadminProvisioner) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.provisioner.ensureAtStartup();
  }
}
