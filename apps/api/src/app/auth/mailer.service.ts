import { AppConfig } from '@ddx/server-config';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';

export interface PasswordResetMail {
  to: string;
  link: string;
  expiresInMinutes: number;
}

/**
 * Sends the product's e-mails through SMTP_URL. Without SMTP_URL outside
 * production (`npm start`, tests), the mail is not sent: the reset link is
 * logged at warn level so a developer can follow it. In production without
 * SMTP_URL nothing is logged but an error (a reset link in logs is a
 * credential).
 */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private readonly logger = new Logger('Mailer');
  private readonly transport?: Transporter;

  constructor(private readonly config: AppConfig) {
    if (config.SMTP_URL) {
      this.transport = createTransport(config.SMTP_URL, { from: config.MAIL_FROM });
    } else if (config.NODE_ENV === 'production') {
      this.logger.warn('SMTP_URL is not set: password-reset e-mails cannot be sent');
    }
  }

  async sendPasswordReset(mail: PasswordResetMail): Promise<void> {
    const subject = 'Reset your DirectDriveX password';
    const text = [
      'Someone (hopefully you) asked to reset the password of your DirectDriveX account.',
      '',
      `Open this link to choose a new password (valid for ${mail.expiresInMinutes} minutes, usable once):`,
      mail.link,
      '',
      'If you did not ask for this, ignore this e-mail: your password stays the same.',
    ].join('\n');
    const html = `<p>Someone (hopefully you) asked to reset the password of your DirectDriveX account.</p>
<p><a href="${escapeHtml(mail.link)}">Choose a new password</a> (valid for ${mail.expiresInMinutes} minutes, usable once).</p>
<p>If you did not ask for this, ignore this e-mail: your password stays the same.</p>`;

    if (!this.transport) {
      if (this.config.NODE_ENV === 'production') {
        this.logger.error('password reset requested but SMTP_URL is not set; no e-mail sent');
      } else {
        this.logger.warn({ to: mail.to, link: mail.link }, 'SMTP_URL is not set: password-reset link (development only, not e-mailed)');
      }
      return;
    }
    await this.transport.sendMail({ to: mail.to, subject, text, html });
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
