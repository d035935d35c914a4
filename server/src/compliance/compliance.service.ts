import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CHANNELS, type AccessClaims, type BlockView, type Channel, type ConsentReviewView, type ConsentScopeView, type EligibilityView, type OptOutChannel, type OptOutEntryView } from '../../../shared/src/index.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { LeadsService } from '../leads/leads.service.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { ContactPolicy } from './contact-policy.js';
import { OptOutsService } from './opt-outs.service.js';
import { ConsentRulesService } from './consent-rules.service.js';
import { ConsentReviewsService } from './consent-reviews.service.js';
import { confirmationText, helpReply, startReply } from './consent-replies.js';
import { classifyInboundText, type InboundVerdict, revocationChannelHint } from './revocation-classifier.js';

export interface AddressConsentView {
  address: string;
  optedOut: boolean;
  /** A review of a message that may be a revocation holds contact meanwhile. */
  held: boolean;
  channels: Record<Channel, boolean>;
  entries: OptOutEntryView[];
  /** Each channel that is stopped, by which entry, with its evidence. */
  reasons: Array<{ channel: Channel; entryId: string; source: string; origin: string | null; words: string | null; at: string; scope: OptOutEntryView['scope']; reach: OptOutEntryView['reach'] }>;
  reviews: ConsentReviewView[];
  consentScope: ConsentScopeView;
}

export interface InboundConsentResult {
  verdict: InboundVerdict;
  /** Ledger entries written (or found again, for a retried webhook). */
  entries: OptOutEntryView[];
  /** Whether this call wrote them (false: a retry found them). */
  created: boolean;
  /** The review opened for a message that may be a revocation. */
  review: ConsentReviewView | null;
  /** The answer to send in reply at once (START, HELP). */
  reply: string | null;
  /** The one confirmation text a revocation may get, to send within five minutes. */
  confirmation: { entryId: string; text: string } | null;
}

/** Use cases over the gate and the ledger that the API and inbound messages need. */
@Injectable()
export class ComplianceService {
  constructor(
    private readonly optOuts: OptOutsService,
    private readonly reviews: ConsentReviewsService,
    private readonly consent: ConsentRulesService,
    private readonly policy: ContactPolicy,
    private readonly leads: LeadsRepository,
    private readonly leadViews: LeadsService,
    private readonly clock: Clock,
  ) {}

  async eligibility(leadId: string, channel: Channel, atText: string | undefined, actor: AccessClaims): Promise<EligibilityView> {
    await this.leadViews.get(leadId, actor); // visibility: agents only for their own leads
    const record = await this.leads.findById(leadId);
    if (!record) throw DomainError.notFound('Lead');
    let at = this.clock.now();
    if (atText !== undefined) {
      at = new Date(atText);
      if (Number.isNaN(at.getTime())) throw DomainError.validation('at', 'is not an ISO 8601 date-time');
    }
    return this.policy.check(record, channel, at);
  }

  /**
   * Is this number or email opted out, and why: each channel with the entries that stop
   * it (source, words, channel, scope, time, what they reach now), the scope in force, and
   * any review holding contact. A revocation made from another address of the same person
   * counts when the scope in force reaches every channel.
   */
  async checkAddress(raw: string, channel?: Channel): Promise<AddressConsentView> {
    const { address } = await this.optOuts.parseAddress(raw);
    const leadIds = await this.optOuts.leadsOf(address);
    const records = await this.leads.findByIds(leadIds);
    const subjects = records.length
      ? records.map((r) => ({ address, leadId: r.lead.id, leadAddresses: [r.lead.email, ...r.phones.map((p) => p.e164)] }))
      : [{ address, leadId: null, leadAddresses: [] as Array<string | null> }];
    const channels = { call: false, sms: false, email: false } as Record<Channel, boolean>;
    const entries = new Map<string, OptOutEntryView>();
    const reasons: AddressConsentView['reasons'] = [];
    let consentScope: ConsentScopeView | null = null;
    for (const c of CHANNELS) {
      for (const subject of subjects) {
        const found = await this.optOuts.forbiddingFor(subject, c);
        consentScope = found.consentScope;
        for (const e of found.entries) {
          channels[c] = true;
          if (!entries.has(e.id)) entries.set(e.id, e);
          if (!reasons.some((r) => r.channel === c && r.entryId === e.id)) reasons.push({ channel: c, entryId: e.id, source: e.source, origin: e.origin, words: e.words, at: e.createdAt, scope: e.scope, reach: e.reach });
        }
      }
    }
    const reviews = await this.reviews.holding([address, ...subjects.flatMap((s) => s.leadAddresses)], channel);
    const optedOut = channel ? channels[channel] : Object.values(channels).some(Boolean);
    return { address, optedOut, held: reviews.length > 0, channels, entries: [...entries.values()], reasons, reviews, consentScope: consentScope! };
  }

