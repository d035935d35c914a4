import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { DialMode, WorkItem } from '#shared';
import { LeadsRepository } from '../leads/leads.repository.js';
import { chunks, type OpenWork, perAgent, type WorkSource, WorkSources } from '../realtime/work-sources.js';
import type { DialQueueItemEntity } from './dial-queue.entity.js';
import { DialItemsRepository } from './dial-items.repository.js';
import { DialQueuesRepository } from './dial-queues.repository.js';

/** Leads the dialer gave an agent (reserved or dialing): the lead card with the queue's facts and why this lead. */
@Injectable()
export class QueueWorkSource implements WorkSource, OnModuleInit {
  constructor(
    private readonly dialItems: DialItemsRepository,
    private readonly queues: DialQueuesRepository,
    private readonly leads: LeadsRepository,
    private readonly sources: WorkSources,
  ) {}

  onModuleInit(): void {
    this.sources.register('queue_item', this);
  }

  async describeMany(ids: string[]): Promise<Map<string, OpenWork>> {
    const out = new Map<string, OpenWork>();
    const rows = (await this.dialItems.findByIds(ids)).filter((q) => q.agentId && (q.status === 'reserved' || q.status === 'dialing'));
    const items = await this.items(rows);
    rows.forEach((q, i) => out.set(q.id, { item: items[i], recipients: [q.agentId as string] }));
    return out;
  }

  async openFor(userId: string): Promise<WorkItem[]> {
    return this.items(await this.dialItems.heldBy(userId, 50));
  }

  async openForMany(requests: Array<{ userId: string }>): Promise<Map<string, WorkItem[]>> {
    const userIds = [...new Set(requests.map((r) => r.userId))];
    const rows: DialQueueItemEntity[] = [];
    for (const ids of chunks(userIds)) rows.push(...(await this.dialItems.heldByMany(ids)));
    const mine = perAgent(userIds, rows, (q) => q.agentId, 50);
    const kept = [...mine.values()].flat();
    const items = new Map((await this.items(kept)).map((item, i) => [kept[i].id, item]));
    return new Map([...mine].map(([userId, list]) => [userId, list.map((q) => items.get(q.id) as WorkItem)]));
  }

  private async items(rows: DialQueueItemEntity[]): Promise<WorkItem[]> {
    if (!rows.length) return [];
    const [leads, queues] = await Promise.all([
      this.leads.namesOf(rows.map((r) => r.leadId)),
      this.queues.findByIds([...new Set(rows.map((r) => r.queueId))]),
    ]);
    const byId = new Map(queues.map((q) => [q.id, q]));
    return rows.map((r) => {
      const q = byId.get(r.queueId);
      const leadName = leads.get(r.leadId) ?? null;
      const mode = (q?.mode ?? 'preview') as DialMode;
      const autoDialAt = mode === 'progressive' && r.status === 'reserved' && r.reservedAt && q ? new Date(r.reservedAt.getTime() + q.previewSeconds * 1000).toISOString() : null;
      return {
        kind: 'queue_item',
        id: r.id,
        type: 'dial',
        leadId: r.leadId,
        leadName,
        title: `${r.status === 'dialing' ? 'Calling' : 'Call'} ${leadName ?? 'the lead'}`,
        dueAt: r.dueAt.toISOString(),
        status: r.status,
        origin: q ? `Dial queue ${q.name}` : null,
        dial: { queueId: r.queueId, queueName: q?.name ?? '', mode, reason: whyChosen(r), attempts: r.attempts, autoDialAt, conversationId: r.conversationId },
      };
    });
  }
}

/** The lead card's "why this lead": what put it first in the queue's order. */
export function whyChosen(r: Pick<DialQueueItemEntity, 'source' | 'callbackFirst' | 'priority' | 'dueAt' | 'attempts' | 'lastOutcome'>): string {
  const parts = [r.callbackFirst ? 'a callback due now (callbacks go first)' : r.source === 'schedule' ? 'a schedule\'s dial step' : 'added to the queue'];
  if (r.priority) parts.push(`priority ${r.priority}`);
  parts.push(`due since ${r.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  if (r.attempts) parts.push(`${r.attempts} earlier attempt${r.attempts === 1 ? '' : 's'}${r.lastOutcome ? `, last: ${r.lastOutcome}` : ''}`);
  return parts.join('; ');
}
