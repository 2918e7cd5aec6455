import { DOCUMENT } from '@angular/common';
import { computed, inject, Injectable, signal } from '@angular/core';

/** Distinct from the admin panel's key, so both sessions can live in one browser. */
export const USER_TOKEN_STORAGE_KEY = 'ddx.user.access_token';

/** Seconds since the epoch at which a JWT expires, or null when it cannot be read. */
export function tokenExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : null;
  } catch {
    return null;
  }
}

/**
 * The signed-in user's bearer token (localStorage), as a signal. An expired
 * token counts as signed out; signing out in another tab signs out here too.
 */
@Injectable({ providedIn: 'root' })
export class UserSession {
  private readonly window = inject(DOCUMENT).defaultView;
  private readonly tokenValue = signal<string | null>(this.readStored());

  readonly token = this.tokenValue.asReadonly();
  readonly signedIn = computed(() => this.tokenValue() !== null);

  constructor() {
    this.window?.addEventListener('storage', (e) => {
      if (e.key === USER_TOKEN_STORAGE_KEY || e.key === null) this.tokenValue.set(this.readStored());
    });
  }

  /** The token to send now, or null (and signed out) when it has expired. */
  currentToken(): string | null {
    const token = this.tokenValue();
    if (token && this.expired(token)) {
      this.clear();
      return null;
    }
    return token;
  }

  set(token: string): void {
    this.storage()?.setItem(USER_TOKEN_STORAGE_KEY, token);
    this.tokenValue.set(token);
  }

  clear(): void {
    this.storage()?.removeItem(USER_TOKEN_STORAGE_KEY);
    this.tokenValue.set(null);
  }

  private readStored(): string | null {
    const token = this.storage()?.getItem(USER_TOKEN_STORAGE_KEY) ?? null;
    if (token && this.expired(token)) {
      this.storage()?.removeItem(USER_TOKEN_STORAGE_KEY);
      return null;
    }
    return token;
  }

  private expired(token: string): boolean {
    const exp = tokenExpiry(token);
    return exp !== null && exp * 1000 <= Date.now();
  }

  private storage(): Storage | null {
    try {
      return this.window?.localStorage ?? null;
    } catch {
      return null; // storage disabled by the browser
    }
  }
}
