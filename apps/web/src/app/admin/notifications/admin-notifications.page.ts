import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, DestroyRef, effect, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import {
  AdminNotification,
  AdminNotificationList,
  NOTIFICATION_ACTIVE_DAYS,
  NotificationDeliveryList,
  NotificationStatus,
  NotificationTemplate,
  Permission,
} from '@ddx/contracts';
import {
  UiAlertComponent,
  UiBadgeComponent,
  UiButtonDirective,
  UiCardComponent,
  UiConfirmDialogComponent,
  UiFieldComponent,
  UiInputDirective,
  UiModalComponent,
  UiPageComponent,
  UiSpinnerComponent,
  UiTableDirective,
  UiToastService,
} from '@ddx/ui';

import { apiProblem } from '../../core/api-problem';
import { ActionRunner } from '../core/action-runner';
import { AdminPagerComponent } from '../core/admin-pager.component';
import { AdminSession } from '../core/admin-session';
import { loadInto } from '../core/load-into';
import { AdminNotificationsApi } from './admin-notifications-api.service';
import { audienceOf, ComposeForm, composeRequest, describeAudience, emptyCompose } from './compose-form';

const PAGE_SIZE = 20;
type Tone = 'brand' | 'success' | 'warning' | 'danger' | 'neutral';
const STATUS_TONE: Record<NotificationStatus, Tone> = { draft: 'neutral', scheduled: 'brand', sending: 'warning', sent: 'success', cancelled: 'neutral', failed: 'danger' };

interface PendingAction {
  kind: 'cancel' | 'delete' | 'delete-template';
  id: string;
  label: string;
}

