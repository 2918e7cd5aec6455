import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';

import { HealthService, ServiceState } from '../../services/health.service';

const STATE_TEXT: Record<ServiceState, string> = {
  checking: 'Checking service status…',
  operational: 'All systems operational',
  degraded: 'Some services are degraded — uploads may fail',
  unreachable: 'The service cannot be reached',
};

@Component({
  standalone: true,
  selector: 'app-home-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="text-center">
      <h1 class="text-4xl font-bold tracking-tight sm:text-5xl">Send big files. Share one link.</h1>
      <p class="mx-auto mt-4 max-w-2xl text-lg text-slate-600">
        DirectDriveX streams your upload straight into cloud storage, keeps a backup copy, and gives you a link anyone can download from.
      </p>
      <p class="mt-8 inline-flex items-center gap-2 rounded-full bg-white px-4 py-2 text-sm shadow-sm ring-1 ring-slate-200" data-testid="service-status">
        <span class="h-2.5 w-2.5 rounded-full" [class]="dotClass()"></span>
        {{ text() }}
      </p>
    </section>
  `,
})
export class HomePage {
  private readonly state = toSignal(inject(HealthService).state(), { initialValue: 'checking' as ServiceState });

  text(): string {
    return STATE_TEXT[this.state()];
  }

  dotClass(): string {
    const s = this.state();
    return s === 'operational' ? 'bg-emerald-500' : s === 'checking' ? 'bg-slate-300' : s === 'degraded' ? 'bg-amber-500' : 'bg-rose-500';
  }
}
