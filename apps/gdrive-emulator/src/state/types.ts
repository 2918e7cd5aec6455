export interface OAuthCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface ServiceAccountKey {
  clientEmail: string;
  clientId: string;
  projectId: string;
  privateKeyId: string;
  publicKeyPem: string;
  /** Absent when the launcher only handed over the public half. */
  privateKeyPem: string | null;
}

/** One Drive storage account of the pool. Both credential kinds reach the same storage. */
export interface AccountRecord {
  id: string;
  email: string;
  displayName: string;
  /** Bytes; null = unlimited (Drive then omits `storageQuota.limit`). */
  limit: number | null;
  /** Bytes used outside Drive (Gmail, Photos), set through the control API. */
  otherUsage: number;
  rootFolderId: string;
  oauth: OAuthCredentials | null;
  serviceAccount: ServiceAccountKey | null;
  revoked: boolean;
  createdTime: string;
  /** Declared by the startup config: `reset` re-creates it instead of forgetting it. */
  fromConfig: boolean;
}

export interface OAuthClientRecord {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  fromConfig: boolean;
}

export interface SignInUser {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
  picture: string | null;
  fromConfig: boolean;
}

export const FOLDER_MIME_TYPE = 'application/vnd.google-apps.folder';

export interface FileRecord {
  id: string;
  accountId: string;
  name: string;
  mimeType: string;
  parents: string[];
  /** null for folders, which have no content. */
  size: number | null;
  md5Checksum: string | null;
  createdTime: string;
  modifiedTime: string;
  trashed: boolean;
  isRoot: boolean;
}

export type UploadSessionState = 'active' | 'finished' | 'cancelled';

/** What corrupt_bytes / wrong_md5 faults do to the file an upload stores. */
export interface ContentFaults {
  corrupt?: { offset: number | null; md5Of: 'sent' | 'stored' };
  wrongMd5?: boolean;
}

export interface UploadSession {
  id: string;
  accountId: string;
  /** Set for `PATCH /upload/drive/v3/files/:id` (new content for an existing file). */
  targetFileId: string | null;
  name: string | null;
  mimeType: string | null;
  parents: string[] | null;
  declaredSize: number | null;
  /** Learnt from `X-Upload-Content-Length` or the first Content-Range that names it. */
  totalSize: number | null;
  committed: number;
  createdAt: number;
  expiresAt: number;
  state: UploadSessionState;
  fileId: string | null;
  fields: string | null;
  /** Set by a content fault that hit one of the session's chunks; applied when it finishes. */
  contentFaults?: ContentFaults;
}

export type Principal = { kind: 'account'; accountId: string } | { kind: 'user'; sub: string };

export interface AccessTokenRecord {
  token: string;
  principal: Principal;
  expiresAt: number;
  scope: string;
  clientId: string | null;
}

export interface UserRefreshToken {
  token: string;
  sub: string;
  clientId: string;
  scope: string;
}

export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  sub: string;
  scope: string;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  offline: boolean;
  expiresAt: number;
}

export interface SigningKey {
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
}
