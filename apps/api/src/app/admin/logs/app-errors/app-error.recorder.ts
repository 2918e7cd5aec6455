import { APP_ERRORS_COLLECTION } from '@ddx/server-database';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Request } from 'express';
import { Connection } from 'mongoose';

import { WriteBudget } from './write-budget';

/** One unexpected server error, as stored in `app_errors`. The stack never leaves the server. */
export interface AppErrorDocument {
  at: Date;
  status: number;
  method: string;
  /** Route template (`/api/v1/admin/users/:id`), or the path without its query when no route matched. */
  route: string;
  requestId: string | null;
  /** Error class, e.g. `TypeError`. */
  error: string;
  message: string;
  /** Server-side only (never in an API answer), cut to STACK_MAX characters. */
  stack: string | null;
  /** Errors not written just before this one (write budget exhausted). */
  suppressedBefore: number;
}

const MESSAGE_MAX = 500;
const STACK_MAX = 8 * 1024;
const ROUTE_MAX = 300;
/** Writes per process per minute; the rest are counted, not stored. */
const WRITES_PER_MINUTE = 60;
/** Writes waiting on the database at once; beyond this an error is counted, not queued. */
const MAX_IN_FLIGHT = 8;
/** Kept newest entries at most (checked every CAP_CHECK_EVERY writes), on top of the retention setting. */
const MAX_DOCS = 100_000;
const CAP_CHECK_EVERY = 200;

/**
 * Records unexpected 5xx errors from the global exception filter into
 * `app_errors`, for the admin error log. Never throws and never awaits in
 * the request path; bounded by a write budget, a cap on writes in flight
 * and a cap on the collection size, so an error storm cannot turn into a
 * write storm.
 */
@Injectable()
export class AppErrorRecorder implements OnModuleInit {
  private readonly logger = new Logger(AppErrorRecorder.name);
  private readonly budget = new WriteBudget(WRITES_PER_MINUTE, 60_000);
  private inFlight = 0;
  private sinceCapCheck = 0;
  private pendingSuppressed = 0;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    const errors = this.connection.collection(APP_ERRORS_COLLECTION);
    await Promise.all([errors.createIndex({ at: -1 }), errors.createIndex({ status: 1, at: -1 })]).catch((err: unknown) =>
      this.logger.warn({ err }, 'could not create the app_errors indexes'),
    );
  }

  record(exception: unknown, status: number, req: Request): void {
    try {
      const granted = this.inFlight >= MAX_IN_FLIGHT ? null : this.budget.take(Date.now());
      if (granted === null) {
        this.pendingSuppressed++;
        return;
      }
      const doc = toDocument(exception, status, req, granted + this.pendingSuppressed);
      this.pendingSuppressed = 0;
      this.inFlight++;
      void this.write(doc).finally(() => this.inFlight--);
    } catch (err) {
      this.logger.warn({ err }, 'could not record an application error');
    }
  }

  /** Resolves once every write started so far has finished (tests, shutdown). */
  async settled(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  private async write(doc: AppErrorDocument): Promise<void> {
    try {
      await this.connection.collection<AppErrorDocument>(APP_ERRORS_COLLECTION).insertOne(doc);
      if (++this.sinceCapCheck >= CAP_CHECK_EVERY) {
        this.sinceCapCheck = 0;
        await this.enforceCap();
      }
    } catch (err) {
      this.logger.warn({ err }, 'could not write to app_errors');
    }
  }

  private async enforceCap(): Promise<void> {
    const errors = this.connection.collection<AppErrorDocument>(APP_ERRORS_COLLECTION);
    if ((await errors.estimatedDocumentCount()) <= MAX_DOCS) return;
    const [oldestKept] = await errors.find({}, { projection: { at: 1 } }).sort({ at: -1 }).skip(MAX_DOCS - 1).limit(1).toArray();
    if (oldestKept) await errors.deleteMany({ at: { $lt: oldestKept.at } });
  }
}

function toDocument(exception: unknown, status: number, req: Request, suppressedBefore: number): AppErrorDocument {
  const err = exception instanceof Error ? exception : null;
  const routePath = (req.route as { path?: unknown } | undefined)?.path;
  const route = typeof routePath === 'string' ? routePath : (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';
  return {
    at: new Date(),
    status,
    method: String(req.method ?? '').slice(0, 10),
    route: route.slice(0, ROUTE_MAX),
    requestId: req.id === undefined || req.id === null ? null : String(req.id).slice(0, 64),
    error: (err?.name ?? typeof exception).slice(0, 100),
    message: scrub(err ? err.message : String(exception)).slice(0, MESSAGE_MAX),
    stack: err?.stack ? scrub(err.stack).slice(0, STACK_MAX) : null,
    suppressedBefore,
  };
}

/** Credentials in URLs (`mongodb://user:secret@host`) do not belong in a log. */
function scrub(text: string): string {
  return text.replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//***@');
}
