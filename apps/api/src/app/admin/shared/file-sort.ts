import { FileSortField } from '@ddx/server-database';

const FIELDS: Record<'created_at' | 'size' | 'filename' | 'status' | 'backup_status', FileSortField> = {
  created_at: 'createdAt',
  size: 'sizeBytes',
  filename: 'filename',
  status: 'status',
  backup_status: 'backupStatus',
};

/** API sort names → FileRepository.search sort. */
export function fileSort(by: keyof typeof FIELDS, order: 'asc' | 'desc'): { field: FileSortField; direction: 1 | -1 } {
  return { field: FIELDS[by], direction: order === 'asc' ? 1 : -1 };
}
