import { Permission } from '@ddx/contracts';
import { Body, Controller, Get, Patch, Req, UseGuards } from '@nestjs/common';
import { Request } from 'express';
import { z } from 'zod';

import { ActivityAction } from '../../activity/activity-action';
import { ActivityLogService } from '../../activity/activity-log.service';
import { AdminAuthGuard, AuthenticatedAdmin, clientIp, CurrentAdmin, RequirePermissions } from '../../auth';
import { AppException } from '../../common/app-exception';
import { Contract } from '../../common/contract.decorator';
import { Settings, settingsSchema } from '../../settings/settings.definitions';
import { SettingsService } from '../../settings/settings.service';

const settingsPatchSchema = settingsSchema.partial().strict();

/** Admin-editable behaviour: every admin reads it, only a superadmin changes it. */
@Controller('admin/config/settings')
@UseGuards(AdminAuthGuard)
export class AdminConfigController {
  constructor(
    private readonly settings: SettingsService,
    private readonly activity: ActivityLogService,
  ) {}

  @Get()
  @RequirePermissions(Permission.viewSettings)
  @Contract({ summary: 'Current settings (defaults merged with stored values)', tags: ['admin'], responses: { 200: settingsSchema }, auth: ['admin'] })
  get(): Promise<Settings> {
    return this.settings.getAll();
  }

  @Patch()
  @RequirePermissions(Permission.manageSettings)
  @Contract({ summary: 'Change settings; takes effect on every replica without a restart', tags: ['admin'], body: settingsPatchSchema, responses: { 200: settingsSchema }, auth: ['admin'] })
  async update(@Body() patch: Partial<Settings>, @CurrentAdmin() admin: AuthenticatedAdmin, @Req() req: Request): Promise<Settings> {
    if (Object.keys(patch).length === 0) throw new AppException(400, 'VALIDATION', 'Nothing to change.');
    const result = await this.settings.update(patch, admin.id);
    await this.activity.record({ actorType: 'admin', actorId: admin.id, actorEmail: admin.email, action: ActivityAction.adminSettingsUpdate, target: Object.keys(patch).join(','), ip: clientIp(req), details: patch as Record<string, unknown> });
    return result;
  }
}

@Controller('system')
export class SystemStatusController {
  constructor(private readonly settings: SettingsService) {}

  @Get('status')
  @Contract({
    summary: 'What the SPA shows everyone: maintenance state and message, upload limits per batch',
    tags: ['system'],
    responses: { 200: z.object({ maintenance: z.boolean(), message: z.string().nullable(), max_files_per_batch: z.number().int(), registration_open: z.boolean() }) },
  })
  async status() {
    const s = await this.settings.getAll();
    return { maintenance: s.maintenanceMode, message: s.maintenanceMode ? s.maintenanceMessage : null, max_files_per_batch: s.maxFilesPerBatch, registration_open: s.registrationOpen };
  }
}
