import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type pg from 'pg';
import { DataSource, type EntityManager, In } from 'typeorm';
import { ClusterLockEntity, JobEntity } from './job.entity.js';
import { retrying } from '../database/db-errors.js';

export interface Claim {
  owner: string;
  now: Date;
  leaseUntil: Date;
  limit: number;
  /** Only these queues (those this instance has handlers for). */
  queues: string[];
}

/** Persistence port for scheduled jobs and cluster locks. */
export abstract class JobsRepository {
  /** Inserts jobs; a job whose dedupe key is taken is left out. Returns the ids inserted. */
  abstract insert(jobs: JobEntity[], em?: EntityManager): Promise<string[]>;
  /**
   * Takes up to `limit` due pending jobs for `owner` under a lease, skipping rows other
   * claimers hold (FOR UPDATE SKIP LOCKED), and increments each one's attempt.
   */
  abstract claim(claim: Claim): Promise<JobEntity[]>;
  /** Puts jobs whose lease lapsed back to pending (their workers are presumed dead). */
  abstract reclaimExpired(now: Date): Promise<number>;
  /** When the earliest pending job of these queues falls due (null: none pending). */
  abstract nextDueAt(queues: string[]): Promise<Date | null>;
  /** The job as its claimer left it, only if (id, attempt) still holds the claim. */
  abstract complete(id: string, attempt: number, now: Date): Promise<boolean>;
  /** Completes many claims in one statement, each fenced by its (id, attempt). Returns the ids completed. */
  abstract completeMany(claims: Array<{ id: string; attempt: number }>, now: Date): Promise<Set<string>>;
  abstract fail(id: string, attempt: number, change: { status: 'pending' | 'dead'; dueAt: Date; error: string; now: Date }): Promise<boolean>;
  /** Gives back a claimed job untouched (shutdown): pending again, the failure not counted. */
  abstract release(id: string, attempt: number, now: Date): Promise<boolean>;
  abstract extendLease(ids: string[], owner: string, leaseUntil: Date): Promise<void>;
  abstract find(id: string): Promise<JobEntity | null>;
  abstract list(status: string | undefined, queue: string | undefined, limit: number, offset: number): Promise<JobEntity[]>;
  /** An admin retry of a dead job: pending, due now, failures reset. */
  abstract retry(id: string, now: Date): Promise<boolean>;
  abstract cancel(dedupeKey: string, now: Date): Promise<boolean>;
  abstract counts(): Promise<Record<string, number>>;
  /** Takes or renews a named lock until `until`; false if another owner holds it. */
  abstract tryLock(name: string, owner: string, now: Date, until: Date): Promise<boolean>;
  abstract unlock(name: string, owner: string): Promise<void>;
  /**
   * Sends a NOTIFY on `channel` (PostgreSQL only). Inside a transaction (`em`) it is
   * delivered when that transaction commits, and it takes no second connection.
   */
  abstract notifyChannel(channel: string, em?: EntityManager): Promise<void>;
  /** Subscribes `listener`, a connection of its own outside the pool (PostgreSQL), to NOTIFYs on `channel`. */
  abstract listenOn(listener: pg.Client, channel: string): Promise<void>;
}

