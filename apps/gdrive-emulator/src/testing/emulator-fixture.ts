import { generateKeyPairSync } from 'node:crypto';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator';
import { EmulatorControl } from './emulator-control';

/** One emulator per test file, on a random port, plus its control client. */
export interface EmulatorFixture {
  emulator: RunningEmulator;
  control: EmulatorControl;
}

export async function startFixture(options: EmulatorOptions = {}): Promise<EmulatorFixture> {
  const emulator = await startEmulator({ port: 0, ...options });
  return { emulator, control: new EmulatorControl(emulator.url) };
}

/** A service-account private key (PKCS#8 PEM); generate once per file, it takes ~150 ms. */
export function generateServiceAccountKey(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}
