import { Injectable } from '@nestjs/common';
import type { AccessClaims, BlockView, Channel, EligibilityView, OptOutEntryView } from '../../../shared/src/index.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { LeadsService } from '../leads/leads.service.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { ContactPolicy } from './contact-policy.js';
import { OptOutsService } from './opt-outs.service.js';
import { classifySmsKeyword, keywordReply, type SmsKeyword } from './sms-keywords.js';

export interface InboundKeywordResult {
  keyword: SmsKeyword | null;
  /** The reply to send, when the message was a keyword. */
  reply: string | null;
  entry: OptOutEntryView | null;
}

/** Use cases over the gate and the ledger that the API and inbound messages need. */
@Injectable()
export class ComplianceService {
  constructor(
    private readonly optOuts: OptOutsService,
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

  async checkAddress(raw: string, channel?: Channel): Promise<{ address: string; optedOut: boolean; channels: Record<Channel, boolean>; entries: OptOutEntryView[] }> {
    const { address } = await this.optOuts.parseAddress(raw);
    const channels = { call: false, sms: false, email: false } as Record<Channel, boolean>;
    const entries = new Map<string, OptOutEntryView>();
    for (const c of ['call', 'sms', 'email'] as const) {
      const covering = await this.optOuts.optOutsCovering([address], c);
      channels[c] = covering.length > 0;
      covering.forEach((e) => entries.set(e.id, e));
    }
    const optedOut = channel ? channels[channel] : Object.values(channels).some(Boolean);
    return { address, optedOut, channels, entries: [...entries.values()] };
  }

  async checkBlocked(raw: string): Promise<{ address: string; blocked: boolean; blocks: BlockView[] }> {
    const { address, type } = await this.optOuts.parseAddress(raw);
    if (type !== 'phone') throw DomainError.validation('address', 'blocks apply to phone numbers');
    const blocks = await this.optOuts.blocksFor(address);
    return { address, blocked: blocks.length > 0, blocks };
  }

  /**
   * An inbound SMS: STOP-family keywords opt the number out of SMS (for every lead
   * that has it, since the ledger is keyed by number), START/UNSTOP opt it back in,
   * HELP gets the help text. Anything else is an ordinary reply (null keyword).
   */
  async handleInboundSms(from: string, body: string, organization = 'Switchboard'): Promise<InboundKeywordResult> {
    const keyword = classifySmsKeyword(body);
    if (!keyword) return { keyword: null, reply: null, entry: null };
    const { address } = await this.optOuts.parseAddress(from, 'from');
    let entry: OptOutEntryView | null = null;
    if (keyword === 'stop' || keyword === 'start') {
      entry = await this.optOuts.write({
        address,
        action: keyword === 'stop' ? 'opt-out' : 'opt-in',
        channel: 'sms',
        source: 'sms-keyword',
        actorId: null,
        note: `inbound "${body.trim().slice(0, 40)}"`,
      });
    }
    return { keyword, reply: keywordReply(keyword, organization), entry };
  }
}
