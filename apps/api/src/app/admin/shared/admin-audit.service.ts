import { ErrorCode } from '@ddx/contracts';
import { Injectable } from '@nestjs/common';

import { ActivityAction } from '../../activity/activity-action';
import { ActivityLogService } from '../../activity/activity-log.service';
import { AppException } from '../../common/app-exception';
import { AdminActor } from './admin-actor.decorator';

/** Writes admin actions to `activity_logs`: who, on what, from where, with which details. */
@Injectable()
export class AdminAudit {
  constructor(private readonly activity: ActivityLogService) {}

  record(actor: AdminActor, action: ActivityAction, target: string | null, details?: Record<string, unknown>): Promise<void> {
    return this.activity.record({
      actorType: 'admin',
      actorId: actor.admin.id,
      actorEmail: actor.admin.email,
      action,
      target,
      ip: actor.ip,
      details,
    });
  }

  /** Logs a refusal decided by a rule (not by the route permission) and returns the 403 to throw. */
  async refuse(actor: AdminActor, target: string, attempted: string, message: string, code: string = ErrorCode.PERMISSION_DENIED): Promise<AppException> {
    await this.record(actor, ActivityAction.adminPermissionDenied, target, { attempted, role: actor.admin.role, reason: code });
    return new AppException(403, code, message);
  }
}
