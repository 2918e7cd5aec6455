import { UploadErrorCode } from '@ddx/contracts';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Request } from 'express';

import { SettingsService } from '../settings/settings.service';
import { AppException } from './app-exception';

/** Paths that stay open during maintenance: health, sign-in, the status the SPA shows, and all of admin. */
const OPEN = [/^\/api\/v1\/health$/, /^\/api\/v1\/system\/status$/, /^\/api\/v1\/auth\/token$/, /^\/api\/v1\/admin\//];

/**
 * Maintenance mode (a setting): every other api route answers 503 with the
 * admin's message, on every replica within the settings cache time.
 */
@Injectable()
export class MaintenanceGuard implements CanActivate {
  constructor(private readonly settings: SettingsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (OPEN.some((p) => p.test(req.path))) return true;
    const all = await this.settings.getAll();
    if (!all.maintenanceMode) return true;
    throw new AppException(503, UploadErrorCode.MAINTENANCE, all.maintenanceMessage, undefined, { 'Retry-After': '300' });
  }
}
