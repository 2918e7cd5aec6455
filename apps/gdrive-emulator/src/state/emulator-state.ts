import type {
  AccessTokenRecord,
  AccountRecord,
  AuthorizationCode,
  FileRecord,
  OAuthClientRecord,
  SignInUser,
  SigningKey,
  UploadSession,
  UserRefreshToken,
} from './types';

/** What survives a restart: everything except short-lived authorization codes. */
export interface StateSnapshot {
  version: 1;
  accounts: AccountRecord[];
  oauthClients: OAuthClientRecord[];
  users: SignInUser[];
  files: FileRecord[];
  sessions: UploadSession[];
  accessTokens: AccessTokenRecord[];
  userRefreshTokens: UserRefreshToken[];
  signingKey: SigningKey | null;
}

/**
 * All emulator state in one place, keyed for the lookups the handlers make.
 * Services mutate it and call `changed()` so the persistence layer can save.
 */
export class EmulatorState {
  readonly accounts = new Map<string, AccountRecord>();
  readonly oauthClients = new Map<string, OAuthClientRecord>();
  readonly users = new Map<string, SignInUser>();
  readonly files = new Map<string, FileRecord>();
  readonly sessions = new Map<string, UploadSession>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly userRefreshTokens = new Map<string, UserRefreshToken>();
  readonly authCodes = new Map<string, AuthorizationCode>();
  signingKey: SigningKey | null = null;

  private readonly listeners: Array<() => void> = [];

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }

  clear(): void {
    this.accounts.clear();
    this.oauthClients.clear();
    this.users.clear();
    this.files.clear();
    this.sessions.clear();
    this.accessTokens.clear();
    this.userRefreshTokens.clear();
    this.authCodes.clear();
    this.changed();
  }

  snapshot(): StateSnapshot {
    return {
      version: 1,
      accounts: [...this.accounts.values()],
      oauthClients: [...this.oauthClients.values()],
      users: [...this.users.values()],
      files: [...this.files.values()],
      sessions: [...this.sessions.values()],
      accessTokens: [...this.accessTokens.values()],
      userRefreshTokens: [...this.userRefreshTokens.values()],
      signingKey: this.signingKey,
    };
  }

  restore(snapshot: StateSnapshot): void {
    for (const a of snapshot.accounts) this.accounts.set(a.id, a);
    for (const c of snapshot.oauthClients) this.oauthClients.set(c.clientId, c);
    for (const u of snapshot.users) this.users.set(u.sub, u);
    for (const f of snapshot.files) this.files.set(f.id, f);
    for (const s of snapshot.sessions) this.sessions.set(s.id, s);
    for (const t of snapshot.accessTokens) this.accessTokens.set(t.token, t);
    for (const r of snapshot.userRefreshTokens) this.userRefreshTokens.set(r.token, r);
    this.signingKey = snapshot.signingKey;
  }
}
