import { Injectable } from '@nestjs/common';
import type { AccessClaims, RecentWorkView } from '#shared';
import { leadName } from '../../leads/lead-name.js';
import { LeadsRepository } from '../../leads/leads.repository.js';
import { ConversationsService } from './conversations.service.js';

const LOOK_BACK = 50;
const SHOWN = 8;

/**
 * What the agent worked last, for the search box before they type: their latest
 * conversations (one page, read as the conversations list reads them, so they see what
 * they may) and the leads of those, named in one read.
 */
@Injectable()
export class RecentWorkService {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly leads: LeadsRepository,
  ) {}

  async of(actor: AccessClaims): Promise<RecentWorkView> {
    const { items } = await this.conversations.list({ agentId: actor.sub, limit: LOOK_BACK }, actor);
    const leadIds = [...new Set(items.map((c) => c.leadId).filter((id): id is string => !!id))];
    // A lead since given to someone else is not the agent's to open any more.
    const mayOpen = (r: { lead: { ownerId: string | null } }) => actor.role !== 'agent' || r.lead.ownerId === actor.sub;
    const records = new Map((await this.leads.findByIds(leadIds)).filter(mayOpen).map((r) => [r.lead.id, r.lead]));
    const lastAt = new Map<string, string>();
    for (const c of items) if (c.leadId && !lastAt.has(c.leadId)) lastAt.set(c.leadId, c.createdAt);
    const leads = leadIds
      .filter((id) => records.has(id))
      .slice(0, SHOWN)
      .map((id) => {
        const l = records.get(id)!;
        return { id, name: leadName(l), phone: l.phone, company: l.company, at: lastAt.get(id)! };
      });
    const calls = items
      .filter((c) => c.channel === 'call')
      .slice(0, SHOWN)
      .map((c) => {
        const l = c.leadId ? records.get(c.leadId) : undefined;
        return {
          conversationId: c.id,
          leadId: l ? c.leadId : null,
          leadName: l ? leadName(l) : null,
          number: c.direction === 'outbound' ? c.to : c.from,
          direction: c.direction,
          status: c.status,
          disposition: c.disposition,
          durationSeconds: c.durationSeconds,
          at: c.createdAt,
        };
      });
    return { leads, calls };
  }
}
