import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import type { RecycleRule } from '#shared';
import { DialQueueEntity, DialQueueItemEntity } from './dial-queue.entity.js';

/** The finished items a recycle or a reset reads, lightly. */
export type FinishedItem = Pick<DialQueueItemEntity, 'id' | 'queueId' | 'leadId' | 'pass' | 'lastOutcome' | 'updatedAt'>;

const FINISHED_COLUMNS = { id: true, queueId: true, leadId: true, pass: true, lastOutcome: true, updatedAt: true } as const;

/**
 * The dialer's statements for recycling a list's worked leads: queues with rules, the
 * items due to come back, and the mark that they were brought back.
 */
@Injectable()
export class DialRecyclesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private items(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(DialQueueItemEntity);
  }

  /** Active queues that have recycling rules. */
  queuesWithRules(): Promise<DialQueueEntity[]> {
    return this.ds.getRepository(DialQueueEntity).find({ where: { active: true, recycleRules: Not(IsNull()) } });
  }

  async anyRules(): Promise<boolean> {
    return this.ds.getRepository(DialQueueEntity).exists({ where: { recycleRules: Not(IsNull()) } });
  }

  /** A queue's items whose turn ended as the rule says at or before `endedBy`, not yet recycled and with passes left; oldest first. */
  due(queueId: string, rule: RecycleRule, endedBy: Date, limit: number): Promise<FinishedItem[]> {
    const match =
      rule.outcome === 'disposition' ? { disposition: rule.code ?? '' } : rule.outcome === 'callback' ? { callbackRequested: true } : { lastOutcome: rule.outcome };
    return this.items().find({
      select: FINISHED_COLUMNS,
      where: { queueId, status: 'done', recycledAt: IsNull(), updatedAt: LessThanOrEqual(endedBy), pass: LessThanOrEqual(rule.maxPasses - 1), ...match },
      order: { updatedAt: 'ASC' },
      take: limit,
    });
  }

  /** A queue's finished items (done or taken out) not yet brought back, newest first; only those ending with one of `outcomes` when given. */
  finished(queueId: string, outcomes: string[] | null, limit: number): Promise<FinishedItem[]> {
    return this.items().find({
      select: FINISHED_COLUMNS,
      where: { queueId, status: In(['done', 'canceled']), recycledAt: IsNull(), ...(outcomes ? { lastOutcome: In(outcomes) } : {}) },
      order: { updatedAt: 'DESC' },
      take: limit,
    });
  }

  /** Of these leads, those waiting or being worked in the queue now. */
  async activeLeads(queueId: string, leadIds: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < leadIds.length; i += 1000) {
      const rows = await this.items().find({ select: { leadId: true }, where: { queueId, leadId: In(leadIds.slice(i, i + 1000)), activeKey: Not(IsNull()) } });
      for (const r of rows) out.add(r.leadId);
    }
    return out;
  }

  /** Marks finished items as recycled (or judged never to be), each once: the ids this call marked. */
  async markRecycled(ids: string[], at: Date, em?: EntityManager): Promise<number> {
    if (!ids.length) return 0;
    const r = await this.items(em).update({ id: In(ids), recycledAt: IsNull() }, { recycledAt: at });
    return r.affected ?? 0;
  }
}

