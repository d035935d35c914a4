import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/domain-error.js';
import { DomainEvents } from '../../common/domain-events.js';
import { JsonLogger } from '../../common/json-logger.js';
import { Transactions } from '../../database/transactions.js';
import { LeadsRepository } from '../../leads/leads.repository.js';
import { EmailInboundRepository, type InboundEmail } from '../email-inbound.repository.js';
import { EmailMessagesRepository, type EmailMessage } from '../email-messages.repository.js';
import { parseInbound, type InboundMessage } from './parse-inbound.js';

/** What intake made of one message. */
export interface IntakeResult {
  id: string;
  kind: 'reply' | 'bounce' | 'delivery' | 'other';
  /** False when a message with this Message-ID was already stored (nothing was done again). */
  created: boolean;
  leadId: string | null;
  matchedEmailId: string | null;
}

/**
 * One intake for every inbound message, whichever way it came (the signed route, the
 * mailbox poller): stores it once per Message-ID, threads a reply to the email it answers
 * (In-Reply-To, then each References id, against our Message-IDs; failing that, the lead
 * by the From address), and reads a delivery report's permanent failure as a bounce.
 */
@Injectable()
export class InboundEmailService {
  constructor(
    private readonly inbound: EmailInboundRepository,
    private readonly messages: EmailMessagesRepository,
    private readonly leads: LeadsRepository,
    private readonly events: DomainEvents,
    private readonly tx: Transactions,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  /** Takes one raw message in. A message that cannot be read at all is a 400 naming `email`; a fault of the database is thrown as it is (try again). */
  async take(raw: Buffer): Promise<IntakeResult> {
    const m = await parseInbound(raw).catch((e: Error) => {
      throw DomainError.validation('email', `is not a readable MIME message (${e.message.slice(0, 200)})`);
    });
    const earlier = await this.inbound.findByMessageId(m.messageId);
    if (earlier) return resultOf(earlier, false);
    const now = this.clock.now();
    return m.report ? this.takeReport(m, now) : this.takeMessage(m, now);
  }

  private async takeMessage(m: InboundMessage, now: Date): Promise<IntakeResult> {
    // In-Reply-To names the message answered; References the thread, newest last.
    const matched = await this.messages.findFirstByMessageIds([...(m.inReplyTo ? [m.inReplyTo] : []), ...[...m.references].reverse()]);
    const leadId = matched?.leadId ?? (m.from ? ((await this.leads.findLeadIdsByEmail(m.from))[0] ?? null) : null);
    // An automatic answer (out of office) is kept with its thread, but the lead has not replied.
    const isReply = !!leadId && !m.automatic;
    const row = this.row(m, now, leadId, matched, isReply ? 'reply' : 'other');
    const created = await this.tx.run(async (em) => {
      if (!(await this.inbound.insertIfNew(row, em))) return false;
      if (matched && isReply) await this.messages.markReplied(matched.id, now, em);
      return true;
    });
    if (!created) return resultOf((await this.inbound.findByMessageId(m.messageId)) ?? row, false);
    if (isReply && leadId) {
      await this.leads.touchActivity(leadId, 'email-in', now, false);
      await this.events.emit('lead.replied', { leadId, channel: 'email', at: now, ref: { kind: 'email', id: row.id } });
    }
    this.logger.log(`email.inbound: ${row.kind} ${row.messageId}${matched ? ` answers ${matched.id}` : ''}`);
    return resultOf(row, true);
  }

  private async takeReport(m: InboundMessage, now: Date): Promise<IntakeResult> {
    const report = m.report!;
    const matched = (await this.messages.findFirstByMessageIds(report.originalIds)) ?? (report.envelopeId ? await this.messages.findById(report.envelopeId) : null);
    const address = matched?.toAddress.toLowerCase() ?? report.recipient;
    const leadId = matched?.leadId ?? (address ? ((await this.leads.findLeadIdsByEmail(address))[0] ?? null) : null);
    const row = this.row(m, now, leadId, matched, report.delivered ? 'delivery' : 'bounce');
    // A success notice for a cc'd colleague says nothing about the lead's mailbox.
    const forTheLead = !!matched && (!report.recipient || report.recipient === matched.toAddress.toLowerCase());
    const marked = await this.tx.run(async (em) => {
      if (!(await this.inbound.insertIfNew(row, em))) return null;
      if (report.delivered) {
        if (forTheLead) await this.messages.markDelivered(matched!.id, now, em);
        return false;
      }
      // A transient failure (4.x.x, delayed) is kept as a report and changes nothing.
      if (!matched || !report.permanent) return false;
      await this.messages.markBounced(matched.id, now, report.diagnostic, em);
      return true;
    });
    if (marked === null) return resultOf((await this.inbound.findByMessageId(m.messageId)) ?? row, false);
    if (marked && matched) {
      const leadIds = [...new Set([matched.leadId, ...(await this.leads.findLeadIdsByEmail(matched.toAddress))])].filter((id): id is string => id !== null);
      await this.events.emit('email.bounced', { emailId: matched.id, address: matched.toAddress.toLowerCase(), leadIds, at: now });
    }
    this.logger.log(`email.inbound: ${report.delivered ? 'delivered' : report.permanent ? 'permanent bounce' : 'transient bounce'} ${report.status ?? ''} for ${matched?.id ?? 'no email of ours'}`);
    return resultOf(row, true);
  }

  private row(m: InboundMessage, now: Date, leadId: string | null, matched: EmailMessage | null, kind: IntakeResult['kind']): InboundEmail {
    return {
      id: randomUUID(),
      leadId,
      fromAddress: m.from,
      toAddress: m.to,
      subject: m.subject,
      body: m.text,
      messageId: m.messageId,
      inReplyTo: m.inReplyTo,
      referencesHeader: m.references.length ? m.references.join(' ').slice(0, 20_000) : null,
      matchedEmailId: matched?.id ?? null,
      kind,
      receivedAt: now,
    };
  }
}

function resultOf(row: InboundEmail, created: boolean): IntakeResult {
  return { id: row.id, kind: row.kind as IntakeResult['kind'], created, leadId: row.leadId, matchedEmailId: row.matchedEmailId };
}
