import {
  ACCESS_ACTIONS,
  ACCESS_FAILED_ACTIONS,
  ACCESS_SUCCESS_ACTIONS,
  AccessLogEntry,
  ActivityLogEntry,
  ErrorLogEntry,
} from '@ddx/contracts';
import { escapeRegex } from '@ddx/server-database';

import { ActivityAction } from '../../activity/activity-action';

// The access actions of the contract are real activity actions (checked by the compiler).
const _accessActionsAreActivityActions: readonly ActivityAction[] = [...ACCESS_SUCCESS_ACTIONS, ...ACCESS_FAILED_ACTIONS];
void _accessActionsAreActivityActions;

export type MongoFilter = Record<string, unknown>;

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const USER_ID = /^[0-9a-fA-F]{24}$/;

/** Literal, case-insensitive "contains" (user text is escaped, never a pattern). */
const contains = (text: string) => ({ $regex: escapeRegex(text), $options: 'i' });
/** Literal prefix (IPs: `203.0.113.` matches the whole /24). */
const startsWith = (text: string) => ({ $regex: `^${escapeRegex(text)}` });

/** `at` between two query dates; a day as upper bound includes the whole day (UTC). */
export function atRange(from?: string, to?: string): MongoFilter {
  const range: Record<string, Date> = {};
  if (from) range['$gte'] = new Date(from);
  if (to) range['$lte'] = new Date(DAY_ONLY.test(to) ? `${to}T23:59:59.999Z` : to);
  return Object.keys(range).length ? { at: range } : {};
}

/** All conditions must hold; one condition needs no `$and`. */
function all(conditions: MongoFilter[]): MongoFilter {
  const nonEmpty = conditions.filter((c) => Object.keys(c).length > 0);
  if (nonEmpty.length === 0) return {};
  if (nonEmpty.length === 1) return nonEmpty[0] as MongoFilter;
  return { $and: nonEmpty };
}

export interface ActivityFilterInput {
  action?: string;
  actor?: string;
  actor_type?: 'user' | 'admin' | 'system';
  target?: string;
  ip?: string;
  search?: string;
  date_from?: string;
  date_to?: string;
}

/** The activity log: every entry of `activity_logs` that is not a sign-in. */
export function activityFilter(q: ActivityFilterInput): MongoFilter {
  const c: MongoFilter[] = [{ action: { $nin: [...ACCESS_ACTIONS] } }];
  if (q.action) c.push({ action: q.action });
  if (q.actor) c.push(USER_ID.test(q.actor) ? { $or: [{ actorId: q.actor.toLowerCase() }, { actorEmail: contains(q.actor) }] } : { actorEmail: contains(q.actor) });
  if (q.actor_type) c.push({ actorType: q.actor_type });
  if (q.target) c.push({ target: q.target });
  if (q.ip) c.push({ ip: startsWith(q.ip) });
  if (q.search) c.push({ $or: ['action', 'actorEmail', 'target', 'ip'].map((field) => ({ [field]: contains(q.search as string) })) });
  c.push(atRange(q.date_from, q.date_to));
  return all(c);
}

export interface AccessFilterInput {
  outcome?: 'success' | 'failed';
  realm?: 'user' | 'admin';
  email?: string;
  ip?: string;
  date_from?: string;
  date_to?: string;
}

/** The sign-in actions an access query covers. */
export function accessActions(outcome?: 'success' | 'failed', realm?: 'user' | 'admin'): string[] {
  const byOutcome: readonly string[] = outcome === 'success' ? ACCESS_SUCCESS_ACTIONS : outcome === 'failed' ? ACCESS_FAILED_ACTIONS : ACCESS_ACTIONS;
  return byOutcome.filter((a) => !realm || a.startsWith(`${realm}.`));
}

export function accessFilter(q: AccessFilterInput): MongoFilter {
  const c: MongoFilter[] = [{ action: { $in: accessActions(q.outcome, q.realm) } }];
  if (q.email) c.push({ actorEmail: contains(q.email) });
  if (q.ip) c.push({ ip: startsWith(q.ip) });
  c.push(atRange(q.date_from, q.date_to));
  return all(c);
}

export interface ErrorFilterInput {
  status?: number;
  route?: string;
  request_id?: string;
  search?: string;
  date_from?: string;
  date_to?: string;
}

export function errorFilter(q: ErrorFilterInput): MongoFilter {
  const c: MongoFilter[] = [];
  if (q.status) c.push({ status: q.status });
  if (q.route) c.push({ route: contains(q.route) });
  if (q.request_id) c.push({ requestId: q.request_id });
  if (q.search) c.push({ $or: [{ message: contains(q.search) }, { route: contains(q.search) }] });
  c.push(atRange(q.date_from, q.date_to));
  return all(c);
}

// ---------------------------------------------------------------- mapping

/** A raw `activity_logs` / `app_errors` document as the driver returns it. */
export type RawDoc = Record<string, unknown> & { _id: unknown };

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const iso = (v: unknown): string => new Date(v as Date).toISOString();

export function toActivityEntry(d: RawDoc): ActivityLogEntry {
  const details = d['details'];
  return {
    id: String(d._id),
    at: iso(d['at']),
    actor_type: (str(d['actorType']) ?? 'system') as ActivityLogEntry['actor_type'],
    actor_id: str(d['actorId']),
    actor_email: str(d['actorEmail']),
    action: String(d['action']),
    target: str(d['target']),
    ip: str(d['ip']),
    details: details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : null,
  };
}

export function toAccessEntry(d: RawDoc): AccessLogEntry {
  const action = String(d['action']);
  const details = d['details'] as Record<string, unknown> | null | undefined;
  return {
    id: String(d._id),
    at: iso(d['at']),
    realm: action.startsWith('admin.') ? 'admin' : 'user',
    outcome: action.endsWith('_failed') ? 'failed' : 'success',
    method: action.includes('google') ? 'google' : 'password',
    email: str(d['actorEmail']),
    user_id: str(d['actorId']),
    ip: str(d['ip']),
    reason: str(details?.['reason']),
  };
}

/** Never the stack: it stays in the database. */
export function toErrorEntry(d: RawDoc): ErrorLogEntry {
  return {
    id: String(d._id),
    at: iso(d['at']),
    status: Number(d['status']),
    method: String(d['method'] ?? ''),
    route: String(d['route'] ?? ''),
    request_id: str(d['requestId']),
    error: String(d['error'] ?? ''),
    message: String(d['message'] ?? ''),
    suppressed_before: Number(d['suppressedBefore'] ?? 0),
  };
}
