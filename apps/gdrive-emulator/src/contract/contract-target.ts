import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { JWT, OAuth2Client } from 'google-auth-library';
// The per-API entry point: same generated code as `google.drive`, without loading ~300 APIs.
import { drive as createDrive, type drive_v3 } from 'googleapis/build/src/apis/drive';
import { startEmulator, type RunningEmulator } from '../emulator';
import { EmulatorControl, type EmulatorAccount } from '../testing/emulator-control';

export type CredentialKind = 'oauth' | 'service_account';

export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive';
export const FOLDER_MIME = 'application/vnd.google-apps.folder';
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const GOOGLE_ROOT = 'https://www.googleapis.com/';

export interface OAuthCredentialJson {
  client_id: string;
  client_secret: string;
  refresh_token: string;
}

export interface ServiceAccountCredentialJson {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  /** Domain-wide delegation: real service accounts have no My Drive storage of their own. */
  subject?: string;
}

/**
 * A google-auth-library client for either credential kind. Off Google, token requests go to
 * `${apiRoot}token`: OAuth2Client through `endpoints`, the JWT client through a transporter
 * interceptor because gtoken hard-codes Google's token URL.
 */
export function authClientFor(
  kind: CredentialKind,
  credentials: OAuthCredentialJson | ServiceAccountCredentialJson,
  apiRoot: string,
): OAuth2Client {
  const redirect = new URL(apiRoot).hostname !== new URL(GOOGLE_ROOT).hostname;
  const tokenUrl = `${apiRoot}token`;
  if (kind === 'oauth') {
    const c = credentials as OAuthCredentialJson;
    const client = new OAuth2Client({
      clientId: c.client_id,
      clientSecret: c.client_secret,
      ...(redirect ? { endpoints: { oauth2TokenUrl: tokenUrl } } : {}),
    });
    client.setCredentials({ refresh_token: c.refresh_token });
    return client;
  }
  const c = credentials as ServiceAccountCredentialJson;
  const jwt = new JWT({ email: c.client_email, key: c.private_key, keyId: c.private_key_id, scopes: [DRIVE_SCOPE], subject: c.subject });
  if (redirect) {
    jwt.transporter.interceptors.request.add({
      resolved: async (options) => {
        if (String(options.url).startsWith(GOOGLE_TOKEN_URL)) options.url = new URL(tokenUrl);
        return options;
      },
    });
  }
  return jwt;
}

/** One test case's world: an authenticated client and a scratch folder to work in. */
export interface ContractCase {
  kind: CredentialKind;
  auth: OAuth2Client;
  drive: drive_v3.Drive;
  rootUrl: string;
  folderId: string;
  /** The emulator account behind the credentials (null against real Google). */
  account: EmulatorAccount | null;
}

export interface ContractTarget {
  readonly name: string;
  readonly kinds: CredentialKind[];
  /** Known at registration time: whether the emulator-only cases apply. */
  readonly emulated: boolean;
  /** Control API for faults and quotas; null against real Google. */
  readonly control: EmulatorControl | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  openCase(kind: CredentialKind): Promise<ContractCase>;
  closeCase(testCase: ContractCase): Promise<void>;
}

async function createScratchFolder(drive: drive_v3.Drive, rootUrl: string, parent: string): Promise<string> {
  const res = await drive.files.create(
    { requestBody: { name: `ddx-contract-${Date.now()}`, mimeType: FOLDER_MIME, parents: [parent] }, fields: 'id' },
    { rootUrl },
  );
  return res.data.id as string;
}

export const CONTRACT_ACCOUNT_LIMIT = 256 * 1024 * 1024;

/** The in-process emulator on a random port; every case starts from a reset emulator. */
export class EmulatorTarget implements ContractTarget {
  readonly name = 'emulator';
  readonly emulated = true;
  readonly kinds: CredentialKind[] = ['oauth', 'service_account'];
  control: EmulatorControl | null = null;
  private running: RunningEmulator | null = null;
  // One RSA key per suite; generating one per case would cost ~150 ms each.
  private readonly serviceAccountKey = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;

  get url(): string {
    if (!this.running) throw new Error('emulator not started');
    return this.running.url;
  }

  async start(): Promise<void> {
    this.running = await startEmulator({ port: 0 });
    this.control = new EmulatorControl(this.running.url);
  }

  async stop(): Promise<void> {
    await this.running?.close();
    this.running = null;
  }

  async openCase(kind: CredentialKind): Promise<ContractCase> {
    const control = this.control as EmulatorControl;
    await control.reset();
    const account = await control.addAccount({
      email: 'contract@emulator.local',
      limit: CONTRACT_ACCOUNT_LIMIT,
      serviceAccount: { private_key: this.serviceAccountKey, client_email: 'contract@ddx-emulator.iam.gserviceaccount.com' },
    });
    const credentials = kind === 'oauth' ? account.credentials.oauth : account.credentials.serviceAccount;
    const auth = authClientFor(kind, credentials as OAuthCredentialJson | ServiceAccountCredentialJson, this.url);
    const drive = createDrive({ version: 'v3', auth });
    const folderId = await createScratchFolder(drive, this.url, 'root');
    return { kind, auth, drive, rootUrl: this.url, folderId, account };
  }

  async closeCase(): Promise<void> {
    // The next case resets the emulator.
  }
}

interface RealCredentialsFile {
  oauth?: OAuthCredentialJson;
  serviceAccount?: ServiceAccountCredentialJson;
  /** Folder to create scratch folders in (default: My Drive root). */
  folderId?: string;
}

/**
 * Real Google Drive, for checking that the emulator's contract matches the real thing.
 * Each case works in its own scratch folder, deleted (with its contents) afterwards.
 */
export class GoogleTarget implements ContractTarget {
  readonly name = 'real Google Drive';
  readonly emulated = false;
  readonly kinds: CredentialKind[];
  readonly control = null;
  private readonly credentials: RealCredentialsFile;

  constructor(credentialsPath: string) {
    this.credentials = JSON.parse(readFileSync(credentialsPath, 'utf8')) as RealCredentialsFile;
    this.kinds = [
      ...(this.credentials.oauth ? (['oauth'] as const) : []),
      ...(this.credentials.serviceAccount ? (['service_account'] as const) : []),
    ];
    if (this.kinds.length === 0) {
      throw new Error(`${credentialsPath} has neither "oauth" nor "serviceAccount" credentials`);
    }
  }

  async start(): Promise<void> {
    // nothing to start
  }

  async stop(): Promise<void> {
    // nothing to stop
  }

  async openCase(kind: CredentialKind): Promise<ContractCase> {
    const credentials = kind === 'oauth' ? this.credentials.oauth : this.credentials.serviceAccount;
    const auth = authClientFor(kind, credentials as OAuthCredentialJson | ServiceAccountCredentialJson, GOOGLE_ROOT);
    const drive = createDrive({ version: 'v3', auth });
    const folderId = await createScratchFolder(drive, GOOGLE_ROOT, this.credentials.folderId ?? 'root');
    return { kind, auth, drive, rootUrl: GOOGLE_ROOT, folderId, account: null };
  }

  async closeCase(testCase: ContractCase): Promise<void> {
    await testCase.drive.files.delete({ fileId: testCase.folderId }, { rootUrl: testCase.rootUrl }).catch(() => undefined);
  }
}
