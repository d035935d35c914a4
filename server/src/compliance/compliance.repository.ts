import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, MoreThanOrEqual } from 'typeorm';
import { BlockEntity } from './block.entity.js';
import { ContactAttemptEntity, ContactRefusalEntity } from './contact-attempt.entity.js';
import { supersedes, type LedgerEntry } from './opt-out-ledger.js';
import { OptOutEntity } from './opt-out.entity.js';

/** Persistence port for the opt-out ledger, the block list, attempts and refusals. */
export abstract class ComplianceRepository {
  /** Appends an entry and marks the active entries it supersedes, atomically. */
  abstract appendLedger(entry: OptOutEntity): Promise<void>;
  abstract activeLedger(addresses: string[]): Promise<OptOutEntity[]>;
  abstract ledgerHistory(address: string): Promise<OptOutEntity[]>;
  abstract findLedgerEntry(id: string): Promise<OptOutEntity | null>;
  abstract listActiveOptOuts(limit: number, offset: number): Promise<OptOutEntity[]>;

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
}

@Injectable()
export class TypeormComplianceRepository extends ComplianceRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  appendLedger(entry: OptOutEntity): Promise<void> {
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(OptOutEntity);
      // Lock the address's active entries so two writers cannot both leave theirs active.
      const active = await repo
        .createQueryBuilder('o')
        .setLock('pessimistic_write')
        .where('o.address = :address AND o.superseded_at IS NULL', { address: entry.address })
        .getMany();
      const stale = active.filter((a) => supersedes(entry as LedgerEntry, a as LedgerEntry)).map((a) => a.id);
      await repo.insert({ ...entry });
      if (stale.length) await repo.update({ id: In(stale) }, { supersededAt: entry.createdAt, supersededBy: entry.id });
    });
  }

  activeLedger(addresses: string[]): Promise<OptOutEntity[]> {
    if (!addresses.length) return Promise.resolve([]);
    return this.ds.getRepository(OptOutEntity).find({ where: { address: In(addresses), supersededAt: IsNull() }, order: { createdAt: 'ASC' } });
  }

  ledgerHistory(address: string): Promise<OptOutEntity[]> {
    return this.ds.getRepository(OptOutEntity).find({ where: { address }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findLedgerEntry(id: string): Promise<OptOutEntity | null> {
    return this.ds.getRepository(OptOutEntity).findOneBy({ id });
  }

  listActiveOptOuts(limit: number, offset: number): Promise<OptOutEntity[]> {
    return this.ds.getRepository(OptOutEntity).find({
      where: { supersededAt: IsNull(), action: 'opt-out' },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
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

  refusalsFor(leadId: string): Promise<ContactRefusalEntity[]> {
    return this.ds.getRepository(ContactRefusalEntity).find({ where: { leadId }, order: { at: 'DESC' }, take: 100 });
  }
}
