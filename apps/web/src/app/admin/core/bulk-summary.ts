import { BulkResult } from '@ddx/contracts';

/** "3 done; 1 refused: <why>" for a toast after a bulk action. */
export function bulkSummary(r: BulkResult, describe: (id: string) => string = (id) => id): { ok: boolean; text: string } {
  const done = `${r.succeeded.length} done`;
  if (!r.failed.length) return { ok: true, text: done };
  const first = r.failed[0] as BulkResult['failed'][number];
  const more = r.failed.length > 1 ? ` (and ${r.failed.length - 1} more)` : '';
  return { ok: false, text: `${done}; ${r.failed.length} refused — ${describe(first.id)}: ${first.message}${more}` };
}
