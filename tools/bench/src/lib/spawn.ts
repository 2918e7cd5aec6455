import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

const running = new Set<LoggedProcess>();
let hooked = false;

export interface LoggedProcessOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr go straight to this file (the child writes it; nothing passes through this process). */
  log: string;
  /** Line of the log that means "ready". */
  readyLine: RegExp;
  readyTimeoutMs?: number;
}

/**
 * A product process whose output goes to a file descriptor of its own. With
 * local-services' ManagedProcess every log line is piped through the parent:
 * under load (an access-log line per request) that is CPU the bench process
 * would spend, on the same two cores, inside the measured window.
 */
export class LoggedProcess {
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly options: LoggedProcessOptions,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(this);
        resolve(code ?? (signal ? 128 : null));
      });
      child.once('error', () => {
        running.delete(this);
        resolve(null);
      });
    });
  }

  static async start(options: LoggedProcessOptions): Promise<LoggedProcess> {
    if (!hooked) {
      hooked = true;
      process.on('exit', () => {
        for (const p of running) p.kill('SIGKILL');
      });
    }
    const fd = openSync(options.log, 'a');
    let child: ChildProcess;
    try {
      child = spawn(options.command, options.args, { env: options.env ?? process.env, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    const p = new LoggedProcess(options, child);
    running.add(p);
    await p.waitReady();
    return p;
  }

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The whole log so far (the ready line is looked for in it). */
  output(): string {
    try {
      return readFileSync(this.options.log, 'utf8');
    } catch {
      return '';
    }
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  private kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  private async waitReady(): Promise<void> {
    const { readyLine, readyTimeoutMs = 90_000, name } = this.options;
    const deadline = Date.now() + readyTimeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    for (;;) {
      if (readyLine.test(this.output())) return;
      const why = exitCode !== undefined ? `exited (code ${exitCode}) before it was ready` : Date.now() > deadline ? `was not ready within ${readyTimeoutMs} ms` : null;
      if (why) {
        this.kill('SIGKILL');
        throw new Error(`${name} ${why}\n--- last output ---\n${this.output().slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
