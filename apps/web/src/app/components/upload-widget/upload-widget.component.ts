import { ChangeDetectionStrategy, Component, computed, effect, ElementRef, inject, signal, untracked, viewChild } from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  BytesPipe,
  UiAlertComponent,
  UiButtonDirective,
  UiCopyFieldComponent,
  UiToastService,
} from '@ddx/ui';

import { UserSession } from '../../core/user-session';
import { MAX_BATCH_FILES, UploadQueue } from '../../services/upload-queue.service';
import { QuotaBarComponent } from '../quota-bar/quota-bar.component';
import { UploadRowComponent } from './upload-row.component';

/** Drag & drop or pick up to MAX_BATCH_FILES files, watch them upload, share the link. */
@Component({
  standalone: true,
  selector: 'app-upload-widget',
  imports: [BytesPipe, QuotaBarComponent, RouterLink, UiAlertComponent, UiButtonDirective, UiCopyFieldComponent, UploadRowComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="rounded-2xl bg-white p-5 shadow-sm ring-1 ring-ink-200 sm:p-8" aria-labelledby="upload-heading" data-testid="upload-widget">
      <h2 id="upload-heading" class="sr-only">Upload files</h2>

      @if (queue.transfer(); as transfer) {
        <div class="flex flex-wrap items-center justify-between gap-3">
          <p class="text-lg font-semibold text-ink-900" data-testid="transfer-title">{{ transferTitle() }}</p>
          @if (queue.active() && transfer.items.length > 1) {
            <button uiButton variant="secondary" size="sm" type="button" (click)="queue.cancelAll()">Cancel all</button>
          }
        </div>
        <ul class="divide-y divide-ink-100">
          @for (item of transfer.items; track item.fileId) {
            <app-upload-row [item]="item" />
          }
        </ul>

        @if (queue.shareUrl(); as url) {
          <div class="mt-4 rounded-xl bg-emerald-50 p-4 ring-1 ring-emerald-200" data-testid="share">
            <p class="mb-2 font-medium text-emerald-900">
              @if (transfer.kind === 'batch') {
                {{ queue.completedCount() }} of {{ transfer.items.length }} files uploaded. Share this link:
              } @else {
                Your file is ready. Share this link:
              }
            </p>
            <ui-copy-field [value]="url" label="Share link" (copiedChange)="copied($event)" />
            <div class="mt-3 flex flex-wrap gap-2">
              <a uiButton variant="secondary" size="sm" [href]="url" target="_blank" rel="noopener" data-testid="share-open">Open link</a>
              <button uiButton variant="ghost" size="sm" type="button" (click)="again()">Send more files</button>
            </div>
          </div>
        } @else if (queue.allSettled()) {
          <div class="mt-4 flex flex-wrap items-center gap-3">
            <p class="text-sm text-ink-600">Nothing was uploaded.</p>
            <button uiButton variant="secondary" size="sm" type="button" (click)="again()">Start again</button>
          </div>
        }
      } @else {
        <div
          class="flex flex-col items-center justify-center rounded-xl border-2 border-dashed px-6 py-10 text-center transition-colors"
          [class]="dragging() ? 'border-brand-500 bg-brand-50' : 'border-ink-300 bg-ink-50/50'"
          (dragenter)="onDrag($event, true)"
          (dragover)="onDrag($event, true)"
          (dragleave)="onDrag($event, false)"
          (drop)="onDrop($event)"
          data-testid="dropzone"
        >
          <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.6" class="h-10 w-10 text-brand-600" aria-hidden="true">
            <path d="M12 16V4m0 0-4 4m4-4 4 4M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2" stroke-linecap="round" stroke-linejoin="round" />
          </svg>
          <p class="mt-3 text-base font-medium text-ink-900">Drag and drop files here</p>
          <p class="text-sm text-ink-500">or</p>
          <button #chooser uiButton type="button" class="mt-2" (click)="picker.click()">Choose files</button>
          <input #picker type="file" multiple class="sr-only" tabindex="-1" aria-hidden="true" (change)="onPicked($event)" data-testid="file-input" />
          <p class="mt-3 text-xs text-ink-500">One file, or up to {{ maxFiles }} at once (shared as one link).</p>
        </div>

        @if (selected().length) {
          <div class="mt-5">
            <ul class="divide-y divide-ink-100 rounded-lg ring-1 ring-ink-200" aria-label="Files to upload" data-testid="selected-files">
              @for (file of selected(); track $index) {
                <li class="flex items-center gap-3 px-4 py-2.5">
                  <span class="min-w-0 flex-1 truncate text-sm text-ink-900" [title]="file.name">{{ file.name }}</span>
                  <span class="shrink-0 text-sm text-ink-500">{{ file.size | bytes }}</span>
                  <button type="button" class="rounded p-1 text-ink-500 hover:bg-ink-100 hover:text-ink-900" (click)="remove($index)" [attr.aria-label]="'Remove ' + file.name">
                    <svg viewBox="0 0 20 20" fill="currentColor" class="h-4 w-4" aria-hidden="true">
                      <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
                    </svg>
                  </button>
                </li>
              }
            </ul>
            <div class="mt-4 flex flex-wrap items-center justify-between gap-3">
              <p class="text-sm text-ink-600">{{ selected().length }} {{ selected().length === 1 ? 'file' : 'files' }} · {{ totalSize() | bytes }}</p>
              <div class="flex gap-2">
                <button uiButton variant="ghost" type="button" (click)="clear()">Clear</button>
                <button uiButton type="button" (click)="upload()" [disabled]="problems().length > 0 || queue.starting()" [busy]="queue.starting()" data-testid="upload-start">
                  {{ queue.starting() ? 'Starting…' : selected().length === 1 ? 'Upload' : 'Upload ' + selected().length + ' files' }}
                </button>
              </div>
            </div>
          </div>
        }

        @if (problems().length) {
          <ui-alert tone="error" class="mt-4" data-testid="upload-problems">
            <ul class="list-inside list-disc space-y-1">
              @for (p of problems(); track p) {
                <li>{{ p }}</li>
              }
            </ul>
          </ui-alert>
        }
      }

      @if (queue.startError(); as err) {
        <ui-alert tone="error" class="mt-4" data-testid="upload-error">{{ err }}</ui-alert>
      }

      <div class="mt-6 border-t border-ink-100 pt-5">
        <app-quota-bar [quota]="queue.quota()" />
        @if (!session.signedIn()) {
          <p class="mt-3 text-xs text-ink-500">
            <a routerLink="/register" class="font-medium text-brand-700 underline-offset-2 hover:underline">Create a free account</a>
            for a larger allowance and a list of your files.
          </p>
        }
      </div>
    </section>
  `,
})
export class UploadWidgetComponent {
  protected readonly queue = inject(UploadQueue);
  protected readonly session = inject(UserSession);
  private readonly toast = inject(UiToastService);
  private readonly chooser = viewChild<ElementRef<HTMLButtonElement>>('chooser');

  protected readonly maxFiles = MAX_BATCH_FILES;
  protected readonly selected = signal<File[]>([]);
  protected readonly dragging = signal(false);
  protected readonly totalSize = computed(() => this.selected().reduce((s, f) => s + f.size, 0));
  protected readonly problems = computed(() => {
    this.queue.quota(); // re-check when the allowance changes
    return this.queue.check(this.selected());
  });
  protected readonly transferTitle = computed(() => {
    const t = this.queue.transfer();
    if (!t) return '';
    const n = t.items.length;
    if (this.queue.allSettled()) return this.queue.completedCount() === n ? 'Upload complete' : 'Upload finished';
    return n === 1 ? 'Uploading 1 file' : `Uploading ${n} files`;
  });

  constructor() {
    // Signing in or out changes which allowance applies.
    effect(() => {
      this.session.signedIn();
      untracked(() => void this.queue.refreshQuota());
    });
  }

  protected onDrag(event: DragEvent, over: boolean): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    this.dragging.set(over);
  }

  protected onDrop(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(false);
    this.add(Array.from(event.dataTransfer?.files ?? []));
  }

  protected onPicked(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.add(Array.from(input.files ?? []));
    input.value = ''; // choosing the same file again fires change again
  }

  protected remove(index: number): void {
    this.selected.update((l) => l.filter((_, i) => i !== index));
  }

  protected clear(): void {
    this.selected.set([]);
    this.queue.startError.set(null);
  }

  protected async upload(): Promise<void> {
    if (await this.queue.start(this.selected())) this.selected.set([]);
  }

  protected again(): void {
    this.queue.reset();
    setTimeout(() => this.chooser()?.nativeElement.focus());
  }

  protected copied(ok: boolean): void {
    if (ok) this.toast.success('Link copied to the clipboard.');
    else this.toast.error('Could not copy automatically — select the link and copy it.');
  }

  private add(files: File[]): void {
    if (!files.length) return;
    this.queue.startError.set(null);
    this.selected.update((l) => [...l, ...files]);
  }
}
