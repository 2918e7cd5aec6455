import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
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
  { path: 'users', label: 'Users', permission: Permission.viewUsers },
  { path: 'storage', label: 'Storage', permission: Permission.viewStorage },
  { path: 'backups', label: 'Backups', permission: Permission.viewBackups },
  { path: 'settings', label: 'Settings', permission: Permission.viewSettings },
];

@Component({
  standalone: true,
  selector: 'app-admin-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, UiBadgeComponent, UiButtonDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="flex flex-col gap-6 md:flex-row">
      <aside class="md:w-48 md:shrink-0">
        <nav aria-label="Admin" class="flex flex-wrap gap-1 md:flex-col" data-testid="admin-nav">
          @for (item of nav(); track item.path) {
            <a
              [routerLink]="['/admin', item.path]"
              routerLinkActive="bg-brand-50 text-brand-800"
              class="rounded-lg px-3 py-2 text-sm font-medium text-ink-700 hover:bg-ink-100"
              [attr.data-testid]="'admin-nav-' + item.path"
              >{{ item.label }}</a
            >
          }
        </nav>
        <div class="mt-6 border-t border-ink-200 pt-4 text-sm">
          <p class="truncate font-medium text-ink-900" data-testid="admin-email-label">{{ session.profile()?.email }}</p>
          <ui-badge [tone]="session.profile()?.role === 'superadmin' ? 'brand' : 'neutral'" class="mt-1" data-testid="admin-role">{{ session.profile()?.role }}</ui-badge>
          <button uiButton variant="ghost" size="sm" class="mt-3" type="button" (click)="signOut()" data-testid="admin-sign-out">Sign out</button>
        </div>
      </aside>
      <section class="min-w-0 flex-1"><router-outlet /></section>
    </div>
  `,
})
export class AdminShellComponent {
  protected readonly session = inject(AdminSession);
  private readonly api = inject(AdminApi);
  private readonly router = inject(Router);
  protected readonly nav = computed(() => ADMIN_NAV.filter((i) => this.session.permissions().has(i.permission)));

  protected signOut(): void {
    const done = () => {
      this.session.clear();
      void this.router.navigateByUrl('/admin/login');
    };
    this.api.signOut().subscribe({ next: done, error: done });
  }
}
