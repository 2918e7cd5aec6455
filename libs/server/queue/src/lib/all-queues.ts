import { Injectable } from '@nestjs/common';

import { BackupQueue } from './backup.queue';
import { CleanupQueue } from './cleanup.queue';
import { LogsQueue } from './logs.queue';
import { MaintenanceQueue } from './maintenance.queue';
import { NotificationQueue } from './notification.queue';
import { QueueProducer } from './queue-producer';
import { SystemQueue } from './system.queue';

/** Every queue's producer, in `QueueName` order, for what looks at all of them (health, metrics). */
@Injectable()
export class AllQueues {
  private readonly producers: readonly QueueProducer[];

  constructor(system: SystemQueue, backup: BackupQueue, maintenance: MaintenanceQueue, cleanup: CleanupQueue, logs: LogsQueue, notifications: NotificationQueue) {
    this.producers = [system, backup, maintenance, cleanup, logs, notifications];
  }

  list(): readonly QueueProducer[] {
    return this.producers;
  }
}
