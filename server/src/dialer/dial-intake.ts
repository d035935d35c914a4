import { randomUUID } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { DialItemsRepository } from './dial-items.repository.js';
import { DialQueueEntity, DialQueueItemEntity } from './dial-queue.entity.js';

export interface IntakeOptions {
  source: 'list' | 'schedule' | 'callback';
  sourceId?: string | null;
  priority?: number;
  dueAt?: Date;
  /** Only this agent may take it (a callback's owner). */
  ownerId?: string | null;
}

/**
 * How leads enter a dial queue: lists added directly, schedules' dial steps, due
 * callbacks. Its own small module, so the schedules can queue dials without depending
 * on the dialer that works them.
 */
@Injectable()
export class DialIntake {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly items: DialItemsRepository,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  async queueExists(id: string): Promise<boolean> {
    return (await this.ds.getRepository(DialQueueEntity).countBy({ id })) > 0;
  }

  /** Adds leads to the queue; a lead already waiting in it is left where it is. Returns the item ids added. */
  async add(queueId: string, leadIds: string[], o: IntakeOptions, em?: EntityManager): Promise<string[]> {
    const now = this.clock.now();
    const rows: DialQueueItemEntity[] = [...new Set(leadIds)].map((leadId) => ({
      id: randomUUID(),
      queueId,
      leadId,
      source: o.source,
      sourceId: o.sourceId ?? null,
      callbackFirst: o.source === 'callback' ? 1 : 0,
      priority: o.priority ?? 0,
      dueAt: o.dueAt ?? now,
      ownerId: o.ownerId ?? null,
      status: 'pending',
      attempts: 0,
      lastOutcome: null,
      detail: null,
      agentId: null,
      reservedAt: null,
      conversationId: null,
      checkedAt: null,
      activeKey: `${queueId}:${leadId}`,
      busyKey: null,
      createdAt: now,
      updatedAt: now,
    }));
    const added = await this.items.insertNew(rows, em);
    if (added.length) this.events.emitAfterCommit(em, 'dial.queue-changed', { queueId });
    return added;
  }
}

@Module({
  imports: [AgentsModule],
  providers: [DialItemsRepository, DialIntake],
  exports: [DialItemsRepository, DialIntake],
})
export class DialIntakeModule {}
