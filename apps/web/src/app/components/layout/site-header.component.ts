import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';

@Component({
  standalone: true,
  selector: 'app-site-header',
  imports: [RouterLink, RouterLinkActive],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header class="border-b border-slate-200 bg-white">
      <div class="mx-auto flex max-w-5xl items-center justify-between px-4 py-4">
        <a routerLink="/" class="flex items-center gap-2 text-xl font-semibold tracking-tight text-slate-900" aria-label="DirectDriveX home">
          <span class="inline-flex h-8 w-8 items-center justify-center rounded-lg bg-indigo-600 text-sm font-bold text-white">DX</span>
          DirectDriveX
        </a>
        <nav class="flex items-center gap-6 text-sm font-medium text-slate-600" aria-label="Main">
          <a routerLink="/" routerLinkActive="text-indigo-600" [routerLinkActiveOptions]="{ exact: true }" class="hover:text-slate-900">Home</a>
        </nav>
      </div>
    </header>
  `,
})
export class SiteHeaderComponent {}
