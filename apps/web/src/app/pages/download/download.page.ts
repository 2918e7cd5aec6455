import { DatePipe, DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { DomSanitizer, SafeResourceUrl, Title } from '@angular/platform-browser';
import { RouterLink } from '@angular/router';
import { DownloadRoutes, FileMeta } from '@ddx/contracts';
import {
  BytesPipe,
  UiAlertComponent,
  UiButtonDirective,
  UiCardComponent,
  UiCopyFieldComponent,
  UiEmptyStateComponent,
  UiSpinnerComponent,
} from '@ddx/ui';
import { catchError, map, Observable, of, startWith, switchMap } from 'rxjs';

import { Loaded, loadById } from '../../core/loaded';
import { FilesService } from '../../services/files.service';

/** Text previews show at most this much (fetched with a Range request). */
const TEXT_PREVIEW_BYTES = 256 * 1024;

@Component({
  standalone: true,
  selector: 'app-download-page',
  imports: [BytesPipe, DatePipe, RouterLink, UiAlertComponent, UiButtonDirective, UiCardComponent, UiCopyFieldComponent, UiEmptyStateComponent, UiSpinnerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @switch (file().status) {
      @case ('loading') {
        <div class="flex justify-center py-16"><ui-spinner label="Loading file details…" /></div>
      }
      @case ('missing') {
        <ui-card class="mx-auto max-w-xl" data-testid="file-missing">
          <h1 class="sr-only">File not found</h1>
          <ui-empty-state
            icon="missing"
            title="This file is not available"
            message="The link may be mistyped, or the file was deleted by its owner or an administrator. Ask the person who shared it for a new link."
          >
            <a uiButton routerLink="/">Upload your own file</a>
          </ui-empty-state>
        </ui-card>
      }
      @case ('error') {
        <ui-alert tone="error" heading="The file could not be loaded">{{ errorMessage() }}</ui-alert>
      }
      @case ('ready') {
        @if (meta(); as m) {
          <div class="mx-auto max-w-3xl space-y-6">
            <ui-card>
              <div class="flex flex-col gap-5 sm:flex-row sm:items-start">
                <div class="flex h-14 w-14 shrink-0 items-center justify-center rounded-xl bg-brand-50 text-xs font-bold uppercase text-brand-700" aria-hidden="true">
                  {{ extension() }}
                </div>
                <div class="min-w-0 flex-1">
                  <h1 class="break-words text-xl font-bold text-ink-900 sm:text-2xl" data-testid="file-name">{{ m.filename }}</h1>
                  <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                    <dt class="text-ink-500">Size</dt>
                    <dd class="text-ink-800" data-testid="file-size">{{ m.size | bytes }}</dd>
                    <dt class="text-ink-500">Type</dt>
                    <dd class="break-all text-ink-800">{{ m.content_type }}</dd>
                    <dt class="text-ink-500">Uploaded</dt>
                    <dd class="text-ink-800">{{ m.created_at | date: 'medium' }}</dd>
                  </dl>
                </div>
                <a uiButton size="lg" [href]="m.download_url" download data-testid="download-button">
                  <svg viewBox="0 0 20 20" fill="currentColor" class="h-5 w-5" aria-hidden="true">
                    <path d="M10.75 2.75a.75.75 0 0 0-1.5 0v8.6L6.3 8.24a.75.75 0 1 0-1.1 1.02l4.25 4.5a.75.75 0 0 0 1.1 0l4.25-4.5a.75.75 0 1 0-1.1-1.02l-2.95 3.1v-8.6Z" />
                    <path d="M3.5 12.75a.75.75 0 0 0-1.5 0v2.5A2.75 2.75 0 0 0 4.75 18h10.5A2.75 2.75 0 0 0 18 15.25v-2.5a.75.75 0 0 0-1.5 0v2.5c0 .69-.56 1.25-1.25 1.25H4.75c-.69 0-1.25-.56-1.25-1.25v-2.5Z" />
                  </svg>
                  Download
                </a>
              </div>
              <div class="mt-5 border-t border-ink-100 pt-4">
                <ui-copy-field [value]="pageUrl()" label="Link to this page" />
              </div>
              @if (m.batch_id) {
                <p class="mt-3 text-sm text-ink-600">
                  This file was shared with others.
                  <a [routerLink]="['/batch', m.batch_id]" class="font-medium text-brand-700 hover:underline">See all files of this upload</a>.
                </p>
              }
            </ui-card>

            @if (m.preview_url && m.preview_type !== 'none') {
              <ui-card heading="Preview" data-testid="preview">
                @switch (m.preview_type) {
                  @case ('image') {
                    <img [src]="m.preview_url" [alt]="'Preview of ' + m.filename" class="mx-auto max-h-[70vh] rounded-lg" data-testid="preview-image" />
                  }
                  @case ('video') {
                    <video controls preload="metadata" [src]="m.preview_url" class="max-h-[70vh] w-full rounded-lg bg-black" data-testid="preview-video">
                      Your browser cannot play this video. Download it instead.
                    </video>
                  }
                  @case ('audio') {
                    <audio controls preload="metadata" [src]="m.preview_url" class="w-full" data-testid="preview-audio">Your browser cannot play this audio file.</audio>
                  }
                  @case ('document') {
                    @if (documentUrl(); as url) {
                      <iframe [src]="url" [title]="'Preview of ' + m.filename" class="h-[75vh] w-full rounded-lg ring-1 ring-ink-200" data-testid="preview-document"></iframe>
                    }
                  }
                  @case ('text') {
                    @switch (text().status) {
                      @case ('loading') {
                        <ui-spinner label="Loading preview…" />
                      }
                      @case ('ready') {
                        <pre class="max-h-[70vh] overflow-auto whitespace-pre-wrap break-words rounded-lg bg-ink-50 p-4 font-mono text-xs text-ink-800" data-testid="preview-text">{{ textValue() }}</pre>
                        @if (m.size > textLimit) {
                          <p class="mt-2 text-xs text-ink-500">Showing the first {{ textLimit | bytes }}. Download the file to see all of it.</p>
                        }
                      }
                      @default {
                        <p class="text-sm text-ink-600">The preview could not be loaded. You can still download the file.</p>
                      }
                    }
                  }
                }
              </ui-card>
            } @else {
              <p class="text-center text-sm text-ink-500">No preview is available for this type of file.</p>
            }
          </div>
        }
      }
    }
  `,
})
export class DownloadPage {
  /** Route parameter. */
  readonly id = input.required<string>();

  private readonly files = inject(FilesService);
  private readonly sanitizer = inject(DomSanitizer);
  private readonly location = inject(DOCUMENT).location;
  protected readonly textLimit = TEXT_PREVIEW_BYTES;

  protected readonly file = toSignal(loadById(toObservable(this.id), (id) => this.files.meta(id)), { initialValue: { status: 'loading' } as Loaded<FileMeta> });
  protected readonly meta = computed(() => {
    const f = this.file();
    return f.status === 'ready' ? f.value : null;
  });
  protected readonly errorMessage = computed(() => {
    const f = this.file();
    return f.status === 'error' ? f.message : '';
  });
  protected readonly extension = computed(() => {
    const name = this.meta()?.filename ?? '';
    const dot = name.lastIndexOf('.');
    return dot > 0 && name.length - dot <= 5 ? name.slice(dot + 1) : 'file';
  });
  protected readonly pageUrl = computed(() => `${this.location.origin}/download/${this.id()}`);

  /** Only our own preview stream may be framed. */
  protected readonly documentUrl = computed((): SafeResourceUrl | null => {
    const m = this.meta();
    if (!m?.preview_url || m.preview_url !== DownloadRoutes.previewStream(m.file_id)) return null;
    return this.sanitizer.bypassSecurityTrustResourceUrl(m.preview_url);
  });

  protected readonly text = toSignal(
    toObservable(this.meta).pipe(
      switchMap((m): Observable<Loaded<string>> => {
        if (!m || m.preview_type !== 'text' || !m.preview_url) return of({ status: 'loading' });
        return this.files.previewText(m.preview_url, TEXT_PREVIEW_BYTES).pipe(
          map((value): Loaded<string> => ({ status: 'ready', value })),
          catchError(() => of<Loaded<string>>({ status: 'error', message: '' })),
          startWith<Loaded<string>>({ status: 'loading' }),
        );
      }),
    ),
    { initialValue: { status: 'loading' } as Loaded<string> },
  );
  protected readonly textValue = computed(() => {
    const t = this.text();
    return t.status === 'ready' ? t.value : '';
  });

  constructor() {
    const title = inject(Title);
    effect(() => {
      const f = this.file();
      if (f.status === 'ready') title.setTitle(`${f.value.filename} · DirectDriveX`);
      else if (f.status === 'missing') title.setTitle('File not available · DirectDriveX');
    });
  }
}
