import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThan, LessThanOrEqual } from 'typeorm';
import { chunks } from './work-sources.js';
import { WorkDeliveryEntity } from './work-delivery.entity.js';

/** A delivery's row as stored. */
export type WorkDelivery = WorkDeliveryEntity;

/**
 * The `work_deliveries` table: one row per (kind, item, user) pushed to an agent's screen.
 * Every statement realtime runs on it lives here; lists of ids are split so one `IN (...)`
 * stays bounded.
 */
@Injectable()
export class WorkDeliveriesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private get repo() {
    return this.ds.getRepository(WorkDeliveryEntity);
  }

  /** Deliveries of these items not withdrawn (whoever they went to). */
  shownOf(kind: string, itemIds: string[]): Promise<WorkDelivery[]> {
    return this.repo.find({ where: { kind, itemId: In(itemIds), withdrawnAt: IsNull() } });
  }

  /** Every delivery of these items, withdrawn ones too. */
  ofItems(kind: string, itemIds: string[]): Promise<WorkDelivery[]> {
    return this.repo.find({ where: { kind, itemId: In(itemIds) } });
  }

  /** Deliveries not withdrawn of these users. */
  async shownTo(userIds: string[]): Promise<WorkDelivery[]> {
    const out: WorkDelivery[] = [];
    for (const ids of chunks(userIds)) out.push(...(await this.repo.find({ where: { userId: In(ids), withdrawnAt: IsNull() } })));
    return out;
  }

  /** Every delivery (withdrawn ones too) of these users for these items of one kind. */
  async ofUsersAndItems(kind: string, userIds: string[], itemIds: string[]): Promise<WorkDelivery[]> {
    if (!userIds.length || !itemIds.length) return [];
    const out: WorkDelivery[] = [];
    for (const users of chunks(userIds)) for (const items of chunks(itemIds)) out.push(...(await this.repo.find({ where: { kind, userId: In(users), itemId: In(items) } })));
    return out;
  }

  /** Inserts these rows, keeping any (kind, item, user) that already has one. */
  async insertOrKeep(rows: WorkDelivery[]): Promise<void> {
    for (const part of chunks(rows, 200)) await this.repo.createQueryBuilder().insert().values(part).orIgnore().execute();
  }

  /** Withdraws these deliveries unless already withdrawn. */
  async withdraw(ids: string[], at: Date): Promise<void> {
    for (const part of chunks(ids)) await this.repo.update({ id: In(part), withdrawnAt: IsNull() }, { withdrawnAt: at });
  }

  async update(id: string, patch: Partial<Omit<WorkDelivery, 'id'>>): Promise<void> {
    await this.repo.update({ id }, patch);
  }

  /** Of these deliveries, those not yet acknowledged, with whom they went to. */
  async unacked(ids: string[]): Promise<Array<Pick<WorkDelivery, 'id' | 'userId'>>> {
    const out: Array<Pick<WorkDelivery, 'id' | 'userId'>> = [];
    for (const part of chunks(ids)) out.push(...(await this.repo.find({ select: { id: true, userId: true }, where: { id: In(part), ackedAt: IsNull() } })));
    return out;
  }

  /** Marks these deliveries acknowledged (those not yet); returns how many were. */
  async ack(ids: string[], at: Date, userId?: string): Promise<number> {
    let n = 0;
    for (const part of chunks(ids)) n += (await this.repo.update({ id: In(part), ackedAt: IsNull(), ...(userId ? { userId } : {}) }, { ackedAt: at })).affected ?? 0;
    return n;
  }

  /** Unacknowledged, not withdrawn deliveries of these users last sent at or before `before`, sent fewer than `maxSends` times. */
  async dueForResend(userIds: string[], before: Date, maxSends: number, take: number): Promise<WorkDelivery[]> {
    const out: WorkDelivery[] = [];
    for (const ids of chunks(userIds, 1000)) {
      if (out.length >= take) break;
      out.push(...(await this.repo.find({ where: { userId: In(ids), ackedAt: IsNull(), withdrawnAt: IsNull(), sentAt: LessThanOrEqual(before), attempts: LessThan(maxSends) }, take: take - out.length })));
    }
    return out;
  }

  /** Counts one more send unless the row changed (acknowledged, or sent by someone else) since it was read. True if it did. */
  async countSend(id: string, attempts: number, at: Date): Promise<boolean> {
    const r = await this.repo.update({ id, attempts, ackedAt: IsNull() }, { attempts: attempts + 1, sentAt: at });
    return !!r.affected;
  }
}
