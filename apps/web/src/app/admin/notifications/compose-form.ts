import { AudienceKind, CreateNotificationRequest, NotificationAudienceInput, Role } from '@ddx/contracts';

export type SendMode = 'now' | 'schedule' | 'draft';

/** What the compose form holds (strings as the inputs give them). */
export interface ComposeForm {
  templateId: string;
  title: string;
  body: string;
  audience: AudienceKind;
  role: Role;
  /** kind=users: e-mails and/or user ids, separated by commas, spaces or new lines. */
  recipients: string;
  inApp: boolean;
  email: boolean;
  mode: SendMode;
  /** `<input type="datetime-local">` value, in the browser's time zone. */
  scheduledLocal: string;
}

export function emptyCompose(): ComposeForm {
  return { templateId: '', title: '', body: '', audience: 'all', role: 'regular', recipients: '', inApp: true, email: false, mode: 'now', scheduledLocal: '' };
}

const USER_ID = /^[0-9a-fA-F]{24}$/;

export function audienceOf(form: ComposeForm): NotificationAudienceInput {
  switch (form.audience) {
    case 'role':
      return { kind: 'role', role: form.role };
    case 'users': {
      const tokens = form.recipients
        .split(/[\s,;]+/)
        .map((t) => t.trim())
        .filter(Boolean);
      const user_ids = tokens.filter((t) => USER_ID.test(t));
      const emails = tokens.filter((t) => !USER_ID.test(t));
      return { kind: 'users', ...(user_ids.length ? { user_ids } : {}), ...(emails.length ? { emails } : {}) };
    }
    default:
      return { kind: form.audience };
  }
}

/** The request the form stands for, or a message saying what is missing. */
export function composeRequest(form: ComposeForm): { request: CreateNotificationRequest } | { problem: string } {
  const title = form.title.trim();
  const body = form.body.trim();
  if (!form.templateId && (!title || !body)) return { problem: 'Write a title and a message, or pick a template.' };
  if (!form.inApp && !form.email) return { problem: 'Choose at least one channel.' };
  const audience = audienceOf(form);
  if (audience.kind === 'users' && !audience.user_ids && !audience.emails) return { problem: 'List at least one recipient.' };
  let scheduled_at: string | undefined;
  if (form.mode === 'schedule') {
    const at = new Date(form.scheduledLocal);
    if (!form.scheduledLocal || Number.isNaN(at.getTime())) return { problem: 'Choose when to send it.' };
    scheduled_at = at.toISOString();
  }
  return {
    request: {
      ...(title ? { title } : {}),
      ...(body ? { body } : {}),
      ...(form.templateId ? { template_id: form.templateId } : {}),
      audience,
      channels: { in_app: form.inApp, email: form.email },
      ...(scheduled_at ? { scheduled_at } : {}),
      draft: form.mode === 'draft',
    },
  };
}

export function describeAudience(a: { kind: AudienceKind; user_ids: string[]; role: Role | null }): string {
  switch (a.kind) {
    case 'all':
      return 'All users';
    case 'active':
      return 'Active users';
    case 'inactive':
      return 'Inactive users';
    case 'role':
      return `Role: ${a.role}`;
    case 'users':
      return `${a.user_ids.length} selected ${a.user_ids.length === 1 ? 'user' : 'users'}`;
  }
}
