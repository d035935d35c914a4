import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DialQueueItemEntity } from './dial-queue.entity.js';

/** One group of a list's leads by where their turn stands (the newest item of each lead). */
export interface PenetrationRow {
  status: string;
  lastOutcome: string | null;
  disposition: string | null;
  refusalCodes: string | null;
  fresh: boolean;
  leads: number;
}

/** The reads behind a list's penetration: where its leads stand, and how often they were dialed. */
@Injectable()
export class DialPenetrationRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private items() {
    return this.ds.getRepository(DialQueueItemEntity);
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
}
