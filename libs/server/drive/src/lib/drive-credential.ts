/** A Google service-account key file (the fields DriveClient uses). */
export interface ServiceAccountKeyJson {
  type?: string;
  client_email: string;
  private_key: string;
  private_key_id?: string;
  project_id?: string;
  token_uri?: string;
}

/** How a pool account authenticates to Drive. */
export type DriveCredential =
  | { kind: 'oauth'; clientId: string; clientSecret: string; refreshToken: string }
  | {
      kind: 'service_account';
      /** The key JSON, parsed or as the raw file text. */
      json: ServiceAccountKeyJson | string;
      /** Domain-wide delegation: the Workspace user to act as. */
      subject?: string;
    };

export const GOOGLE_API_ROOT = 'https://www.googleapis.com/';
export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive';
