import { DOCUMENT } from '@angular/common';
import { computed, inject, Injectable, signal } from '@angular/core';
import { AdminProfile, getPermissions, Permission } from '@ddx/contracts';

import { StoredToken } from '../../core/stored-token';

/** Distinct from the user's key, so both sessions can live in one browser. */
export const ADMIN_TOKEN_STORAGE_KEY = 'ddx.admin.access_token';

/**
 * The signed-in admin's token (localStorage) and profile, as signals. An
 * expired token counts as signed out; signing in or out in another tab is
 * followed here (the profile is then read again).
 */
@Injectable({ providedIn: 'root' })
export class AdminSession {
  private readonly profileValue = signal<AdminProfile | null>(null);
  private readonly stored = new StoredToken(inject(DOCUMENT).defaultView, ADMIN_TOKEN_STORAGE_KEY, () => this.profileValue.set(null));

  readonly token = this.stored.token;
  readonly profile = this.profileValue.asReadonly();
  readonly signedIn = computed(() => this.token() !== null);
  /** What the role may do; the API refuses the rest anyway. */
  readonly permissions = computed<ReadonlySet<Permission>>(() => {
    const p = this.profileValue();
    return new Set(p ? getPermissions(p.role) : []);
  });

  can(permission: Permission): boolean {
    return this.permissions().has(permission);
  }

  currentToken(): string | null {
    const token = this.stored.current();
    if (!token) this.profileValue.set(null);
    return token;
  }

  set(token: string): void {
    this.stored.set(token);
    this.profileValue.set(null);
  }

  setProfile(profile: AdminProfile): void {
    this.profileValue.set(profile);
  }

  clear(): void {
    this.stored.clear();
    this.profileValue.set(null);
  }
}
