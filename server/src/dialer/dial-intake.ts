import { randomUUID } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { DialCallsRepository } from './dial-calls.repository.js';
import { DialItemsRepository } from './dial-items.repository.js';
import { DialQueuesRepository } from './dial-queues.repository.js';
import type { DialQueueItemEntity } from './dial-queue.entity.js';

export interface IntakeOptions {
  source: 'list' | 'schedule' | 'callback' | 'recycle';
  /** Its pass through the queue's lists (default 1). */
  pass?: number;
  sourceId?: string | null;
  priority?: number;
  dueAt?: Date;
  /** Only this agent may take it (a callback's owner). */
  ownerId?: string | null;
}

/** Where a queue item came from: its queue, and the schedule action or callback that put it there. */
export interface ItemOrigin {
  queueId: string;
  source: string;
  sourceId: string | null;
}

/**
 * How leads enter a dial queue: lists added directly, schedules' dial steps, due
 * callbacks. Its own small module, so the schedules can queue dials without depending
 * on the dialer that works them; a source that can end while its lead waits (a schedule
 * step) tells the dialer here how to ask whether it still wants the call.
 */
@Injectable()
export class DialIntake {
  private readonly open = new Map<string, (sourceId: string) => Promise<boolean>>();

  constructor(
    private readonly items: DialItemsRepository,
    private readonly queues: DialQueuesRepository,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  queueExists(id: string): Promise<boolean> {
    return this.queues.exists(id);
  }

  /** A source registers how to ask whether one of its items is still wanted (one question per source). */
  whileOpen(source: IntakeOptions['source'], isOpen: (sourceId: string) => Promise<boolean>): void {
    this.open.set(source, isOpen);
  }

  /** Whether the item's source still wants it dialed (true for sources that never end while a lead waits). */
  async stillWanted(item: Pick<DialQueueItemEntity, 'source' | 'sourceId'>): Promise<boolean> {
    const isOpen = item.sourceId ? this.open.get(item.source) : undefined;
    return isOpen ? isOpen(item.sourceId as string) : true;
  }

  /** Where an item came from; null when there is no such item. */
  async originOf(itemId: string): Promise<ItemOrigin | null> {
    const item = await this.items.findById(itemId);
    return item ? { queueId: item.queueId, source: item.source, sourceId: item.sourceId } : null;
  }

  /** Adds a list of leads in one transaction (all of them or none). */
  addAtOnce(queueId: string, leadIds: string[], o: IntakeOptions): Promise<string[]> {
    return this.items.inTransaction((em) => this.add(queueId, leadIds, o, em));
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
      pass: o.pass ?? 1,
      disposition: null,
      callbackRequested: false,
      recycledAt: null,
      refusalCodes: null,
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

/** The dialer's tables and its intake, for the rooms that feed or ask the dialer. */
@Module({
  imports: [AgentsModule, ComplianceModule],
  providers: [DialItemsRepository, DialQueuesRepository, DialCallsRepository, DialIntake],
  exports: [DialItemsRepository, DialQueuesRepository, DialCallsRepository, DialIntake],
})
export class DialIntakeModule {}
