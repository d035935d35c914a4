import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CHANNELS, type AccessClaims, type BlockView, type Channel, type ConsentReviewView, type ConsentScopeView, type EligibilityView, type OptOutChannel, type OptOutEntryView } from '#shared';
import { DateTime } from 'luxon';
import { Clock } from '../common/clock.js';
import { SettingsService } from '../settings/settings.service.js';
import { DomainError } from '../common/domain-error.js';
import { ConsentAudit } from './consent-audit.js';
import { ContactPolicy } from './contact-policy.js';
import { LeadDirectory } from './lead-directory.js';
import { OptOutsService } from './opt-outs.service.js';
import { ConsentRulesService } from './consent-rules.service.js';
import { ConsentReviewsService } from './consent-reviews.service.js';
import { confirmationText, helpReply, startReply } from './consent-replies.js';
import { classifyInboundText, type InboundVerdict } from './revocation-classifier.js';

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
    private readonly leads: LeadDirectory,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
    private readonly audit: ConsentAudit,
  ) {}

  async eligibility(leadId: string, channel: Channel, atText: string | undefined, actor: AccessClaims): Promise<EligibilityView> {
    await this.leads.assertReadable(leadId, actor); // visibility: agents only for their own leads
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

  /** The email addresses of these leads, for a text that names email. */
  private async leadEmails(leadIds: string[]): Promise<string[]> {
    if (!leadIds.length) return [];
    const records = await this.leads.findByIds(leadIds);
    return [...new Set(records.map((r) => r.lead.email).filter((e): e is string => !!e))];
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
    const named = verdict.channels;
    if (verdict.kind === 'unsure' && rules.unsure === 'review') {
      const channel: OptOutChannel = named.length === 1 ? named[0] : 'all';
      const { review, created } = await this.reviews.open({ address, leadId: m.leadIds[0] ?? null, conversationId: null, origin: 'sms', words, matched: `${verdict.matched}: ${verdict.why}`, channel, sourceRef: ref });
      return { ...none, review, created };
    }
    // The channel it came by, and those its words named: the number's calls and texts, the person's email.
    const phoneChannels = [...new Set<'sms' | 'call'>(['sms', ...named.filter((c): c is 'call' => c === 'call')])];
    const targets: Array<{ address: string; channel: OptOutChannel; ref: string | null }> = phoneChannels.map((channel) => ({ address, channel, ref: ref && `${ref}:${channel}` }));
    if (named.includes('email')) {
      for (const email of await this.leadEmails(m.leadIds)) targets.push({ address: email, channel: 'email', ref: ref && `${ref}:email:${email}` });
    }
    // Someone already opted out of texts gets no second confirmation.
    const already = (await this.optOuts.forbiddingFor({ address, leadId: m.leadIds[0] ?? null }, 'sms')).entries.length > 0;
    const entries: OptOutEntryView[] = [];
    let created = false;
    for (const target of targets) {
      const written = await this.optOuts.append({
        address: target.address,
        action: 'opt-out',
        channel: target.channel,
        source: verdict.kind === 'keyword' ? 'sms-keyword' : 'sms-text',
        kind: 'revocation',
        origin: 'sms',
        words,
        actorId: null,
        sourceRef: target.ref,
        leadIds: m.leadIds,
        note: verdict.kind === 'keyword' ? `keyword ${verdict.matched}` : verdict.kind === 'unsure' ? `unsure (${verdict.matched}: ${verdict.why}); opted out as the floor's rules say` : `recognised: ${verdict.matched}`,
      });
      entries.push(written.entry);
      created ||= written.created;
    }
    const reaches = [...new Set(entries.flatMap((e) => e.reach.channels))];
    const confirmation = rules.confirmationText && (!already || !created) ? { entryId: entries[0].id, text: confirmationText(rules.senderName, reaches) } : null;
    return { ...none, entries, created, confirmation };
  }

  /**
   * A revocation the person spoke (or wrote) to an agent, recorded from the call: the
   * agent, the conversation and the words go in the ledger. "All contact" stops every
   * channel to every address of the lead; a channel stops that one. Repeating the request
   * for the same conversation and channel writes nothing more.
   */
  async recordSpoken(input: { leadId: string | null; address: string; conversationId: string; origin: 'call' | 'sms' | 'email'; words: string; channel: OptOutChannel; source?: 'agent' | 'disposition' }, actor: AccessClaims): Promise<OptOutEntryView[]> {
    const record = input.leadId ? await this.leads.findById(input.leadId) : null;
    const phones = record ? [...new Set([input.address, ...record.phones.map((p) => p.e164)].filter((a) => a.startsWith('+')))] : input.address.startsWith('+') ? [input.address] : [];
    const email = record?.lead.email ?? (input.address.includes('@') ? input.address : null);
    const targets: Array<{ address: string; channel: OptOutChannel }> =
      input.channel === 'all'
        ? [...phones.map((address) => ({ address, channel: 'all' as const })), ...(email ? [{ address: email, channel: 'email' as const }] : [])]
        : input.channel === 'email'
          ? email ? [{ address: email, channel: 'email' }] : []
          : phones.slice(0, 1).map((address) => ({ address, channel: input.channel }));
    if (!targets.length) throw DomainError.validation('channel', input.channel === 'email' ? 'the lead has no email address' : 'the lead has no phone number');
    const out: OptOutEntryView[] = [];
    for (const t of targets) {
      out.push(
        await this.optOuts.write({
          address: t.address,
          action: 'opt-out',
          channel: t.channel,
          source: input.source ?? 'agent',
          kind: 'revocation',
          origin: input.origin,
          words: input.words,
          conversationId: input.conversationId,
          sourceRef: `${input.source ?? 'agent'}:${input.conversationId}:${t.address}:${t.channel}`,
          leadIds: input.leadId ? [input.leadId] : undefined,
          actorId: actor.sub,
          note: `recorded by ${actor.name} from conversation ${input.conversationId}`,
        }),
      );
    }
    return out;
  }

  /** The floor's calendar day `date` (YYYY-MM-DD) in its zone, as UTC instants. */
  async floorDay(date: string): Promise<{ from: Date; to: Date; zone: string }> {
    const zone = (await this.settings.get()).defaultTimezone;
    const day = DateTime.fromISO(date, { zone });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !day.isValid) throw DomainError.validation('date', 'is not a calendar date (YYYY-MM-DD)');
    return { from: day.startOf('day').toJSDate(), to: day.plus({ days: 1 }).startOf('day').toJSDate(), zone };
  }

  /** Every ledger entry of the floor's day, oldest first, a page at a time. */
  async ledgerDay(date: string, limit: number, cursor?: string): Promise<{ date: string; zone: string; entries: OptOutEntryView[]; nextCursor: string | null }> {
    const { entries, nextCursor, zone } = await this.audit.page('consent', await this.floorDay(date), limit, cursor);
    return { date, zone, entries, nextCursor };
  }

  /** The day's ledger as CSV lines (a header, then one line per entry), read a thousand at a time. */
  async *ledgerDayCsv(date: string): AsyncGenerator<string> {
    yield* this.audit.csv('consent', await this.floorDay(date));
  }
}
