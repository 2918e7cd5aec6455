import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__DDX_SERVICES__?.stop();
  const dir = process.env['DDX_TEST_DATA_DIR'];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
