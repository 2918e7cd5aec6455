import { createMD5, IHasher } from 'hash-wasm';

/**
 * MD5 whose state survives the process: saved after each committed chunk so
 * that any api replica can continue hashing a resumed upload exactly where
 * the previous one stopped.
 */
export class ResumableMd5 {
  private constructor(private readonly hasher: IHasher) {}

  static async start(savedState?: string | null): Promise<ResumableMd5> {
    const hasher = await createMD5();
    hasher.init();
    if (savedState) hasher.load(Buffer.from(savedState, 'base64'));
    return new ResumableMd5(hasher);
  }

  update(data: Uint8Array): void {
    this.hasher.update(data);
  }

  save(): string {
    return Buffer.from(this.hasher.save()).toString('base64');
  }

  /** The digest of everything so far, without ending the hash. */
  peekHex(): string {
    const state = this.hasher.save();
    const hex = this.hasher.digest('hex');
    this.hasher.load(state);
    return hex;
  }
}
