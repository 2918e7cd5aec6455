import { generateKeyPair, randomBytes, randomInt } from 'node:crypto';
import { newAccountId, newFileId, newRefreshToken, randomToken } from '../core/ids';
import { publicPemFromPrivate } from '../core/jwt';
import type { EmulatorState } from '../state/emulator-state';
import {
  FOLDER_MIME_TYPE,
  type AccountRecord,
  type OAuthCredentials,
  type ServiceAccountKey,
} from '../state/types';
import { InputError } from './input-error';
import { DEFAULT_ACCOUNT_LIMIT } from './settings';

/** Service-account key JSON as Google issues it (the fields the emulator reads). */
export interface ServiceAccountJsonInput {
  client_email?: string;
  client_id?: string;
  project_id?: string;
  private_key_id?: string;
  private_key?: string;
  /** Emulator extension: declare a key by its public half only. */
  public_key?: string;
}

export interface AccountInput {
  email?: string;
  displayName?: string;
  limit?: number | null;
  usage?: number;
  /** Caller-supplied credentials, or `false` for none; omitted = generate. */
  oauth?: { client_id?: string; client_secret?: string; refresh_token?: string } | false;
  serviceAccount?: ServiceAccountJsonInput | false;
}

export interface AccountUsage {
  usage: number;
  usageInDrive: number;
  usageInDriveTrash: number;
}

const PROJECT_ID = 'ddx-emulator';

export class AccountService {
  private counter = 0;

  constructor(private readonly state: EmulatorState) {}

  list(): AccountRecord[] {
    return [...this.state.accounts.values()];
  }

  /** Finds by id or email (the control API accepts either). */
  find(idOrEmail: string): AccountRecord | undefined {
    const byId = this.state.accounts.get(idOrEmail);
    if (byId) return byId;
    const wanted = idOrEmail.toLowerCase();
    return this.list().find((a) => a.email.toLowerCase() === wanted);
  }

  findByRefreshToken(refreshToken: string): AccountRecord | undefined {
    return this.list().find((a) => a.oauth?.refreshToken === refreshToken);
  }

  findByServiceAccountEmail(clientEmail: string): AccountRecord | undefined {
    return this.list().find((a) => a.serviceAccount?.clientEmail === clientEmail);
  }

  async add(input: AccountInput, fromConfig = false): Promise<AccountRecord> {
    const id = newAccountId();
    const email = (input.email ?? this.nextEmail()).trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new InputError(`invalid email: ${email}`);
    if (this.find(email)) throw new InputError(`account ${email} already exists`, 409);
    const limit = input.limit === undefined ? DEFAULT_ACCOUNT_LIMIT : input.limit;
    if (limit !== null && (!Number.isSafeInteger(limit) || limit < 0)) throw new InputError('limit must be a non-negative integer or null');

    const oauth = input.oauth === false ? null : this.oauthCredentials(input.oauth ?? {}, fromConfig);
    const serviceAccount =
      input.serviceAccount === false ? null : await this.serviceAccountKey(email, input.serviceAccount ?? {});

    const now = new Date().toISOString();
    const account: AccountRecord = {
      id,
      email,
      displayName: input.displayName ?? email.split('@')[0],
      limit,
      otherUsage: 0,
      rootFolderId: `0A${newFileId().slice(1, 20)}Uk9PVA`,
      oauth,
      serviceAccount,
      revoked: false,
      createdTime: now,
      fromConfig,
    };
    this.state.accounts.set(id, account);
    this.state.files.set(account.rootFolderId, {
      id: account.rootFolderId,
      accountId: id,
      name: 'My Drive',
      mimeType: FOLDER_MIME_TYPE,
      parents: [],
      size: null,
      md5Checksum: null,
      createdTime: now,
      modifiedTime: now,
      trashed: false,
      isRoot: true,
    });
    if (input.usage !== undefined) this.setUsage(account, input.usage);
    this.state.changed();
    return account;
  }

  /**
   * Applies a startup-config entry: a persisted account with the same email keeps its files
   * and takes the config's limit and credentials (config wins); otherwise it is created.
   */
  async upsertFromConfig(input: AccountInput): Promise<AccountRecord> {
    const existing = input.email ? this.find(input.email) : undefined;
    if (!existing) return this.add(input, true);
    existing.fromConfig = true;
    if (input.limit !== undefined) this.setLimit(existing, input.limit);
    if (input.oauth && input.oauth.refresh_token) {
      existing.oauth = null;
      existing.oauth = this.oauthCredentials(input.oauth, true);
    }
    if (input.serviceAccount && (input.serviceAccount.private_key || input.serviceAccount.public_key)) {
      existing.serviceAccount = null;
      existing.serviceAccount = await this.serviceAccountKey(existing.email, input.serviceAccount);
    }
    this.state.changed();
    return existing;
  }

