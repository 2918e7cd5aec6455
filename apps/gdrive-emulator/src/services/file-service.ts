import { rename } from 'node:fs/promises';
import type { DriveQuery } from '../core/drive-query';
import { fieldSchema, type FieldSchema } from '../core/fields-projection';
import { googleErrors } from '../core/google-error';
import { newFileId } from '../core/ids';
import type { BlobStore } from '../state/blob-store';
import type { EmulatorState } from '../state/emulator-state';
import { FOLDER_MIME_TYPE, type AccountRecord, type FileRecord } from '../state/types';

/** Every field name of Drive v3's File resource: selecting others is a 400 like Google's. */
export const FILE_SCHEMA: FieldSchema = fieldSchema([
  'kind', 'driveId', 'fileExtension', 'copyRequiresWriterPermission', 'md5Checksum', 'contentHints',
  'writersCanShare', 'viewedByMe', 'mimeType', 'exportLinks', 'parents', 'thumbnailLink', 'iconLink',
  'shared', 'lastModifyingUser', 'owners', 'headRevisionId', 'sharingUser', 'webViewLink',
  'webContentLink', 'size', 'viewersCanCopyContent', 'permissions', 'hasThumbnail', 'spaces',
  'folderColorRgb', 'id', 'name', 'description', 'starred', 'trashed', 'explicitlyTrashed',
  'createdTime', 'modifiedTime', 'modifiedByMeTime', 'viewedByMeTime', 'sharedWithMeTime',
  'quotaBytesUsed', 'version', 'originalFilename', 'ownedByMe', 'fullFileExtension', 'properties',
  'appProperties', 'isAppAuthorized', 'teamDriveId', 'capabilities', 'hasAugmentedPermissions',
  'trashingUser', 'thumbnailVersion', 'trashedTime', 'modifiedByMe', 'permissionIds',
  'imageMediaMetadata', 'videoMediaMetadata', 'shortcutDetails', 'contentRestrictions', 'resourceKey',
  'linkShareMetadata', 'labelInfo', 'sha1Checksum', 'sha256Checksum', 'inheritedPermissionsDisabled',
  'downloadRestrictions',
]);

export const DEFAULT_FILE_FIELDS = 'kind,id,name,mimeType';

export interface NewFileMetadata {
  name?: string | null;
  mimeType?: string | null;
  parents?: string[] | null;
}

/** Drive file metadata for one account; content lives in the BlobStore. */
export class FileService {
  constructor(
    private readonly state: EmulatorState,
    private readonly blobs: BlobStore,
  ) {}

  resolveFolderId(account: AccountRecord, id: string): string {
    return id === 'root' ? account.rootFolderId : id;
  }

  /** A file of this account; other accounts' files are as invisible as missing ones. */
  get(account: AccountRecord, id: string): FileRecord {
    const file = this.state.files.get(this.resolveFolderId(account, id));
    if (!file || file.accountId !== account.id) throw googleErrors.fileNotFound(id);
    return file;
  }

  /** Checks parents before any bytes are accepted, as Drive does at initiation. */
  resolveParents(account: AccountRecord, parents: string[] | null | undefined): string[] {
    if (!parents || parents.length === 0) return [account.rootFolderId];
    if (parents.length > 1) {
      throw googleErrors.forbidden('cannotAddParent', 'Increasing the number of parents is not allowed. A file must have exactly one parent.');
    }
    const parent = this.get(account, parents[0]);
    if (parent.mimeType !== FOLDER_MIME_TYPE) throw googleErrors.badRequest('The parent is not a folder.', 'parents');
    return [parent.id];
  }

  createWithoutContent(account: AccountRecord, meta: NewFileMetadata): FileRecord {
    const now = new Date().toISOString();
    const mimeType = meta.mimeType || 'application/octet-stream';
    const file: FileRecord = {
      id: newFileId(),
      accountId: account.id,
      name: meta.name || 'Untitled',
      mimeType,
      parents: this.resolveParents(account, meta.parents),
      size: mimeType === FOLDER_MIME_TYPE ? null : 0,
      md5Checksum: mimeType === FOLDER_MIME_TYPE ? null : 'd41d8cd98f00b204e9800998ecf8427e',
      createdTime: now,
      modifiedTime: now,
      trashed: false,
      isRoot: false,
    };
    this.state.files.set(file.id, file);
    this.state.changed();
    return file;
  }

  /**
   * Turns received bytes (a temp or session part file) into a stored file: a new one, or
   * new content for `targetFileId`. Moving the file is a rename, so it costs no copy.
   */
  async commitContent(
    account: AccountRecord,
    sourcePath: string,
    content: { size: number; md5Checksum: string },
    target: { fileId: string | null; meta: NewFileMetadata; parents: string[] },
  ): Promise<FileRecord> {
    const now = new Date().toISOString();
    let file: FileRecord;
    if (target.fileId) {
      file = this.get(account, target.fileId);
      if (target.meta.name) file.name = target.meta.name;
      if (target.meta.mimeType) file.mimeType = target.meta.mimeType;
      file.size = content.size;
      file.md5Checksum = content.md5Checksum;
      file.modifiedTime = now;
    } else {
      file = {
        id: newFileId(),
        accountId: account.id,
        name: target.meta.name || 'Untitled',
        mimeType: target.meta.mimeType || 'application/octet-stream',
        parents: target.parents,
        size: content.size,
        md5Checksum: content.md5Checksum,
        createdTime: now,
        modifiedTime: now,
        trashed: false,
        isRoot: false,
      };
    }
    await rename(sourcePath, this.blobs.blobPath(file.id));
    this.state.files.set(file.id, file);
    this.state.changed();
    return file;
  }

