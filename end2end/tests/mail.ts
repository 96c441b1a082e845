// Reading what the real SMTP server (aiosmtpd, started by scripts/e2e-server) received.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Mail {
  to: string;
  body: string;
}

function parse(raw: string): Mail {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = raw.slice(0, split);
  let body = raw.slice(split).trim();
  if (/content-transfer-encoding:\s*base64/i.test(headers)) {
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  } else if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
    body = Buffer.from(bytes, 'latin1').toString('utf8');
  } else {
    body = Buffer.from(body, 'latin1').toString('utf8');
  }
  const to = /^To:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? '';
  return { to, body };
}

/** What the SMTP server kept in `maildir` (by default the shared e2e server's). */
export function mailbox(maildir = process.env.E2E_MAILDIR ?? '/tmp/kabinet-e2e-mail-3100'): Mail[] {
  const dir = join(maildir, 'new');
  return readdirSync(dir).map((f) => parse(readFileSync(join(dir, f), 'latin1')));
}

/** Waits for the `nth` (1-based) message to `to` whose body matches `pattern`. */
export async function waitForMail(
  to: string,
  pattern: RegExp,
  nth = 1,
  timeoutMs = 20_000,
  maildir?: string,
): Promise<Mail> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = mailbox(maildir).filter((m) => m.to.includes(to) && pattern.test(m.body));
    if (found.length >= nth) return found[nth - 1];
    if (Date.now() > until) throw new Error(`no mail #${nth} to ${to} matching ${pattern}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The verification code in a code e-mail. */
export function codeIn(mail: Mail): string {
  const m = /([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(mail.body);
  if (!m) throw new Error(`no code in: ${mail.body}`);
  return m[1];
}
