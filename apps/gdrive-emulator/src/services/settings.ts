/** Knobs that tests turn at run time (control API `PATCH /__emulator/settings`). */
export interface EmulatorSettings {
  /** Lifetime of issued access tokens. Google's is 3600 s. */
  tokenLifetimeSeconds: number;
  /** Lifetime of a resumable upload session. Google's is one week. */
  sessionLifetimeSeconds: number;
}

export const DEFAULT_SETTINGS: EmulatorSettings = {
  tokenLifetimeSeconds: 3600,
  sessionLifetimeSeconds: 7 * 24 * 3600,
};

/** 15 GiB, what Drive reports as `limit` for a free personal account. */
export const DEFAULT_ACCOUNT_LIMIT = 15 * 1024 * 1024 * 1024;
