import { Injectable } from '@nestjs/common';
import type { EmailMessageView, EmailStatus } from '#shared';
import { Clock } from '../common/clock.js';
import { orderedId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { type EmailMessage, EmailMessagesRepository } from './email-messages.repository.js';
import { EmailTracking } from './email-tracking.js';
import { type MailAttachment, Mailer, MailError } from './mailer.js';
import { UnsubscribeLinks } from './unsubscribe-links.js';

/** Where a template's unsubscribe link goes: rendered as this, then replaced with the signed link at send time. */
export const UNSUBSCRIBE_PLACEHOLDER = '{{unsubscribe_url}}';

/** The thread an email continues: the Message-ID it answers, the References it carries, and the thread's first Message-ID. */
export interface EmailThread {
  inReplyTo: string;
  references: string;
  threadId: string;
}

/** One email ready to go: addresses, the rendered subject and body, and what it belongs to. */
export interface EmailToSend {
  leadId: string;
  to: string;
  from: string;
  cc: string[];
  bcc: string[];
  replyTo: string | null;
  subject: string;
  /** Rendered; `{{unsubscribe_url}}` where the link goes (else the link is added at the end). */
  body: string;
  html: boolean;
  /** The schedule the email comes from (its unsubscribe link names it), or null. */
  scheduleId: string | null;
  /** This server's public base URL, for the unsubscribe and tracking links. */
  baseUrl: string;
  /** One per send attempt: a second send under the same key is refused before anything is written. */
  idempotencyKey: string;
  participantActionId: string | null;
  /** The agent sending it; null for an automatic step. */
  sentBy: string | null;
  thread: EmailThread | null;
}

/** An email to one of our users (a scheduled report): no lead, no unsubscribe link, no tracking. */
export interface UserEmailToSend {
  to: string;
  subject: string;
  text: string;
  attachments: MailAttachment[];
  /** As for a lead's email: a second send under the same key is refused before anything is written. */
  idempotencyKey: string;
}

export type SendOutcome =
  | { kind: 'sent'; message: EmailMessage }
  | { kind: 'bounced' | 'failed'; message: EmailMessage; detail: string }
  /** The key was already taken: nothing was sent now. */
  | { kind: 'duplicate' };

/** `Re: subject`, not doubled. */
export function replySubject(subject: string): string {
  return /^\s*re\s*:/i.test(subject) ? subject : `Re: ${subject}`;
}

/** The References header after this message: the earlier one's, then its own id. */
export function threadAfter(previous: Pick<EmailMessage, 'messageId' | 'referencesHeader' | 'threadId'> & { messageId: string }): EmailThread {
  const refs = [...(previous.referencesHeader ?? '').split(/\s+/).filter(Boolean), previous.messageId];
  return { inReplyTo: previous.messageId, references: [...new Set(refs)].join(' '), threadId: previous.threadId ?? previous.messageId };
}

export function toEmailView(m: EmailMessage): EmailMessageView {
  const list = (v: string | null): string[] => {
    try {
      const parsed = v ? (JSON.parse(v) as unknown) : [];
      return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
      return [];
    }
  };
  return {
    id: m.id,
    leadId: m.leadId,
    subject: m.subject,
    to: m.toAddress,
    cc: list(m.cc),
    bcc: list(m.bcc),
    from: m.fromAddress,
    replyTo: m.replyTo,
    status: m.status as EmailStatus,
    error: m.error,
    messageId: m.messageId,
    inReplyTo: m.inReplyTo,
    threadId: m.threadId,
    createdAt: m.createdAt.toISOString(),
    sentAt: m.sentAt?.toISOString() ?? null,
    deliveredAt: m.deliveredAt?.toISOString() ?? null,
    openedAt: m.openedAt?.toISOString() ?? null,
    clickedAt: m.clickedAt?.toISOString() ?? null,
    repliedAt: m.repliedAt?.toISOString() ?? null,
    bouncedAt: m.bouncedAt?.toISOString() ?? null,
    participantActionId: m.participantActionId,
    sentBy: m.sentBy,
  };
}

/**
 * The one path every email takes out (a schedule's automatic step and an agent's manual
 * one): the signed unsubscribe link in the body and in the one-click List-Unsubscribe
 * headers, open and click tracking for HTML, the row written before the send under its
 * idempotency key (so a repeated send never goes twice), then the Mailer, and the row
 * and the lead's activity updated with what became of it. The compliance gate is the
 * caller's: it decides what a refusal means for its step.
 */
@Injectable()
export class EmailSender {
  constructor(
    private readonly messages: EmailMessagesRepository,
    private readonly mailer: Mailer,
    private readonly links: UnsubscribeLinks,
    private readonly tracking: EmailTracking,
    private readonly leads: LeadsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Sends an email to one of our users (a report they subscribed to) the same way out: the
   * row written first under its key (a taken key: nothing sent), the Mailer, then the row's
   * status. It belongs to no lead, so it carries no unsubscribe link (the user leaves the
   * subscription instead) and no tracking, and touches no lead's activity.
   */
  async sendToUser(e: UserEmailToSend): Promise<SendOutcome> {
    const id = orderedId();
    const from = this.config.email.from;
    const messageId = `<${id}@${this.domain()}>`;
    const row: EmailMessage = {
      id,
      leadId: null,
      toAddress: e.to,
      fromAddress: from,
      cc: '[]',
      bcc: '[]',
      replyTo: null,
      sentBy: null,
      inReplyTo: null,
      referencesHeader: null,
      threadId: messageId,
      subject: e.subject.replace(/[\r\n]+/g, ' ').trim().slice(0, 300),
      body: e.text,
      status: 'sending',
      messageId: null,
      idempotencyKey: e.idempotencyKey,
      error: null,
      participantActionId: null,
      createdAt: this.clock.now(),
      sentAt: null,
      openedAt: null,
      clickedAt: null,
    };
    if (!(await this.messages.insertOnce(row))) return { kind: 'duplicate' };
    try {
      const sent = await this.mailer.send({ from, to: e.to, subject: row.subject, text: e.text, messageId, envelopeId: id, attachments: e.attachments });
      const refused = sent.rejected.find((r) => r.address.toLowerCase() === e.to.toLowerCase());
      if (refused) throw new MailError(refused.reason, refused.permanent, null);
      const at = this.clock.now();
      await this.messages.update(row.id, { status: 'sent', messageId: sent.messageId, sentAt: at });
      return { kind: 'sent', message: { ...row, status: 'sent', messageId: sent.messageId, sentAt: at } };
    } catch (err) {
      const status = err instanceof MailError && err.permanent ? 'bounced' : 'failed';
      const error = (err as Error).message.slice(0, 1000);
      await this.messages.update(row.id, { status, error });
      return { kind: status, message: { ...row, status, error }, detail: (err as Error).message };
    }
  }

  private domain(): string {
    return (this.config.email.from.match(/@([^>\s]+)/)?.[1] ?? 'switchboard.local').toLowerCase();
  }

  async send(e: EmailToSend): Promise<SendOutcome> {
    const unsubscribe = this.links.url({ email: e.to, scheduleId: e.scheduleId }, e.baseUrl);
    let body = e.body;
    // Every email can be unsubscribed from, whether or not its text says where.
    if (body.includes(UNSUBSCRIBE_PLACEHOLDER)) body = body.split(UNSUBSCRIBE_PLACEHOLDER).join(unsubscribe);
    else body += e.html ? `<p><a href="${unsubscribe}">Unsubscribe</a></p>` : `\n\nUnsubscribe: ${unsubscribe}`;
    // Ordered, so a lead's emails written in the same instant list in the order they went.
    const id = orderedId();
    // An HTML email reports its opens and clicks (a plain-text one cannot carry a pixel).
    if (e.html) body = this.tracking.instrument(body, id, e.baseUrl);
    const messageId = `<${id}@${this.domain()}>`;
    const row: EmailMessage = {
      id,
      leadId: e.leadId,
      toAddress: e.to,
      fromAddress: e.from,
      cc: JSON.stringify(e.cc),
      bcc: JSON.stringify(e.bcc),
      replyTo: e.replyTo,
      sentBy: e.sentBy,
      inReplyTo: e.thread?.inReplyTo ?? null,
      referencesHeader: e.thread?.references ?? null,
      threadId: e.thread?.threadId ?? messageId,
      subject: e.subject.replace(/[\r\n]+/g, ' ').trim().slice(0, 300),
      body,
      status: 'sending',
      messageId: null,
      idempotencyKey: e.idempotencyKey,
      error: null,
      participantActionId: e.participantActionId,
      createdAt: this.clock.now(),
      sentAt: null,
      openedAt: null,
      clickedAt: null,
    };
    if (!(await this.messages.insertOnce(row))) return { kind: 'duplicate' };
    try {
      const sent = await this.mailer.send({
        from: row.fromAddress,
        to: e.to,
        replyTo: e.replyTo,
        cc: e.cc,
        bcc: e.bcc,
        subject: row.subject,
        text: e.html ? body.replace(/<[^>]+>/g, '') : body,
        html: e.html ? body : null,
        headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        messageId,
        envelopeId: id,
        inReplyTo: row.inReplyTo,
        references: row.referencesHeader,
      });
      // Taken for the cc'd but refused for the lead: the lead's address bounced all the same.
      const refused = sent.rejected.find((r) => r.address.toLowerCase() === e.to.toLowerCase());
      if (refused) {
        const status = refused.permanent ? 'bounced' : 'failed';
        await this.messages.update(row.id, { status, messageId: sent.messageId, error: refused.reason.slice(0, 1000) });
        return { kind: status, message: { ...row, status, messageId: sent.messageId, error: refused.reason.slice(0, 1000) }, detail: refused.reason };
      }
      const at = this.clock.now();
      await this.messages.update(row.id, { status: 'sent', messageId: sent.messageId, sentAt: at });
      await this.leads.touchActivity(e.leadId, 'email-out', at, true);
      return { kind: 'sent', message: { ...row, status: 'sent', messageId: sent.messageId, sentAt: at } };
    } catch (err) {
      const permanent = err instanceof MailError && err.permanent;
      const status = permanent ? 'bounced' : 'failed';
      const error = (err as Error).message.slice(0, 1000);
      await this.messages.update(row.id, { status, error });
      return { kind: status, message: { ...row, status, error }, detail: (err as Error).message };
    }
  }
}
