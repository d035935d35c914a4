import { Injectable } from '@nestjs/common';
import type { CountryCode } from 'libphonenumber-js';
import { ErrorCode, type AccessClaims, type ConversationView, type ManualDialCheckView } from '#shared';
import { DomainError } from '../../common/domain-error.js';
import { ContactPolicy } from '../../compliance/contact-policy.js';
import { leadName } from '../../leads/lead-name.js';
import { type LeadRecord, LeadsRepository } from '../../leads/leads.repository.js';
import { LeadsService } from '../../leads/leads.service.js';
import { normalizePhone } from '../../phone/phone-number.js';
import { SettingsService } from '../../settings/settings.service.js';
import { OutboundService } from './outbound.service.js';

/** The tag on leads the dial pad made for numbers nobody had yet. */
export const MANUAL_DIAL_TAG = 'manual-dial';

/**
 * The agent's dial pad. A typed number is a contact like any other: the one gate answers
 * before anything is dialed. A number that belongs to a lead the caller may work dials that
 * lead (the call, its history and disposition are the lead's); a number nobody holds is
 * asked of the gate without a lead (as a transfer to a number is), and only once the gate
 * allows it is a minimal lead made ("Manual: +1…", owned by the caller, tagged), so the
 * call can be dispositioned, called back and opted out like every other. A refused number
 * makes nothing. A number on another agent's lead is refused to an agent with that reason.
 */
@Injectable()
export class ManualDialService {
  constructor(
    private readonly leads: LeadsRepository,
    private readonly leadViews: LeadsService,
    private readonly policy: ContactPolicy,
    private readonly settings: SettingsService,
    private readonly outbound: OutboundService,
  ) {}

  /** The gate's answer for the number now, recording nothing. */
  async check(raw: string, actor: AccessClaims): Promise<ManualDialCheckView> {
    return (await this.decide(raw, actor, false)).view;
  }

  /** Dials the number for the caller's softphone, or refuses with every reason (409, nothing dialed). */
  async dial(raw: string, actor: AccessClaims): Promise<ConversationView> {
    const { view, record } = await this.decide(raw, actor, true);
    if (!view.allowed) {
      throw new DomainError(ErrorCode.ContactRefused, `${view.number} may not be called now: ${view.reasons.map((r) => r.message).join('; ')}`, undefined, undefined, view);
    }
    const leadId = record?.lead.id ?? (await this.makeLead(view.number, actor));
    return this.outbound.placeCall({ leadId, to: view.number, agentId: actor.sub, cause: { type: 'manual' } });
  }

  private async decide(raw: string, actor: AccessClaims, recording: boolean): Promise<{ view: ManualDialCheckView; record: LeadRecord | null }> {
    const settings = await this.settings.get();
    const parsed = normalizePhone(raw, settings.defaultCountry as CountryCode);
    if (!parsed.ok) throw DomainError.validation('number', parsed.reason);
    const number = parsed.e164;
    const holders = await this.leads.findByIds(await this.leads.findLeadIdsByPhone(number));
    const record = holders.find((h) => actor.role !== 'agent' || h.lead.ownerId === actor.sub) ?? null;
    const someoneElses = !record && holders.length > 0;
    const subject = record ?? { lead: { id: '', status: 'new', email: null, phone: number, timezone: null, region: null } };
    const decision = await this.policy.check(subject, 'call', undefined, { address: number, ...(recording && record ? { recordAs: 'call:manual-dial' } : {}) });
    const reasons: ManualDialCheckView['reasons'] = decision.reasons.map((r) => ({ code: r.code, message: r.message, until: r.until }));
    if (someoneElses) reasons.unshift({ code: 'NOT_YOUR_LEAD', message: `${number} belongs to a lead assigned to someone else; a supervisor can assign it to you`, until: null });
    const view: ManualDialCheckView = {
      number,
      lead: record ? { id: record.lead.id, name: leadName(record.lead) } : null,
      allowed: reasons.length === 0,
      reasons,
      notes: decision.notes,
      nextAllowedAt: someoneElses ? null : decision.nextAllowedAt,
      timezones: decision.timezones,
    };
    return { view, record };
  }

  private async makeLead(number: string, actor: AccessClaims): Promise<string> {
    const lead = await this.leadViews.create({ firstName: 'Manual:', lastName: number, phones: [{ number }], ownerId: actor.sub, tags: [MANUAL_DIAL_TAG] }, actor.sub);
    return lead.id;
  }
}
