import { ManagedProcess } from './managed-process';

export interface LocalDrive {
  /** Env for api/worker: GDRIVE_API_ROOT, GDRIVE_ACCOUNTS_JSON … */
  env: Record<string, string>;
  process?: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * The Drive side of `npm start`. Until the emulator lands this starts
 * nothing; with real Google credentials in env nothing is started either.
 */
export async function localDriveSetup(_dataDir: string, _logDir: string): Promise<LocalDrive> {
  return { env: {}, stop: async () => undefined };
}
