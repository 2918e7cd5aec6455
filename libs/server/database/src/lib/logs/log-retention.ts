import { ACCESS_ACTIONS, LogKind } from '@ddx/contracts';
import { Connection } from 'mongoose';

export const ACTIVITY_LOGS_COLLECTION = 'activity_logs';
export const APP_ERRORS_COLLECTION = 'app_errors';
export const SETTINGS_COLLECTION = 'settings';

/** Written by the worker's daily retention job (the api's ActivityAction has the same name). */
export const SYSTEM_LOGS_PURGED_ACTION = 'system.logs_purged';

/** Where each log lives: activity and access share `activity_logs` (told apart by action), errors are `app_errors`. */
export function logCollection(kind: LogKind): string {
  return kind === 'errors' ? APP_ERRORS_COLLECTION : ACTIVITY_LOGS_COLLECTION;
}

/** What belongs to a log kind inside its collection. */
export function logKindFilter(kind: LogKind): Record<string, unknown> {
  if (kind === 'access') return { action: { $in: [...ACCESS_ACTIONS] } };
  if (kind === 'activity') return { action: { $nin: [...ACCESS_ACTIONS] } };
  return {};
}

/**
 * Deletes the entries of one log older than `cutoff` (FerretDB has no TTL
 * indexes, so retention is this explicit delete, run by the api's purge
 * route and the worker's daily job). Returns how many went.
 */
export async function purgeLogsBefore(connection: Connection, kind: LogKind, cutoff: Date): Promise<number> {
  const result = await connection.collection(logCollection(kind)).deleteMany({ ...logKindFilter(kind), at: { $lt: cutoff } });
  return result.deletedCount ?? 0;
}

/** The raw stored value of an admin setting (`undefined` when never set); callers validate it. */
export async function readStoredSetting(connection: Connection, key: string): Promise<unknown> {
  const doc = await connection.collection<{ _id: string; value?: unknown }>(SETTINGS_COLLECTION).findOne({ _id: key }, { projection: { value: 1 } });
  return doc ? doc.value : undefined;
}
