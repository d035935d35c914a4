import { Injectable } from '@nestjs/common';
import { EMAIL_WENT_OUT, type EmailStatus } from '#shared';
import { OptOutsService } from '../compliance/opt-outs.service.js';
import type { LeadRecord } from '../leads/leads.repository.js';
import { ConversationsRepository } from '../telephony/conversations/conversations.repository.js';
import type { LeadFacts } from './criteria.js';
import { EmailMessagesRepository } from '../email/email-messages.repository.js';

/**
 * What criteria and exit rules can ask about a lead: its fields, and its activity since
 * it entered the schedule (calls, texts, emails, replies, opt-outs).
 */
@Injectable()
export class LeadFactsService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly optOuts: OptOutsService,
    private readonly emails: EmailMessagesRepository,
  ) {}

  async build(record: LeadRecord, since: Date, scope?: { type: 'schedule'; id: string }): Promise<LeadFacts> {
    const l = record.lead;
    const phones = record.phones.map((p) => p.e164);
    // Independent reads, side by side; the ledger once for every address of the lead.
    const [conversations, emails, undeliverable, covered] = await Promise.all([
      this.conversations.forLeadSince(l.id, since),
      this.emails.outcomesSince(l.id, since),
      // An address that bounced once cannot receive, whichever schedule sent to it.
      l.email ? this.emails.undeliverable(l.email) : Promise.resolve(false),
      this.optOuts.coveredChannels(l.email ? [...phones, l.email] : phones, ['call', 'sms', 'email'], scope, l.id),
    ]);
    const calls = conversations.filter((c) => c.channel === 'call' && c.direction === 'outbound');
    const lastCall = calls.at(-1) ?? null;
    const lastDisposed = [...conversations].reverse().find((c) => c.disposition) ?? null;
    const optedOut = covered.has('call') || covered.has('sms');
    const unsubscribed = covered.has('email');
    return {
      ...fieldFacts(record),
      activity: {
        replied: conversations.some((c) => c.direction === 'inbound' && c.channel === 'sms') || emails.some((e) => !!e.repliedAt),
        callsMade: calls.length,
        callsAnswered: calls.filter((c) => c.status === 'completed' && (c.durationSeconds ?? 0) > 0).length,
        smsSent: conversations.filter((c) => c.channel === 'sms' && c.direction === 'outbound' && !['failed', 'initiating'].includes(c.status)).length,
        emailsSent: emails.filter((e) => e.status === 'bounced' || EMAIL_WENT_OUT.includes(e.status as EmailStatus)).length,
        lastCallStatus: lastCall?.status ?? null,
        lastDisposition: lastDisposed?.disposition ?? null,
        emailBounced: undeliverable || emails.some((e) => e.status === 'bounced'),
        emailOpened: emails.some((e) => e.openedAt !== null),
        emailClicked: emails.some((e) => e.clickedAt !== null),
        unsubscribed,
        optedOut,
      },
    };
  }
}

/** What a lead's own fields say (no activity): entry conditions of an audience ask only this. */
export function fieldFacts(record: LeadRecord): Pick<LeadFacts, 'lead' | 'custom'> {
  const l = record.lead;
  return {
    lead: {
      status: l.status,
      firstName: l.firstName,
      lastName: l.lastName,
      company: l.company,
      email: l.email,
      phone: l.phone,
      timezone: l.timezone,
      region: l.region,
      ownerId: l.ownerId,
      tags: record.tags,
      lastContactedAt: l.lastContactedAt,
      lastContactedMode: l.lastContactedMode,
      lastActivityAt: l.lastActivityAt,
      lastActivityType: l.lastActivityType,
      instantDial: l.instantDial,
      createdAt: l.createdAt,
    },
    custom: JSON.parse(l.customFields || '{}') as LeadFacts['custom'],
  };
}

/** Activity as it is for a lead that has done nothing yet. */
export const NO_ACTIVITY: LeadFacts['activity'] = {
  replied: false,
  callsMade: 0,
  callsAnswered: 0,
  smsSent: 0,
  emailsSent: 0,
  lastCallStatus: null,
  lastDisposition: null,
  emailBounced: false,
  emailOpened: false,
  emailClicked: false,
  unsubscribed: false,
  optedOut: false,
};
