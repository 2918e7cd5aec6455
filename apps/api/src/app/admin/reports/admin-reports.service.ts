import {
  ActiveUsersPoint,
  FILE_CATEGORIES,
  FileCategory,
  ReportDownloads,
  ReportExportQuery,
  ReportName,
  ReportOverview,
  ReportRangeQuery,
  ReportRegistrations,
  ReportSeriesQuery,
  ReportStorageByAccount,
  ReportStorageByType,
  ReportStorageByUser,
  ReportStorageOverTime,
  ReportTopQuery,
  ReportUploads,
  ReportUserActivity,
  ReportUserActivityQuery,
  StorageByAccountRow,
  StoragePoint,
} from '@ddx/contracts';
import { Injectable } from '@nestjs/common';

import { ActivityAction } from '../../activity/activity-action';
import { fileCategoryOf, GENERIC_CONTENT_TYPES } from '../../users/file-category';
import { csvLine } from '../shared/csv';
import { ExportFile } from '../shared/export-file';
import { AdminActor } from '../shared/admin-actor.decorator';
import { AdminAudit } from '../shared/admin-audit.service';
import { Buckets, resolveRange, ResolvedRange } from './report-range';
import { ReportRepository } from './report.repository';

type Cell = string | number | null;

/** One report as a table: what an export writes. */
export interface ReportTable {
  range: ResolvedRange;
  columns: string[];
  rows: Array<Record<string, Cell>>;
}

export type ReportFile = ExportFile;

/** Public part of a resolved range (the instants stay inside the api). */
function rangeView(r: ResolvedRange) {
  return { from: r.from, to: r.to, days: r.days };
}

/**
 * The predefined admin reports. Every figure comes from a fixed query in
 * ReportRepository; this service resolves the range, buckets time series
 * (UTC, empty buckets as zeros) and shapes the answers and exports.
 */
@Injectable()
export class AdminReportsService {
  constructor(
    private readonly data: ReportRepository,
    private readonly audit: AdminAudit,
  ) {}

  async overview(q: ReportRangeQuery, now = new Date()): Promise<ReportOverview> {
    const range = resolveRange(q, now);
    const [users, files, accounts, newUsers, uploads, active, downloads] = await Promise.all([
      this.data.userCounts(),
      this.data.fileCounts(),
      this.data.accounts(),
      this.data.countNewUsers(range.start, range.end),
      this.data.uploadTotals(range.start, range.end),
      this.data.activeUserIds(range.start, range.end),
      this.data.downloadsPerDay(range.from, range.to),
    ]);
    const backupsDone = files.backups.get('completed') ?? 0;
    const backupsFailed = files.backups.get('failed') ?? 0;
    return {
      range: rangeView(range),
      generated_at: now.toISOString(),
      users: {
        total: users.total,
        active: users.byStatus.get('active') ?? 0,
        suspended: users.byStatus.get('suspended') ?? 0,
        banned: users.byStatus.get('banned') ?? 0,
        admins: users.admins,
      },
      files: { stored: files.stored, stored_bytes: files.storedBytes, in_progress: files.inProgress, anonymous: files.anonymous },
      backups: { done: backupsDone, failed: backupsFailed, pending: files.stored - backupsDone - backupsFailed },
      accounts: { total: accounts.length, enabled: accounts.filter((a) => a.enabled).length, healthy: accounts.filter((a) => a.health === 'healthy').length },
      period: {
        new_users: newUsers,
        active_users: active.size,
        uploads: uploads.uploads,
        uploaded_bytes: uploads.bytes,
        downloads: [...downloads.values()].reduce((s, n) => s + n, 0),
      },
    };
  }

