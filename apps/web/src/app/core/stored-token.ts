import { Signal, signal } from '@angular/core';

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
 * A bearer token kept in localStorage under one key, as a signal (the user's
 * and the admin's sessions each have their own). An expired token counts as
 * absent; a change made in another tab (sign-in, sign-out) is followed here.
 */
export class StoredToken {
  private readonly value = signal<string | null>(null);
  readonly token: Signal<string | null> = this.value.asReadonly();

  constructor(
    private readonly window: Window | null,
    private readonly key: string,
    /** Called when another tab changed the token. */
    onOtherTab: () => void = () => undefined,
  ) {
    this.value.set(this.readStored());
    this.window?.addEventListener('storage', (e) => {
      if (e.key !== this.key && e.key !== null) return;
      this.value.set(this.readStored());
      onOtherTab();
    });
  }

  /** The token to send now, or null (and removed) when it has expired. */
  current(): string | null {
    const token = this.value();
    if (token && expired(token)) {
      this.clear();
      return null;
    }
    return token;
  }

  set(token: string): void {
    this.storage()?.setItem(this.key, token);
    this.value.set(token);
  }

  clear(): void {
    this.storage()?.removeItem(this.key);
    this.value.set(null);
  }

  private readStored(): string | null {
    const token = this.storage()?.getItem(this.key) ?? null;
    if (token && expired(token)) {
      this.storage()?.removeItem(this.key);
      return null;
    }
    return token;
  }

  private storage(): Storage | null {
    try {
      return this.window?.localStorage ?? null;
    } catch {
      return null; // storage disabled by the browser
    }
  }
}

function expired(token: string): boolean {
  const exp = tokenExpiry(token);
  return exp !== null && exp * 1000 <= Date.now();
}
