import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Test-only: the emulator app runs in-process, as in libs/server/drive's specs.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startEmulator, type RunningEmulator } from '../../../../apps/gdrive-emulator/src/emulator';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { EmulatorControl } from '../../../../apps/gdrive-emulator/src/testing/emulator-control';
import { DirectDrive, type OAuthCredential } from './drive-direct';
import { writeRandomFile } from './files';
import { MiB } from './stats';

/** The baselines' own client against the real emulator: the distant-Drive baseline must really use few, long PUTs. */
describe('DirectDrive', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let drive: DirectDrive;
  let dir: string;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    control = new EmulatorControl(emulator.url);
    const account = await control.addAccount({ email: 'bench@emulator.local', serviceAccount: false });
    drive = new DirectDrive(emulator.url, account.credentials.oauth as OAuthCredential);
    dir = mkdtempSync(join(tmpdir(), 'bench-direct-'));
  });
  afterAll(async () => {
    drive.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => control.clearStats());

  const puts = async () => (await control.stats()).byRoute['upload.resumable.chunk']?.requests ?? 0;

  it('streams an upload in PUTs of putSize and the remainder, byte-exact', async () => {
    const src = await writeRandomFile(join(dir, 'a.bin'), 2 * MiB + 12_345);
    const stored = await drive.uploadFileStreaming(src.path, src.size, 'a.bin', MiB);
    expect(await puts()).toBe(3);
    expect(stored.md5Checksum).toBe(src.md5);
    expect((await drive.download(stored.id, { hash: true })).sha256).toBe(src.sha256);
  });

  it('sends a file smaller than putSize in one PUT, and an empty one too', async () => {
    const src = await writeRandomFile(join(dir, 'b.bin'), MiB + 1);
    const stored = await drive.uploadFileStreaming(src.path, src.size, 'b.bin', 64 * MiB);
    expect(await puts()).toBe(1);
    expect(stored.md5Checksum).toBe(src.md5);
    const empty = await writeRandomFile(join(dir, 'empty.bin'), 0);
    expect((await drive.uploadFileStreaming(empty.path, 0, 'empty.bin', 64 * MiB)).size).toBe('0');
  });

  it('refuses a PUT size Drive would refuse (not a multiple of 256 KiB)', async () => {
    const src = await writeRandomFile(join(dir, 'c.bin'), MiB);
    await expect(drive.uploadFileStreaming(src.path, src.size, 'c.bin', 300_000)).rejects.toThrow(/multiple of 256 KiB/);
  });

  it('against a distant Drive, a chunked upload pays one round trip per PUT (why the distant baseline sends long PUTs)', async () => {
    const src = await writeRandomFile(join(dir, 'd.bin'), 8 * MiB);
    await control.setNetwork({ latencyMs: 25 });
    try {
      const started = performance.now();
      await drive.uploadFile(src.path, src.size, 'd.bin', MiB);
      // Lower bound only: session + 8 PUTs, each a 50 ms round trip.
      expect(performance.now() - started).toBeGreaterThanOrEqual(9 * 50 - 5);
      expect(await puts()).toBe(8);
    } finally {
      await control.clearNetwork();
    }
  });
});
