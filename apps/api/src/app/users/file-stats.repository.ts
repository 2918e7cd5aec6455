import { FILE_CATEGORIES, FileCategory } from '@ddx/contracts';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, isValidObjectId, Types } from 'mongoose';

import { fileCategoryOf, GENERIC_CONTENT_TYPES } from './file-category';

export interface FileStats {
  totalBytes: number;
  fileCount: number;
  byCategory: Record<FileCategory, { bytes: number; count: number }>;
}

/**
 * Read-only usage figures from the `files` collection, which the upload
 * feature owns. The read contract — all this repository relies on — is:
 *
 *   ownerId      users._id of the owner (ObjectId; its hex string also matches)
 *   status       only 'completed' files count
 *   sizeBytes    number
 *   contentType  MIME type (may be empty or generic)
 *   filename     used for the category when contentType is generic
 *
 * A missing collection or no matching files give zeros.
 */
@Injectable()
export class FileStatsRepository {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  async summarize(ownerId: string): Promise<FileStats> {
    const stats: FileStats = { totalBytes: 0, fileCount: 0, byCategory: emptyBreakdown() };
    const owner = isValidObjectId(ownerId) ? { $in: [ownerId, new Types.ObjectId(ownerId)] } : ownerId;
    const match = { ownerId: owner, status: 'completed' };
    const files = this.connection.collection('files');

    // One row per content type keeps the work on the server; FerretDB has no
    // $switch/$regexMatch to bucket inside the pipeline. FerretDB 1.24 also
    // computes only the FIRST accumulator of a $group (the others come back
    // 0), hence one accumulator per aggregation.
    const sumBy = (accumulator: object) =>
      files.aggregate<{ _id: string | null; value: number }>([{ $match: match }, { $group: { _id: '$contentType', value: accumulator } }]).toArray();
    const [bytes, counts] = await Promise.all([sumBy({ $sum: '$sizeBytes' }), sumBy({ $sum: 1 })]);
    const countByType = new Map(counts.map((c) => [c._id ?? null, c.value]));
    const groups = bytes.map((b) => ({ _id: b._id, bytes: b.value, count: countByType.get(b._id ?? null) ?? 0 }));
    let generic = false;
    for (const g of groups) {
      const type = (g._id ?? '').toLowerCase();
      if (GENERIC_CONTENT_TYPES.includes(type)) {
        generic = true;
        continue;
      }
      add(stats, fileCategoryOf(type), g.bytes, g.count);
    }
    if (generic) {
      // Only files without a useful type are read one by one (by extension).
      const cursor = files.find(
        { ...match, $or: [{ contentType: { $in: [...GENERIC_CONTENT_TYPES, null] } }, { contentType: { $exists: false } }] },
        { projection: { filename: 1, sizeBytes: 1 } },
      );
      for await (const f of cursor) add(stats, fileCategoryOf('', f['filename'] as string | undefined), Number(f['sizeBytes'] ?? 0), 1);
    }
    return stats;
  }
}

function emptyBreakdown(): FileStats['byCategory'] {
  return Object.fromEntries(FILE_CATEGORIES.map((c) => [c, { bytes: 0, count: 0 }])) as FileStats['byCategory'];
}

function add(stats: FileStats, category: FileCategory, bytes: number, count: number): void {
  const b = Number(bytes) || 0;
  stats.totalBytes += b;
  stats.fileCount += count;
  stats.byCategory[category].bytes += b;
  stats.byCategory[category].count += count;
}
