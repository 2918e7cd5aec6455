import { METRICS_PATH } from '@ddx/contracts';
import { Request } from 'express';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Requests that matched no route share one label each, so raw URLs never become labels. */
export const UNMATCHED_API = '(unmatched api route)';
export const STATIC = '(static or spa)';

export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : 'OTHER';
}

/**
 * The route template a request matched (`/api/v1/files/:id/meta`), read
 * from Express once routing is done; never the raw URL with its ids.
 */
export function routeTemplate(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl ?? ''}${route.path}`;
  const path = (req.originalUrl ?? req.url ?? '/').split('?', 1)[0] as string;
  if (path === METRICS_PATH) return METRICS_PATH;
  if (path.startsWith('/api/')) return UNMATCHED_API;
  return STATIC;
}
