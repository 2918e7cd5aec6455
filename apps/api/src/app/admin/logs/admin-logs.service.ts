import {
  ACCESS_ACTIONS,
  ACCESS_FAILED_ACTIONS,
  AccessLogEntry,
  AccessLogExportQuery,
  AccessLogListQuery,
  AccessLogPage,
  AccessSummary,
  AccessSummaryQuery,
  ActivityLogEntry,
  ActivityLogExportQuery,
  ActivityLogListQuery,
  ActivityLogPage,
  ErrorLogEntry,
  ErrorLogExportQuery,
  ErrorLogListQuery,
  ErrorLogPage,
  LogKind,
  LogPurgeRequest,
  LogPurgeResponse,
} from '@ddx/contracts';
import { logCollection, purgeLogsBefore } from '@ddx/server-database';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';

import { ActivityAction } from '../../activity/activity-action';
import { AdminActor } from '../shared/admin-actor.decorator';
import { AdminAudit } from '../shared/admin-audit.service';
import { csvLine } from '../shared/csv';
import { ExportFile } from '../shared/export-file';
import { pageOf } from '../shared/page';
import { accessFilter, activityFilter, errorFilter, MongoFilter, RawDoc, toAccessEntry, toActivityEntry, toErrorEntry } from './log-filters';

const DAY_MS = 24 * 60 * 60 * 1000;
const NEWEST_FIRST = { at: -1, _id: -1 } as const;
const EXPORT_BATCH = 200;

export type LogExport = ExportFile;

/** One log as the export writes it: its filter, columns and row mapping. */
interface ExportSpec<T> {
  kind: LogKind;
  filter: MongoFilter;
  map(d: RawDoc): T;
  header: string[];
  row(e: T): Array<string | number | null>;
}

const ACTIVITY_COLUMNS: ExportSpec<ActivityLogEntry>['header'] = ['id', 'at', 'actor_type', 'actor_id', 'actor_email', 'action', 'target', 'ip', 'details'];
const ACCESS_COLUMNS: ExportSpec<AccessLogEntry>['header'] = ['id', 'at', 'realm', 'outcome', 'method', 'email', 'user_id', 'ip', 'reason'];
const ERROR_COLUMNS: ExportSpec<ErrorLogEntry>['header'] = ['id', 'at', 'status', 'method', 'route', 'request_id', 'error', 'message', 'suppressed_before'];

/**
 * The three admin logs over `activity_logs` and `app_errors`: pages
 * (count + skip/limit, newest first), the sign-in summary (one accumulator
 * per `$group`, as FerretDB needs), streamed exports and the purge.
 */
