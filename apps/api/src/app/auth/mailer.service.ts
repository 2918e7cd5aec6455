import { AppConfig } from '@ddx/server-config';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';

export interface PasswordResetMail {
  to: string;
  link: string;
  expiresInMinutes: number;
}

export interface EmailVerificationMail {
  to: string;
  link: string;
  expiresInHours: number;
}

export interface RegistrationAttemptMail {
  to: string;
  signInLink: string;
  resetLink: string;
}

/**
 * Sends the product's e-mails through SMTP_URL. Without SMTP_URL outside
 * production (`npm start`, tests), the mail is not sent: its link is
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
      this.logger.warn('SMTP_URL is not set: password-reset and verification e-mails cannot be sent');
    }
  }

  async sendPasswordReset(mail: PasswordResetMail): Promise<void> {
    await this.send(mail.to, 'password-reset', {
      subject: 'Reset your DirectDriveX password',
      text: [
        'Someone (hopefully you) asked to reset the password of your DirectDriveX account.',
        '',
        `Open this link to choose a new password (valid for ${mail.expiresInMinutes} minutes, usable once):`,
        mail.link,
        '',
        'If you did not ask for this, ignore this e-mail: your password stays the same.',
      ].join('\n'),
      html: `<p>Someone (hopefully you) asked to reset the password of your DirectDriveX account.</p>
<p><a href="${escapeHtml(mail.link)}">Choose a new password</a> (valid for ${mail.expiresInMinutes} minutes, usable once).</p>
<p>If you did not ask for this, ignore this e-mail: your password stays the same.</p>`,
      link: mail.link,
    });
  }

  async sendEmailVerification(mail: EmailVerificationMail): Promise<void> {
    await this.send(mail.to, 'e-mail verification', {
      subject: 'Confirm your e-mail address for DirectDriveX',
      text: [
        'Welcome to DirectDriveX. Please confirm that this address is yours:',
        '',
        `${mail.link}`,
        '',
        `The link is valid for ${mail.expiresInHours} hours and can be used once.`,
        'If you did not create an account, ignore this e-mail.',
      ].join('\n'),
      html: `<p>Welcome to DirectDriveX. Please <a href="${escapeHtml(mail.link)}">confirm that this address is yours</a>.</p>
<p>The link is valid for ${mail.expiresInHours} hours and can be used once. If you did not create an account, ignore this e-mail.</p>`,
      link: mail.link,
    });
  }

  /** Sent instead of a second account: the owner learns of the attempt, the person registering learns nothing. */
  async sendRegistrationAttempt(mail: RegistrationAttemptMail): Promise<void> {
    await this.send(mail.to, 'registration-attempt notice', {
      subject: 'Someone tried to register with your e-mail address',
      text: [
        'Someone (maybe you) tried to create a DirectDriveX account with this e-mail address, which already has one.',
        '',
        `To sign in, go to ${mail.signInLink}`,
        `Forgot your password? ${mail.resetLink}`,
        '',
        'If this was not you, you can ignore this e-mail: nothing has changed.',
      ].join('\n'),
      html: `<p>Someone (maybe you) tried to create a DirectDriveX account with this e-mail address, which already has one.</p>
<p><a href="${escapeHtml(mail.signInLink)}">Sign in</a> · <a href="${escapeHtml(mail.resetLink)}">Forgot your password?</a></p>
<p>If this was not you, you can ignore this e-mail: nothing has changed.</p>`,
      link: null,
    });
  }

  private async send(to: string, kind: string, mail: { subject: string; text: string; html: string; link: string | null }): Promise<void> {
    if (!this.transport) {
      if (this.config.NODE_ENV === 'production') {
        this.logger.error(`${kind} e-mail requested but SMTP_URL is not set; no e-mail sent`);
      } else {
        this.logger.warn({ to, link: mail.link }, `SMTP_URL is not set: ${kind} link (development only, not e-mailed)`);
      }
      return;
    }
    await this.transport.sendMail({ to, subject: mail.subject, text: mail.text, html: mail.html });
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
