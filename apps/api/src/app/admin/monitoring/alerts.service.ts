import { Alert, AlertKey, Alerts } from '@ddx/contracts';
import { DriveAccountPool } from '@ddx/server-drive';
import { BackupQueue } from '@ddx/server-queue';
import { Injectable } from '@nestjs/common';

import { withTimeout } from '../../metrics/with-timeout';
import { Settings } from '../../settings/settings.definitions';
import { SettingsService } from '../../settings/settings.service';
import { BackupFailuresRepository } from './backup-failures.repository';
import { PROBE_TIMEOUT_MS } from './probe';
import { SystemProbes } from './system-probes.service';

const MiB = 1024 * 1024;
const DAY_MS = 86_400_000;

interface Rule {
  key: AlertKey;
  severity: Alert['severity'];
  setting: keyof Settings & `alert${string}`;
  comparison: Alert['comparison'];
  message: (value: number, threshold: number) => string;
}

const RULES: readonly Rule[] = [
  { key: 'disk_free', severity: 'critical', setting: 'alertDiskFreeMinPercent', comparison: 'below', message: (v, t) => `Only ${v}% of the data disk is free (alert below ${t}%).` },
  {
    key: 'process_memory',
    severity: 'warning',
    setting: 'alertProcessMemoryMaxBytes',
    comparison: 'above',
    message: (v, t) => `The api process uses ${Math.round(v / MiB)} MiB of memory (alert above ${Math.round(t / MiB)} MiB).`,
  },
  { key: 'backup_failures_24h', severity: 'critical', setting: 'alertBackupFailures24hMax', comparison: 'above', message: (v, t) => `${v} backups failed for good in the last 24 hours (alert above ${t}).` },
  { key: 'backup_queue_depth', severity: 'warning', setting: 'alertBackupQueueDepthMax', comparison: 'above', message: (v, t) => `${v} backup jobs are waiting, running or delayed (alert above ${t}).` },
  { key: 'unhealthy_accounts', severity: 'critical', setting: 'alertUnhealthyAccountsMax', comparison: 'above', message: (v, t) => `${v} Drive accounts are unhealthy (alert above ${t}).` },
];

/**
 * Measures what the alerts watch now and compares it with the thresholds
 * admins set (settings `alert*`). A value that cannot be measured never
 * fires; its message says so.
 */
@Injectable()
export class AlertsService {
  constructor(
    private readonly settings: SettingsService,
    private readonly probes: SystemProbes,
    private readonly failures: BackupFailuresRepository,
    private readonly pool: DriveAccountPool,
    private readonly backupQueue: BackupQueue,
  ) {}

  async evaluate(): Promise<Alerts> {
    const now = Date.now();
    const measure = <T>(p: Promise<T>) => withTimeout(p, PROBE_TIMEOUT_MS).catch(() => null);
    const [settings, disk, failures, backupDepth, accounts] = await Promise.all([
      this.settings.getAll(),
      this.probes.disk(),
      measure(this.failures.countFailedSince(new Date(now - DAY_MS))),
      measure(this.backupQueue.depth()),
      measure(this.pool.list()),
    ]);
    const values: Record<AlertKey, number | null> = {
      disk_free: disk.usage?.free_percent ?? null,
      process_memory: process.memoryUsage().rss,
      backup_failures_24h: failures,
      backup_queue_depth: backupDepth,
      unhealthy_accounts: accounts ? accounts.filter((a) => a.health === 'unhealthy').length : null,
    };
    const alerts = RULES.map((rule): Alert => {
      const value = values[rule.key];
      const threshold = settings[rule.setting];
      const firing = value !== null && (rule.comparison === 'below' ? value < threshold : value > threshold);
      return {
        key: rule.key,
        severity: rule.severity,
        firing,
        value,
        threshold,
        comparison: rule.comparison,
        setting: rule.setting,
        message: value === null ? 'Could not be measured right now.' : firing ? rule.message(value, threshold) : 'Within the threshold.',
      };
    });
    return { checked_at: new Date(now).toISOString(), firing: alerts.filter((a) => a.firing).length, alerts };
  }
}
