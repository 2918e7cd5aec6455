import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, DestroyRef, ElementRef, HostListener, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { UserNotification } from '@ddx/contracts';
import { UiSpinnerComponent } from '@ddx/ui';
import { catchError, EMPTY, Observable, of, switchMap, tap, timer } from 'rxjs';

import { UserSession } from '../../core/user-session';
import { NotificationsApi } from './notifications-api.service';

/** How often the unread count is refreshed while signed in. */
export const NOTIFICATION_POLL_MS = 60_000;
/** Notifications shown in the panel. */
const SHOWN = 10;

/**
 * The bell in the site header: unread count badge (polled every minute while
 * signed in), a panel with the latest notifications, mark one or all read.
 * Renders nothing when signed out. Texts are plain and shown as text.
 */
@Component({
  standalone: true,
  selector: 'app-notification-bell',
  imports: [DatePipe, UiSpinnerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (session.signedIn()) {
      <div class="relative">
        <button
          type="button"
          class="relative inline-flex items-center justify-center rounded-lg p-2 text-ink-700 hover:bg-ink-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
          [attr.aria-expanded]="open()"
          aria-controls="notification-panel"
          aria-haspopup="true"
          [attr.aria-label]="unread() ? 'Notifications, ' + unread() + ' unread' : 'Notifications'"
          (click)="toggle()"
          data-testid="notification-bell"
        >
          <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" class="h-6 w-6" aria-hidden="true">
            <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" stroke-linejoin="round" />
            <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" stroke-linecap="round" />
          </svg>
          @if (unread() > 0) {
            <span
              class="absolute -right-0.5 -top-0.5 inline-flex min-w-[1.25rem] items-center justify-center rounded-full bg-rose-600 px-1 text-xs font-semibold leading-5 text-white"
              data-testid="notification-count"
              >{{ badge() }}</span
            >
          }
        </button>

        @if (open()) {
          <div
            id="notification-panel"
            role="region"
            aria-label="Notifications"
            class="absolute right-0 z-40 mt-2 w-[22rem] max-w-[calc(100vw-2rem)] overflow-hidden rounded-xl border border-ink-200 bg-white shadow-lg"
            data-testid="notification-panel"
          >
            <div class="flex items-center justify-between border-b border-ink-100 px-4 py-3">
              <h2 class="text-sm font-semibold text-ink-900">Notifications</h2>
              <button
                type="button"
                class="rounded text-sm font-medium text-brand-700 hover:underline disabled:cursor-not-allowed disabled:text-ink-400 disabled:no-underline"
                [disabled]="unread() === 0"
                (click)="markAll()"
                data-testid="notification-read-all"
              >
                Mark all read
              </button>
            </div>
            @if (error()) {
              <p class="px-4 py-3 text-sm text-rose-700" role="alert">{{ error() }}</p>
            }
            @if (loading() && items().length === 0) {
              <div class="flex justify-center p-6"><ui-spinner /></div>
            } @else {
              <ul class="max-h-96 divide-y divide-ink-100 overflow-y-auto" data-testid="notification-list">
                @for (n of items(); track n.id) {
                  <li [class]="n.read_at ? 'bg-white' : 'bg-brand-50/60'" [attr.data-testid]="'notification-' + n.id">
                    <div class="flex gap-3 px-4 py-3">
                      <span class="mt-1.5 h-2 w-2 shrink-0 rounded-full" [class]="n.read_at ? 'bg-transparent' : 'bg-brand-600'" aria-hidden="true"></span>
                      <div class="min-w-0 flex-1">
                        <p class="text-sm font-medium text-ink-900">{{ n.title }}</p>
                        <p class="mt-0.5 whitespace-pre-line break-words text-sm text-ink-600">{{ n.body }}</p>
                        <div class="mt-1 flex items-center justify-between gap-2">
                          <time class="text-xs text-ink-500" [attr.datetime]="n.delivered_at">{{ n.delivered_at | date: 'medium' }}</time>
                          @if (!n.read_at) {
                            <button type="button" class="rounded text-xs font-medium text-brand-700 hover:underline" (click)="markRead(n)" data-testid="notification-mark-read">Mark read</button>
                          }
                        </div>
                      </div>
                    </div>
                  </li>
                } @empty {
                  <li class="px-4 py-6 text-center text-sm text-ink-500" data-testid="notification-empty">No notifications yet.</li>
                }
              </ul>
            }
          </div>
        }
      </div>
    }
  `,
})
export class NotificationBellComponent {
  protected readonly session = inject(UserSession);
  private readonly api = inject(NotificationsApi);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly open = signal(false);
  protected readonly items = signal<UserNotification[]>([]);
  protected readonly unread = signal(0);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly badge = computed(() => (this.unread() > 99 ? '99+' : String(this.unread())));

  constructor() {
    // Poll while signed in; stop (and forget what was shown) when signed out.
    toObservable(this.session.signedIn)
      .pipe(
        switchMap((signedIn) => {
          if (!signedIn) {
            this.items.set([]);
            this.unread.set(0);
            this.open.set(false);
            return of(null);
          }
          return timer(0, NOTIFICATION_POLL_MS).pipe(switchMap(() => this.fetch()));
        }),
        takeUntilDestroyed(),
      )
      .subscribe();
  }

  protected toggle(): void {
    const next = !this.open();
    this.open.set(next);
    if (next) this.fetch().pipe(takeUntilDestroyed(this.destroyRef)).subscribe();
  }

  protected markRead(n: UserNotification): void {
    this.api.markRead(n.id).subscribe({
      next: (r) => {
        this.items.update((list) => list.map((x) => (x.id === n.id ? { ...x, read_at: x.read_at ?? new Date().toISOString() } : x)));
        this.unread.set(r.unread_count);
      },
      error: () => this.error.set('Could not mark it read. Try again.'),
    });
  }

  protected markAll(): void {
    this.api.markAllRead().subscribe({
      next: (r) => {
        const now = new Date().toISOString();
        this.items.update((list) => list.map((x) => (x.read_at ? x : { ...x, read_at: now })));
        this.unread.set(r.unread_count);
      },
      error: () => this.error.set('Could not mark them read. Try again.'),
    });
  }

  @HostListener('document:keydown.escape')
  protected onEscape(): void {
    this.open.set(false);
  }

  @HostListener('document:click', ['$event'])
  protected onDocumentClick(event: MouseEvent): void {
    if (this.open() && !this.host.nativeElement.contains(event.target as Node)) this.open.set(false);
  }

  private fetch(): Observable<unknown> {
    this.loading.set(true);
    return this.api.list(SHOWN).pipe(
      tap((l) => {
        this.items.set(l.items);
        this.unread.set(l.unread_count);
        this.error.set(null);
        this.loading.set(false);
      }),
      catchError(() => {
        this.loading.set(false);
        this.error.set('Notifications could not be loaded.');
        return EMPTY;
      }),
    );
  }
}
