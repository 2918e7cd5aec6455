import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { builtApp } from './app-process';
import { ManagedProcess } from './managed-process';

export interface DriveEmulatorService {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** What the product takes as GDRIVE_API_ROOT (trailing slash). */
  apiRoot: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Runs the built Google Drive emulator (dist/apps/gdrive-emulator) on a free
 * port with its files under `dataDir`. `config` (accounts, OAuth clients,
 * users) is written to a JSON file the emulator reads at start.
 */
export async function startDriveEmulator(options: { dataDir: string; config?: unknown; log?: string; port?: number }): Promise<DriveEmulatorService> {
  mkdirSync(options.dataDir, { recursive: true });
  const args = [builtApp('gdrive-emulator'), '--port', String(options.port ?? 0), '--data-dir', options.dataDir];
  if (options.config) {
    const file = join(options.dataDir, 'emulator-config.json');
    writeFileSync(file, JSON.stringify(options.config, null, 2));
    args.push('--config', file);
  }
  const proc = await ManagedProcess.start({
    name: 'gdrive-emulator',
    command: process.execPath,
    args,
    readyLine: /gdrive-emulator listening on http:\/\/[^\s]+/,
    output: options.log ?? 'ignore',
  });
  const match = /gdrive-emulator listening on (http:\/\/[^\s]+)/.exec(proc.recentOutput());
  const url = (match?.[1] ?? '').replace(/\/$/, '');
  return { url, apiRoot: `${url}/`, process: proc, stop: () => proc.stop() };
}
