import { Injectable, Logger } from '@nestjs/common';

import { ActivityAction, ActorType } from './activity-action';
import { ActivityLogEntry, ActivityLogQuery, ActivityLogRepository } from './activity-log.repository';

export interface ActivityEvent {
  actorType: ActorType;
  actorId?: string | null;
  actorEmail?: string | null;
  action: ActivityAction;
  target?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Who did what, from where. A failed write is logged and swallowed: an
 * audit hiccup must not lock people out of their accounts.
 */
@Injectable()
export class ActivityLogService {
  private readonly logger = new Logger(ActivityLogService.name);

  constructor(private readonly repository: ActivityLogRepository) {}

  async record(event: ActivityEvent): Promise<void> {
    try {
      await this.repository.insert({
        actorType: event.actorType,
        actorId: event.actorId ?? null,
        actorEmail: event.actorEmail ?? null,
        action: event.action,
        target: event.target ?? null,
        ip: event.ip ?? null,
        details: event.details ?? null,
        at: new Date(),
      });
    } catch (err) {
      this.logger.error({ err, action: event.action, actorId: event.actorId }, 'could not write the activity log');
    }
  }

  find(query: ActivityLogQuery): Promise<ActivityLogEntry[]> {
    return this.repository.find(query);
  }
}
