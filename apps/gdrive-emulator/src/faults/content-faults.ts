import { createHash, randomInt } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { BlobStore } from '../state/blob-store';
import type { ContentFaults } from '../state/types';
import type { FaultSpec } from './fault-types';

/** Adds what a corrupt_bytes / wrong_md5 fault asks for to the faults already armed. */
export function armContentFault(armed: ContentFaults | undefined, spec: FaultSpec): ContentFaults {
  const next: ContentFaults = { ...armed };
  if (spec.kind === 'corrupt_bytes') next.corrupt = { offset: spec.offset ?? null, md5Of: spec.md5Of ?? 'sent' };
  if (spec.kind === 'wrong_md5') next.wrongMd5 = true;
  return next;
}

/**
 * Applies armed content faults to received bytes at `path` before they become a stored
 * file, and returns the md5Checksum the file will report. `sentMd5` is the MD5 of the
 * bytes as they arrived.
 */
export async function applyContentFaults(
  blobs: BlobStore,
  path: string,
  size: number,
  sentMd5: string,
  faults: ContentFaults | undefined,
): Promise<string> {
  let md5 = sentMd5;
  if (faults?.corrupt && size > 0) {
    const offset = Math.min(faults.corrupt.offset ?? randomInt(size), size - 1);
    const handle = await open(path, 'r+');
    try {
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, offset);
      byte[0] = (byte[0] as number) ^ 0xff;
      await handle.write(byte, 0, 1, offset);
    } finally {
      await handle.close();
    }
    if (faults.corrupt.md5Of === 'stored') md5 = await blobs.md5Of(path);
  }
  // Any MD5 but the true one; derived from it so a test run is reproducible.
  if (faults?.wrongMd5) md5 = createHash('md5').update(`wrong_md5:${md5}`).digest('hex');
  return md5;
}