@Component({
  standalone: true,
  selector: 'app-admin-notifications-page',
  imports: [
    DatePipe,
    FormsModule,
    UiAlertComponent,
    UiBadgeComponent,
    UiButtonDirective,
    UiCardComponent,
    UiConfirmDialogComponent,
    UiFieldComponent,
    UiInputDirective,
    UiModalComponent,
    UiPageComponent,
    UiSpinnerComponent,
    UiTableDirective,
    AdminPagerComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ui-page title="Notifications" subtitle="Tell users something in their bell and, optionally, by e-mail — now or at a set time.">
      <div uiPageActions>
        <button uiButton variant="secondary" type="button" (click)="load()" [disabled]="loading()">Reload</button>
      </div>

      <ui-card heading="Compose">
        <form class="grid gap-4 md:grid-cols-2" (ngSubmit)="submit()" data-testid="notification-compose">
          <ui-field label="Template" hint="Fills title and message; you can still edit them.">
            <select uiInput name="template" [(ngModel)]="form.templateId" (ngModelChange)="applyTemplate($event)" data-testid="compose-template">
              <option value="">No template</option>
              @for (t of templates(); track t.id) {
                <option [value]="t.id">{{ t.name }}</option>
              }
            </select>
          </ui-field>
          <ui-field label="Audience" [hint]="audienceHint()">
            <select uiInput name="audience" [(ngModel)]="form.audience" (ngModelChange)="previewCount.set(null)" data-testid="compose-audience">
              <option value="all">All users</option>
              <option value="active">Active users</option>
              <option value="inactive">Inactive users</option>
              <option value="role">Users with a role</option>
              <option value="users">Specific users</option>
            </select>
          </ui-field>
          @if (form.audience === 'role') {
            <ui-field label="Role">
              <select uiInput name="role" [(ngModel)]="form.role" (ngModelChange)="previewCount.set(null)" data-testid="compose-role">
                <option value="regular">Regular</option>
                <option value="admin">Admin</option>
                <option value="superadmin">Superadmin</option>
              </select>
            </ui-field>
          }
          @if (form.audience === 'users') {
            <ui-field label="Recipients" hint="E-mail addresses or user ids, separated by commas or new lines." class="md:col-span-2">
              <textarea uiInput rows="2" name="recipients" [(ngModel)]="form.recipients" (ngModelChange)="previewCount.set(null)" data-testid="compose-recipients"></textarea>
            </ui-field>
          }
          <ui-field label="Title" class="md:col-span-2" [hint]="placeholderHint">
            <input uiInput name="title" maxlength="200" [(ngModel)]="form.title" data-testid="compose-title" />
          </ui-field>
          <ui-field label="Message" class="md:col-span-2">
            <textarea uiInput rows="4" name="body" maxlength="5000" [(ngModel)]="form.body" data-testid="compose-body"></textarea>
          </ui-field>
          <fieldset class="space-y-2">
            <legend class="text-sm font-medium text-ink-700">Channels</legend>
            <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="inApp" [(ngModel)]="form.inApp" data-testid="compose-in-app" /> In the app (bell)</label>
            <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="email" [(ngModel)]="form.email" data-testid="compose-email" /> E-mail</label>
          </fieldset>
          <fieldset class="space-y-2">
            <legend class="text-sm font-medium text-ink-700">When</legend>
            <label class="flex items-center gap-2 text-sm"><input type="radio" name="mode" value="now" [(ngModel)]="form.mode" /> Send now</label>
            <label class="flex items-center gap-2 text-sm"><input type="radio" name="mode" value="schedule" [(ngModel)]="form.mode" data-testid="compose-mode-schedule" /> Schedule</label>
            @if (form.mode === 'schedule') {
              <input uiInput type="datetime-local" name="scheduled" aria-label="Send at" [(ngModel)]="form.scheduledLocal" data-testid="compose-scheduled" />
            }
            <label class="flex items-center gap-2 text-sm"><input type="radio" name="mode" value="draft" [(ngModel)]="form.mode" /> Save as draft</label>
          </fieldset>
          @if (composeError()) {
            <ui-alert tone="error" class="md:col-span-2" data-testid="compose-error">{{ composeError() }}</ui-alert>
          }
          <div class="flex flex-wrap items-center gap-2 md:col-span-2">
            <button uiButton type="submit" [busy]="busy()" [disabled]="busy()" data-testid="compose-submit">{{ submitLabel() }}</button>
            <button uiButton type="button" variant="secondary" [disabled]="busy()" (click)="preview()" data-testid="compose-preview">Count recipients</button>
            <button uiButton type="button" variant="ghost" [disabled]="busy()" (click)="openTemplateEditor(null)" data-testid="compose-save-template">Save as template…</button>
            @if (previewCount() !== null) {
              <span class="text-sm text-ink-700" data-testid="compose-preview-count">{{ previewCount() }} {{ previewCount() === 1 ? 'recipient' : 'recipients' }}</span>
            }
          </div>
        </form>
      </ui-card>

      @if (error()) {
        <ui-alert tone="error">{{ error() }}</ui-alert>
      }

      <ui-card heading="Sent and scheduled" flush>
        <div uiCardActions>
          <select uiInput aria-label="Status" name="statusFilter" [(ngModel)]="statusFilter" (ngModelChange)="go(1)" data-testid="notifications-status-filter">
            <option value="">Any status</option>
            @for (s of statuses; track s) {
              <option [value]="s">{{ s }}</option>
            }
          </select>
        </div>
        @if (list(); as l) {
          <div class="overflow-x-auto">
            <table uiTable data-testid="notifications-table">
              <thead>
                <tr><th>Notification</th><th>Status</th><th>When</th><th>Delivered</th><th><span class="sr-only">Actions</span></th></tr>
              </thead>
              <tbody>
                @for (n of l.items; track n.id) {
                  <tr [attr.data-testid]="'notification-row-' + n.id">
                    <td class="max-w-[20rem]">
                      <p class="truncate font-medium text-ink-900" [title]="n.title">{{ n.title }}</p>
                      <p class="text-xs text-ink-500">{{ audience(n) }} · {{ channels(n) }} · by {{ n.created_by.email }}</p>
                    </td>
                    <td>
                      <ui-badge [tone]="tone(n.status)" data-testid="notification-status">{{ n.status }}</ui-badge>
                      @if (n.error) {
                        <p class="mt-1 max-w-[12rem] truncate text-xs text-rose-700" [title]="n.error">{{ n.error }}</p>
                      }
                    </td>
                    <td class="whitespace-nowrap text-sm">
                      @if (n.sent_at) {
                        Sent {{ n.sent_at | date: 'short' }}
                      } @else if (n.cancelled_at) {
                        Cancelled {{ n.cancelled_at | date: 'short' }}
                      } @else if (n.scheduled_at) {
                        {{ n.scheduled_at | date: 'short' }}
                      } @else {
                        —
                      }
                    </td>
                    <td class="whitespace-nowrap text-sm" data-testid="notification-counts">
                      {{ n.counts.recipients }} recipients · {{ n.counts.read }} read
                      @if (n.channels.email) {
                        <br /><span class="text-xs text-ink-500">e-mail: {{ n.counts.email_sent }} sent, {{ n.counts.email_failed }} failed{{ n.counts.email_pending ? ', ' + n.counts.email_pending + ' pending' : '' }}</span>
                      }
                    </td>
                    <td class="whitespace-nowrap text-right">
                      @if (n.counts.recipients > 0) {
                        <button uiButton size="sm" variant="ghost" type="button" (click)="showDeliveries(n)" data-testid="notification-deliveries">Deliveries</button>
                      }
                      @if (n.status === 'draft') {
                        <button uiButton size="sm" variant="secondary" type="button" class="ml-2" (click)="sendDraft(n)" data-testid="notification-send">Send now</button>
                      }
                      @if (n.status === 'draft' || n.status === 'scheduled') {
                        <button uiButton size="sm" variant="secondary" type="button" class="ml-2" (click)="ask({ kind: 'cancel', id: n.id, label: n.title })" data-testid="notification-cancel">Cancel</button>
                      }
                      @if (canDelete() && n.status !== 'sending') {
                        <button uiButton size="sm" variant="danger" type="button" class="ml-2" (click)="ask({ kind: 'delete', id: n.id, label: n.title })" data-testid="notification-delete">Delete</button>
                      }
                    </td>
                  </tr>
                } @empty {
                  <tr><td colspan="5" class="py-6 text-center text-ink-500">No notifications yet.</td></tr>
                }
              </tbody>
            </table>
          </div>
          <app-admin-pager [total]="l.total" [page]="l.page" [totalPages]="l.total_pages" noun="notification" testid="notifications" [disabled]="loading()" (go)="go($event)" />
        } @else if (loading()) {
          <div class="flex justify-center p-8"><ui-spinner /></div>
        }
      </ui-card>

      <ui-card heading="Templates" flush>
        <div uiCardActions>
          <button uiButton size="sm" variant="secondary" type="button" (click)="openTemplateEditor(null, true)" data-testid="template-new">New template</button>
        </div>
        <div class="overflow-x-auto">
          <table uiTable data-testid="templates-table">
            <thead>
              <tr><th>Name</th><th>Title</th><th>Updated</th><th><span class="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              @for (t of templates(); track t.id) {
                <tr>
                  <td class="font-medium text-ink-900">{{ t.name }}</td>
                  <td class="max-w-[20rem] truncate" [title]="t.title">{{ t.title }}</td>
                  <td class="whitespace-nowrap text-sm">{{ t.updated_at | date: 'short' }}</td>
                  <td class="whitespace-nowrap text-right">
                    <button uiButton size="sm" variant="ghost" type="button" (click)="openTemplateEditor(t)">Edit</button>
                    @if (canDelete()) {
                      <button uiButton size="sm" variant="danger" type="button" class="ml-2" (click)="ask({ kind: 'delete-template', id: t.id, label: t.name })">Delete</button>
                    }
                  </td>
                </tr>
              } @empty {
                <tr><td colspan="4" class="py-6 text-center text-ink-500">No templates yet.</td></tr>
              }
            </tbody>
          </table>
        </div>
      </ui-card>
    </ui-page>

    <ui-confirm-dialog
      [open]="pending() !== null"
      [title]="confirmTitle()"
      [message]="confirmMessage()"
      [confirmLabel]="pending()?.kind === 'cancel' ? 'Cancel it' : 'Delete'"
      cancelLabel="Keep"
      [busy]="busy()"
      (confirmed)="runPending()"
      (cancelled)="pending.set(null)"
    />

    <ui-modal [open]="templateEditor() !== null" [title]="templateEditor()?.id ? 'Edit template' : 'New template'" (closed)="templateEditor.set(null)">
      @if (templateEditor(); as t) {
        <div class="space-y-3">
          <ui-field label="Name" required>
            <input uiInput name="tplName" maxlength="100" [(ngModel)]="t.name" data-testid="template-name" />
          </ui-field>
          <ui-field label="Title" required>
            <input uiInput name="tplTitle" maxlength="200" [(ngModel)]="t.title" data-testid="template-title" />
          </ui-field>
          <ui-field label="Message" required>
            <textarea uiInput rows="4" name="tplBody" maxlength="5000" [(ngModel)]="t.body" data-testid="template-body"></textarea>
          </ui-field>
          @if (templateError()) {
            <ui-alert tone="error" data-testid="template-error">{{ templateError() }}</ui-alert>
          }
        </div>
      }
      <div uiModalFooter class="contents">
        <button uiButton type="button" variant="secondary" [disabled]="busy()" (click)="templateEditor.set(null)">Cancel</button>
        <button uiButton type="button" [busy]="busy()" [disabled]="busy()" (click)="saveTemplate()" data-testid="template-save">Save</button>
      </div>
    </ui-modal>

    <ui-modal [open]="deliveries() !== null" [title]="'Deliveries · ' + (deliveriesOf()?.title ?? '')" (closed)="deliveries.set(null)">
      @if (deliveries(); as d) {
        <div class="max-h-[60vh] overflow-y-auto">
          <table uiTable data-testid="deliveries-table">
            <thead>
              <tr><th>Recipient</th><th>Read</th><th>E-mail</th></tr>
            </thead>
            <tbody>
              @for (x of d.items; track x.user_id) {
                <tr>
                  <td class="max-w-[14rem] truncate" [title]="x.email">{{ x.email }}</td>
                  <td class="whitespace-nowrap text-sm">{{ x.in_app ? (x.read_at ? (x.read_at | date: 'short') : 'unread') : '—' }}</td>
                  <td class="text-sm">
                    {{ x.email_status }}
                    @if (x.email_error) {
                      <span class="block max-w-[14rem] truncate text-xs text-rose-700" [title]="x.email_error">{{ x.email_error }}</span>
                    }
                  </td>
                </tr>
              }
            </tbody>
          </table>
          @if (d.total > d.items.length) {
            <p class="mt-2 text-xs text-ink-500">First {{ d.items.length }} of {{ d.total }}.</p>
          }
        </div>
      }
      <div uiModalFooter class="contents">
        <button uiButton type="button" variant="secondary" (click)="deliveries.set(null)">Close</button>
      </div>
    </ui-modal>
  `,
})
export class AdminNotificationsPage implements OnInit {
  private readonly api = inject(AdminNotificationsApi);
  private readonly session = inject(AdminSession);
  private readonly toasts = inject(UiToastService);

  protected readonly placeholderHint = "{{name}} and {{email}} are replaced with each recipient's (as plain text).";
  protected readonly statuses: NotificationStatus[] = ['draft', 'scheduled', 'sending', 'sent', 'cancelled', 'failed'];
  protected form: ComposeForm = emptyCompose();
  protected statusFilter: NotificationStatus | '' = '';
  protected readonly list = signal<AdminNotificationList | null>(null);
  protected readonly templates = signal<NotificationTemplate[]>([]);
  protected readonly loading = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly composeError = signal<string | null>(null);
  protected readonly previewCount = signal<number | null>(null);
  protected readonly pending = signal<PendingAction | null>(null);
  protected readonly templateEditor = signal<{ id: string | null; name: string; title: string; body: string } | null>(null);
  protected readonly templateError = signal<string | null>(null);
  protected readonly deliveries = signal<NotificationDeliveryList | null>(null);
  protected readonly deliveriesOf = signal<AdminNotification | null>(null);
  protected readonly canDelete = computed(() => this.session.can(Permission.deleteNotifications));
  protected readonly confirmTitle = computed(() => {
    const p = this.pending();
    if (!p) return '';
    return p.kind === 'cancel' ? `Cancel “${p.label}”?` : p.kind === 'delete' ? `Delete “${p.label}”?` : `Delete template “${p.label}”?`;
  });
  protected readonly confirmMessage = computed(() => {
    const p = this.pending();
    if (!p) return '';
    if (p.kind === 'cancel') return 'It will not be sent. This cannot be undone.';
    if (p.kind === 'delete') return 'It disappears from every recipient’s notifications, with its delivery records.';
    return 'Notifications already composed from it keep their text.';
  });
  private readonly actions = new ActionRunner(this.toasts, this.busy, false);
  private page = 1;
  private refreshTimer?: ReturnType<typeof setTimeout>;

  constructor() {
    // While the worker is sending (or about to send) a listed notification, follow it.
    effect(() => {
      const list = this.list();
      clearTimeout(this.refreshTimer);
      if (list && needsFollowing(list.items, Date.now())) this.refreshTimer = setTimeout(() => this.load(), FOLLOW_MS);
    });
    inject(DestroyRef).onDestroy(() => clearTimeout(this.refreshTimer));
  }

  ngOnInit(): void {
    this.load();
    this.loadTemplates();
  }

  protected audienceHint(): string {
    if (this.form.audience === 'active') return `Signed in within the last ${NOTIFICATION_ACTIVE_DAYS} days. Suspended and banned accounts never receive notifications.`;
    if (this.form.audience === 'inactive') return `No sign-in for ${NOTIFICATION_ACTIVE_DAYS} days or more (or never).`;
    return 'Suspended and banned accounts never receive notifications.';
  }

  protected submitLabel(): string {
    return this.form.mode === 'draft' ? 'Save draft' : this.form.mode === 'schedule' ? 'Schedule' : 'Send now';
  }

  protected tone(status: NotificationStatus): Tone {
    return STATUS_TONE[status];
  }

  protected audience(n: AdminNotification): string {
    return describeAudience(n.audience);
  }

  protected channels(n: AdminNotification): string {
    return [n.channels.in_app ? 'in-app' : null, n.channels.email ? 'e-mail' : null].filter(Boolean).join(' + ');
  }

  protected applyTemplate(id: string): void {
    const t = this.templates().find((x) => x.id === id);
    if (t) {
      this.form.title = t.title;
      this.form.body = t.body;
    }
  }

  protected preview(): void {
    this.composeError.set(null);
    this.api.preview(audienceOf(this.form)).subscribe({
      next: (p) => {
        this.previewCount.set(p.recipients);
        if (p.unknown.length) this.composeError.set(`Not accounts: ${p.unknown.join(', ')}`);
      },
      error: (e: unknown) => this.composeError.set(apiProblem(e).message),
    });
  }

  protected submit(): void {
    if (this.busy()) return;
    const out = composeRequest(this.form);
    if ('problem' in out) {
      this.composeError.set(out.problem);
      return;
    }
    this.composeError.set(null);
    this.actions.run(true, this.api.create(out.request), {
      ok: (n) => (n.status === 'draft' ? 'Draft saved.' : n.scheduled_at && Date.parse(n.scheduled_at) > Date.now() + 5000 ? 'Notification scheduled.' : 'Notification is being sent.'),
      done: () => {
        this.form = emptyCompose();
        this.previewCount.set(null);
        this.go(1);
      },
      fail: (message) => this.composeError.set(message),
    });
  }

  protected go(page: number): void {
    this.page = page;
    this.load();
  }

  protected ask(action: PendingAction): void {
    this.pending.set(action);
  }

  protected runPending(): void {
    const p = this.pending();
    if (!p || this.busy()) return;
    const call = p.kind === 'cancel' ? this.api.cancel(p.id) : p.kind === 'delete' ? this.api.delete(p.id) : this.api.deleteTemplate(p.id);
    this.actions.run<unknown>(true, call, {
      ok: p.kind === 'cancel' ? 'Notification cancelled.' : 'Deleted.',
      settled: () => this.pending.set(null),
      done: () => {
        if (p.kind === 'delete-template') this.loadTemplates();
        else this.load();
      },
      fail: (message) => {
        this.toasts.error(message);
        this.load();
      },
    });
  }

  protected sendDraft(n: AdminNotification): void {
    this.api.send(n.id).subscribe({
      next: () => {
        this.toasts.success('Notification is being sent.');
        this.load();
      },
      error: (e: unknown) => this.toasts.error(apiProblem(e).message),
    });
  }

  protected showDeliveries(n: AdminNotification): void {
    this.deliveriesOf.set(n);
    this.api.deliveries(n.id).subscribe({
      next: (d) => this.deliveries.set(d),
      error: (e: unknown) => this.toasts.error(apiProblem(e).message),
    });
  }

  protected openTemplateEditor(t: NotificationTemplate | null, blank = false): void {
    this.templateError.set(null);
    this.templateEditor.set(t ? { id: t.id, name: t.name, title: t.title, body: t.body } : { id: null, name: '', title: blank ? '' : this.form.title, body: blank ? '' : this.form.body });
  }

  protected saveTemplate(): void {
    const t = this.templateEditor();
    if (!t || this.busy()) return;
    if (!t.name.trim() || !t.title.trim() || !t.body.trim()) {
      this.templateError.set('Name, title and message are required.');
      return;
    }
    this.actions.run(true, this.api.saveTemplate({ name: t.name.trim(), title: t.title.trim(), body: t.body.trim() }, t.id ?? undefined), {
      ok: 'Template saved.',
      done: () => {
        this.templateEditor.set(null);
        this.loadTemplates();
      },
      fail: (message) => this.templateError.set(message),
    });
  }

  protected load(): void {
    loadInto(this.api.list(this.statusFilter, this.page, PAGE_SIZE), { value: this.list, loading: this.loading, error: this.error });
  }

  private loadTemplates(): void {
    this.api.templates().subscribe({
      next: (l) => this.templates.set(l.items),
      error: (e: unknown) => this.error.set(apiProblem(e).message),
    });
  }
}

const FOLLOW_MS = 3000;

/** A listed notification is being sent, or is due within a minute. */
export function needsFollowing(items: readonly AdminNotification[], now: number): boolean {
  return items.some((n) => n.status === 'sending' || (n.status === 'scheduled' && n.scheduled_at !== null && Date.parse(n.scheduled_at) - now < 60_000));
}
