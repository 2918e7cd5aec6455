import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { EmulatorState, StateSnapshot } from './emulator-state';

const SAVE_DELAY_MS = 100;

/**
 * Keeps `state.json` in the data directory in step with the in-memory state, so a
 * restarted emulator still knows its accounts, files, sessions and issued tokens.
 * Saves are coalesced (many chunk commits → one write) and written via rename so a
 * crash never leaves a half-written file.
 */
export class StatePersistence {
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: EmulatorState,
    private readonly file: string,
  ) {}

  load(): StateSnapshot | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const parsed = JSON.parse(text) as StateSnapshot;
    if (parsed.version !== 1) throw new Error(`Unsupported state file version in ${this.file}`);
    return parsed;
  }

  schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.writing = this.writing.then(() => this.write());
    }, SAVE_DELAY_MS);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.writing = this.writing.then(() => this.write());
    await this.writing;
  }

  private async write(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const tmp = `${this.file}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(this.state.snapshot()));
      await rename(tmp, this.file);
    } catch (err) {
      // A failed save must not break request handling; the next change retries it.
      this.dirty = true;
      process.stderr.write(`gdrive-emulator: could not save state: ${(err as Error).message}\n`);
    }
  }
}