  async userActivity(q: ReportUserActivityQuery): Promise<ReportUserActivity> {
    const range = resolveRange(q);
    const buckets = new Buckets(range, q.granularity);
    const active = buckets.zeroed(() => new Set<string>());
    const logins = buckets.zeroed(() => ({ n: 0 }));
    const everyone = new Set<string>();
    const uploaders = new Set<string>();
    for await (const l of this.data.logins(range.start, range.end)) {
      const label = buckets.labelOf(l.at);
      if (!label) continue;
      (logins.get(label) as { n: number }).n++;
      if (l.userId) {
        active.get(label)?.add(l.userId);
        everyone.add(l.userId);
      }
    }
    for await (const u of this.data.uploads(range.start, range.end)) {
      const label = buckets.labelOf(u.at);
      if (!label || !u.ownerId) continue;
      active.get(label)?.add(u.ownerId);
      everyone.add(u.ownerId);
      uploaders.add(u.ownerId);
    }
    const top = await this.data.topUploaders(range.start, range.end, q.limit);
    const emails = await this.data.emails(top.map((t) => t.key as string));
    const points: ActiveUsersPoint[] = buckets.labels.map((date) => ({ date, active_users: active.get(date)?.size ?? 0, logins: logins.get(date)?.n ?? 0 }));
    return {
      range: rangeView(range),
      granularity: q.granularity,
      top_uploaders: top.map((t) => ({ user_id: t.key as string, email: emails.get(t.key as string) ?? null, uploads: t.files, bytes: t.bytes })),
      points,
      totals: { active_users: everyone.size, logins: points.reduce((s, p) => s + p.logins, 0), uploaders: uploaders.size },
    };
  }

  async storageByUser(q: ReportTopQuery): Promise<ReportStorageByUser> {
    const range = resolveRange(q);
    const [top, totals] = await Promise.all([this.data.storedByOwner(range.end, q.limit), this.data.storedTotalsAt(range.end)]);
    const emails = await this.data.emails(top.flatMap((t) => (t.key ? [t.key] : [])));
    return {
      range: rangeView(range),
      as_of: range.to,
      items: top.map((t) => ({ user_id: t.key, email: t.key ? (emails.get(t.key) ?? null) : null, files: t.files, bytes: t.bytes })),
      totals,
    };
  }

  async storageByType(q: ReportRangeQuery): Promise<ReportStorageByType> {
    const range = resolveRange(q);
    const by = new Map<FileCategory, { files: number; bytes: number }>(FILE_CATEGORIES.map((c) => [c, { files: 0, bytes: 0 }]));
    const add = (c: FileCategory, files: number, bytes: number) => {
      const row = by.get(c) as { files: number; bytes: number };
      row.files += files;
      row.bytes += bytes;
    };
    const generic: string[] = [];
    for (const g of await this.data.storedByContentType(range.end)) {
      const type = (g.key ?? '').toLowerCase();
      if (GENERIC_CONTENT_TYPES.includes(type)) generic.push(g.key ?? '');
      else add(fileCategoryOf(type), g.files, g.bytes);
    }
    // Files without a useful content type are read one by one: their extension decides.
    if (generic.length > 0) for await (const f of this.data.storedNamed(range.end, generic)) add(fileCategoryOf('', f.filename), 1, f.bytes);
    const items = FILE_CATEGORIES.map((type) => ({ type, ...(by.get(type) as { files: number; bytes: number }) }));
    return { range: rangeView(range), as_of: range.to, items, totals: sumRows(items) };
  }

  async storageByAccount(q: ReportRangeQuery): Promise<ReportStorageByAccount> {
    const range = resolveRange(q);
    const [accounts, groups] = await Promise.all([this.data.accounts(), this.data.storedByAccount(range.end)]);
    const usage = new Map(groups.map((g) => [g.key, g]));
    const items: StorageByAccountRow[] = accounts.map((a) => ({ account_id: a.id, label: a.label, email: a.email, files: usage.get(a.id)?.files ?? 0, bytes: usage.get(a.id)?.bytes ?? 0 }));
    const known = new Set(accounts.map((a) => a.id));
    // Files detached from their account (or whose account is gone) are served from the backup.
    const detached = groups.filter((g) => g.key === null || !known.has(g.key));
    if (detached.length > 0) items.push({ account_id: null, label: null, email: null, files: sum(detached, 'files'), bytes: sum(detached, 'bytes') });
    items.sort((a, b) => b.bytes - a.bytes);
    return { range: rangeView(range), as_of: range.to, items, totals: sumRows(items) };
  }

