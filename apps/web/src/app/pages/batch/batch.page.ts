import { DatePipe, DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import { BatchView } from '@ddx/contracts';
import {
  BytesPipe,
  UiAlertComponent,
  UiButtonDirective,
  UiCardComponent,
  UiCopyFieldComponent,
  UiEmptyStateComponent,
  UiPageComponent,
  UiSpinnerComponent,
  UiTableDirective,
} from '@ddx/ui';

import { Loaded, loadById } from '../../core/loaded';
import { FilesService } from '../../services/files.service';

@Component({
  standalone: true,
  selector: 'app-batch-page',
  imports: [
    BytesPipe,
    DatePipe,
    RouterLink,
    UiAlertComponent,
    UiButtonDirective,
    UiCardComponent,
    UiCopyFieldComponent,
    UiEmptyStateComponent,
    UiPageComponent,
    UiSpinnerComponent,
    UiTableDirective,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @switch (batch().status) {
      @case ('loading') {
        <div class="flex justify-center py-16"><ui-spinner label="Loading the shared files…" /></div>
      }
      @case ('missing') {
        <ui-card class="mx-auto max-w-xl" data-testid="batch-missing">
          <h1 class="sr-only">Files not found</h1>
          <ui-empty-state
            icon="missing"
            title="These files are not available"
            message="The link may be mistyped, or the files were deleted. Ask the person who shared them for a new link."
          >
            <a uiButton routerLink="/">Upload your own files</a>
          </ui-empty-state>
        </ui-card>
      }
      @case ('error') {
        <ui-alert tone="error" heading="The files could not be loaded">{{ errorMessage() }}</ui-alert>
      }
      @case ('ready') {
        @if (view(); as b) {
          <ui-page [title]="b.files.length + (b.files.length === 1 ? ' shared file' : ' shared files')" [subtitle]="(b.total_size | bytes) + ' in total · shared ' + (b.created_at | date: 'medium')">
            <div uiPageActions>
              @if (b.files.length) {
                <a uiButton size="lg" [href]="b.zip_url" download data-testid="download-zip">Download all (ZIP)</a>
              }
            </div>
            <ui-card flush>
              @if (b.files.length) {
                <div class="overflow-x-auto">
                  <table uiTable data-testid="batch-files">
                    <caption class="sr-only">Files in this upload</caption>
                    <thead>
                      <tr>
                        <th scope="col">Name</th>
                        <th scope="col" class="hidden sm:table-cell">Type</th>
                        <th scope="col" class="text-right">Size</th>
                        <th scope="col"><span class="sr-only">Actions</span></th>
                      </tr>
                    </thead>
                    <tbody>
                      @for (f of b.files; track f.file_id) {
                        <tr>
                          <td class="max-w-[16rem] sm:max-w-md">
                            <a [routerLink]="['/download', f.file_id]" class="block truncate font-medium text-brand-700 hover:underline" [title]="f.filename">{{ f.filename }}</a>
                          </td>
                          <td class="hidden text-ink-500 sm:table-cell">{{ f.content_type }}</td>
                          <td class="whitespace-nowrap text-right">{{ f.size | bytes }}</td>
                          <td class="text-right">
                            <a uiButton size="sm" variant="secondary" [href]="f.download_url" download [attr.aria-label]="'Download ' + f.filename">Download</a>
                          </td>
                        </tr>
                      }
                    </tbody>
                  </table>
                </div>
              } @else {
                <ui-empty-state title="No files left" message="Every file of this upload has been deleted." />
              }
            </ui-card>
            <ui-card heading="Share">
              <ui-copy-field [value]="pageUrl()" label="Link to these files" />
            </ui-card>
          </ui-page>
        }
      }
    }
  `,
})
export class BatchPage {
  /** Route parameter. */
  readonly id = input.required<string>();
  private readonly files = inject(FilesService);
  private readonly location = inject(DOCUMENT).location;

  protected readonly batch = toSignal(loadById(toObservable(this.id), (id) => this.files.batch(id)), { initialValue: { status: 'loading' } as Loaded<BatchView> });
  protected readonly view = computed(() => {
    const b = this.batch();
    return b.status === 'ready' ? b.value : null;
  });
  protected readonly errorMessage = computed(() => {
    const b = this.batch();
    return b.status === 'error' ? b.message : '';
  });
  protected readonly pageUrl = computed(() => `${this.location.origin}/batch/${this.id()}`);
}
