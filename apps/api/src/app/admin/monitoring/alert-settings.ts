const GiB = 1024 ** 3;

/** Defaults of the monitoring alert thresholds (settings.definitions.ts declares their bounds). */
export const ALERT_SETTINGS_DEFAULTS = Object.freeze({
  alertDiskFreeMinPercent: 10,
  alertProcessMemoryMaxBytes: 1.5 * GiB,
  alertBackupFailures24hMax: 0,
  alertBackupQueueDepthMax: 1000,
  alertUnhealthyAccountsMax: 0,
});
