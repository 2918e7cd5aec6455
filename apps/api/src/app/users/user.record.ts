import { AccountStatus, Role } from '@ddx/contracts';

/** A user as services see it: a plain object, no mongoose document. */
export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string | null;
  role: Role;
  status: AccountStatus;
  statusReason: string | null;
  tokenVersion: number;
  storageQuotaBytes: number;
  storageUsedBytes: number;
  googleId: string | null;
  emailVerified: boolean;
  name: string | null;
  picture: string | null;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export interface NewUser {
  email: string;
  passwordHash: string | null;
  role: Role;
  storageQuotaBytes: number;
  /** Default false: an address typed into a form proves nothing. */
  emailVerified?: boolean;
  googleId?: string | null;
  name?: string | null;
  picture?: string | null;
}

/** Thrown by UserRepository.create when the e-mail is already registered. */
export class DuplicateEmailError extends Error {
  constructor() {
    super('e-mail already registered');
    this.name = 'DuplicateEmailError';
  }
}