  async storageOverTime(q: ReportSeriesQuery): Promise<ReportStorageOverTime> {
    const range = resolveRange(q);
    const buckets = new Buckets(range, q.granularity);
    const points = buckets.zeroed(() => ({ added: 0, removed: 0 }));
    const startBytes = await this.data.storedBytesAt(range.start);
    for await (const u of this.data.uploads(range.start, range.end)) {
      const p = points.get(buckets.labelOf(u.at) ?? '');
      if (p) p.added += u.bytes;
    }
    for await (const r of this.data.removals(range.start, range.end)) {
      const p = points.get(buckets.labelOf(r.at) ?? '');
      if (p) p.removed += r.bytes;
    }
    let stored = startBytes;
    const out: StoragePoint[] = buckets.labels.map((date) => {
      const p = points.get(date) as { added: number; removed: number };
      stored += p.added - p.removed;
      return { date, added_bytes: p.added, removed_bytes: p.removed, stored_bytes: stored };
    });
    return {
      range: rangeView(range),
      granularity: q.granularity,
      start_bytes: startBytes,
      points: out,
      totals: { added_bytes: out.reduce((s, p) => s + p.added_bytes, 0), removed_bytes: out.reduce((s, p) => s + p.removed_bytes, 0), end_bytes: stored },
    };
  }

  async uploads(q: ReportSeriesQuery): Promise<ReportUploads> {
    const range = resolveRange(q);
    const buckets = new Buckets(range, q.granularity);
    const points = buckets.zeroed(() => ({ uploads: 0, bytes: 0 }));
    for await (const u of this.data.uploads(range.start, range.end)) {
      const p = points.get(buckets.labelOf(u.at) ?? '');
      if (!p) continue;
      p.uploads++;
      p.bytes += u.bytes;
    }
    const out = buckets.labels.map((date) => ({ date, ...(points.get(date) as { uploads: number; bytes: number }) }));
    return { range: rangeView(range), granularity: q.granularity, points: out, totals: { uploads: sum(out, 'uploads'), bytes: sum(out, 'bytes') } };
  }

  async downloads(q: ReportSeriesQuery): Promise<ReportDownloads> {
    const range = resolveRange(q);
    const buckets = new Buckets(range, q.granularity);
    const points = buckets.zeroed(() => ({ downloads: 0 }));
    for (const [day, n] of await this.data.downloadsPerDay(range.from, range.to)) {
      const p = points.get(buckets.labelOf(new Date(`${day}T00:00:00.000Z`)) ?? '');
      if (p) p.downloads += n;
    }
    const out = buckets.labels.map((date) => ({ date, downloads: points.get(date)?.downloads ?? 0 }));
    return { range: rangeView(range), granularity: q.granularity, points: out, totals: { downloads: sum(out, 'downloads') } };
  }

  async registrations(q: ReportSeriesQuery): Promise<ReportRegistrations> {
    const range = resolveRange(q);
    const buckets = new Buckets(range, q.granularity);
    const points = buckets.zeroed(() => ({ registrations: 0 }));
    for await (const at of this.data.registrations(range.start, range.end)) {
      const p = points.get(buckets.labelOf(at) ?? '');
      if (p) p.registrations++;
    }
    const out = buckets.labels.map((date) => ({ date, registrations: points.get(date)?.registrations ?? 0 }));
    return { range: rangeView(range), granularity: q.granularity, points: out, totals: { registrations: sum(out, 'registrations') } };
  }

