import { ADMIN_FILE_TYPES, BackupStatus, FileStatus } from '@ddx/contracts';

import { parseByteSize } from '../core/byte-size';

export type FileSort = 'created_at' | 'size' | 'filename' | 'status' | 'backup_status';

/** What the filter form of the Files page holds (all text, as typed). */
export interface FileFilterForm {
  name: string;
  type: (typeof ADMIN_FILE_TYPES)[number] | '';
  sizeMin: string;
  sizeMax: string;
  dateFrom: string;
  dateTo: string;
  owner: string;
  status: FileStatus | '';
  backupStatus: BackupStatus | '';
  account: string;
  quarantined: '' | 'true' | 'false';
  sortBy: FileSort;
  sortOrder: 'asc' | 'desc';
}

export function emptyFileFilter(): FileFilterForm {
  return { name: '', type: '', sizeMin: '', sizeMax: '', dateFrom: '', dateTo: '', owner: '', status: '', backupStatus: '', account: '', quarantined: '', sortBy: 'created_at', sortOrder: 'desc' };
}

/** GET /admin/files query parameters for the form, or what is wrong with it. */
export function buildFileQuery(f: FileFilterForm, page: number, limit: number): { query: Record<string, string | number> } | { error: string } {
  const query: Record<string, string | number> = {};
  const text = (key: string, value: string) => {
    if (value.trim()) query[key] = value.trim();
  };
  text('name', f.name);
  text('type', f.type);
  for (const [key, value, label] of [
    ['size_min', f.sizeMin, 'Minimum size'],
    ['size_max', f.sizeMax, 'Maximum size'],
  ] as const) {
    if (!value.trim()) continue;
    const bytes = parseByteSize(value);
    if (bytes === null) return { error: `${label}: enter a size such as 10 MiB or 2 GiB.` };
    query[key] = bytes;
  }
  if (query['size_min'] !== undefined && query['size_max'] !== undefined && (query['size_min'] as number) > (query['size_max'] as number)) {
    return { error: 'The minimum size is larger than the maximum.' };
  }
  if (f.dateFrom && f.dateTo && f.dateFrom > f.dateTo) return { error: 'The start date is after the end date.' };
  text('date_from', f.dateFrom);
  text('date_to', f.dateTo);
  text('owner', f.owner);
  text('status', f.status);
  text('backup_status', f.backupStatus);
  text('account', f.account);
  text('quarantined', f.quarantined);
  query['sort_by'] = f.sortBy;
  query['sort_order'] = f.sortOrder;
  query['page'] = page;
  query['limit'] = limit;
  return { query };
}
