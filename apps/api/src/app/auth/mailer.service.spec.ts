import { AppConfig } from '@ddx/server-config';
import { Logger } from '@nestjs/common';

import { Mailer } from './mailer.service';

describe('Mailer without SMTP_URL', () => {
  const mail = { to: 'a@example.org', link: 'http://127.0.0.1:8080/reset-password?token=abc', expiresInMinutes: 30 };
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs the reset link at warn level outside production (what `npm start` shows)', async () => {
    await new Mailer({ NODE_ENV: 'development', MAIL_FROM: 'x <x@y.z>' } as AppConfig).sendPasswordReset(mail);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ to: mail.to, link: mail.link }), expect.stringContaining('password-reset link'));
    expect(error).not.toHaveBeenCalled();
  });

  it('never logs the link in production', async () => {
    await new Mailer({ NODE_ENV: 'production', MAIL_FROM: 'x <x@y.z>' } as AppConfig).sendPasswordReset(mail);
    expect(JSON.stringify([...warn.mock.calls, ...error.mock.calls])).not.toContain('token=abc');
    expect(error).toHaveBeenCalled();
  });

  it('logs the e-mail verification link at warn level outside production, never in production', async () => {
    const verification = { to: 'a@example.org', link: 'http://127.0.0.1:8080/verify-email?token=def', expiresInHours: 48 };
    await new Mailer({ NODE_ENV: 'development', MAIL_FROM: 'x <x@y.z>' } as AppConfig).sendEmailVerification(verification);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ to: verification.to, link: verification.link }), expect.stringContaining('e-mail verification link'));
    warn.mockClear();
    await new Mailer({ NODE_ENV: 'production', MAIL_FROM: 'x <x@y.z>' } as AppConfig).sendEmailVerification(verification);
    expect(JSON.stringify([...warn.mock.calls, ...error.mock.calls])).not.toContain('token=def');
  });
});
