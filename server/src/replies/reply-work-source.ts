import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { WorkItem } from '#shared';
import { LeadsRepository } from '../leads/leads.repository.js';
import { chunks, type OpenWork, perAgent, type WorkSource, WorkSources } from '../realtime/work-sources.js';
import { ConversationsRepository } from '../telephony/conversations/conversations.repository.js';
import type { LeadReplyEntity } from './lead-reply.entity.js';
import { RepliesRepository } from './replies.repository.js';

const EXCERPT = 140;

/** Open replies: their owner's, or anyone's who can take work when they have none. */
@Injectable()
export class ReplyWorkSource implements WorkSource, OnModuleInit {
  constructor(
    private readonly repo: RepliesRepository,
    private readonly leads: LeadsRepository,
    private readonly conversations: ConversationsRepository,
    private readonly sources: WorkSources,
  ) {}

  onModuleInit(): void {
    this.sources.register('reply', this);
  }

  async describeMany(ids: string[]): Promise<Map<string, OpenWork>> {
    const rows = (await this.repo.findByIds(ids)).filter((r) => r.status === 'open');
    const items = await this.items(rows);
    return new Map(rows.map((r, i) => [r.id, { item: items[i], recipients: r.ownerId ? [r.ownerId] : 'anyone' }]));
  }

  async openFor(userId: string, { available }: { available: boolean }): Promise<WorkItem[]> {
    const mine = await this.repo.openOwnedBy([userId], 500);
    const anyone = available ? await this.repo.openForAnyone(500) : [];
    return this.items([...mine, ...anyone]);
  }

  async openForMany(requests: Array<{ userId: string; available: boolean }>): Promise<Map<string, WorkItem[]>> {
    const userIds = [...new Set(requests.map((r) => r.userId))];
    const rows: LeadReplyEntity[] = [];
    for (const ids of chunks(userIds)) rows.push(...(await this.repo.openOwnedBy(ids)));
    const mine = perAgent(userIds, rows, (r) => r.ownerId, 500);
    // Replies with no owner are read once for every available agent among them.
    const anyone = requests.some((r) => r.available) ? await this.repo.openForAnyone(500) : [];
    const kept = [...[...mine.values()].flat(), ...anyone];
    const items = new Map((await this.items(kept)).map((item, i) => [kept[i].id, item]));
    const available = new Set(requests.filter((r) => r.available).map((r) => r.userId));
    return new Map([...mine].map(([userId, list]) => [userId, [...list, ...(available.has(userId) ? anyone : [])].map((r) => items.get(r.id) as WorkItem)]));
  }

  /** What the inbox shows: who wrote and, for a text, what (an email's words are the email room's). */
  private async items(rows: LeadReplyEntity[]): Promise<WorkItem[]> {
    if (!rows.length) return [];
    const names = await this.leads.namesOf([...new Set(rows.map((r) => r.leadId))]);
    const bodies = await this.conversations.bodiesOf(rows.filter((r) => r.channel === 'sms').map((r) => r.refId));
    return rows.map((r) => {
      const leadName = names.get(r.leadId) ?? null;
      const who = leadName ?? 'the lead';
      const body = r.channel === 'sms' ? (bodies.get(r.refId) ?? '').trim().replace(/\s+/g, ' ') : '';
      const excerpt = body.length > EXCERPT ? `${body.slice(0, EXCERPT - 1)}…` : body;
      return {
        kind: 'reply',
        id: r.id,
        type: r.channel,
        leadId: r.leadId,
        leadName,
        title: r.channel === 'sms' ? `Text from ${who}${excerpt ? `: ${excerpt}` : ''}` : `Email from ${who}`,
        dueAt: r.receivedAt.toISOString(),
        status: r.status,
        origin: r.channel === 'sms' ? 'Replied by text' : 'Replied by email',
      };
    });
  }
}
