import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Between, DataSource, type EntityManager, In } from 'typeorm';
import type { DayUsage } from './caller-id.js';
import { PoolNumberEntity, PoolNumberUsageEntity, RingPoolEntity } from './ring-pool.entity.js';
import { isUniqueViolation } from '../../database/db-errors.js';

export type UsageField = 'calls' | 'answered' | 'sms';

/** What a pick may read and write while it holds the pool's row lock (all in one transaction). */
export interface LockedPool {
  pool: RingPoolEntity;
  /** The pool's numbers, oldest first. */
  numbers: PoolNumberEntity[];
  /** The numbers' usage on a local day, read inside the transaction. */
  usage(day: string): Promise<Map<string, DayUsage>>;
  /** Adds one to a number's counter for a local day, creating the day's row when missing. */
  increment(numberId: string, day: string, field: UsageField): Promise<void>;
  updatePool(patch: Partial<RingPoolEntity>): Promise<void>;
  updateNumber(numberId: string, patch: Partial<PoolNumberEntity>): Promise<void>;
}

/** Persistence port for ring pools, their numbers and the numbers' daily usage. */
export abstract class RingPoolsRepository {
  /** Oldest first. */
  abstract pools(): Promise<RingPoolEntity[]>;
  abstract findPool(id: string): Promise<RingPoolEntity | null>;
  /** The pool with this name, compared without regard to case (as MySQL's collation does), so every database agrees. */
  abstract findPoolByName(name: string): Promise<RingPoolEntity | null>;
  /** Inserts a pool with its numbers in one transaction; false when a unique name or number was taken meanwhile (nothing is written). */
  abstract insertPool(pool: RingPoolEntity, numbers: PoolNumberEntity[]): Promise<boolean>;
  /** False when the new name was taken meanwhile. */
  abstract updatePool(id: string, patch: Partial<RingPoolEntity>): Promise<boolean>;
  /** Deletes the pool unless it has numbers (checked under the pool's row lock). */
  abstract deletePoolIfEmpty(id: string): Promise<'deleted' | 'not-found' | 'has-numbers'>;
  /** Numbers of the given pools, oldest first. */
  abstract numbers(poolIds: string[]): Promise<PoolNumberEntity[]>;
  abstract findNumber(id: string): Promise<PoolNumberEntity | null>;
  abstract findNumbersByE164(e164s: string[]): Promise<PoolNumberEntity[]>;
  /** Adds numbers to a pool under its row lock; 'duplicate' when a number was taken meanwhile (nothing is written). */
  abstract insertNumbers(poolId: string, numbers: PoolNumberEntity[]): Promise<'ok' | 'not-found' | 'duplicate'>;
  abstract updateNumber(id: string, patch: Partial<PoolNumberEntity>): Promise<void>;
  /** Deletes a number and its usage rows. */
  abstract deleteNumber(id: string): Promise<void>;
  abstract usage(numberIds: string[], day: string): Promise<Map<string, DayUsage>>;
  /** Usage rows of the numbers between two local days (inclusive). */
  abstract usageBetween(numberIds: string[], from: string, to: string): Promise<PoolNumberUsageEntity[]>;
  abstract increment(numberId: string, day: string, field: UsageField): Promise<void>;
  /**
   * Runs `fn` in one transaction holding the pool's row lock (`SELECT … FOR UPDATE`), so
   * two picks from the same pool never both read a count below a cap. Null when there
   * is no such pool.
   */
  abstract withPoolLock<T>(poolId: string, fn: (locked: LockedPool) => Promise<T>): Promise<T | null>;
}

function numbersIn(em: EntityManager, poolIds: string[]): Promise<PoolNumberEntity[]> {
  if (!poolIds.length) return Promise.resolve([]);
  return em.getRepository(PoolNumberEntity).find({ where: { poolId: In(poolIds) }, order: { createdAt: 'ASC', id: 'ASC' } });
}

async function usageIn(em: EntityManager, numberIds: string[], day: string): Promise<Map<string, DayUsage>> {
  const out = new Map<string, DayUsage>();
  if (!numberIds.length) return out;
  for (const u of await em.getRepository(PoolNumberUsageEntity).findBy({ numberId: In(numberIds), day })) out.set(u.numberId, { calls: u.calls, answered: u.answered, sms: u.sms });
  return out;
}

/** Insert-or-ignore the day's row, then `UPDATE … SET field = field + 1`: atomic on every database. */
async function incrementIn(em: EntityManager, numberId: string, day: string, field: UsageField): Promise<void> {
  const repo = em.getRepository(PoolNumberUsageEntity);
  await repo.createQueryBuilder().insert().values({ numberId, day, calls: 0, answered: 0, sms: 0 }).orIgnore().execute();
  await repo.increment({ numberId, day }, field, 1);
}

