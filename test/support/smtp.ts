import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  from: string;
  to: string[];
  /** The whole message as received (headers and body, undecoded). */
  raw: string;
  /** The delivery notifications asked for (RFC 3461): ENVID and RET of the envelope, NOTIFY of each recipient. */
  dsn: { envid: string | null; ret: string | null; notify: Record<string, string[]> };
}

/**
 * A real SMTP peer on loopback that keeps what it is sent. `refuse` may turn a recipient
 * down with a 550, as a receiving server does for a mailbox that does not exist (or with
 * the reply code it returns, e.g. 451 for a temporary refusal).
 */
export async function startSmtpCapture(refuse: (address: string) => boolean | number = () => false): Promise<{ port: number; inbox: CapturedMail[]; close(): Promise<void> }> {
  const inbox: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    hideDSN: false,
    logger: false,
    onRcptTo(address, _session, cb) {
      const refused = refuse(address.address);
      if (refused === true || refused === 550) return cb(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
      if (typeof refused === 'number') return cb(Object.assign(new Error(`${refused} try again later`), { responseCode: refused }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const envelope = session.envelope as typeof session.envelope & { dsn?: { envid?: string; ret?: string } };
        const notify = Object.fromEntries(session.envelope.rcptTo.map((r) => [r.address, ((r as { dsn?: { notify?: string[] } }).dsn?.notify ?? []).map((n) => n.toUpperCase())]));
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          dsn: { envid: envelope.dsn?.envid ?? null, ret: envelope.dsn?.ret ?? null, notify },
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, inbox, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Quoted-printable soft line breaks and escapes undone (links and text can then be read back). */
export function unQuotedPrintable(s: string): string {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}
