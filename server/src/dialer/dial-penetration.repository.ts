import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { LeadsRepository } from '../leads/leads.repository.js';
import { DialQueueItemEntity } from './dial-queue.entity.js';

/**
 * Which items a penetration counts: one queue's or every queue's, of every lead or only of
 * the leads one CSV import made; `across`: each lead once over every queue, else once per queue.
 */
export interface PenetrationScope {
  queueId: string | null;
  importId: string | null;
  across?: boolean;
}

/** One group of a list's leads by where their turn stands (the newest item of each lead); `queueId` null when counted across queues. */
export interface PenetrationRow {
  queueId: string | null;
  status: string;
  lastOutcome: string | null;
  disposition: string | null;
  refusalCodes: string | null;
  fresh: boolean;
  leads: number;
}

/** Leads of a list (a queue, or `queueId` null across queues) by the calls made to them, and how many of them a person answered. */
export interface DialsRow {
  queueId: string | null;
  calls: number;
  leads: number;
  contacted: number;
}

/**
 * Each lead's items ranked, first the one that says where its turn stands: waiting or being
 * worked, else the newest (in its queue, or `across` every queue: there the newest of those
 * waiting, when it waits in several). One sort of the scope's items, no probe per item.
 */
const rank = (across: boolean) =>
  `ROW_NUMBER() OVER (PARTITION BY ${across ? '' : 'i.queue_id, '}i.lead_id ORDER BY CASE WHEN i.active_key IS NOT NULL THEN 1 ELSE 0 END DESC, i.created_at DESC, i.id DESC)`;

/** The reads behind a list's penetration: where its leads stand, and how often they were dialed. */
@Injectable()
export class DialPenetrationRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly leads: LeadsRepository,
  ) {}

  /** The scope's items; the import's leads asked of the leads' own subquery. */
  private items(scope: PenetrationScope): SelectQueryBuilder<DialQueueItemEntity> {
    const qb = this.ds.getRepository(DialQueueItemEntity).createQueryBuilder('i').where('1 = 1');
    if (scope.queueId) qb.andWhere('i.queue_id = :queueId', { queueId: scope.queueId });
    if (scope.importId) qb.andWhere(`i.lead_id IN (${this.leads.importLeadIdsSubquery('importId')})`, { importId: scope.importId });
    return qb;
  }

  /**
   * Where each lead of the scope stands, grouped (by queue unless `across`): its item
   * waiting or being worked, else its newest finished one (status, outcome, disposition,
   * refusal codes; `fresh`: waiting and never dialed on its first pass, across queues by none).
   */
  async penetration(scope: PenetrationScope): Promise<PenetrationRow[]> {
    const across = scope.across ?? false;
    const ranked = this.items(scope)
      .select('i.queue_id', 'queue_id')
      .addSelect('i.status', 'status')
      .addSelect('i.last_outcome', 'last_outcome')
      .addSelect('i.disposition', 'disposition')
      .addSelect('i.refusal_codes', 'refusal_codes')
      .addSelect('i.attempts', 'attempts')
      .addSelect('i.pass', 'pass')
      .addSelect(across ? 'MAX(i.attempts) OVER (PARTITION BY i.lead_id)' : '0', 'lead_calls')
      .addSelect(rank(across), 'rn');
    const fresh = "CASE WHEN t.status = 'pending' AND t.attempts = 0 AND t.pass = 1 AND t.lead_calls = 0 THEN 1 ELSE 0 END";
    const qb = this.ds
      .createQueryBuilder()
      .select('t.status', 'status')
      .addSelect('t.last_outcome', 'last_outcome')
      .addSelect('t.disposition', 'disposition')
      .addSelect('t.refusal_codes', 'refusal_codes')
      .addSelect(fresh, 'fresh')
      .addSelect('COUNT(*)', 'leads')
      .from(`(${ranked.getQuery()})`, 't')
      .setParameters(ranked.getParameters())
      .where('t.rn = 1')
      .groupBy('t.status')
      .addGroupBy('t.last_outcome')
      .addGroupBy('t.disposition')
      .addGroupBy('t.refusal_codes')
      .addGroupBy(fresh);
    if (!across) qb.addSelect('t.queue_id', 'queue_id').addGroupBy('t.queue_id');
    const rows = await qb.getRawMany<Record<string, unknown>>();
    return rows.map((r) => ({
      queueId: (r.queue_id as string | undefined) ?? null,
      status: String(r.status),
      lastOutcome: (r.last_outcome as string | null) ?? null,
      disposition: (r.disposition as string | null) ?? null,
      refusalCodes: (r.refusal_codes as string | null) ?? null,
      fresh: Number(r.fresh) === 1,
      leads: Number(r.leads),
    }));
  }

  /** Leads of the scope by the calls made to them (all passes; per queue unless `across`, where a lead's calls in every queue add up). */
  async dialsPerLead(scope: PenetrationScope): Promise<DialsRow[]> {
    const perLead = this.items(scope)
      .select('i.lead_id', 'lead_id')
      .addSelect('SUM(i.attempts)', 'calls')
      .addSelect("MAX(CASE WHEN i.last_outcome = 'answered' THEN 1 ELSE 0 END)", 'contacted')
      .groupBy('i.lead_id');
    if (!scope.across) perLead.addSelect('i.queue_id', 'queue_id').addGroupBy('i.queue_id');
    const qb = this.ds
      .createQueryBuilder()
      .select('t.calls', 'calls')
      .addSelect('COUNT(*)', 'leads')
      .addSelect('SUM(t.contacted)', 'contacted')
      .from(`(${perLead.getQuery()})`, 't')
      .setParameters(perLead.getParameters())
      .groupBy('t.calls')
      .orderBy('t.calls', 'ASC');
    if (!scope.across) qb.addSelect('t.queue_id', 'queue_id').addGroupBy('t.queue_id');
    const rows = await qb.getRawMany<Record<string, unknown>>();
    return rows.map((r) => ({ queueId: (r.queue_id as string | undefined) ?? null, calls: Number(r.calls), leads: Number(r.leads), contacted: Number(r.contacted ?? 0) }));
  }

  /** Live leads the import made that were never added to any queue. */
  async neverQueued(importId: string): Promise<number> {
    const row = await this.ds
      .createQueryBuilder()
      .select('COUNT(*)', 'n')
      .from(`(${this.leads.importLeadIdsSubquery('importId', true)})`, 'x')
      .where('NOT EXISTS (SELECT 1 FROM dial_queue_items i WHERE i.lead_id = x.id)')
      .setParameters({ importId })
      .getRawOne<{ n: unknown }>();
    return Number(row?.n ?? 0);
  }
}
