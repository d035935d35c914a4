import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import type { RecycleRule } from '#shared';
import { DialQueueEntity, DialQueueItemEntity } from './dial-queue.entity.js';

/** The finished items a recycle or a reset reads, lightly. */
export type FinishedItem = Pick<DialQueueItemEntity, 'id' | 'queueId' | 'leadId' | 'pass' | 'lastOutcome' | 'updatedAt'>;

const FINISHED_COLUMNS = { id: true, queueId: true, leadId: true, pass: true, lastOutcome: true, updatedAt: true } as const;

/** One group of a list's leads by where their turn stands (the newest item of each lead). */
export interface PenetrationRow {
  status: string;
  lastOutcome: string | null;
  disposition: string | null;
  refusalCodes: string | null;
  fresh: boolean;
  leads: number;
}

/**
 * The dialer's statements over a list's worked leads: recycling (rules, due items, the
 * mark that they were brought back) and the list's penetration.
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

  /**
   * Where each lead of the queue stands, grouped: its item waiting or being worked, else
   * its newest finished one (status, outcome, disposition, refusal codes; `fresh`: waiting
   * and never dialed on its first pass).
   */
  async penetration(queueId: string): Promise<PenetrationRow[]> {
    const rows = await this.items()
      .createQueryBuilder('i')
      .select('i.status', 'status')
      .addSelect('i.last_outcome', 'last_outcome')
      .addSelect('i.disposition', 'disposition')
      .addSelect('i.refusal_codes', 'refusal_codes')
      .addSelect("CASE WHEN i.status = 'pending' AND i.attempts = 0 AND i.pass = 1 THEN 1 ELSE 0 END", 'fresh')
      .addSelect('COUNT(*)', 'leads')
      .where('i.queue_id = :queueId', { queueId })
      .andWhere(
        `(i.active_key IS NOT NULL OR NOT EXISTS (SELECT 1 FROM dial_queue_items j WHERE j.queue_id = i.queue_id AND j.lead_id = i.lead_id AND j.id <> i.id
           AND (j.active_key IS NOT NULL OR j.created_at > i.created_at OR (j.created_at = i.created_at AND j.id > i.id))))`,
      )
      .groupBy('i.status')
      .addGroupBy('i.last_outcome')
      .addGroupBy('i.disposition')
      .addGroupBy('i.refusal_codes')
      .addGroupBy("CASE WHEN i.status = 'pending' AND i.attempts = 0 AND i.pass = 1 THEN 1 ELSE 0 END")
      .getRawMany<Record<string, unknown>>();
    return rows.map((r) => ({
      status: String(r.status),
      lastOutcome: (r.last_outcome as string | null) ?? null,
      disposition: (r.disposition as string | null) ?? null,
      refusalCodes: (r.refusal_codes as string | null) ?? null,
      fresh: Number(r.fresh) === 1,
      leads: Number(r.leads),
    }));
  }

  /** Leads of the queue by the calls made to them in it (all passes): `{ calls, leads }`, and how many of them a person answered. */
  async dialsPerLead(queueId: string): Promise<{ histogram: Array<{ calls: number; leads: number }>; contacted: number; leads: number }> {
    const perLead = this.items()
      .createQueryBuilder('i')
      .select('i.lead_id', 'lead_id')
      .addSelect('SUM(i.attempts)', 'calls')
      .addSelect("MAX(CASE WHEN i.last_outcome = 'answered' THEN 1 ELSE 0 END)", 'contacted')
      .where('i.queue_id = :queueId')
      .groupBy('i.lead_id');
    const rows = await this.ds
      .createQueryBuilder()
      .select('t.calls', 'calls')
      .addSelect('COUNT(*)', 'leads')
      .addSelect('SUM(t.contacted)', 'contacted')
      .from(`(${perLead.getQuery()})`, 't')
      .setParameters({ queueId })
      .groupBy('t.calls')
      .orderBy('t.calls', 'ASC')
      .getRawMany<Record<string, unknown>>();
    const histogram = rows.map((r) => ({ calls: Number(r.calls), leads: Number(r.leads) }));
    return { histogram, contacted: rows.reduce((n, r) => n + Number(r.contacted ?? 0), 0), leads: histogram.reduce((n, h) => n + h.leads, 0) };
  }

  /** Marks finished items as recycled (or judged never to be), each once: the ids this call marked. */
  async markRecycled(ids: string[], at: Date, em?: EntityManager): Promise<number> {
    if (!ids.length) return 0;
    const r = await this.items(em).update({ id: In(ids), recycledAt: IsNull() }, { recycledAt: at });
    return r.affected ?? 0;
  }
}