  /** One report's table. */
  async table(name: ReportName, q: ReportExportQuery): Promise<ReportTable> {
    const { from, to, granularity, limit } = q;
    const range = resolveRange({ from, to });
    const rangeQ = { from, to };
    switch (name) {
      case 'overview': {
        const o = await this.overview(rangeQ);
        const rows: Array<Record<string, Cell>> = [];
        for (const section of ['users', 'files', 'backups', 'accounts', 'period'] as const) {
          for (const [k, v] of Object.entries(o[section])) rows.push({ metric: `${section}.${k}`, value: v });
        }
        return { range, columns: ['metric', 'value'], rows };
      }
      case 'top-uploaders':
        return { range, columns: ['user_id', 'email', 'uploads', 'bytes'], rows: (await this.userActivity({ ...rangeQ, granularity, limit })).top_uploaders };
      case 'active-users':
        return { range, columns: ['date', 'active_users', 'logins'], rows: (await this.userActivity({ ...rangeQ, granularity, limit })).points };
      case 'storage-by-user':
        return { range, columns: ['user_id', 'email', 'files', 'bytes'], rows: (await this.storageByUser({ ...rangeQ, limit })).items };
      case 'storage-by-type':
        return { range, columns: ['type', 'files', 'bytes'], rows: (await this.storageByType(rangeQ)).items };
      case 'storage-by-account':
        return { range, columns: ['account_id', 'label', 'email', 'files', 'bytes'], rows: (await this.storageByAccount(rangeQ)).items };
      case 'storage-over-time':
        return { range, columns: ['date', 'added_bytes', 'removed_bytes', 'stored_bytes'], rows: (await this.storageOverTime({ ...rangeQ, granularity })).points };
      case 'uploads':
        return { range, columns: ['date', 'uploads', 'bytes'], rows: (await this.uploads({ ...rangeQ, granularity })).points };
      case 'downloads':
        return { range, columns: ['date', 'downloads'], rows: (await this.downloads({ ...rangeQ, granularity })).points };
      case 'registrations':
        return { range, columns: ['date', 'registrations'], rows: (await this.registrations({ ...rangeQ, granularity })).points };
    }
  }

  /**
   * A report's table as a CSV (header + rows, formula-safe) or JSON file.
   * The table is computed before the first byte (errors become proper
   * answers); it is small — one row per bucket or per top-list entry.
   */
  async export(actor: AdminActor, q: ReportExportQuery): Promise<ReportFile> {
    const table = await this.table(q.report, q);
    const generatedAt = new Date().toISOString();
    await this.audit.record(actor, ActivityAction.adminReportExport, q.report, { format: q.format, from: table.range.from, to: table.range.to });
    const { columns, rows } = table;
    const chunks =
      q.format === 'csv'
        ? (async function* () {
            yield csvLine(columns);
            for (const row of rows) yield csvLine(columns.map((c) => row[c]));
          })()
        : (async function* () {
            yield `{"report":${JSON.stringify(q.report)},"range":${JSON.stringify(rangeView(table.range))},"generated_at":${JSON.stringify(generatedAt)},"columns":${JSON.stringify(columns)},"rows":[`;
            let n = 0;
            for (const row of rows) yield `${n++ ? ',' : ''}${JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] ?? null])))}`;
            yield ']}';
          })();
    return {
      filename: `report-${q.report}-${table.range.from}-to-${table.range.to}.${q.format}`,
      contentType: q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      chunks,
    };
  }
}

function sum<T, K extends keyof T>(rows: readonly T[], key: K): number {
  return rows.reduce((s, r) => s + (Number(r[key]) || 0), 0);
}

function sumRows(rows: ReadonlyArray<{ files: number; bytes: number }>): { files: number; bytes: number } {
  return { files: sum(rows, 'files'), bytes: sum(rows, 'bytes') };
}
