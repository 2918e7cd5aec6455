import type { EmulatorConfig } from '../config/emulator-config';
import { FaultInjector } from '../faults/fault-injector';
import type { NetworkProfile } from '../http/network-profile';
import { StatsRecorder } from '../http/stats-recorder';
import type { BlobStore } from '../state/blob-store';
import { EmulatorState } from '../state/emulator-state';
import type { StatePersistence } from '../state/state-persistence';
import { AccountService } from './account-service';
import { FileService } from './file-service';
import type { EmulatorSettings } from './settings';
import { SignInService } from './sign-in-service';
import { TokenService } from './token-service';
import { UploadSessionService } from './upload-session-service';

/** Everything a handler may need, built once per emulator instance. */
export class EmulatorServices {
  readonly state = new EmulatorState();
  readonly accounts: AccountService;
  readonly tokens: TokenService;
  readonly files: FileService;
  readonly sessions: UploadSessionService;
  readonly signIn: SignInService;
  readonly faults = new FaultInjector();
  readonly stats = new StatsRecorder();
  persistence: StatePersistence | null = null;
  /** Replaced whole (never mutated) so a paced stream reads a consistent profile. */
  network: NetworkProfile;

  constructor(
    readonly blobs: BlobStore,
    readonly settings: EmulatorSettings,
    private readonly initialSettings: EmulatorSettings,
    readonly config: EmulatorConfig,
    private readonly initialNetwork: NetworkProfile,
  ) {
    this.network = initialNetwork;
    this.accounts = new AccountService(this.state);
    this.tokens = new TokenService(this.state, settings);
    this.files = new FileService(this.state, blobs);
    this.sessions = new UploadSessionService(this.state, settings, blobs);
    this.signIn = new SignInService(this.state);
  }

  get publicUrl(): string | null {
    return this.config.publicUrl ?? null;
  }

  async applyConfig(): Promise<void> {
    for (const client of this.config.oauthClients ?? []) this.signIn.addClient(client, true);
    for (const account of this.config.accounts ?? []) await this.accounts.upsertFromConfig(account);
    for (const user of this.config.users ?? []) {
      if (!this.signIn.findUserByEmail(user.email)) this.signIn.addUser(user, true);
    }
  }

  /** Forgets everything except what the startup config declares (re-created empty). */
  async reset(): Promise<void> {
    const signingKey = this.state.signingKey;
    this.state.clear();
    this.state.signingKey = signingKey; // keeps id_tokens verifiable by products caching JWKS
    this.sessions.clearRuntime();
    this.faults.clear();
    this.stats.reset();
    Object.assign(this.settings, this.initialSettings);
    this.network = this.initialNetwork;
    await this.blobs.wipe();
    await this.applyConfig();
    this.state.changed();
  }
}
