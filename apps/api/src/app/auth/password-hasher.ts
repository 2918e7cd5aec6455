import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomBytes, scrypt as scryptCallback, ScryptOptions, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

export const SCRYPT_PARAMS = Symbol('SCRYPT_PARAMS');

/**
 * OWASP's minimum for scrypt (Password Storage Cheat Sheet): N=2^17, r=8,
 * p=1 — 128 MiB and a few hundred milliseconds per hash, off the event loop.
 */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ logN: 17, r: 8, p: 1 });

/**
 * Integration tests create hundreds of accounts; at full cost they would
 * spend minutes hashing. Chosen only for NODE_ENV=test (scryptParamsFor), so
 * a development or production process cannot run with it; hashes made with
 * it carry their parameters and are raised on the next sign-in anywhere else.
 */
export const TEST_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ logN: 12, r: 8, p: 1 });

export function scryptParamsFor(nodeEnv: 'development' | 'test' | 'production'): Readonly<ScryptParams> {
  return nodeEnv === 'test' ? TEST_SCRYPT_PARAMS : DEFAULT_SCRYPT_PARAMS;
}
const KEY_LENGTH = 64;
const SALT_LENGTH = 16;
const PREFIX = 'scrypt';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function options({ logN, r, p }: ScryptParams): ScryptOptions {
  const N = 2 ** logN;
  // Node refuses above maxmem (32 MiB by default); scrypt needs about
  // 128 * N * r bytes plus 128 * r * p of working buffers: leave some room.
  return { N, r, p, maxmem: 128 * N * r + 128 * r * p + 16 * 1024 * 1024 };
}

/**
 * Password hashes as `scrypt$<logN>$<r>$<p>$<salt b64>$<key b64>`: a random
 * salt per password, parameters stored alongside so they can be raised
 * later (`needsRehash`), compared in constant time.
 */
@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  constructor(@Optional() @Inject(SCRYPT_PARAMS) private readonly params: ScryptParams = DEFAULT_SCRYPT_PARAMS) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await scrypt(password, salt, KEY_LENGTH, options(this.params));
    const { logN, r, p } = this.params;
    return [PREFIX, logN, r, p, salt.toString('base64'), key.toString('base64')].join('$');
  }

  /** False for a wrong password, a malformed hash or no hash at all. */
  async verify(password: string, stored: string | null | undefined): Promise<boolean> {
    const parsed = stored ? parse(stored) : null;
    if (!parsed) {
      // Same work as a real check, so timing does not tell "no such account".
      await this.verify(password, await this.dummy());
      return false;
    }
    const key = await scrypt(password, parsed.salt, parsed.key.length, options(parsed.params));
    return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  }

  needsRehash(stored: string): boolean {
    const parsed = parse(stored);
    if (!parsed) return true;
    const { logN, r, p } = parsed.params;
    return logN < this.params.logN || r !== this.params.r || p !== this.params.p;
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return null;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length < 8 || key.length < 32) return null;
  return { params: { logN, r, p }, salt, key };
}
