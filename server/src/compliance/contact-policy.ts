import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { Channel, EligibilityView, OptOutEntryView, Refusal, RefusalCode } from '#shared';
import { Clock } from '../common/clock.js';
import { isValidTimezone } from '../common/timezones.js';
import { effectiveZones } from '../phone/zones.js';
import { SettingsService } from '../settings/settings.service.js';
import { US_ZONES } from '../phone/area-codes.js';
import { type AttemptCaps, type AttemptHistory, evaluateAttemptCaps, stricterCaps } from './attempt-caps.js';
import { type CallingRules, evaluateCallingWindow, type LocalWindow } from './calling-window.js';
import { CallingRulesService } from './calling-rules.service.js';
import { ConsentRulesService } from './consent-rules.service.js';
import { ComplianceRepository } from './compliance.repository.js';
import { ConsentReviewsService } from './consent-reviews.service.js';
import type { GateLead } from './lead-directory.js';
import { OptOutsService } from './opt-outs.service.js';

/** Statuses in which a lead is not to be contacted at all. */
const INACTIVE_STATUSES = new Set(['do-not-contact', 'inactive', 'archived']);

/** The lead as the gate needs it (with every number, when the caller has them: a revocation reaches them all). */
export type { GateLead } from './lead-directory.js';

export interface GateOptions {
  /** The address to contact; default: the primary number (call, sms) or the email. */
  address?: string;
  /** A schedule or queue whose own opt-outs and narrower window apply. */
  scope?: { type: 'schedule' | 'queue'; id: string };
  narrowTo?: LocalWindow[];
  /** Record a refusal with this context (the moment of contact); omit for a dry check. */
  recordAs?: string;
}

export interface GateDecision extends Omit<EligibilityView, 'leadId' | 'channel' | 'at'> {
  leadId: string;
  channel: Channel;
  at: string;
}

const WINDOW_CHANNELS: ReadonlySet<Channel> = new Set(['call', 'sms']);

/**
 * The one compliance gate. Every outbound call, SMS or email asks it at the moment of
 * contact (not when the contact was scheduled). A refusal lists every reason and the
 * earliest time all of them lapse; reasons that never lapse by themselves (opt-out,
 * block, lifetime cap) make `nextAllowedAt` null.
 */
@Injectable()
export class ContactPolicy {
  constructor(
    private readonly optOuts: OptOutsService,
    private readonly reviews: ConsentReviewsService,
    private readonly repo: ComplianceRepository,
    private readonly settings: SettingsService,
    private readonly rules: CallingRulesService,
    private readonly consent: ConsentRulesService,
    private readonly clock: Clock,
  ) {}

  async check(subject: GateLead, channel: Channel, at: Date = this.clock.now(), options: GateOptions = {}): Promise<GateDecision> {
    const { lead } = subject;
    // Settings and rules first, then the address's opt-outs and blocks, the caps and the
    // attempt history side by side: the gate sits on every dialer reservation.
    const [settings, rules, consentRules] = await Promise.all([this.settings.get(), this.rules.current(), this.consent.current()]);
    const tz = effectiveZones(lead, settings);
    const zones = tz.zones.filter(isValidTimezone);
    const notes: string[] = [];
    const reasons: Refusal[] = [];
    const address = options.address ?? (channel === 'email' ? lead.email : lead.phone);

    if (INACTIVE_STATUSES.has(lead.status)) {
      reasons.push({ code: 'LEAD_INACTIVE', message: `The lead's status is ${lead.status}`, until: null });
    }
    const regionRule = tz.region ? rules.regions[tz.region] : undefined;
    const person = { address: address ?? '', leadId: lead.id || null, leadAddresses: [lead.phone, lead.email, ...(subject.phones ?? []).map((p) => p.e164)] };
    const [ledger, held, blocks, caps, history] = await Promise.all([
      this.optOuts.forbiddingFor(person, channel, options.scope, at, consentRules),
      this.reviews.holding([address, ...person.leadAddresses], channel),
      address && channel !== 'email' ? this.optOuts.blocksFor(address) : Promise.resolve([]),
      this.capsFor(channel, regionRule),
      lead.id
        ? this.repo.attemptsSince(lead.id, channel, new Date(at.getTime() - 2 * 86_400_000)).then((h): AttemptHistory => ({ recent: h.times, lifetime: h.lifetime }))
        : Promise.resolve<AttemptHistory>({ recent: [], lifetime: 0 }),
    ]);
    if (!address) {
      reasons.push({ code: 'NO_ADDRESS', message: channel === 'email' ? 'The lead has no email address' : 'The lead has no phone number', until: null });
    }
    for (const o of ledger.entries) reasons.push({ code: 'OPTED_OUT', message: optOutMessage(o, address ?? '', channel, ledger.consentScope.basis), until: null, evidence: evidenceOf(o) });
    for (const r of held) {
      reasons.push({
        code: 'CONSENT_REVIEW',
        message: `${r.address} wrote "${r.words.slice(0, 80)}" (${r.createdAt}); it may be a revocation and waits for a supervisor's review`,
        until: null,
        evidence: { entryId: r.id, source: 'review', origin: r.origin, words: r.words, channel: r.channel, scope: { type: 'global' }, reach: { channels: [r.channel], campaigns: 'all', addresses: 'this address' }, at: r.createdAt, conversationId: r.conversationId },
      });
    }
    for (const b of blocks) {
      reasons.push({ code: 'BLOCKED', message: `${address} is blocked by ${b.kind} ${b.value}${b.reason ? ` (${b.reason})` : ''}`, until: null });
    }

    const windowZones = zones.length ? zones : [...US_ZONES];
    if (!zones.length) notes.push('The lead\'s time zone is unknown: the strictest window across US zones applies');
    else if (zones.length > 1) notes.push(`The lead may be in ${zones.join(' or ')}: the window must be open in each`);

    // Time-bound reasons, evaluated at `t`; re-evaluated at each lapse until they all lapse together.
    const timed = (t: Date): Refusal[] => {
      const out: Refusal[] = [];
      if (WINDOW_CHANNELS.has(channel)) {
        const w = evaluateCallingWindow({ at: t, zones: windowZones, region: tz.region, rules, narrowTo: options.narrowTo });
        for (const r of w.reasons) {
          out.push({ code: r.code as RefusalCode, message: r.message, until: w.nextAllowedAt?.toISOString() ?? null });
        }
      }
      out.push(...evaluateAttemptCaps(caps, history, t, localDay(t, windowZones[0]), channel));
      return out;
    };
    const now = timed(at);
    reasons.push(...now);

    let nextAllowedAt: Date | null = at;
    if (reasons.some((r) => r.until === null)) nextAllowedAt = null;
    else if (now.length) nextAllowedAt = settle(now, timed);

    const decision: GateDecision = {
      leadId: lead.id,
      channel,
      at: at.toISOString(),
      allowed: reasons.length === 0,
      reasons,
      notes,
      nextAllowedAt: nextAllowedAt?.toISOString() ?? null,
      address: address ?? null,
      timezones: windowZones,
      region: tz.region,
      consentScope: ledger.consentScope,
    };
    if (!decision.allowed && options.recordAs) {
      await this.repo.recordRefusal({
        id: randomUUID(),
        leadId: lead.id,
        channel,
        address: address ?? null,
        at,
        codes: [...new Set(reasons.map((r) => r.code))].join(','),
        reasons: JSON.stringify(reasons),
        nextAllowedAt,
        context: options.recordAs.slice(0, 80),
      });
    }
    return decision;
  }

