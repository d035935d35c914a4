import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThanOrEqual, type EntityManager } from 'typeorm';
import { isUniqueViolation, retrying } from '../database/db-errors.js';
import { EMPTY, type ThrottleState } from './login-throttle.js';
import { LoginThrottleEntity } from './login-throttle.entity.js';

export interface ThrottleKey {
  address: string;
  /** The account's key (`accountKey`), or '' for the network's own counter. */
  account: string;
}

/** A counter to store, with the time after which it may be deleted. */
export type ThrottleWrite = ThrottleState & { forgetAt: Date };

/** A decision on locked counters: what to store (nothing, when null) and what to answer. */
export type ThrottleChange<T> = (current: ThrottleState[]) => { next: ThrottleWrite[] | null; result: T };

/** Persistence port for the sign-in throttle's counters. */
export abstract class LoginThrottleRepository {
  /**
   * Reads the counters of `keys` (one never written reads as empty), locked, hands them to
   * `change` in the order of `keys`, and stores what it returns — all in one transaction,
   * so concurrent sign-ins on one key take turns and none is lost. `change` must be pure:
   * a deadlock victim is run again. Safe to retry.
   */
  abstract update<T>(keys: ThrottleKey[], now: Date, change: ThrottleChange<T>): Promise<T>;
  /** Deletes counters whose forget time has come (they would read as zero); returns how many. Safe to retry. */
  abstract prune(now: Date): Promise<number>;
}

const sameKey = (a: ThrottleKey, b: ThrottleKey) => a.address === b.address && a.account === b.account;
const byKey = (a: ThrottleKey, b: ThrottleKey) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.account < b.account ? -1 : a.account > b.account ? 1 : 0);

@Injectable()
export class TypeormLoginThrottleRepository extends LoginThrottleRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  update<T>(keys: ThrottleKey[], now: Date, change: ThrottleChange<T>): Promise<T> {
    // Locks are taken in key order, so two sign-ins never hold one row each and wait for the other.
    const ordered = [...keys].sort(byKey);
    const placeholders = ordered.map((k) => ({ ...k, ...EMPTY, forgetAt: now }));
    return retrying(
      async () => {
        // Rows are made outside the locking transaction: on MySQL, concurrent inserts of one
        // key inside transactions that then lock it deadlock each other.
        await this.ds.getRepository(LoginThrottleEntity).createQueryBuilder().insert().values(placeholders).orIgnore().execute();
        return this.ds.transaction(async (em) => {
          let rows = await this.lock(em, ordered);
          const missing = ordered.filter((k) => !rows.some((r) => sameKey(r, k)));
          if (missing.length) {
            // Pruned between the insert and the lock (it held nothing): make it again, here.
            await em.getRepository(LoginThrottleEntity).insert(missing.map((k) => ({ ...k, ...EMPTY, forgetAt: now })));
            rows = await this.lock(em, ordered);
          }
          const current = keys.map((k) => {
            const row = rows.find((r) => sameKey(r, k)) as LoginThrottleEntity;
            return { failures: row.failures, lastFailureAt: row.lastFailureAt, blockedUntil: row.blockedUntil };
          });
          const { next, result } = change(current);
          if (next) {
            const writes = keys.map((k, i) => ({ key: k, state: next[i] })).sort((a, b) => byKey(a.key, b.key));
            for (const { key, state } of writes) {
              await em.getRepository(LoginThrottleEntity).update(key, { failures: state.failures, lastFailureAt: state.lastFailureAt, blockedUntil: state.blockedUntil, forgetAt: state.forgetAt });
            }
          }
          return result;
        });
      },
      5,
      isUniqueViolation,
    );
  }

  async prune(now: Date): Promise<number> {
    const result = await this.ds.getRepository(LoginThrottleEntity).delete({ forgetAt: LessThanOrEqual(now) });
    return result.affected ?? 0;
  }

  private lock(em: EntityManager, keys: ThrottleKey[]): Promise<LoginThrottleEntity[]> {
    return em
      .getRepository(LoginThrottleEntity)
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where(keys.map((_, i) => `(t.address = :a${i} AND t.account = :e${i})`).join(' OR '), Object.fromEntries(keys.flatMap((k, i) => [[`a${i}`, k.address], [`e${i}`, k.account]])))
      .orderBy('t.address')
      .addOrderBy('t.account')
      .getMany();
  }
}
