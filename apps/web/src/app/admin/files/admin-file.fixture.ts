import { AdminFile } from '@ddx/contracts';

export const FILE_ID = '0b8f3a52-5d0e-4a43-9c55-0d7d2b1e9f01';
/** A completed, backed-up file as the admin api lists it (for specs). */
export const adminFile = (over: Partial<AdminFile> = {}): AdminFile => ({
  file_id: FILE_ID,
  filename: 'report.pdf',
  size: 2048,
  content_type: 'application/pdf',
  status: 'completed',
  failure_reason: null,
  owner_id: null,
  owner_email: null,
  batch_id: null,
  created_at: '2026-01-01T00:00:00.000Z',
  completed_at: '2026-01-01T00:00:01.000Z',
  deleted_at: null,
  storage_account_id: 'acc1',
  drive_file_id: 'drive1',
  md5: 'd41d8cd98f00b204e9800998ecf8427e',
  backup_status: 'completed',
  backup_path: '/ddx/x/report.pdf',
  backup_error: null,
  backup_attempts: 1,
  backed_up_at: '2026-01-01T00:00:02.000Z',
  quarantined: false,
  download_count: 0,
  ...over,
});
