import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, MoreThanOrEqual, type EntityManager } from 'typeorm';
import { isUniqueViolation } from '../database/db-errors.js';
import { LeadDirectory } from './lead-directory.js';
import { BlockEntity } from './block.entity.js';
import { ConsentReviewEntity } from './consent-review.entity.js';
import { ContactAttemptEntity, ContactRefusalEntity } from './contact-attempt.entity.js';
import { supersedes, type LedgerEntry, type LedgerKind } from './opt-out-ledger.js';
import { OptOutEntity, OptOutLeadEntity } from './opt-out.entity.js';

/** A ledger row with the leads its address belonged to when it was written. */
export type LedgerRow = OptOutEntity & { leadIds: string[] };

export function asLedgerEntry(row: LedgerRow): LedgerEntry {
  return {
    id: row.id,
    address: row.address,
    action: row.action as LedgerEntry['action'],
    kind: row.kind as LedgerKind,
    channel: row.channel as LedgerEntry['channel'],
    scopeType: row.scopeType as LedgerEntry['scopeType'],
    scopeId: row.scopeId,
    createdAt: row.createdAt,
    leadIds: row.leadIds,
  };
}

/** Persistence port for the opt-out ledger, consent reviews, the block list, attempts and refusals. */
export abstract class ComplianceRepository {
  /**
   * Appends an entry with its leads and marks the active entries it supersedes (and
   * `lifts`, when a person lifts one on purpose), atomically. An entry whose `sourceRef`
   * is taken is not written again: the one holding it comes back with `created: false`.
   */
  /** With `em`: inside that transaction (a savepoint of it, so a repeated `sourceRef` finds the entry held and the transaction goes on). */
  abstract appendLedger(entry: OptOutEntity, leadIds: string[], lifts?: string, em?: EntityManager): Promise<{ row: LedgerRow; created: boolean }>;
  /** Active entries on any of the addresses, and those written for the lead (a revocation reaches the whole person). */
  abstract activeLedgerFor(addresses: string[], leadId?: string | null): Promise<LedgerRow[]>;
  abstract ledgerHistory(address: string): Promise<LedgerRow[]>;
  abstract findLedgerEntry(id: string): Promise<LedgerRow | null>;
  abstract listActiveOptOuts(limit: number, offset: number): Promise<LedgerRow[]>;
  /** Every entry written in [from, to), oldest first. */
  abstract ledgerBetween(from: Date, to: Date, limit: number, after?: { createdAt: Date; id: string }): Promise<LedgerRow[]>;

  /** Opens a review once per `sourceRef`; the one holding it comes back otherwise. */
  abstract openReview(review: ConsentReviewEntity): Promise<{ review: ConsentReviewEntity; created: boolean }>;
  abstract openReviewsFor(addresses: string[]): Promise<ConsentReviewEntity[]>;
  abstract listReviews(status: string | null, limit: number, offset: number): Promise<ConsentReviewEntity[]>;
  abstract findReview(id: string): Promise<ConsentReviewEntity | null>;
  /** Decides an open review; false when it was no longer open. */
  abstract decideReview(id: string, patch: Pick<ConsentReviewEntity, 'status' | 'decidedAt' | 'decidedBy' | 'decisionNote' | 'entryId'>): Promise<boolean>;

  abstract insertBlock(block: BlockEntity): Promise<void>;
  abstract findActiveBlock(kind: string, value: string): Promise<BlockEntity | null>;
  abstract findBlock(id: string): Promise<BlockEntity | null>;
  abstract removeBlock(id: string, at: Date, by: string | null): Promise<boolean>;
  abstract listBlocks(limit: number, offset: number): Promise<BlockEntity[]>;
  /** Active blocks that match the number: exactly, by any of its prefixes, or by its area code. */
  abstract blocksMatching(e164: string, prefixes: string[], areaCode: string | null): Promise<BlockEntity[]>;

  abstract recordAttempt(attempt: ContactAttemptEntity): Promise<void>;
  /** Attempt times for a lead on a channel since `since` (ascending), and the lifetime count. */
  abstract attemptsSince(leadId: string, channel: string, since: Date): Promise<{ times: Date[]; lifetime: number }>;
  abstract recordRefusal(refusal: ContactRefusalEntity): Promise<void>;
  abstract refusalsFor(leadId: string): Promise<ContactRefusalEntity[]>;
  /** The gate's refusals from `from` (inclusive) to `to`, oldest first, after the cursor. */
  abstract refusalsBetween(from: Date, to: Date, limit: number, after?: { at: Date; id: string }): Promise<ContactRefusalEntity[]>;
  /**
   * SQL of a condition, true when an opt-out other than email's reaching the lead `:leadId`
   * (to one of its numbers, or naming it) was written at or after `:since` (named parameters
   * given by the caller). It is for another room's statement that must decide in the same
   * statement, so that no opt-out can land between the read and its write (the dialer's
   * precheck mark).
   */
  abstract optOutReachingLeadSince(params: { leadId: string; since: string }): string;
}

