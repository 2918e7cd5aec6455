import { AppConfig } from '@ddx/server-config';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';

export interface NotificationMail {
  to: string;
  title: string;
  body: string;
}

/**
 * Sends notification e-mails through SMTP_URL (a pooled connection, so a
 * fan-out does not open one connection per recipient). Title and body are
 * plain text: the HTML part escapes them.
 */
@Injectable()
export class NotificationMailer implements OnModuleDestroy {
  private readonly logger = new Logger(NotificationMailer.name);
  private readonly transport?: Transporter;

  constructor(private readonly config: AppConfig) {
    if (config.SMTP_URL) {
      const url = new URL(config.SMTP_URL);
      if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
      this.transport = createTransport(url.toString(), { from: config.MAIL_FROM });
    }
  }

  get configured(): boolean {
    return !!this.transport;
  }

  async send(mail: NotificationMail): Promise<void> {
    if (!this.transport) throw new Error('E-mail is not configured on the server (SMTP_URL is unset).');
    const footer = `You receive this because you have a DirectDriveX account at ${this.config.PUBLIC_BASE_URL}.`;
    const text = `${mail.body}\n\n--\n${footer}`;
    const html = `<div style="white-space:pre-wrap">${escapeHtml(mail.body)}</div><hr><p style="color:#666;font-size:12px">${escapeHtml(footer)}</p>`;
    await this.transport.sendMail({ to: mail.to, subject: oneLine(mail.title), text, html });
  }

  onModuleDestroy(): void {
    this.transport?.close();
    this.logger.debug('notification mailer closed');
  }
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A subject is one line: a title cannot inject headers. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}
