import { freePort } from '@ddx/local-services';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Mailbox {
  port: number;
  url: string;
  messages: ParsedMail[];
  /** Every recipient address of a message. */
  recipients(mail: ParsedMail): string[];
  /** Waits for (and takes) the next message to `address`. */
  next(address: string, timeoutMs?: number): Promise<ParsedMail>;
  /** Messages received so far for `address` (not taken). */
  to(address: string): ParsedMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server on a free port that keeps every message it receives
 * (the notifications' e-mail catcher). Recipients for which `reject` says
 * true are refused at RCPT TO with a 550, as a real server refuses an
 * unknown mailbox.
 */
export async function startMailbox(options: { reject?: (address: string) => boolean } = {}): Promise<Mailbox> {
  const messages: ParsedMail[] = [];
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, done) {
      if (options.reject?.(address.address)) {
        const err = new Error(`mailbox ${address.address} unavailable`) as Error & { responseCode: number };
        err.responseCode = 550;
        done(err);
        return;
      }
      done();
    },
    onData(stream, _session, done) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          waiters.splice(0).forEach((w) => w());
          done();
        })
        .catch(done);
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const recipients = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
  const to = (address: string) => messages.filter((m) => recipients(m).includes(address.toLowerCase()));
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    recipients,
    to,
    async next(address: string, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = to(address)[0];
        if (found) {
          messages.splice(messages.indexOf(found), 1);
          return found;
        }
        if (Date.now() > deadline) throw new Error(`no mail for ${address}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 250);
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
