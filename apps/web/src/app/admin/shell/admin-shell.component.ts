import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { Permission } from '@ddx/contracts';
import { UiBadgeComponent, UiButtonDirective } from '@ddx/ui';

import { AdminApi } from '../core/admin-api.service';
import { AdminSession } from '../core/admin-session';

interface NavItem {
  path: string;
  label: string;
  permission: Permission;
}

export const ADMIN_NAV: readonly NavItem[] = [
  { path: 'dashboard', label: 'Dashboard', permission: Permission.viewAdminPanel },
  { path: 'monitoring', label: 'Monitoring', permission: Permission.viewAdminPanel },
  { path: 'users', label: 'Users', permission: Permission.viewUsers },
  { path: 'files', label: 'Files', permission: Permission.viewFiles },
  { path: 'storage', label: 'Storage', permission: Permission.viewStorage },
  { path: 'backups', label: 'Backups', permission: Permission.viewBackups },
  { path: 'reports', label: 'Reports', permission: Permission.viewReports },
  { path: 'logs', label: 'Logs', permission: Permission.viewActivityLogs },
  { path: 'notifications', label: 'Notifications', permission: Permission.sendNotifications },
  { path: 'admins', label: 'Create admin', permission: Permission.createAdmins },
  { path: 'settings', label: 'Settings', permission: Permission.viewSettings },
];

@Component({
  standalone: true,
  selector: 'app-admin-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, UiBadgeComponent, UiButtonDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="flex min-h-screen flex-col bg-ink-50 md:flex-row" data-testid="admin-layout">
      <aside class="flex flex-col border-b border-ink-200 bg-white md:sticky md:top-0 md:h-screen md:w-60 md:shrink-0 md:border-b-0 md:border-r">
        <div class="flex items-center justify-between gap-2 px-4 py-4">
          <a routerLink="/admin/dashboard" class="flex items-center gap-2 rounded-lg text-lg font-semibold tracking-tight text-ink-900">
            <span class="inline-flex h-8 w-8 items-center justify-center rounded-lg bg-brand-600 text-sm font-bold text-white" aria-hidden="true">DX</span>
            <span>DirectDriveX <span class="text-sm font-medium text-ink-500">Admin</span></span>
          </a>
          <button
            uiButton
            variant="ghost"
            size="sm"
            type="button"
            class="md:hidden"
            [attr.aria-expanded]="menuOpen()"
            aria-controls="admin-menu"
            (click)="menuOpen.set(!menuOpen())"
            data-testid="admin-menu-toggle"
          >
            Menu
          </button>
        </div>
        <div id="admin-menu" class="flex-1 flex-col overflow-y-auto md:flex" [class.hidden]="!menuOpen()" [class.flex]="menuOpen()">
          <nav aria-label="Admin" class="flex flex-col gap-1 px-3" data-testid="admin-nav">
            @for (item of nav(); track item.path) {
              <a
                [routerLink]="['/admin', item.path]"
                routerLinkActive="bg-brand-50 text-brand-800"
                ariaCurrentWhenActive="page"
                class="rounded-lg px-3 py-2 text-sm font-medium text-ink-700 hover:bg-ink-100"
                [attr.data-testid]="'admin-nav-' + item.path"
                (click)="menuOpen.set(false)"
                >{{ item.label }}</a
              >
            }
          </nav>
          <div class="mt-auto border-t border-ink-200 px-4 py-4 text-sm">
            <p class="truncate font-medium text-ink-900" data-testid="admin-email-label">{{ session.profile()?.email }}</p>
            <ui-badge [tone]="session.profile()?.role === 'superadmin' ? 'brand' : 'neutral'" class="mt-1" data-testid="admin-role">{{ session.profile()?.role }}</ui-badge>
            <div class="mt-3 flex flex-wrap items-center gap-2">
              <button uiButton variant="ghost" size="sm" type="button" (click)="signOut()" data-testid="admin-sign-out">Sign out</button>
              <a routerLink="/" class="text-sm font-medium text-brand-700 hover:underline">Public site</a>
            </div>
          </div>
        </div>
      </aside>
      <section class="min-w-0 flex-1 px-4 py-6 sm:px-8 sm:py-8"><router-outlet /></section>
    </div>
  `,
})
export class AdminShellComponent {
  protected readonly session = inject(AdminSession);
  private readonly api = inject(AdminApi);
  private readonly router = inject(Router);
  /** The sidebar folds into a menu on small screens. */
  protected readonly menuOpen = signal(false);
  protected readonly nav = computed(() => ADMIN_NAV.filter((i) => this.session.can(i.permission)));

  protected signOut(): void {
    const done = () => {
      this.session.clear();
      void this.router.navigateByUrl('/admin/login');
    };
    this.api.signOut().subscribe({ next: done, error: done });
  }
}
