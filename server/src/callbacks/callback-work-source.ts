import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { WorkItem } from '#shared';
import { LeadsRepository } from '../leads/leads.repository.js';
import { chunks, type OpenWork, perAgent, type WorkSource, WorkSources } from '../realtime/work-sources.js';
import type { CallbackEntity } from './callback.entity.js';
import { CallbacksRepository } from './callbacks.repository.js';

/**
 * Callbacks due (their owner's) or escalated (anyone's who can take work, and still their
 * owner's whatever their state: a paused owner sees their overdue callback when they come back).
 */
@Injectable()
export class CallbackWorkSource implements WorkSource, OnModuleInit {
  constructor(
    private readonly repo: CallbacksRepository,
    private readonly leads: LeadsRepository,
    private readonly sources: WorkSources,
  ) {}

  onModuleInit(): void {
    this.sources.register('callback', this);
  }

  async describeMany(ids: string[]): Promise<Map<string, OpenWork>> {
    const out = new Map<string, OpenWork>();
    const rows = (await this.repo.findByIds(ids)).filter((c) => c.status === 'due' || c.status === 'escalated');
    const items = await this.items(rows);
    rows.forEach((c, i) => out.set(c.id, { item: items[i], recipients: !c.ownerId ? 'anyone' : c.status === 'due' ? [c.ownerId] : { anyoneAnd: [c.ownerId] } }));
    return out;
  }

  async openFor(userId: string, { available }: { available: boolean }): Promise<WorkItem[]> {
    const mine = await this.repo.dueOwnedBy(userId, 500);
    // Escalated callbacks are anyone's, offered to agents who can take work (the owner's own are among `mine`).
    const anyone = available ? (await this.repo.escalated(500)).filter((c) => c.ownerId !== userId) : [];
    return this.items([...mine, ...anyone]);
  }

  async openForMany(requests: Array<{ userId: string; available: boolean }>): Promise<Map<string, WorkItem[]>> {
    const userIds = [...new Set(requests.map((r) => r.userId))];
    const rows: CallbackEntity[] = [];
    for (const ids of chunks(userIds)) rows.push(...(await this.repo.dueOwnedByMany(ids)));
    const mine = perAgent(userIds, rows, (c) => c.ownerId, 500);
    // Escalated callbacks are read once for every available agent among them.
    const anyone = requests.some((r) => r.available) ? await this.repo.escalated(500) : [];
    const kept = [...[...mine.values()].flat(), ...anyone];
    const items = new Map((await this.items(kept)).map((item, i) => [kept[i].id, item]));
    const available = new Set(requests.filter((r) => r.available).map((r) => r.userId));
    return new Map(
      [...mine].map(([userId, list]) => [userId, [...list, ...(available.has(userId) ? anyone.filter((c) => c.ownerId !== userId) : [])].map((c) => items.get(c.id) as WorkItem)]),
    );
  }

  private async items(callbacks: CallbackEntity[]): Promise<WorkItem[]> {
    if (!callbacks.length) return [];
    const leads = await this.leads.namesOf(callbacks.map((c) => c.leadId));
    return callbacks.map((c) => {
      const leadName = leads.get(c.leadId) ?? null;
      return {
        kind: 'callback',
        id: c.id,
        type: 'callback',
        leadId: c.leadId,
        leadName,
        title: `Call back ${leadName ?? 'the lead'}${c.note ? `: ${c.note}` : ''}`,
        dueAt: c.dueAt.toISOString(),
        status: c.status,
        origin: c.origin,
      };
    });
  }
}