function lockPool(em: EntityManager, id: string): Promise<RingPoolEntity | null> {
  return em.getRepository(RingPoolEntity).createQueryBuilder('p').setLock('pessimistic_write').where('p.id = :id', { id }).getOne();
}

@Injectable()
export class TypeormRingPoolsRepository extends RingPoolsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  pools(): Promise<RingPoolEntity[]> {
    return this.ds.getRepository(RingPoolEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findPool(id: string): Promise<RingPoolEntity | null> {
    return this.ds.getRepository(RingPoolEntity).findOneBy({ id });
  }

  findPoolByName(name: string): Promise<RingPoolEntity | null> {
    return this.ds.getRepository(RingPoolEntity).createQueryBuilder('p').where('LOWER(p.name) = LOWER(:name)', { name }).getOne();
  }

  async insertPool(pool: RingPoolEntity, numbers: PoolNumberEntity[]): Promise<boolean> {
    try {
      await this.ds.transaction(async (em) => {
        await em.getRepository(RingPoolEntity).insert({ ...pool });
        if (numbers.length) await em.getRepository(PoolNumberEntity).insert(numbers.map((n) => ({ ...n })));
      });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async updatePool(id: string, patch: Partial<RingPoolEntity>): Promise<boolean> {
    try {
      await this.ds.getRepository(RingPoolEntity).update({ id }, patch);
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  deletePoolIfEmpty(id: string): Promise<'deleted' | 'not-found' | 'has-numbers'> {
    return this.ds.transaction(async (em) => {
      if (!(await lockPool(em, id))) return 'not-found' as const;
      if (await em.getRepository(PoolNumberEntity).existsBy({ poolId: id })) return 'has-numbers' as const;
      await em.getRepository(RingPoolEntity).delete({ id });
      return 'deleted' as const;
    });
  }

  numbers(poolIds: string[]): Promise<PoolNumberEntity[]> {
    return numbersIn(this.ds.manager, poolIds);
  }

  findNumber(id: string): Promise<PoolNumberEntity | null> {
    return this.ds.getRepository(PoolNumberEntity).findOneBy({ id });
  }

  findNumbersByE164(e164s: string[]): Promise<PoolNumberEntity[]> {
    return e164s.length ? this.ds.getRepository(PoolNumberEntity).findBy({ e164: In(e164s) }) : Promise.resolve([]);
  }

  async insertNumbers(poolId: string, numbers: PoolNumberEntity[]): Promise<'ok' | 'not-found' | 'duplicate'> {
    try {
      return await this.ds.transaction(async (em) => {
        if (!(await lockPool(em, poolId))) return 'not-found' as const;
        if (numbers.length) await em.getRepository(PoolNumberEntity).insert(numbers.map((n) => ({ ...n, poolId })));
        return 'ok' as const;
      });
    } catch (e) {
      if (isUniqueViolation(e)) return 'duplicate';
      throw e;
    }
  }

  async updateNumber(id: string, patch: Partial<PoolNumberEntity>): Promise<void> {
    await this.ds.getRepository(PoolNumberEntity).update({ id }, patch);
  }

  async deleteNumber(id: string): Promise<void> {
    await this.ds.transaction(async (em) => {
      await em.getRepository(PoolNumberUsageEntity).delete({ numberId: id });
      await em.getRepository(PoolNumberEntity).delete({ id });
    });
  }

  usage(numberIds: string[], day: string): Promise<Map<string, DayUsage>> {
    return usageIn(this.ds.manager, numberIds, day);
  }

  usageBetween(numberIds: string[], from: string, to: string): Promise<PoolNumberUsageEntity[]> {
    if (!numberIds.length) return Promise.resolve([]);
    return this.ds.getRepository(PoolNumberUsageEntity).find({ where: { numberId: In(numberIds), day: Between(from, to) }, order: { day: 'ASC' } });
  }

  increment(numberId: string, day: string, field: UsageField): Promise<void> {
    return this.ds.transaction((em) => incrementIn(em, numberId, day, field));
  }

  withPoolLock<T>(poolId: string, fn: (locked: LockedPool) => Promise<T>): Promise<T | null> {
    return this.ds.transaction(async (em) => {
      const pool = await lockPool(em, poolId);
      if (!pool) return null;
      const numbers = await numbersIn(em, [poolId]);
      return fn({
        pool,
        numbers,
        usage: (day) => usageIn(em, numbers.map((n) => n.id), day),
        increment: (numberId, day, field) => incrementIn(em, numberId, day, field),
        updatePool: async (patch) => {
          await em.getRepository(RingPoolEntity).update({ id: poolId }, patch);
        },
        updateNumber: async (numberId, patch) => {
          await em.getRepository(PoolNumberEntity).update({ id: numberId }, patch);
        },
      });
    });
  }
}
