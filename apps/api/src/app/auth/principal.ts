import { AccountStatus, Permission, Role } from '@ddx/contracts';
import { Request } from 'express';

/** The signed-in person behind a user token, as checked on this request. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  role: Role;
  status: AccountStatus;
  tokenVersion: number;
}

/** The admin behind an admin token, with the permissions of the role stored now. */
export interface AuthenticatedAdmin extends AuthenticatedUser {
  permissions: Permission[];
}

/** Where the guards leave the principal on the express request. */
export interface AuthenticatedRequest extends Request {
  ddxUser?: AuthenticatedUser;
  ddxAdmin?: AuthenticatedAdmin;
}

/** `req.ip` is trusted-proxy aware (bootstrap sets 'trust proxy' from TRUSTED_PROXIES). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket?.remoteAddress ?? 'unknown';
}

/** The bearer token of an `Authorization` header, or null when there is none. */
export function bearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}
