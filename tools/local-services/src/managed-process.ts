import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Output line that means "ready"; without it the process is ready once spawned. */
  readyLine?: RegExp;
  readyTimeoutMs?: number;
  /** Where stdout/stderr go: a file path, 'inherit' (prefixed lines) or 'ignore'. */
  output?: string | 'inherit' | 'ignore';
  /**
   * Run in its own process group and signal the whole group. For servers that
   * fork workers (Apache): a SIGKILL of the parent alone leaves the workers
   * holding the port.
   */
  processGroup?: boolean;
}

const running = new Set<ManagedProcess>();
let hooksInstalled = false;

/** Kills every child still running when this process exits for any reason. */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const p of running) p.killNow();
  });
}

/** A child process that is always stopped with its parent. */
export class ManagedProcess {
  readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private log?: WriteStream;
  private tail: string[] = [];

  private constructor(readonly options: ManagedProcessOptions) {
    installExitHooks();
    const spawnOptions: SpawnOptions = {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.processGroup ?? false,
    };
    this.child = spawn(options.command, options.args, spawnOptions);
    running.add(this);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        running.delete(this);
        this.log?.end();
        resolve(code ?? (signal ? 128 : null));
      });
      this.child.once('error', () => {
        running.delete(this);
        resolve(null);
      });
    });
    if (options.output && options.output !== 'inherit' && options.output !== 'ignore') {
      this.log = createWriteStream(options.output, { flags: 'a' });
    }
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => this.onOutput(chunk));
    }
  }

  static async start(options: ManagedProcessOptions): Promise<ManagedProcess> {
    const p = new ManagedProcess(options);
    await p.waitReady();
    return p;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Last lines of output, for error messages. */
  recentOutput(): string {
    return this.tail.join('');
  }

  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.killNow(), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  killNow(): void {
    if (this.running) this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (this.options.processGroup && pid) {
      try {
        process.kill(-pid, signal);
        return;
      } catch {
        // group already gone: fall back to the child itself
      }
    }
    this.child.kill(signal);
  }

  private onOutput(chunk: string): void {
    this.tail.push(chunk);
    if (this.tail.length > 50) this.tail.shift();
    if (this.log) this.log.write(chunk);
    else if (this.options.output === 'inherit') {
      for (const line of chunk.split('\n').filter(Boolean)) process.stdout.write(`[${this.options.name}] ${line}\n`);
    }
  }

  private waitReady(): Promise<void> {
    const { readyLine, readyTimeoutMs = 60_000, name } = this.options;
    return new Promise<void>((resolve, reject) => {
      let buffer = '';
      const fail = (why: string) => {
        cleanup();
        this.killNow();
        reject(new Error(`${name} ${why}\n--- last output ---\n${this.recentOutput()}`));
      };
      const onData = (chunk: string) => {
        buffer += chunk;
        if (readyLine?.test(buffer)) {
          cleanup();
          resolve();
        }
      };
      const onExit = (code: number | null) => fail(`exited (code ${code}) before it was ready`);
      const onError = (e: Error) => fail(`could not be started: ${e.message}`);
      const timer = setTimeout(() => fail(`was not ready within ${readyTimeoutMs} ms`), readyTimeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.child.stdout?.off('data', onData);
        this.child.stderr?.off('data', onData);
        this.child.off('exit', onExit);
        this.child.off('error', onError);
      };
      this.child.once('error', onError);
      this.child.once('exit', onExit);
      if (!readyLine) {
        this.child.once('spawn', () => {
          cleanup();
          resolve();
        });
        return;
      }
      this.child.stdout?.on('data', onData);
      this.child.stderr?.on('data', onData);
    });
  }
}
