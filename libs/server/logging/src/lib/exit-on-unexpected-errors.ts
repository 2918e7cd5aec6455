import { createRootLogger } from './json-logger';

/** EX_SOFTWARE: distinct from a bad configuration (78), which no restart fixes. */
export const EXIT_UNEXPECTED = 70;

/**
 * An error that reaches the process is by definition one no code expected, so
 * the state it leaves (half-updated sessions, held locks, open sockets, a job
 * half-copied) is unknown. The process logs it with its stack and exits; the
 * supervisor (compose `restart:`, systemd `Restart=`, supervisord
 * `autorestart`) starts a clean one. Entry points answer bad input themselves,
 * so no request should get here; a worker's jobs are taken up again by BullMQ
 * as stalled. See docs/architecture.md, "Unexpected errors".
 */
export function exitOnUnexpectedErrors(service: string, level: string): void {
  const log = createRootLogger(service, level === 'silent' ? 'fatal' : level);
  const die = (err: unknown, origin: string) => {
    log.fatal({ err, origin }, 'unexpected error; exiting so the supervisor restarts a clean process');
    process.exit(EXIT_UNEXPECTED);
  };
  process.on('uncaughtException', (err, origin) => die(err, origin));
  process.on('unhandledRejection', (reason) => die(reason, 'unhandledRejection'));
}
