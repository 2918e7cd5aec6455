import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';

import { UploadWidgetComponent } from '../../components/upload-widget/upload-widget.component';
import { HealthService, ServiceState } from '../../services/health.service';

const STATE_TEXT: Record<ServiceState, string> = {
  checking: 'Checking service status…',
  operational: 'All systems operational',
  degraded: 'Some services are degraded — uploads may fail',
  unreachable: 'The service cannot be reached',
};

const FEATURES = [
  { title: 'Resumes by itself', text: 'If your connection drops, the upload reconnects and continues from the last byte stored — no need to start over.' },
  { title: 'Kept twice', text: 'Files are stored in cloud storage, and a backup copy goes to a separate server. Downloads use the backup if needed.' },
  { title: 'One link to share', text: 'Send one file or a handful at once. Anyone with the link can preview and download — no account needed.' },
];

@Component({
  standalone: true,
  selector: 'app-home-page',
  imports: [RouterLink, UploadWidgetComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="text-center">
      <h1 class="text-4xl font-bold tracking-tight text-ink-900 sm:text-5xl">Send big files. Share one link.</h1>
      <p class="mx-auto mt-4 max-w-2xl text-lg text-ink-600">
        DirectDriveX streams your upload straight into cloud storage, keeps a backup copy, and gives you a link anyone can download from.
      </p>
      <p class="mt-6 inline-flex items-center gap-2 rounded-full bg-white px-4 py-2 text-sm shadow-sm ring-1 ring-ink-200" data-testid="service-status">
        <span class="h-2.5 w-2.5 rounded-full" [class]="dotClass()" aria-hidden="true"></span>
        {{ text() }}
      </p>
    </section>

    <div class="mx-auto mt-8 max-w-3xl">
      <app-upload-widget />
    </div>

    <section class="mt-14 grid gap-6 sm:grid-cols-3" aria-label="Why DirectDriveX">
      @for (f of features; track f.title) {
        <div class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-ink-200">
          <h2 class="font-semibold text-ink-900">{{ f.title }}</h2>
          <p class="mt-2 text-sm text-ink-600">{{ f.text }}</p>
        </div>
      }
    </section>
    <p class="mt-8 text-center text-sm text-ink-600">
      Curious what happens to your file? <a routerLink="/how-it-works" class="font-medium text-brand-700 hover:underline">See how it works</a>.
    </p>
  `,
})
export class HomePage {
  private readonly state = toSignal(inject(HealthService).state(), { initialValue: 'checking' as ServiceState });
  protected readonly features = FEATURES;

  text(): string {
    return STATE_TEXT[this.state()];
  }

  dotClass(): string {
    const s = this.state();
    return s === 'operational' ? 'bg-emerald-500' : s === 'checking' ? 'bg-ink-300' : s === 'degraded' ? 'bg-amber-500' : 'bg-rose-500';
  }
}