@Injectable()
export class TypeormComplianceRepository extends ComplianceRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly leads: LeadDirectory,
  ) {
    super();
  }

  optOutReachingLeadSince({ leadId, since }: { leadId: string; since: string }): string {
    return `EXISTS (SELECT 1 FROM opt_outs o WHERE o.action = 'opt-out' AND o.channel <> 'email' AND o.created_at >= :${since}
           AND (o.address IN (${this.leads.phonesOfLeadSubquery(leadId)})
                OR o.id IN (SELECT l.entry_id FROM opt_out_leads l WHERE l.lead_id = :${leadId})))`;
  }

  appendLedger(entry: OptOutEntity, leadIds: string[], lifts?: string, outer?: EntityManager): Promise<{ row: LedgerRow; created: boolean }> {
    const manager = outer ?? this.ds.manager;
    return manager
      .transaction(async (em) => {
        const repo = em.getRepository(OptOutEntity);
        // Lock the address's active entries so two writers cannot both leave theirs active.
        const active = await repo
          .createQueryBuilder('o')
          .setLock('pessimistic_write')
          .where('o.address = :address AND o.superseded_at IS NULL', { address: entry.address })
          .getMany();
        const activeRows = await this.withLeads(em, active);
        const row: LedgerRow = { ...entry, leadIds };
        const stale = activeRows.filter((a) => a.id === lifts || supersedes(asLedgerEntry(row), asLedgerEntry(a))).map((a) => a.id);
        await repo.insert({ ...entry });
        if (leadIds.length) await em.getRepository(OptOutLeadEntity).insert(leadIds.map((leadId) => ({ entryId: entry.id, leadId })));
        if (stale.length) await repo.update({ id: In(stale) }, { supersededAt: entry.createdAt, supersededBy: entry.id });
        return { row, created: true };
      })
      .catch(async (e: unknown) => {
        if (!entry.sourceRef || !isUniqueViolation(e)) throw e;
        const held = await manager.getRepository(OptOutEntity).findOneBy({ sourceRef: entry.sourceRef });
        if (!held) throw e;
        return { row: (await this.withLeads(manager, [held]))[0], created: false };
      });
  }

  async activeLedgerFor(addresses: string[], leadId?: string | null): Promise<LedgerRow[]> {
    if (!addresses.length && !leadId) return [];
    const qb = this.ds.getRepository(OptOutEntity).createQueryBuilder('o').where('o.superseded_at IS NULL');
    if (leadId) {
      qb.leftJoin(OptOutLeadEntity, 'l', 'l.entry_id = o.id AND l.lead_id = :leadId', { leadId }).addSelect('l.lead_id', 'linked_lead');
      qb.andWhere(addresses.length ? '(o.address IN (:...addresses) OR l.lead_id IS NOT NULL)' : 'l.lead_id IS NOT NULL', { addresses });
    } else {
      qb.andWhere('o.address IN (:...addresses)', { addresses });
    }
    qb.orderBy('o.created_at', 'ASC');
    const { entities, raw } = await qb.getRawAndEntities<{ linked_lead?: string | null }>();
    // The gate asks for one lead: the link tells whether an entry on another address was written for them.
    return entities.map((e, i) => ({ ...e, leadIds: raw[i]?.linked_lead ? [raw[i].linked_lead] : [] }));
  }

  async ledgerHistory(address: string): Promise<LedgerRow[]> {
    return this.withLeads(this.ds.manager, await this.ds.getRepository(OptOutEntity).find({ where: { address }, order: { createdAt: 'ASC', id: 'ASC' } }));
  }

  async findLedgerEntry(id: string): Promise<LedgerRow | null> {
    const e = await this.ds.getRepository(OptOutEntity).findOneBy({ id });
    return e ? (await this.withLeads(this.ds.manager, [e]))[0] : null;
  }

  async listActiveOptOuts(limit: number, offset: number): Promise<LedgerRow[]> {
    const rows = await this.ds.getRepository(OptOutEntity).find({
      where: { supersededAt: IsNull(), action: 'opt-out' },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
    return this.withLeads(this.ds.manager, rows);
  }

  async ledgerBetween(from: Date, to: Date, limit: number, after?: { createdAt: Date; id: string }): Promise<LedgerRow[]> {
    const qb = this.ds.getRepository(OptOutEntity).createQueryBuilder('o').where('o.created_at >= :from AND o.created_at < :to', { from, to });
    if (after) qb.andWhere('(o.created_at > :at OR (o.created_at = :at AND o.id > :id))', { at: after.createdAt, id: after.id });
    const rows = await qb.orderBy('o.created_at', 'ASC').addOrderBy('o.id', 'ASC').take(limit).getMany();
    return this.withLeads(this.ds.manager, rows);
  }

  private async withLeads(em: EntityManager, rows: OptOutEntity[]): Promise<LedgerRow[]> {
    if (!rows.length) return [];
    const links = await em.getRepository(OptOutLeadEntity).find({ where: { entryId: In(rows.map((r) => r.id)) } });
    const by = new Map<string, string[]>();
    for (const l of links) by.set(l.entryId, [...(by.get(l.entryId) ?? []), l.leadId]);
    return rows.map((r) => ({ ...r, leadIds: (by.get(r.id) ?? []).sort() }));
  }

  async openReview(review: ConsentReviewEntity): Promise<{ review: ConsentReviewEntity; created: boolean }> {
    const repo = this.ds.getRepository(ConsentReviewEntity);
    try {
      await repo.insert({ ...review });
      return { review, created: true };
    } catch (e) {
      if (!review.sourceRef || !isUniqueViolation(e)) throw e;
      const held = await repo.findOneBy({ sourceRef: review.sourceRef });
      if (!held) throw e;
      return { review: held, created: false };
    }
  }

  openReviewsFor(addresses: string[]): Promise<ConsentReviewEntity[]> {
    if (!addresses.length) return Promise.resolve([]);
    return this.ds.getRepository(ConsentReviewEntity).find({ where: { address: In(addresses), status: 'open' }, order: { createdAt: 'ASC' } });
  }

  listReviews(status: string | null, limit: number, offset: number): Promise<ConsentReviewEntity[]> {
    return this.ds.getRepository(ConsentReviewEntity).find({ where: status ? { status } : {}, order: { createdAt: 'DESC', id: 'DESC' }, take: limit, skip: offset });
  }

  findReview(id: string): Promise<ConsentReviewEntity | null> {
    return this.ds.getRepository(ConsentReviewEntity).findOneBy({ id });
  }

  async decideReview(id: string, patch: Pick<ConsentReviewEntity, 'status' | 'decidedAt' | 'decidedBy' | 'decisionNote' | 'entryId'>): Promise<boolean> {
    const r = await this.ds.getRepository(ConsentReviewEntity).update({ id, status: 'open' }, patch);
    return (r.affected ?? 0) > 0;
  }

  async insertBlock(block: BlockEntity): Promise<void> {
    await this.ds.getRepository(BlockEntity).insert({ ...block });
  }

  findActiveBlock(kind: string, value: string): Promise<BlockEntity | null> {
    return this.ds.getRepository(BlockEntity).findOneBy({ kind, value, removedAt: IsNull() });
  }

  findBlock(id: string): Promise<BlockEntity | null> {
    return this.ds.getRepository(BlockEntity).findOneBy({ id });
  }

  async removeBlock(id: string, at: Date, by: string | null): Promise<boolean> {
    const r = await this.ds.getRepository(BlockEntity).update({ id, removedAt: IsNull() }, { removedAt: at, removedBy: by });
    return (r.affected ?? 0) > 0;
  }

  listBlocks(limit: number, offset: number): Promise<BlockEntity[]> {
    return this.ds.getRepository(BlockEntity).find({ where: { removedAt: IsNull() }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit, skip: offset });
  }

  blocksMatching(e164: string, prefixes: string[], areaCode: string | null): Promise<BlockEntity[]> {
    const qb = this.ds
      .getRepository(BlockEntity)
      .createQueryBuilder('b')
      .where('b.removed_at IS NULL')
      .andWhere(
        "((b.kind = 'number' AND b.value = :e164) OR (b.kind = 'prefix' AND b.value IN (:...prefixes))" + (areaCode ? " OR (b.kind = 'area-code' AND b.value = :areaCode))" : ')'),
        { e164, prefixes: prefixes.length ? prefixes : ['-'], areaCode },
      );
    return qb.getMany();
  }

  async recordAttempt(attempt: ContactAttemptEntity): Promise<void> {
    await this.ds.getRepository(ContactAttemptEntity).insert({ ...attempt });
  }

  async attemptsSince(leadId: string, channel: string, since: Date): Promise<{ times: Date[]; lifetime: number }> {
    const repo = this.ds.getRepository(ContactAttemptEntity);
    const [recent, lifetime] = await Promise.all([
      repo.find({ select: { at: true }, where: { leadId, channel, at: MoreThanOrEqual(since) }, order: { at: 'ASC' } }),
      repo.count({ where: { leadId, channel } }),
    ]);
    return { times: recent.map((r) => r.at), lifetime };
  }

  async recordRefusal(refusal: ContactRefusalEntity): Promise<void> {
    await this.ds.getRepository(ContactRefusalEntity).insert({ ...refusal });
  }

  refusalsBetween(from: Date, to: Date, limit: number, after?: { at: Date; id: string }): Promise<ContactRefusalEntity[]> {
    const qb = this.ds.getRepository(ContactRefusalEntity).createQueryBuilder('r').where('r.at >= :from AND r.at < :to', { from, to });
    if (after) qb.andWhere('(r.at > :afterAt OR (r.at = :afterAt AND r.id > :afterId))', { afterAt: after.at, afterId: after.id });
    return qb.orderBy('r.at', 'ASC').addOrderBy('r.id', 'ASC').take(limit).getMany();
  }

  refusalsFor(leadId: string): Promise<ContactRefusalEntity[]> {
    return this.ds.getRepository(ContactRefusalEntity).find({ where: { leadId }, order: { at: 'DESC' }, take: 100 });
  }
}
