import { DOCUMENT } from '@angular/common';
import { computed, inject, Injectable, signal } from '@angular/core';
import { AdminProfile, getPermissions, Permission } from '@ddx/contracts';

import { tokenExpiry } from '../../core/user-session';

/** Distinct from the user's key, so both sessions can live in one browser. */
export const ADMIN_TOKEN_STORAGE_KEY = 'ddx.admin.access_token';

/** The signed-in admin's token (localStorage) and profile, as signals. */
@Injectable({ providedIn: 'root' })
export class AdminSession {
  private readonly window = inject(DOCUMENT).defaultView;
  private readonly tokenValue = signal<string | null>(this.readStored());
  private readonly profileValue = signal<AdminProfile | null>(null);

  readonly token = this.tokenValue.asReadonly();
  readonly profile = this.profileValue.asReadonly();
  readonly signedIn = computed(() => this.tokenValue() !== null);
  /** What the role may do; the API refuses the rest anyway. */
  readonly permissions = computed<ReadonlySet<Permission>>(() => {
    const p = this.profileValue();
    return new Set(p ? getPermissions(p.role) : []);
  });

  can(permission: Permission): boolean {
    return this.permissions().has(permission);
  }

  currentToken(): string | null {
    const token = this.tokenValue();
    if (token && this.expired(token)) {
      this.clear();
      return null;
    }
    return token;
  }

  set(token: string): void {
    this.storage()?.setItem(ADMIN_TOKEN_STORAGE_KEY, token);
    this.tokenValue.set(token);
    this.profileValue.set(null);
  }

  setProfile(profile: AdminProfile): void {
    this.profileValue.set(profile);
  }

  clear(): void {
    this.storage()?.removeItem(ADMIN_TOKEN_STORAGE_KEY);
    this.tokenValue.set(null);
    this.profileValue.set(null);
  }

  private readStored(): string | null {
    const token = this.storage()?.getItem(ADMIN_TOKEN_STORAGE_KEY) ?? null;
    if (token && this.expired(token)) {
      this.storage()?.removeItem(ADMIN_TOKEN_STORAGE_KEY);
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
      return null;
    }
  }
}
