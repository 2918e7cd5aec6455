import { DOCUMENT } from '@angular/common';
import { computed, inject, Injectable, signal } from '@angular/core';

import { StoredToken } from './stored-token';

/** Distinct from the admin panel's key, so both sessions can live in one browser. */
export const USER_TOKEN_STORAGE_KEY = 'ddx.user.access_token';

/**
 * The signed-in user's bearer token (localStorage), as a signal. An expired
 * token counts as signed out; signing out in another tab signs out here too.
 */
@Injectable({ providedIn: 'root' })
export class UserSession {
  private readonly stored = new StoredToken(inject(DOCUMENT).defaultView, USER_TOKEN_STORAGE_KEY);

  readonly token = this.stored.token;
  readonly signedIn = computed(() => this.token() !== null);
  /**
   * Whether the signed-in account has confirmed its e-mail address, as last
   * read from the profile (null: not known yet). Drives the layout's banner.
   */
  readonly emailVerified = signal<boolean | null>(null);

  /** The token to send now, or null (and signed out) when it has expired. */
  currentToken(): string | null {
    return this.stored.current();
  }

  set(token: string): void {
    this.stored.set(token);
    this.emailVerified.set(null);
  }

  clear(): void {
    this.stored.clear();
    this.emailVerified.set(null);
  }
}
