import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';
import { UiButtonDirective, UiCardComponent, UiEmptyStateComponent } from '@ddx/ui';

@Component({
  standalone: true,
  selector: 'app-not-found-page',
  imports: [RouterLink, UiButtonDirective, UiCardComponent, UiEmptyStateComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-card class="mx-auto max-w-xl">
      <ui-empty-state icon="missing" title="Page not found" message="There is nothing at this address. The link may be mistyped or out of date.">
        <a uiButton routerLink="/">Go to the home page</a>
        <a uiButton variant="secondary" routerLink="/how-it-works">How it works</a>
      </ui-empty-state>
    </ui-card>
    <h1 class="sr-only">Page not found</h1>
  `,
})
export class NotFoundPage {}
