import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import { ErrorCode } from '#shared';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/domain-error.js';
import { JsonLogger } from '../../common/json-logger.js';
import { AppConfig } from '../../config/app-config.js';
import { SchedulerService } from '../../scheduler/scheduler.service.js';
import { MailboxCursorsRepository } from '../mailbox-cursors.repository.js';
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
/** A poll stops taking new pages after this long, well inside its lock; the next poll goes on from its place. */
const POLL_BUDGET_MS = 2 * 60_000;

/** The key of a mailbox's place: who reads it, where, and which folder. */
export function mailboxKey(box: MailboxAddress): string {
  return `${box.user}@${box.host}:${box.port}/${box.mailbox}`.slice(0, 300);
}

/**
 * With IMAP_URL set, polls the mailbox every IMAP_POLL_SECONDS. A poll drains it: every
 * message whose UID is above the last one taken in (kept in the database with the
 * mailbox's UIDVALIDITY, so a restart goes on from there) is fetched, IMAP_PAGE_SIZE at a
 * time in UID order, handed to the same intake as the inbound route, and marked seen; the
 * place moves after each page. A message whose intake failed (a database fault) stops the
 * poll there, the place kept just below it, so the next poll tries it again and nothing
 * after it is skipped; one that cannot be read at all is set aside (seen) and passed. A new
 * UIDVALIDITY starts the mailbox again from the beginning (intake stores each Message-ID
 * once, so nothing is taken twice). One instance polls at a time (the scheduler's cluster
 * lock). No fault of the mailbox ends the process: it is logged and the next tick tries
 * again. In tests nothing runs on its own: they call `poll()`.
 */
@Injectable()
export class ImapPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<unknown> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly intake: InboundEmailService,
    private readonly scheduler: SchedulerService,
    private readonly cursors: MailboxCursorsRepository,
    private readonly clock: Clock,
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
    try {
      const lock = await client.getMailboxLock(box.mailbox);
      try {
        return await this.drain(client, box);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  /** Takes in every message past the kept place, a page at a time; says how many were taken. */
  private async drain(client: ImapFlow, box: MailboxAddress): Promise<number> {
    const key = mailboxKey(box);
    const uidValidity = String((client.mailbox && client.mailbox.uidValidity) ?? '0');
    const kept = await this.cursors.get(key);
    let last: number;
    if (kept && kept.uidValidity === uidValidity) last = kept.lastUid;
    else if (kept) {
      this.logger.warn(`email.imap: ${key} has a new UIDVALIDITY (${kept.uidValidity} → ${uidValidity}): read again from the start`);
      last = 0;
    } else last = await this.firstPlace(client);
    const pageSize = this.config.email.inbound.pageSize;
    const started = this.clock.now().getTime();
    let taken = 0;
    while (this.clock.now().getTime() - started < POLL_BUDGET_MS) {
      // `n:*` always names the highest UID, even one below n: only those above the place count.
      const uids = ((await client.search({ uid: `${last + 1}:*` }, { uid: true })) || []).filter((u) => u > last).sort((a, b) => a - b);
      if (!uids.length) break;
      const page = uids.slice(0, pageSize);
      // The page is read whole before anything else is asked of the server (no command may run inside a fetch).
      const sources = new Map<number, Buffer>();
      for await (const msg of client.fetch(page.join(','), { uid: true, source: true }, { uid: true })) if (msg.source) sources.set(msg.uid, msg.source);
      const done: number[] = [];
      let stopped = false;
      for (const uid of page) {
        const source = sources.get(uid);
        // Gone between the search and the fetch (expunged): nothing to take.
        if (source) {
          try {
            await this.intake.take(source);
            taken++;
          } catch (e) {
            // A message that can never be read is set aside (seen); anything else stops here, to be tried again next time.
            const unreadable = e instanceof DomainError && e.code === ErrorCode.ValidationFailed;
            this.logger.warn(`email.imap: message ${uid} was not taken in${unreadable ? ', set aside' : ', tried again next poll'}: ${(e as Error).message}`);
            if (!unreadable) {
              stopped = true;
              break;
            }
          }
        }
        done.push(uid);
      }
      if (done.length) {
        await client.messageFlagsAdd(done.join(','), ['\\Seen'], { uid: true });
        last = done[done.length - 1];
        await this.cursors.save(key, { uidValidity, lastUid: last }, this.clock.now());
      }
      if (stopped || page.length === uids.length) break;
    }
    return taken;
  }

  /**
   * A mailbox never polled with a kept place (a new mailbox, or one the seen-flag poller
   * read before): it starts below its first unseen message, what that poller would have
   * taken next; with none unseen, after its last message.
   */
  private async firstPlace(client: ImapFlow): Promise<number> {
    const unseen = (await client.search({ seen: false }, { uid: true })) || [];
    if (unseen.length) return unseen.reduce((a, b) => Math.min(a, b)) - 1;
    const all = (await client.search({ all: true }, { uid: true })) || [];
    return all.reduce((a, b) => Math.max(a, b), 0);
  }
}
