import { parseFields, projectFields } from '../core/fields-projection';
import { GoogleApiError, googleErrors } from '../core/google-error';
import type { EmulatorServices } from '../services/emulator-services';
import { DEFAULT_FILE_FIELDS, FILE_SCHEMA } from '../services/file-service';
import type { AccessTokenRecord, AccountRecord, ContentFaults, FileRecord, UploadSession } from '../state/types';
import { BodyTooLargeError, type Exchange } from './exchange';
import type { ResolvedRoute } from './routes';

export interface ApiContext {
  ex: Exchange;
  route: ResolvedRoute;
  services: EmulatorServices;
  /** The Drive account the request acts for (bearer token or resumable session). */
  account: AccountRecord | null;
  token: AccessTokenRecord | null;
  session: UploadSession | null;
  /** Content faults for a one-request upload (a resumable session keeps its own). */
  contentFaults: ContentFaults | undefined;
  /** short_commit: of this resumable chunk, commit only this many bytes (rounded down to 256 KiB). */
  shortCommit?: number;
}

export type ApiHandler = (ctx: ApiContext) => Promise<void>;

export function requireAccount(ctx: ApiContext): AccountRecord {
  if (!ctx.account) throw googleErrors.invalidCredentials();
  return ctx.account;
}

/** Answers with the File resource cut down to `fields` (Drive's default subset without it). */
export function sendFile(ctx: ApiContext, file: FileRecord, fields: string | null, status = 200): void {
  const selection = parseFields(fields || DEFAULT_FILE_FIELDS);
  ctx.ex.sendJson(status, projectFields(ctx.services.files.toResource(file), selection, FILE_SCHEMA));
}

/** Validates `fields` before any work is done, so a bad selector costs no upload. */
export function checkFields(fields: string | null): void {
  if (fields) projectFields({}, parseFields(fields), FILE_SCHEMA);
}

const METADATA_LIMIT = 1024 * 1024;

/** Reads a JSON metadata body; an empty body is an empty object, like Drive treats it. */
export async function readJsonObject(ex: Exchange): Promise<Record<string, unknown>> {
  let raw: Buffer;
  try {
    raw = await ex.readBody(METADATA_LIMIT);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw googleErrors.badRequest('Metadata part is too large.');
    throw err;
  }
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GoogleApiError(400, 'Parse Error', [{ domain: 'global', reason: 'parseError', message: 'Parse Error' }]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw googleErrors.badRequest('Invalid JSON payload received. Expected an object.');
  }
  return parsed as Record<string, unknown>;
}

export function optionalString(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw googleErrors.badRequest(`Invalid value for ${field}.`, field);
  return value;
}

export function optionalParents(value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.some((p) => typeof p !== 'string')) {
    throw googleErrors.badRequest('Invalid value for parents.', 'parents');
  }
  return value as string[];
}
