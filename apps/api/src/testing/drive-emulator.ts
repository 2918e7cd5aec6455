// Test-only access to the Drive emulator app, which runs in-process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { EmulatorControl, type EmulatorAccount } from '../../../gdrive-emulator/src/testing/emulator-control';

// eslint-disable-next-line @nx/enforce-module-boundaries
export { startEmulator, type RunningEmulator } from '../../../gdrive-emulator/src/emulator';
export { EmulatorControl, type EmulatorAccount };

/** GDRIVE_ACCOUNTS_JSON for the api, from emulator accounts. */
export function accountsJson(accounts: EmulatorAccount[]): string {
  return JSON.stringify(
    accounts.map((a, i) => {
      const o = a.credentials.oauth;
      if (!o) throw new Error('emulator account without OAuth credentials');
      return { label: `drive-${i + 1}`, client_id: o.client_id, client_secret: o.client_secret, refresh_token: o.refresh_token };
    }),
  );
}