@Injectable()
export class AdminLogsService {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly audit: AdminAudit,
  ) {}

  activity(q: ActivityLogListQuery): Promise<ActivityLogPage> {
    return this.page('activity', activityFilter(q), q.page, q.limit, toActivityEntry);
  }

  access(q: AccessLogListQuery): Promise<AccessLogPage> {
    return this.page('access', accessFilter(q), q.page, q.limit, toAccessEntry);
  }

  errors(q: ErrorLogListQuery): Promise<ErrorLogPage> {
    return this.page('errors', errorFilter(q), q.page, q.limit, toErrorEntry);
  }

  /** Sign-ins in the last `hours`: totals and the addresses with the most attempts (with their failures). */
  async accessSummary(q: AccessSummaryQuery): Promise<AccessSummary> {
    const to = new Date();
    const from = new Date(to.getTime() - q.hours * 60 * 60 * 1000);
    const logs = this.collection('access');
    const inWindow = { at: { $gte: from, $lte: to } };
    const [total, failed] = await Promise.all([
      logs.countDocuments({ ...inWindow, action: { $in: [...ACCESS_ACTIONS] } }),
      logs.countDocuments({ ...inWindow, action: { $in: [...ACCESS_FAILED_ACTIONS] } }),
    ]);
    // FerretDB computes only the first accumulator of a $group: one per pipeline.
    const top = await logs
      .aggregate<{ _id: string; attempts: number }>([
        { $match: { ...inWindow, action: { $in: [...ACCESS_ACTIONS] }, ip: { $ne: null } } },
        { $group: { _id: '$ip', attempts: { $sum: 1 } } },
        { $sort: { attempts: -1, _id: 1 } },
        { $limit: q.top },
      ])
      .toArray();
    const failedByIp = new Map<string, number>();
    if (top.length) {
      const rows = await logs
        .aggregate<{ _id: string; failed: number }>([
          { $match: { ...inWindow, action: { $in: [...ACCESS_FAILED_ACTIONS] }, ip: { $in: top.map((t) => t._id) } } },
          { $group: { _id: '$ip', failed: { $sum: 1 } } },
        ])
        .toArray();
      for (const r of rows) failedByIp.set(r._id, r.failed);
    }
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      total,
      failed,
      successful: total - failed,
      top_ips: top.map((t) => ({ ip: t._id, attempts: t.attempts, failed: failedByIp.get(t._id) ?? 0 })),
    };
  }

  exportActivity(actor: AdminActor, q: ActivityLogExportQuery): Promise<LogExport> {
    return this.export(actor, q.format, {
      kind: 'activity',
      filter: activityFilter(q),
      map: toActivityEntry,
      header: ACTIVITY_COLUMNS,
      row: (e) => [e.id, e.at, e.actor_type, e.actor_id, e.actor_email, e.action, e.target, e.ip, e.details ? JSON.stringify(e.details) : null],
    });
  }

  exportAccess(actor: AdminActor, q: AccessLogExportQuery): Promise<LogExport> {
    return this.export(actor, q.format, {
      kind: 'access',
      filter: accessFilter(q),
      map: toAccessEntry,
      header: ACCESS_COLUMNS,
      row: (e) => [e.id, e.at, e.realm, e.outcome, e.method, e.email, e.user_id, e.ip, e.reason],
    });
  }

  exportErrors(actor: AdminActor, q: ErrorLogExportQuery): Promise<LogExport> {
    return this.export(actor, q.format, {
      kind: 'errors',
      filter: errorFilter(q),
      map: toErrorEntry,
      header: ERROR_COLUMNS,
      row: (e) => [e.id, e.at, e.status, e.method, e.route, e.request_id, e.error, e.message, e.suppressed_before],
    });
  }

  /** Deletes one log's entries older than N days; the purge itself is logged (after, so it survives). */
  async purge(actor: AdminActor, body: LogPurgeRequest): Promise<LogPurgeResponse> {
    const cutoff = new Date(Date.now() - body.older_than_days * DAY_MS);
    const deleted = await purgeLogsBefore(this.connection, body.kind, cutoff);
    await this.audit.record(actor, ActivityAction.adminLogsPurge, body.kind, { kind: body.kind, older_than_days: body.older_than_days, cutoff: cutoff.toISOString(), deleted });
    return { kind: body.kind, deleted, cutoff: cutoff.toISOString() };
  }

  private collection(kind: LogKind) {
    return this.connection.collection<RawDoc>(logCollection(kind));
  }

  private async page<T>(kind: LogKind, filter: MongoFilter, page: number, limit: number, map: (d: RawDoc) => T) {
    const logs = this.collection(kind);
    const [total, docs] = await Promise.all([
      logs.countDocuments(filter),
      logs
        .find(filter, kind === 'errors' ? { projection: { stack: 0 } } : {})
        .sort(NEWEST_FIRST)
        .skip((page - 1) * limit)
        .limit(limit)
        .toArray(),
    ]);
    return { items: docs.map(map), ...pageOf(total, page, limit) };
  }

  private async export<T>(actor: AdminActor, format: 'csv' | 'json', spec: ExportSpec<T>): Promise<LogExport> {
    await this.audit.record(actor, ActivityAction.adminLogsExport, spec.kind, { format });
    const cursor = () =>
      this.collection(spec.kind)
        .find(spec.filter, spec.kind === 'errors' ? { projection: { stack: 0 } } : {})
        .sort(NEWEST_FIRST)
        .batchSize(EXPORT_BATCH);
    const day = new Date().toISOString().slice(0, 10);
    if (format === 'json') {
      return { filename: `${spec.kind}-log-${day}.json`, contentType: 'application/json; charset=utf-8', chunks: jsonChunks(cursor(), spec.map) };
    }
    return { filename: `${spec.kind}-log-${day}.csv`, contentType: 'text/csv; charset=utf-8', chunks: csvChunks(cursor(), spec) };
  }
}

/** A JSON array, one entry at a time (bounded memory). */
async function* jsonChunks<T>(docs: AsyncIterable<RawDoc>, map: (d: RawDoc) => T): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const d of docs) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(map(d))}`;
    first = false;
  }
  yield '\n]\n';
}

/** RFC 4180 with the formula guard of csvField; header first. */
async function* csvChunks<T>(docs: AsyncIterable<RawDoc>, spec: ExportSpec<T>): AsyncGenerator<string> {
  yield csvLine(spec.header);
  let batch = '';
  let n = 0;
  for await (const d of docs) {
    batch += csvLine(spec.row(spec.map(d)));
    if (++n % EXPORT_BATCH === 0) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}