  usage(account: AccountRecord): AccountUsage {
    let usageInDrive = 0;
    let usageInDriveTrash = 0;
    for (const file of this.state.files.values()) {
      if (file.accountId !== account.id || file.size === null) continue;
      usageInDrive += file.size;
      if (file.trashed) usageInDriveTrash += file.size;
    }
    return { usage: account.otherUsage + usageInDrive, usageInDrive, usageInDriveTrash };
  }

  /** Bytes still free, or Infinity for an unlimited account. */
  freeBytes(account: AccountRecord): number {
    if (account.limit === null) return Number.POSITIVE_INFINITY;
    return account.limit - this.usage(account).usage;
  }

  setLimit(account: AccountRecord, limit: number | null): void {
    if (limit !== null && (!Number.isSafeInteger(limit) || limit < 0)) throw new InputError('limit must be a non-negative integer or null');
    account.limit = limit;
    this.state.changed();
  }

  /** Sets the total reported usage; the part not explained by stored files is "other" usage. */
  setUsage(account: AccountRecord, usage: number): void {
    if (!Number.isSafeInteger(usage) || usage < 0) throw new InputError('usage must be a non-negative integer');
    const inDrive = this.usage(account).usageInDrive;
    if (usage < inDrive) throw new InputError(`usage cannot be below the ${inDrive} bytes of files stored in the account`);
    account.otherUsage = usage - inDrive;
    this.state.changed();
  }

  revoke(account: AccountRecord): void {
    account.revoked = true;
    for (const [token, record] of this.state.accessTokens) {
      if (record.principal.kind === 'account' && record.principal.accountId === account.id) {
        this.state.accessTokens.delete(token);
      }
    }
    this.state.changed();
  }

  private nextEmail(): string {
    let email: string;
    do {
      this.counter++;
      email = `drive-${this.counter}@emulator.local`;
    } while (this.find(email));
    return email;
  }

  private oauthCredentials(
    input: { client_id?: string; client_secret?: string; refresh_token?: string },
    fromConfig: boolean,
  ): OAuthCredentials {
    const clientId = input.client_id ?? `${randomInt(100000000000, 999999999999)}-${randomToken(12).toLowerCase().replace(/[^a-z0-9]/g, 'x')}.apps.googleusercontent.com`;
    const clientSecret = input.client_secret ?? `GOCSPX-${randomToken(21)}`;
    const refreshToken = input.refresh_token ?? newRefreshToken();
    if (this.findByRefreshToken(refreshToken)) throw new InputError('refresh_token already belongs to another account', 409);
    const existing = this.state.oauthClients.get(clientId);
    if (existing && existing.clientSecret !== clientSecret) {
      throw new InputError(`OAuth client ${clientId} is already registered with another secret`, 409);
    }
    if (!existing) {
      this.state.oauthClients.set(clientId, { clientId, clientSecret, redirectUris: [], fromConfig });
    }
    return { clientId, clientSecret, refreshToken };
  }

  private async serviceAccountKey(email: string, input: ServiceAccountJsonInput): Promise<ServiceAccountKey> {
    let privateKeyPem = input.private_key ?? null;
    let publicKeyPem = input.public_key ?? null;
    if (privateKeyPem) {
      try {
        publicKeyPem = publicPemFromPrivate(privateKeyPem);
      } catch {
        throw new InputError('serviceAccount.private_key is not a valid PEM private key');
      }
    } else if (!publicKeyPem) {
      const pair = await generateRsaPair();
      privateKeyPem = pair.privateKey;
      publicKeyPem = pair.publicKey;
    }
    const clientEmail = input.client_email ?? `${email.split('@')[0].replace(/[^a-z0-9-]/gi, '-')}@${PROJECT_ID}.iam.gserviceaccount.com`;
    if (this.findByServiceAccountEmail(clientEmail)) {
      throw new InputError(`service account ${clientEmail} already belongs to another account`, 409);
    }
    return {
      clientEmail,
      clientId: input.client_id ?? String(randomInt(100000000000, 999999999999)) + String(randomInt(100000000, 999999999)),
      projectId: input.project_id ?? PROJECT_ID,
      privateKeyId: input.private_key_id ?? randomBytes(20).toString('hex'),
      publicKeyPem: publicKeyPem as string,
      privateKeyPem,
    };
  }
}

function generateRsaPair(): Promise<{ privateKey: string; publicKey: string }> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (err, publicKey, privateKey) => (err ? reject(err) : resolve({ privateKey, publicKey })),
    );
  });
}
