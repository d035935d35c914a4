import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import { ErrorCode } from '#shared';
import { DomainError } from '../../common/domain-error.js';
import { JsonLogger } from '../../common/json-logger.js';
import { AppConfig } from '../../config/app-config.js';
import { SchedulerService } from '../../scheduler/scheduler.service.js';
import { InboundEmailService } from './inbound-email.service.js';

/** Where the poller reads: `imaps://user:pass@host:port/INBOX`. */
export interface MailboxAddress {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
}

export function mailboxOf(url: string): MailboxAddress {
  const u = new URL(url);
  const secure = u.protocol === 'imaps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    mailbox: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX',
  };
}

/** How long one poll may hold the cluster lock: beyond it another instance may poll. */
const POLL_LOCK_MS = 5 * 60_000;
/** Messages taken in one poll; the rest wait for the next. */
const POLL_BATCH = 200;

/**
 * With IMAP_URL set, polls the mailbox every IMAP_POLL_SECONDS: each unseen message is
 * handed to the same intake as the inbound route and then marked seen (a message whose
 * intake failed stays unseen and is tried again next time). One instance polls at a time
 * (the scheduler's cluster lock). No fault of the mailbox ends the process: it is logged
 * and the next tick tries again. In tests nothing runs on its own: they call `poll()`.
 */
@Injectable()
export class ImapPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<unknown> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly intake: InboundEmailService,
    private readonly scheduler: SchedulerService,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.email.inbound.imapUrl || this.config.env === 'test') return;
    this.timer = setInterval(() => void this.tick(), this.config.email.inbound.pollSeconds * 1000);
    void this.tick();
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling?.catch(() => undefined);
  }

  /** What the timer runs: one poll, never overlapping the last, whose every fault is logged (the next tick tries again). Never throws. */
  async tick(): Promise<void> {
    if (this.polling) return;
    this.polling = this.poll().catch((e: Error) => this.logger.warn(`email.imap: poll failed, tried again next tick: ${e.message}`));
    try {
      await this.polling;
    } finally {
      this.polling = null;
    }
  }

  /** One poll under the cluster lock: how many messages were taken in, or null when another instance holds the lock or no mailbox is set. */
  async poll(): Promise<number | null> {
    const url = this.config.email.inbound.imapUrl;
    if (!url) return null;
    return this.scheduler.once('email.imap-poll', POLL_LOCK_MS, () => this.pollMailbox(mailboxOf(url)));
  }

  private async pollMailbox(box: MailboxAddress): Promise<number> {
    const client = new ImapFlow({
      host: box.host,
      port: box.port,
      secure: box.secure,
      auth: { user: box.user, pass: box.pass },
      logger: false,
      connectionTimeout: 30_000,
      greetingTimeout: 15_000,
      socketTimeout: 120_000,
    });
    // A dropped connection is reported as an event as well as a rejection: never left unhandled.
    client.on('error', (e: Error) => this.logger.warn(`email.imap: ${e.message}`));
    try {
      await client.connect();
    } catch (e) {
      client.close(); // its timers and socket go with it
      throw e;
    }
    let taken = 0;
    try {
      const lock = await client.getMailboxLock(box.mailbox);
      try {
        const uids = ((await client.search({ seen: false }, { uid: true })) || []).slice(0, POLL_BATCH);
        for (const uid of uids) {
          const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
          if (!msg || !msg.source) continue;
          try {
            await this.intake.take(msg.source);
          } catch (e) {
            // A message that can never be read is set aside (seen); anything else is tried again next time.
            const unreadable = e instanceof DomainError && e.code === ErrorCode.ValidationFailed;
            this.logger.warn(`email.imap: message ${uid} was not taken in${unreadable ? ', marked seen' : ', left unseen'}: ${(e as Error).message}`);
            if (!unreadable) continue;
          }
          await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
          taken++;
        }
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    return taken;
  }
}
