import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, type Repository } from 'typeorm';
import { ReportSubscriptionEntity } from './report-subscription.entity.js';

export type ReportSubscription = ReportSubscriptionEntity;

/** The report_subscriptions table, read and written here only. */
@Injectable()
export class ReportSubscriptionsRepository {
  private readonly repo: Repository<ReportSubscriptionEntity>;

  constructor(@InjectDataSource() ds: DataSource) {
    this.repo = ds.getRepository(ReportSubscriptionEntity);
  }

  list(): Promise<ReportSubscription[]> {
    return this.repo.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findById(id: string): Promise<ReportSubscription | null> {
    return this.repo.findOneBy({ id });
  }

  async insert(row: ReportSubscription): Promise<void> {
    await this.repo.insert({ ...row });
  }

  async update(id: string, patch: Partial<Omit<ReportSubscription, 'id'>>): Promise<void> {
    await this.repo.update({ id }, patch);
  }

  async delete(id: string): Promise<boolean> {
    return ((await this.repo.delete({ id })).affected ?? 0) > 0;
  }

  /** Active subscriptions not delivered for `day` yet (whether their time has come is the caller's to say). */
  notSentFor(day: string): Promise<ReportSubscription[]> {
    return this.repo
      .createQueryBuilder('s')
      .where('s.active = :active', { active: true })
      .andWhere(new Brackets((w) => w.where('s.last_sent_for IS NULL').orWhere('s.last_sent_for < :day', { day })))
      .orderBy('s.created_at', 'ASC')
      .getMany();
  }

  /**
   * Takes the subscription to deliver it for `day`, in one conditional statement: only while it
   * is active, not delivered for that day, and no live claim holds it (another instance's, or
   * one left by a process that died, which lapses at its `until`). True when this owner has it.
   */
  async claim(id: string, day: string, owner: string, now: Date, until: Date): Promise<boolean> {
    const r = await this.repo
      .createQueryBuilder()
      .update()
      .set({ claimedBy: owner, claimedUntil: until })
      .where('id = :id AND active = :active', { id, active: true })
      .andWhere(new Brackets((w) => w.where('last_sent_for IS NULL').orWhere('last_sent_for < :day', { day })))
      .andWhere(new Brackets((w) => w.where('claimed_until IS NULL').orWhere('claimed_until <= :now', { now })))
      .execute();
    return (r.affected ?? 0) > 0;
  }

  /** Delivered for `day`: marked and let go, only by the owner of the claim. */
  async markSent(id: string, day: string, owner: string, at: Date): Promise<boolean> {
    const r = await this.repo.update({ id, claimedBy: owner }, { lastSentFor: day, claimedBy: null, claimedUntil: null, updatedAt: at });
    return (r.affected ?? 0) > 0;
  }

  /** Let go without marking it (a send failed: the next run tries again). */
  async release(id: string, owner: string): Promise<void> {
    await this.repo.update({ id, claimedBy: owner }, { claimedBy: null, claimedUntil: null });
  }
}
