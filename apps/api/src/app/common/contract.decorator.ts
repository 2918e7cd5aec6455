import { SetMetadata } from '@nestjs/common';
import { ZodType } from 'zod';

export const CONTRACT_KEY = 'ddx:contract';

export interface RouteContract {
  summary: string;
  tags?: string[];
  body?: ZodType;
  /** How the body arrives when not JSON (e.g. OAuth2 password form). */
  bodyContentTypes?: string[];
  query?: ZodType;
  params?: ZodType;
  /** Status → schema; `null` means no body (e.g. 204). */
  responses: Record<number, ZodType | null>;
  /** Bearer schemes accepted: `user`, `admin`; omitted means public. */
  auth?: Array<'user' | 'admin'>;
}

/**
 * Declares a route's contract once: the validation interceptor parses
 * body/query/params with these schemas and the OpenAPI document is built
 * from the same objects, so docs cannot drift from behaviour.
 */
export const Contract = (contract: RouteContract) => SetMetadata(CONTRACT_KEY, contract);