  /** Counts a contact toward the attempt caps (called when a call or message is placed). */
  async recordAttempt(leadId: string, channel: Channel, address: string, at: Date = this.clock.now()): Promise<void> {
    await this.repo.recordAttempt({ id: randomUUID(), leadId, channel, address, at });
  }

  private async capsFor(channel: Channel, regionRule: CallingRules['regions'][string] | undefined): Promise<AttemptCaps> {
    const account = (await this.settings.getAttemptCaps())[channel] ?? {};
    if (channel !== 'call' || !regionRule) return account;
    return stricterCaps(account, { per24h: regionRule.maxCallsPer24h, perDay: regionRule.maxCallsPerDay });
  }
}

const SOURCE_WORDS: Record<string, string> = {
  'sms-keyword': 'by text',
  'sms-text': 'by text',
  review: 'by a message a supervisor confirmed',
  agent: 'to an agent',
  disposition: 'on a call',
  'unsubscribe-link': 'by the unsubscribe link',
};

/** One refusal in words: who asked, how, what they said, when, and what it reaches now. */
function optOutMessage(o: OptOutEntryView, address: string, channel: Channel, basis: string): string {
  const how = o.kind === 'revocation' ? `revoked consent ${SOURCE_WORDS[o.source] ?? `(${o.source})`}` : `was opted out (${o.source})`;
  const words = o.words ? ` ("${o.words.slice(0, 80)}")` : '';
  const scope = o.scope.type === 'global' ? '' : ` for ${o.scope.type} ${o.scope.id}`;
  const who = o.address === address ? address : `${o.address}, an address of the same person,`;
  const reaches = o.reach.channels[0] === 'all' ? 'all contact' : o.reach.channels.join(', ');
  const wider = o.kind === 'revocation' && o.reach.channels[0] === 'all' && o.channel !== 'all' ? `; it came by ${o.origin ?? o.channel} and applies to every channel (${basis})` : '';
  return `${who} ${how}${words} on ${o.createdAt}: opted out of ${reaches}${scope}, so no ${channel}${wider}`;
}

function evidenceOf(o: OptOutEntryView): NonNullable<Refusal['evidence']> {
  return { entryId: o.id, source: o.source, origin: o.origin, words: o.words, channel: o.channel, scope: o.scope, reach: o.reach, at: o.createdAt, conversationId: o.conversationId };
}

/** The lead's local calendar day containing `t`, as UTC instants. */
function localDay(t: Date, zone: string): { start: Date; next: Date } {
  const local = DateTime.fromJSDate(t, { zone }).startOf('day');
  return { start: local.toJSDate(), next: local.plus({ days: 1 }).startOf('day').toJSDate() };
}

/** Moves forward to the latest lapse until no time-bound reason remains (bounded). */
function settle(initial: Refusal[], evaluate: (t: Date) => Refusal[]): Date | null {
  let reasons = initial;
  for (let i = 0; i < 20; i++) {
    if (reasons.some((r) => r.until === null)) return null;
    const t = new Date(Math.max(...reasons.map((r) => Date.parse(r.until!))));
    reasons = evaluate(t);
    if (!reasons.length) return t;
  }
  return null;
}