  update(account: AccountRecord, id: string, patch: { name?: unknown; trashed?: unknown; mimeType?: unknown }): FileRecord {
    const file = this.get(account, id);
    if (patch.name !== undefined) {
      if (typeof patch.name !== 'string' || !patch.name) throw googleErrors.badRequest('Invalid name.', 'name');
      file.name = patch.name;
    }
    if (patch.trashed !== undefined) {
      if (typeof patch.trashed !== 'boolean') throw googleErrors.badRequest('Invalid trashed value.', 'trashed');
      if (file.isRoot) throw googleErrors.forbidden('cannotModifyRootFolder', 'The root folder cannot be trashed.');
      file.trashed = patch.trashed;
    }
    if (patch.mimeType !== undefined && typeof patch.mimeType === 'string') file.mimeType = patch.mimeType;
    file.modifiedTime = new Date().toISOString();
    this.state.changed();
    return file;
  }

  /** Permanent delete, skipping trash; a folder takes its descendants with it (Drive v3). */
  async delete(account: AccountRecord, id: string): Promise<void> {
    const file = this.get(account, id);
    if (file.isRoot) throw googleErrors.forbidden('cannotDeleteRootFolder', 'The root folder cannot be deleted.');
    const doomed = [file.id];
    for (let i = 0; i < doomed.length; i++) {
      for (const candidate of this.state.files.values()) {
        if (candidate.accountId === account.id && candidate.parents.includes(doomed[i])) doomed.push(candidate.id);
      }
    }
    for (const fileId of doomed) {
      this.state.files.delete(fileId);
      await this.blobs.remove(this.blobs.blobPath(fileId));
    }
    this.state.changed();
  }

  list(account: AccountRecord, query: DriveQuery | null, orderBy: string | null): FileRecord[] {
    const files = [...this.state.files.values()].filter(
      (f) =>
        f.accountId === account.id &&
        !f.isRoot &&
        (!query || query.matches(f, (id) => this.resolveFolderId(account, id))),
    );
    return files.sort(comparator(orderBy));
  }

  /** The File resource as Drive serialises it (int64 as decimal strings). */
  toResource(file: FileRecord): Record<string, unknown> {
    const dot = file.name.lastIndexOf('.');
    const hasContent = file.size !== null;
    return {
      kind: 'drive#file',
      id: file.id,
      name: file.name,
      mimeType: file.mimeType,
      parents: file.isRoot ? undefined : file.parents,
      size: hasContent ? String(file.size) : undefined,
      md5Checksum: hasContent ? (file.md5Checksum ?? undefined) : undefined,
      createdTime: file.createdTime,
      modifiedTime: file.modifiedTime,
      trashed: file.trashed,
      explicitlyTrashed: file.trashed,
      starred: false,
      ownedByMe: true,
      spaces: ['drive'],
      version: '1',
      quotaBytesUsed: String(file.size ?? 0),
      originalFilename: hasContent ? file.name : undefined,
      fileExtension: hasContent && dot > 0 ? file.name.slice(dot + 1) : undefined,
      fullFileExtension: hasContent && dot > 0 ? file.name.slice(dot + 1) : undefined,
    };
  }
}

function comparator(orderBy: string | null): (a: FileRecord, b: FileRecord) => number {
  const keys = (orderBy ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [field, direction] = part.split(/\s+/);
      if (!['createdTime', 'modifiedTime', 'name', 'folder', 'quotaBytesUsed'].includes(field) || (direction && direction.toLowerCase() !== 'desc')) {
        throw googleErrors.invalidParameter('orderBy', 'Invalid Value');
      }
      return { field, desc: direction?.toLowerCase() === 'desc' };
    });
  return (a, b) => {
    for (const { field, desc } of keys) {
      const diff = compareBy(field, a, b);
      if (diff !== 0) return desc ? -diff : diff;
    }
    // Array.prototype.sort is stable, so ties keep insertion (creation) order.
    return 0;
  };
}

function compareBy(field: string, a: FileRecord, b: FileRecord): number {
  switch (field) {
    case 'name':
      return a.name.localeCompare(b.name);
    case 'folder':
      return Number(b.mimeType === FOLDER_MIME_TYPE) - Number(a.mimeType === FOLDER_MIME_TYPE);
    case 'quotaBytesUsed':
      return (a.size ?? 0) - (b.size ?? 0);
    default:
      return String(a[field as 'createdTime' | 'modifiedTime']).localeCompare(String(b[field as 'createdTime' | 'modifiedTime']));
  }
}
