import { randomToken } from '../core/ids';
import { InputError } from '../services/input-error';
import { CONTENT_FAULT_KINDS, FAULT_KINDS, SERVER_ERROR_BODIES, type FaultKind, type FaultSpec, type QueuedFault } from './fault-types';

export interface FaultTarget {
  route: string;
  method: string;
  path: string;
  /** The account the request acts for, when known (not for the token endpoint). */
  accountId: string | null;
  accountEmail: string | null;
  /** Whether the request names a resumable session (only those can lose one). */
  hasSession: boolean;
  /** Whether the request uploads file content (only those can corrupt a stored file). */
  carriesContent: boolean;
}

/** Faults queued through the control API, consumed in order by matching requests. */
export class FaultInjector {
  private queue: QueuedFault[] = [];

  add(spec: FaultSpec): QueuedFault {
    validate(spec);
    const fault: QueuedFault = { id: `flt_${randomToken(6)}`, kind: spec.kind, count: spec.count ?? 1, spec, hits: 0 };
    this.queue.push(fault);
    return fault;
  }

  list(): QueuedFault[] {
    return [...this.queue];
  }

  clear(): void {
    this.queue = [];
  }

  /** Takes one hit from the first queued fault that matches the request, if any. */
  take(target: FaultTarget): QueuedFault | null {
    const fault = this.queue.find((f) => matches(f, target));
    if (!fault) return null;
    fault.hits++;
    if (fault.count > 0 && fault.hits >= fault.count) {
      this.queue = this.queue.filter((f) => f !== fault);
    }
    return fault;
  }
}

function matches(fault: QueuedFault, target: FaultTarget): boolean {
  const { spec } = fault;
  if (spec.kind === 'lose_session' && !target.hasSession) return false;
  if (CONTENT_FAULT_KINDS.includes(spec.kind) && !target.carriesContent) return false;
  if (spec.method && spec.method.toUpperCase() !== target.method) return false;
  if (spec.account) {
    const wanted = spec.account.toLowerCase();
    if (target.accountId?.toLowerCase() !== wanted && target.accountEmail?.toLowerCase() !== wanted) return false;
  }
  if (spec.route) {
    const pattern = globToRegExp(spec.route);
    const subject = spec.route.startsWith('/') ? target.path : target.route;
    if (!pattern.test(subject)) return false;
  }
  return true;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function validate(spec: FaultSpec): void {
  if (!spec || typeof spec !== 'object') throw new InputError('fault must be an object');
  if (!FAULT_KINDS.includes(spec.kind as FaultKind)) {
    throw new InputError(`fault kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
  const nonNegative = (name: keyof FaultSpec): void => {
    const value = spec[name];
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 0)) {
      throw new InputError(`${name} must be a non-negative integer`);
    }
  };
  nonNegative('afterBytes');
  nonNegative('delayMs');
  nonNegative('retryAfterSeconds');
  nonNegative('offset');
  if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count === 0 || spec.count < -1)) {
    throw new InputError('count must be a positive integer or -1');
  }
  if (spec.kind === 'server_error' && spec.status !== undefined && ![500, 502, 503, 504].includes(spec.status)) {
    throw new InputError('server_error status must be 500, 502, 503 or 504');
  }
  if (spec.kind === 'lose_session' && spec.status !== undefined && spec.status !== 404 && spec.status !== 410) {
    throw new InputError('lose_session status must be 404 or 410');
  }
  if (spec.body !== undefined && !SERVER_ERROR_BODIES.includes(spec.body)) {
    throw new InputError(`body must be one of ${SERVER_ERROR_BODIES.join(', ')}`);
  }
  if (spec.md5Of !== undefined && spec.md5Of !== 'sent' && spec.md5Of !== 'stored') {
    throw new InputError("md5Of must be 'sent' or 'stored'");
  }
  for (const key of ['account', 'route', 'method'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'string') throw new InputError(`${key} must be a string`);
  }
}