  async checkBlocked(raw: string): Promise<{ address: string; blocked: boolean; blocks: BlockView[] }> {
    const { address, type } = await this.optOuts.parseAddress(raw);
    if (type !== 'phone') throw DomainError.validation('address', 'blocks apply to phone numbers');
    const blocks = await this.optOuts.blocksFor(address);
    return { address, blocked: blocks.length > 0, blocks };
  }

  /**
   * The consent part of an inbound text, on its own and first: STOP and its forms, and
   * free text that asks not to be contacted, write the person's revocation to the ledger;
   * a message that may be one opts out or opens a review (the floor's setting), and is
   * never ignored; START writes an opt-in for texts; HELP gets the help text. A retried
   * webhook (same carrier id, sender and words) finds what the first one wrote.
   */
  async inboundText(m: { from: string; to: string; body: string; sid: string | null; leadIds: string[] }): Promise<InboundConsentResult> {
    const verdict = classifyInboundText(m.body);
    const none: InboundConsentResult = { verdict, entries: [], created: false, review: null, reply: null, confirmation: null };
    if (verdict.kind === 'none') return none;
    const [{ address }, rules] = await Promise.all([this.optOuts.parseAddress(m.from, 'from'), this.consent.current()]);
    const ref = m.sid ? `sms:${m.sid}:${createHash('sha256').update(`${m.from}\n${m.to}\n${m.body}`).digest('hex').slice(0, 24)}` : null;
    const words = m.body.trim().slice(0, 500);
    if (verdict.kind === 'keyword' && verdict.keyword === 'help') return { ...none, reply: helpReply(rules.senderName) };
    if (verdict.kind === 'keyword' && verdict.keyword === 'start') {
      const { entry, created } = await this.optOuts.append({ address, action: 'opt-in', channel: 'sms', source: 'sms-keyword', origin: 'sms', words, actorId: null, sourceRef: ref, leadIds: m.leadIds, note: `keyword ${verdict.matched}` });
      return { ...none, entries: [entry], created, reply: startReply(rules.senderName) };
    }
    const hint = verdict.kind === 'keyword' ? null : revocationChannelHint(m.body);
    if (verdict.kind === 'unsure' && rules.unsure === 'review') {
      const { review, created } = await this.reviews.open({ address, leadId: m.leadIds[0] ?? null, conversationId: null, origin: 'sms', words, matched: `${verdict.matched}: ${verdict.why}`, channel: hint ?? 'all', sourceRef: ref });
      return { ...none, review, created };
    }
    // The channel it came by, and the one its words named when that is another.
    const channels: OptOutChannel[] = [...new Set<OptOutChannel>(['sms', ...(hint ? [hint] : [])])];
    const entries: OptOutEntryView[] = [];
    let created = false;
    for (const channel of channels) {
      const written = await this.optOuts.append({
        address,
        action: 'opt-out',
        channel,
        source: verdict.kind === 'keyword' ? 'sms-keyword' : 'sms-text',
        kind: 'revocation',
        origin: 'sms',
        words,
        actorId: null,
        sourceRef: ref && `${ref}:${channel}`,
        leadIds: m.leadIds,
        note: verdict.kind === 'keyword' ? `keyword ${verdict.matched}` : verdict.kind === 'unsure' ? `unsure (${verdict.matched}: ${verdict.why}); opted out as the floor's rules say` : `recognised: ${verdict.matched}`,
      });
      entries.push(written.entry);
      created ||= written.created;
    }
    const reaches = [...new Set(entries.flatMap((e) => e.reach.channels))];
    const confirmation = rules.confirmationText ? { entryId: entries[0].id, text: confirmationText(rules.senderName, reaches) } : null;
    return { ...none, entries, created, confirmation };
  }
}
