import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { WorkItem } from '#shared';
import { LeadsRepository } from '../leads/leads.repository.js';
import { type OpenWork, type WorkSource, WorkSources } from '../realtime/work-sources.js';
import { CallbackEntity } from './callback.entity.js';

/** Callbacks due (their owner's) or escalated (anyone's who can take work). */
@Injectable()
export class CallbackWorkSource implements WorkSource, OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly leads: LeadsRepository,
    private readonly sources: WorkSources,
  ) {}

  onModuleInit(): void {
    this.sources.register('callback', this);
  }

  private get repo() {
    return this.ds.getRepository(CallbackEntity);
  }

  async describeMany(ids: string[]): Promise<Map<string, OpenWork>> {
    const out = new Map<string, OpenWork>();
    const rows = (await this.repo.findBy({ id: In(ids) })).filter((c) => c.status === 'due' || c.status === 'escalated');
    const items = await this.items(rows);
    rows.forEach((c, i) => out.set(c.id, { item: items[i], recipients: c.status === 'due' && c.ownerId ? [c.ownerId] : 'anyone' }));
    return out;
  }

  async openFor(userId: string, { available }: { available: boolean }): Promise<WorkItem[]> {
    const mine = await this.repo.find({ where: { ownerId: userId, status: 'due' }, order: { dueAt: 'ASC' }, take: 500 });
    // Escalated callbacks are anyone's, offered to agents who can take work.
    const anyone = available ? await this.repo.find({ where: { status: 'escalated' }, order: { dueAt: 'ASC' }, take: 500 }) : [];
    return this.items([...mine, ...anyone]);
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
