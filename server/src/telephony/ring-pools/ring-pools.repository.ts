import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Between, DataSource, type EntityManager, In } from 'typeorm';
import type { DayUsage } from './caller-id.js';
import { PoolNumberEntity, PoolNumberUsageEntity, RingPoolEntity } from './ring-pool.entity.js';

/** Persistence port for ring pools, their numbers and daily usage. */
export abstract class RingPoolsRepository {
  abstract insertPool(pool: RingPoolEntity): Promise<void>;
  abstract findPool(id: string): Promise<RingPoolEntity | null>;
  abstract findPoolByName(name: string): Promise<RingPoolEntity | null>;
  abstract pools(): Promise<RingPoolEntity[]>;
  abstract updatePool(id: string, patch: Partial<RingPoolEntity>): Promise<void>;
  abstract deletePool(id: string): Promise<void>;
  abstract insertNumbers(numbers: PoolNumberEntity[]): Promise<void>;
  abstract numbers(poolId: string): Promise<PoolNumberEntity[]>;
  abstract findNumber(id: string): Promise<PoolNumberEntity | null>;
  abstract findNumbersByE164(e164s: string[]): Promise<PoolNumberEntity[]>;
  abstract updateNumber(id: string, patch: Partial<PoolNumberEntity>): Promise<void>;
  abstract deleteNumber(id: string): Promise<void>;
  abstract usage(numberIds: string[], day: string): Promise<Map<string, DayUsage>>;
  /** Usage rows of one number between two days (inclusive). */
  abstract usageBetween(numberId: string, from: string, to: string): Promise<PoolNumberUsageEntity[]>;
  abstract increment(numberId: string, day: string, field: 'calls' | 'answered' | 'sms', em?: EntityManager): Promise<void>;
  /**
   * Runs `fn` in a transaction holding the pool's row lock, so two picks from the
   * same pool never both read a count below a cap.
   */
  abstract withPoolLock<T>(poolId: string, fn: (em: EntityManager, pool: RingPoolEntity, numbers: PoolNumberEntity[], usage: (day: string) => Promise<Map<string, DayUsage>>) => Promise<T>): Promise<T | null>;
}

async function usageIn(em: EntityManager, numberIds: string[], day: string): Promise<Map<string, DayUsage>> {
  const out = new Map<string, DayUsage>();
  if (!numberIds.length) return out;
  for (const u of await em.getRepository(PoolNumberUsageEntity).findBy({ numberId: In(numberIds), day })) out.set(u.numberId, { calls: u.calls, answered: u.answered, sms: u.sms });
  return out;
}

@Injectable()
export class TypeormRingPoolsRepository extends RingPoolsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  async insertPool(pool: RingPoolEntity): Promise<void> {
    await this.ds.getRepository(RingPoolEntity).insert({ ...pool });
  }

  findPool(id: string): Promise<RingPoolEntity | null> {
    return this.ds.getRepository(RingPoolEntity).findOneBy({ id });
  }

  findPoolByName(name: string): Promise<RingPoolEntity | null> {
    return this.ds.getRepository(RingPoolEntity).findOneBy({ name });
  }

  pools(): Promise<RingPoolEntity[]> {
    return this.ds.getRepository(RingPoolEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async updatePool(id: string, patch: Partial<RingPoolEntity>): Promise<void> {
    await this.ds.getRepository(RingPoolEntity).update({ id }, patch);
  }

  async deletePool(id: string): Promise<void> {
    await this.ds.getRepository(RingPoolEntity).delete({ id });
  }

  async insertNumbers(numbers: PoolNumberEntity[]): Promise<void> {
    if (numbers.length) await this.ds.getRepository(PoolNumberEntity).insert(numbers.map((n) => ({ ...n })));
  }

  numbers(poolId: string): Promise<PoolNumberEntity[]> {
    return this.ds.getRepository(PoolNumberEntity).find({ where: { poolId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findNumber(id: string): Promise<PoolNumberEntity | null> {
    return this.ds.getRepository(PoolNumberEntity).findOneBy({ id });
  }

  findNumbersByE164(e164s: string[]): Promise<PoolNumberEntity[]> {
    return e164s.length ? this.ds.getRepository(PoolNumberEntity).findBy({ e164: In(e164s) }) : Promise.resolve([]);
  }

  async updateNumber(id: string, patch: Partial<PoolNumberEntity>): Promise<void> {
    await this.ds.getRepository(PoolNumberEntity).update({ id }, patch);
  }

  async deleteNumber(id: string): Promise<void> {
    await this.ds.getRepository(PoolNumberEntity).delete({ id });
  }

  usage(numberIds: string[], day: string): Promise<Map<string, DayUsage>> {
    return usageIn(this.ds.manager, numberIds, day);
  }

  usageBetween(numberId: string, from: string, to: string): Promise<PoolNumberUsageEntity[]> {
    return this.ds.getRepository(PoolNumberUsageEntity).findBy({ numberId, day: Between(from, to) });
  }

  async increment(numberId: string, day: string, field: 'calls' | 'answered' | 'sms', em: EntityManager = this.ds.manager): Promise<void> {
    const repo = em.getRepository(PoolNumberUsageEntity);
    await repo.createQueryBuilder().insert().values({ numberId, day, calls: 0, answered: 0, sms: 0 }).orIgnore().execute();
    await repo.increment({ numberId, day }, field, 1);
  }

  withPoolLock<T>(poolId: string, fn: (em: EntityManager, pool: RingPoolEntity, numbers: PoolNumberEntity[], usage: (day: string) => Promise<Map<string, DayUsage>>) => Promise<T>): Promise<T | null> {
    return this.ds.transaction(async (em) => {
      const pool = await em.getRepository(RingPoolEntity).createQueryBuilder('p').setLock('pessimistic_write').where('p.id = :poolId', { poolId }).getOne();
      if (!pool) return null;
      const numbers = await em.getRepository(PoolNumberEntity).find({ where: { poolId }, order: { createdAt: 'ASC', id: 'ASC' } });
      return fn(em, pool, numbers, (day) => usageIn(em, numbers.map((n) => n.id), day));
    });
  }
}
