import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type AccessClaims, ErrorCode, type ReplyChannel, type ReplyStatus, type ReplyView } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents, type DomainEventMap } from '../common/domain-events.js';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { ParticipantActionsRepository } from '../schedules/participant-actions.repository.js';
import { ConversationsRepository } from '../telephony/conversations/conversations.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import type { LeadReplyEntity } from './lead-reply.entity.js';
import { RepliesRepository } from './replies.repository.js';

const MINUTE = 60_000;

/**
 * Replies as work. A lead writing to us (`lead.replied`: an inbound text or email, not a
 * keyword) makes one open reply per thing written, for the lead's owner or, when it
 * answers a schedule's message, for the owner of the step that sent it (null: anyone
 * available). A text a person sends the lead afterwards (`lead.texted`) answers every
 * open reply of the lead; a person may dismiss one. Each change announces `work.changed`.
 */
@Injectable()
export class RepliesService implements OnModuleInit {
  constructor(
    private readonly repo: RepliesRepository,
    private readonly leads: LeadsRepository,
    private readonly users: UsersRepository,
    private readonly conversations: ConversationsRepository,
    private readonly actions: ParticipantActionsRepository,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.events.on('lead.replied', (e) => this.received(e));
    this.events.on('lead.texted', (e) => this.texted(e));
  }

  /** A lead wrote: one open reply for what they wrote (a retried webhook finds it made). */
  async received(e: DomainEventMap['lead.replied']): Promise<void> {
    if (!e.ref) return;
    const record = await this.leads.findById(e.leadId);
    if (!record) return;
    const reply: LeadReplyEntity = {
      id: randomUUID(),
      leadId: e.leadId,
      channel: e.channel,
      refId: e.ref.id,
      ownerId: await this.ownerFor(e.leadId, e.channel, record.lead.ownerId, e.at),
      receivedAt: e.at,
      status: 'open',
      answeredBy: null,
      answeredAt: null,
    };
    // A number shared by several leads announces the text for each; the first lead's reply stands.
    if (!(await this.repo.insertOnce(reply))) return;
    this.logger.log(`reply ${reply.id}: ${e.channel} from lead ${e.leadId}, for ${reply.ownerId ?? 'anyone'}`);
    await this.events.emit('work.changed', { kind: 'reply', ids: [reply.id] });
  }

  /** A person texted the lead: the lead's replies received until now are answered. */
  async texted(e: DomainEventMap['lead.texted']): Promise<void> {
    if (!e.sentBy) return;
    const ids = await this.repo.answerOpenOfLead(e.leadId, e.sentBy, e.at);
    if (ids.length) await this.events.emit('work.changed', { kind: 'reply', ids });
  }

  async dismiss(id: string, actor: AccessClaims): Promise<ReplyView> {
    const reply = await this.repo.findById(id);
    if (!reply) throw DomainError.notFound('Reply');
    if (actor.role === 'agent' && reply.ownerId && reply.ownerId !== actor.sub) throw new DomainError(ErrorCode.Forbidden, 'This reply is another agent\'s');
    const now = this.clock.now();
    if (!(await this.repo.dismissOpen(id, actor.sub, now))) throw new DomainError(ErrorCode.Conflict, `This reply is already ${reply.status === 'open' ? 'closed' : reply.status}`);
    await this.events.emit('work.changed', { kind: 'reply', ids: [id] });
    const [view] = await this.views([{ ...reply, status: 'dismissed', answeredBy: actor.sub, answeredAt: now }]);
    return view;
  }

  /** Open replies, oldest first; `overdue`: only those older than `REPLY_OVERDUE_MINUTES`. */
  async list(q: { overdue?: boolean; limit?: number }): Promise<ReplyView[]> {
    const before = q.overdue ? new Date(this.clock.now().getTime() - this.config.replies.overdueMinutes * MINUTE) : null;
    return this.views(await this.repo.open(before, q.limit ?? 100));
  }

  /**
   * Whom a reply is for: the owner of the schedule step whose message it answers (the
   * lead's latest text from us, or latest email step, came from a schedule), else the
   * lead's owner; a deactivated owner leaves it to anyone.
   */
  private async ownerFor(leadId: string, channel: ReplyChannel, leadOwnerId: string | null, at: Date): Promise<string | null> {
    let owner = leadOwnerId;
    if (channel === 'sms') {
      const last = await this.conversations.lastOutbound(leadId, 'sms', at);
      if (last?.causeType === 'participant-action' && last.causeId) owner = (await this.actions.findById(last.causeId))?.ownerId ?? owner;
    } else {
      owner = (await this.actions.lastStartedOfLead(leadId, 'email', at))?.ownerId ?? owner;
    }
    if (!owner) return null;
    return (await this.users.activeIds([owner])).length ? owner : null;
  }

  private async views(rows: LeadReplyEntity[]): Promise<ReplyView[]> {
    if (!rows.length) return [];
    const now = this.clock.now().getTime();
    const overdueMs = this.config.replies.overdueMinutes * MINUTE;
    const leads = await this.leads.namesOf([...new Set(rows.map((r) => r.leadId))]);
    const owners = new Map((await this.users.findByIds([...new Set(rows.flatMap((r) => (r.ownerId ? [r.ownerId] : [])))])).map((u) => [u.id, u.name]));
    return rows.map((r) => {
      const ageMs = Math.max(0, now - r.receivedAt.getTime());
      return {
        id: r.id,
        leadId: r.leadId,
        leadName: leads.get(r.leadId) ?? null,
        channel: r.channel as ReplyChannel,
        refId: r.refId,
        ownerId: r.ownerId,
        ownerName: r.ownerId ? (owners.get(r.ownerId) ?? null) : null,
        receivedAt: r.receivedAt.toISOString(),
        ageMinutes: Math.floor(ageMs / MINUTE),
        status: r.status as ReplyStatus,
        answeredBy: r.answeredBy,
        answeredAt: r.answeredAt?.toISOString() ?? null,
        overdue: r.status === 'open' && ageMs > overdueMs,
      };
    });
  }
}