@Injectable()
export class TypeormJobsRepository extends JobsRepository {
  private readonly postgres: boolean;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
    this.postgres = ds.options.type === 'postgres';
  }

  private get jobs() {
    return this.ds.getRepository(JobEntity);
  }

  async insert(jobs: JobEntity[], em: EntityManager = this.ds.manager): Promise<string[]> {
    if (!jobs.length) return [];
    const keyed = jobs.filter((j) => j.dedupeKey);
    // Ignore-on-conflict keeps a batch from failing on one taken key; which ones went in is read back.
    await em.createQueryBuilder().insert().into(JobEntity).values(jobs.map((j) => ({ ...j }))).orIgnore().execute();
    if (!keyed.length) return jobs.map((j) => j.id);
    const present = await em.getRepository(JobEntity).find({ select: { id: true }, where: { id: In(jobs.map((j) => j.id)) } });
    const ids = new Set(present.map((p) => p.id));
    return jobs.filter((j) => ids.has(j.id)).map((j) => j.id);
  }

  claim(c: Claim): Promise<JobEntity[]> {
    if (!c.queues.length || c.limit < 1) return Promise.resolve([]);
    return retrying(() => (this.postgres ? this.claimReturning(c) : this.claimOnce(c)));
  }

  /*
   * Claims are ordered by due time, then priority: the (status, due_at) index hands rows
   * over in that order, so a claim reads only the rows it takes however long the backlog.
   * Priority decides among work due at the same moment (schedules' steps due at the
   * opening of business hours, say).
   */

  /** PostgreSQL: select, lock, update and read back in one statement, one round trip. */
  private async claimReturning(c: Claim): Promise<JobEntity[]> {
    const queues = c.queues.map((_, i) => `$${i + 5}`).join(', ');
    const raw: unknown = await this.ds.query(
      // The picked rows as a CTE joined on the key: the planner walks the primary key for
      // each (a nested loop), where `id IN (subquery)` hashed the whole table.
      `WITH picked AS (SELECT id FROM scheduled_jobs
                        WHERE status = 'pending' AND due_at <= $3 AND queue IN (${queues})
                        ORDER BY due_at ASC, priority DESC LIMIT $4
                        FOR UPDATE SKIP LOCKED)
       UPDATE scheduled_jobs j SET status = 'running', lease_owner = $1, lease_until = $2, updated_at = $3, attempt = j.attempt + 1
         FROM picked WHERE j.id = picked.id
       RETURNING j.*`,
      [c.owner, c.leaseUntil, c.now, c.limit, ...c.queues],
    );
    // The driver answers an UPDATE … RETURNING as [rows, affected] through TypeORM's query().
    const rows = (Array.isArray(raw) && Array.isArray(raw[0]) ? raw[0] : raw) as Array<Record<string, unknown>>;
    const jobs = rows.map((r) => this.fromRow(r));
    return jobs.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || b.priority - a.priority);
  }

  /** A raw row, named by columns, as the entity (the column metadata knows each property's column). */
  private fromRow(row: Record<string, unknown>): JobEntity {
    const job = new JobEntity();
    const target = job as unknown as Record<string, unknown>;
    for (const col of this.jobs.metadata.columns) {
      const v = row[col.databaseName];
      target[col.propertyName] = col.type === Date && v != null && !(v instanceof Date) ? new Date(v as string) : v;
    }
    return job;
  }

  /** MySQL/MariaDB have no UPDATE … RETURNING: lock the rows, mark them, read them back. */
  private claimOnce(c: Claim): Promise<JobEntity[]> {
    return this.ds.transaction(async (em) => {
      const rows = await em
        .getRepository(JobEntity)
        .createQueryBuilder('j')
        .select('j.id', 'id')
        .where("j.status = 'pending' AND j.due_at <= :now AND j.queue IN (:...queues)", { now: c.now, queues: c.queues })
        .orderBy('j.due_at', 'ASC')
        .addOrderBy('j.priority', 'DESC')
        .limit(c.limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getRawMany<{ id: string }>();
      if (!rows.length) return [];
      const ids = rows.map((r) => r.id);
      await em
        .getRepository(JobEntity)
        .createQueryBuilder()
        .update()
        .set({ status: 'running', leaseOwner: c.owner, leaseUntil: c.leaseUntil, updatedAt: c.now, attempt: () => 'attempt + 1' })
        .where('id IN (:...ids)', { ids })
        .execute();
      return em.getRepository(JobEntity).find({ where: { id: In(ids) }, order: { dueAt: 'ASC', priority: 'DESC' } });
    });
  }

  async reclaimExpired(now: Date): Promise<number> {
    const r = await retrying(() => this.jobs
      .createQueryBuilder()
      .update()
      .set({ status: 'pending', leaseOwner: null, leaseUntil: null, updatedAt: now })
      .where("status = 'running' AND lease_until < :now", { now })
      .execute());
    return r.affected ?? 0;
  }

  async nextDueAt(queues: string[]): Promise<Date | null> {
    if (!queues.length) return null;
    const row = await this.jobs
      .createQueryBuilder('j')
      .select('MIN(j.due_at)', 'next')
      .where("j.status = 'pending' AND j.queue IN (:...queues)", { queues })
      .getRawOne<{ next: Date | string | null }>();
    if (!row?.next) return null;
    // Both drivers are set to read zone-less instants as UTC Dates; a string here would be a driver change.
    return row.next instanceof Date ? row.next : new Date(row.next);
  }

  async complete(id: string, attempt: number, now: Date): Promise<boolean> {
    const r = await retrying(() => this.jobs.update({ id, attempt, status: 'running' }, { status: 'done', finishedAt: now, updatedAt: now, leaseOwner: null, leaseUntil: null }));
    return (r.affected ?? 0) > 0;
  }

  async completeMany(claims: Array<{ id: string; attempt: number }>, now: Date): Promise<Set<string>> {
    if (!claims.length) return new Set();
    const set = { status: 'done', finishedAt: now, updatedAt: now, leaseOwner: null, leaseUntil: null };
    // MySQL: (id = a AND attempt = b) OR …: each claim fenced by its own attempt, all in one statement.
    const fence = claims.map((_, i) => `(id = :id${i} AND attempt = :at${i})`).join(' OR ');
    const params = Object.fromEntries(claims.flatMap((c, i) => [[`id${i}`, c.id], [`at${i}`, c.attempt]]));
    const update = () => this.jobs.createQueryBuilder().update().set(set).where(`status = 'running' AND (${fence})`, params);
    if (this.postgres) {
      // Two array parameters however many claims: one short statement to parse and plan.
      const raw: unknown = await retrying(() =>
        this.ds.query(
          `UPDATE scheduled_jobs j SET status = 'done', finished_at = $1, updated_at = $1, lease_owner = NULL, lease_until = NULL
             FROM unnest($2::varchar[], $3::int[]) AS c(id, attempt)
            WHERE j.id = c.id AND j.attempt = c.attempt AND j.status = 'running'
            RETURNING j.id`,
          [now, claims.map((c) => c.id), claims.map((c) => c.attempt)],
        ),
      );
      const rows = (Array.isArray(raw) && Array.isArray(raw[0]) ? raw[0] : raw) as Array<{ id: string }>;
      return new Set(rows.map((x) => x.id));
    }
    await retrying(() => update().execute());
    // Which of them now stand done at this instant under these attempts: the ones this call completed.
    const rows = await this.jobs.find({ select: { id: true, attempt: true, finishedAt: true }, where: { id: In(claims.map((c) => c.id)), status: 'done' } });
    const asked = new Map(claims.map((c) => [c.id, c.attempt]));
    return new Set(rows.filter((r) => asked.get(r.id) === r.attempt && r.finishedAt?.getTime() === now.getTime()).map((r) => r.id));
  }

  async fail(id: string, attempt: number, change: { status: 'pending' | 'dead'; dueAt: Date; error: string; now: Date }): Promise<boolean> {
    const r = await retrying(() => this.jobs
      .createQueryBuilder()
      .update()
      .set({
        status: change.status,
        dueAt: change.dueAt,
        lastError: change.error.slice(0, 1000),
        failures: () => 'failures + 1',
        updatedAt: change.now,
        finishedAt: change.status === 'dead' ? change.now : null,
        leaseOwner: null,
        leaseUntil: null,
      })
      .where("id = :id AND attempt = :attempt AND status = 'running'", { id, attempt })
      .execute());
    return (r.affected ?? 0) > 0;
  }

  async release(id: string, attempt: number, now: Date): Promise<boolean> {
    const r = await retrying(() => this.jobs.update({ id, attempt, status: 'running' }, { status: 'pending', leaseOwner: null, leaseUntil: null, updatedAt: now }));
    return (r.affected ?? 0) > 0;
  }

  async extendLease(ids: string[], owner: string, leaseUntil: Date): Promise<void> {
    if (!ids.length) return;
    await this.jobs.update({ id: In(ids), leaseOwner: owner, status: 'running' }, { leaseUntil });
  }

  find(id: string): Promise<JobEntity | null> {
    return this.jobs.findOneBy({ id });
  }

  list(status: string | undefined, queue: string | undefined, limit: number, offset: number): Promise<JobEntity[]> {
    return this.jobs.find({ where: { ...(status ? { status } : {}), ...(queue ? { queue } : {}) }, order: { updatedAt: 'DESC', id: 'ASC' }, take: limit, skip: offset });
  }

  async retry(id: string, now: Date): Promise<boolean> {
    const r = await this.jobs.update({ id, status: 'dead' }, { status: 'pending', dueAt: now, failures: 0, finishedAt: null, updatedAt: now });
    return (r.affected ?? 0) > 0;
  }

  async cancel(dedupeKey: string, now: Date): Promise<boolean> {
    const r = await this.jobs.update({ dedupeKey, status: 'pending' }, { status: 'canceled', finishedAt: now, updatedAt: now });
    return (r.affected ?? 0) > 0;
  }

  async counts(): Promise<Record<string, number>> {
    const rows = await this.jobs.createQueryBuilder('j').select('j.status', 'status').addSelect('COUNT(*)', 'n').groupBy('j.status').getRawMany<{ status: string; n: string | number }>();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async tryLock(name: string, owner: string, now: Date, until: Date): Promise<boolean> {
    const locks = this.ds.getRepository(ClusterLockEntity);
    await locks.createQueryBuilder().insert().values({ name, owner, heldUntil: until }).orIgnore().execute();
    const r = await locks
      .createQueryBuilder()
      .update()
      .set({ owner, heldUntil: until })
      .where('name = :name AND (owner = :owner OR held_until < :now)', { name, owner, now })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  async unlock(name: string, owner: string): Promise<void> {
    await this.ds.getRepository(ClusterLockEntity).delete({ name, owner });
  }

  async notifyChannel(channel: string, em?: EntityManager): Promise<void> {
    await (em ?? this.ds.manager).query(`NOTIFY ${channel}`);
  }

  async listenOn(listener: pg.Client, channel: string): Promise<void> {
    await listener.query(`LISTEN ${channel}`);
  }
}
