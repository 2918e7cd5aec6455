import { parseDriveQuery } from '../core/drive-query';
import { fieldSchema, parseFields, projectFields } from '../core/fields-projection';
import { googleErrors } from '../core/google-error';
import {
  checkFields,
  optionalParents,
  optionalString,
  readJsonObject,
  requireAccount,
  sendFile,
  type ApiContext,
} from '../http/api-context';
import { FILE_SCHEMA } from '../services/file-service';

const LIST_SCHEMA = fieldSchema(['kind', 'nextPageToken', 'incompleteSearch', 'files'], { files: FILE_SCHEMA });
const DEFAULT_LIST_FIELDS = 'kind,nextPageToken,incompleteSearch,files(kind,id,name,mimeType)';
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

/** `GET /drive/v3/files/:id` */
export async function getFile(ctx: ApiContext): Promise<void> {
  const account = requireAccount(ctx);
  const file = ctx.services.files.get(account, ctx.route.fileId as string);
  sendFile(ctx, file, ctx.ex.query('fields'));
}

/** `POST /drive/v3/files`: metadata only (folders, empty files). Bytes go to the upload URL. */
export async function createFile(ctx: ApiContext): Promise<void> {
  const account = requireAccount(ctx);
  const { ex, services } = ctx;
  if (ex.query('uploadType')) {
    await ex.drain();
    throw googleErrors.wrongUrlForUpload();
  }
  checkFields(ex.query('fields'));
  const meta = await readJsonObject(ex);
  const file = services.files.createWithoutContent(account, {
    name: optionalString(meta['name'], 'name'),
    mimeType: optionalString(meta['mimeType'], 'mimeType'),
    parents: optionalParents(meta['parents']),
  });
  sendFile(ctx, file, ex.query('fields'));
}

/** `PATCH /drive/v3/files/:id`: rename or (un)trash. */
export async function updateFile(ctx: ApiContext): Promise<void> {
  const account = requireAccount(ctx);
  const { ex, services } = ctx;
  if (ex.query('uploadType')) {
    await ex.drain();
    throw googleErrors.wrongUrlForUpload();
  }
  checkFields(ex.query('fields'));
  const patch = await readJsonObject(ex);
  const file = services.files.update(account, ctx.route.fileId as string, patch);
  sendFile(ctx, file, ex.query('fields'));
}

/** `DELETE /drive/v3/files/:id`: permanent, 204 with no body. */
export async function deleteFile(ctx: ApiContext): Promise<void> {
  const account = requireAccount(ctx);
  await ctx.services.files.delete(account, ctx.route.fileId as string);
  ctx.ex.res.writeHead(204);
  ctx.ex.res.end();
}

/** `GET /drive/v3/files` with `q`, `pageSize`, `pageToken`, `orderBy`, `fields`. */
export async function listFiles(ctx: ApiContext): Promise<void> {
  const account = requireAccount(ctx);
  const { ex, services } = ctx;
  const selection = parseFields(ex.query('fields') || DEFAULT_LIST_FIELDS);
  projectFields({}, selection, LIST_SCHEMA);

  const q = ex.query('q');
  const query = q && q.trim() ? parseDriveQuery(q) : null;
  const pageSize = parsePageSize(ex.query('pageSize'));
  const offset = decodePageToken(ex.query('pageToken'));
  const matching = services.files.list(account, query, ex.query('orderBy'));
  const page = matching.slice(offset, offset + pageSize);
  const next = offset + pageSize < matching.length ? encodePageToken(offset + pageSize) : undefined;
  const body = {
    kind: 'drive#fileList',
    nextPageToken: next,
    incompleteSearch: false,
    files: page.map((file) => services.files.toResource(file)),
  };
  ex.sendJson(200, projectFields(body, selection, LIST_SCHEMA));
}

function parsePageSize(raw: string | null): number {
  if (raw === null || raw === '') return DEFAULT_PAGE_SIZE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw googleErrors.invalidParameter('pageSize', `Invalid value '${raw}'. Values must be within the range: [1, 1000]`);
  // Drive coerces larger values down instead of failing.
  return Math.min(n, MAX_PAGE_SIZE);
}

function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodePageToken(token: string | null): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through to Google's answer for a token it did not issue
  }
  throw googleErrors.invalidParameter('pageToken', 'Invalid Value');
}
