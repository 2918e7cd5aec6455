import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { DriveEmulatorService, startDriveEmulator } from './drive-emulator';

export interface LocalDrive {
  /** Env for api/worker: GDRIVE_API_ROOT and GDRIVE_ACCOUNTS_JSON. */
  env: Record<string, string>;
  emulator?: DriveEmulatorService;
  stop(): Promise<void>;
}

interface LauncherState {
  port: number;
  accounts: Array<{ label: string; email: string; client_id: string; client_secret: string; refresh_token: string }>;
}

const GiB = 1024 ** 3;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The Drive side of `npm start`: unless real Google accounts are configured
 * (GDRIVE_ACCOUNTS_JSON or GDRIVE_API_ROOT in env/.env), runs the Drive
 * emulator with two 15 GiB accounts. Their credentials and the port are kept
 * in `<dataDir>/launcher.json`, so uploads in progress survive a restart.
 */
export async function localDriveSetup(dataDir: string, logDir: string): Promise<LocalDrive> {
  if (process.env['GDRIVE_ACCOUNTS_JSON'] || process.env['GDRIVE_API_ROOT']) {
    return { env: {}, stop: async () => undefined };
  }
  mkdirSync(dataDir, { recursive: true });
  const stateFile = join(dataDir, 'launcher.json');
  let state: LauncherState;
  if (existsSync(stateFile)) {
    state = JSON.parse(readFileSync(stateFile, 'utf8')) as LauncherState;
  } else {
    const secret = () => randomBytes(18).toString('base64url');
    state = {
      port: 0,
      accounts: [1, 2].map((n) => ({
        label: `local-drive-${n}`,
        email: `drive-${n}@emulator.local`,
        client_id: `local-${n}.apps.googleusercontent.com`,
        client_secret: secret(),
        refresh_token: `1//${secret()}`,
      })),
    };
  }
  const port = state.port && (await portIsFree(state.port)) ? state.port : 0;
  const emulator = await startDriveEmulator({
    dataDir: join(dataDir, 'files'),
    port,
    log: join(logDir, 'gdrive-emulator.log'),
    config: {
      accounts: state.accounts.map((a) => ({
        email: a.email,
        limit: 15 * GiB,
        oauth: { client_id: a.client_id, client_secret: a.client_secret, refresh_token: a.refresh_token },
      })),
    },
  });
  state.port = Number(new URL(emulator.url).port);
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  return {
    env: {
      GDRIVE_API_ROOT: emulator.apiRoot,
      GDRIVE_ACCOUNTS_JSON: JSON.stringify(state.accounts.map(({ label, client_id, client_secret, refresh_token }) => ({ label, client_id, client_secret, refresh_token }))),
    },
    emulator,
    stop: () => emulator.stop(),
  };
}
