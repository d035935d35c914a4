import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull, LessThan, MoreThan, MoreThanOrEqual, Not, Or } from 'typeorm';
import type { AgentState } from '#shared';
import { UsersRepository } from '../users/users.repository.js';
import { AgentPresenceEntity, AgentStateChangeEntity } from './agent.entity.js';

/** An agent's presence row as stored, for the rooms that read agents through this port. */
export type AgentPresence = AgentPresenceEntity;

/** The user a one-statement move read with the agent's row. */
export interface MovedUser {
  id: string;
  name: string;
  createdAt: Date;
}

/**
 * Agents' presence and state-history tables. Other rooms (the dialer's reservations, the
 * callbacks' owner check, queue figures) read and move agents through these methods.
 * Dialect-specific SQL lives here only.
 */
@Injectable()
export class AgentStatesRepository {
  /** Postgres takes the one-statement paths; MySQL/MariaDB the locked transactions. */
  private readonly postgres: boolean;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly users: UsersRepository,
  ) {
    this.postgres = ds.options.type === 'postgres';
  }

  private presence(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(AgentPresenceEntity);
  }

  find(userId: string): Promise<AgentPresenceEntity | null> {
    return this.presence().findOneBy({ userId });
  }

  /** Several agents' rows in one statement; agents without one are absent. */
  findMany(userIds: string[]): Promise<AgentPresenceEntity[]> {
    return userIds.length ? this.presence().findBy({ userId: In(userIds) }) : Promise.resolve([]);
  }

  /** Of these agents, those on a call or wrapping up, with since when. */
  busyAmong(userIds: string[]): Promise<Array<Pick<AgentPresenceEntity, 'userId' | 'state' | 'stateSince'>>> {
    return userIds.length ? this.presence().find({ select: { userId: true, state: true, stateSince: true }, where: { userId: In(userIds), state: In(['on_call', 'wrap_up']) } }) : Promise.resolve([]);
  }

  /** How long these agents' last `n` wrap-ups ended since `from` lasted (ms), newest first. */
  async recentWrapUpsMs(userIds: string[], from: Date, n: number): Promise<number[]> {
    if (!userIds.length) return [];
    const rows = await this.ds.getRepository(AgentStateChangeEntity).find({ select: { id: true, durationMs: true }, where: { userId: In(userIds), fromState: 'wrap_up', at: MoreThanOrEqual(from) }, order: { at: 'DESC' }, take: n });
    return rows.map((r) => r.durationMs);
  }

  /** How long these agents' wrap-ups that ended since `from` lasted on average (ms); null with none. */
  async averageWrapUpMs(userIds: string[], from: Date): Promise<number | null> {
    if (!userIds.length) return null;
    const row = await this.ds
      .getRepository(AgentStateChangeEntity)
      .createQueryBuilder('s')
      .select('AVG(s.duration_ms)', 'avg')
      .where("s.user_id IN (:...userIds) AND s.from_state = 'wrap_up' AND s.at >= :from", { userIds, from })
      .getRawOne<{ avg: string | number | null }>();
    return row?.avg == null ? null : Number(row.avg);
  }

  history(userId: string, limit: number): Promise<AgentStateChangeEntity[]> {
    return this.ds.getRepository(AgentStateChangeEntity).find({ where: { userId }, order: { at: 'DESC', id: 'DESC' }, take: limit });
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }

  /** The agent's row, locked for the rest of `em`'s transaction. */
  lock(em: EntityManager, userId: string): Promise<AgentPresenceEntity | null> {
    return this.presence(em).findOne({ where: { userId }, lock: { mode: 'pessimistic_write' } });
  }

  /** The agent's row, locked, while they are ready and alive (heartbeat since `aliveSince`, not stale); null otherwise. */
  lockReady(em: EntityManager, userId: string, aliveSince: Date): Promise<AgentPresenceEntity | null> {
    return this.presence(em)
      .createQueryBuilder('p')
      .where("p.user_id = :userId AND p.state = 'ready' AND p.stale = :stale AND p.last_heartbeat_at >= :aliveSince", { userId, stale: false, aliveSince })
      .setLock('pessimistic_write')
      .getOne();
  }

  /**
   * PostgreSQL fragments for another room's single statement that must move a ready agent
   * in the same step as its own write (the dialer's reservation: a lead is claimed only
   * while its agent is still ready). `lockedReadyCte`: the agent's row, locked, while they
   * are ready and alive (`user_id`, `state_since`). `movedToReservedCtes`: the ready →
   * reserved move and its history row, as `move` writes every change, done only when the
   * caller's `doneWhen` condition holds. Parameters are the caller's positional ones
   * (`$n`), named here as the caller passes them; `reasonSql` is an SQL expression.
   */
  lockedReadyCte(p: { userId: string; aliveSince: string }): string {
    return `SELECT p.user_id, p.state_since FROM agent_presence p
             WHERE p.user_id = ${p.userId} AND p.state = 'ready' AND p.stale = false AND p.last_heartbeat_at >= ${p.aliveSince}
             FOR UPDATE`;
  }

  movedToReservedCtes(p: { agentCte: string; userId: string; at: string; reasonSql: string; historyId: string; from: string; doneWhen: string }): string {
    return `moved AS (UPDATE agent_presence p SET state = 'reserved', reason = ${p.reasonSql}, state_since = ${p.at}, updated_at = ${p.at}
                        FROM ${p.from} WHERE p.user_id = ${p.agentCte}.user_id AND ${p.doneWhen}
                      RETURNING ${p.agentCte}.state_since AS since, p.reason),
            history AS (INSERT INTO agent_state_changes (id, user_id, from_state, to_state, reason, actor_id, at, duration_ms)
                        SELECT ${p.historyId}, ${p.userId}, 'ready', 'reserved', moved.reason, NULL, ${p.at}, GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (${p.at}::timestamp - moved.since)) * 1000))::bigint
                          FROM moved)`;
  }

  /**
   * The same for many agents at once (a burst of agents going ready): `lockedReadyManyCte`,
   * those of `userIds` (an SQL array) who are ready and alive, locked in id order, rows
   * another transaction holds skipped (those agents are served one by one after);
   * `movedManyToReservedCtes`, the ready → reserved move and history row of each agent in
   * `from` (a CTE with `user_id`, `state_since` as the agent was and `reason`).
   */
  lockedReadyManyCte(p: { userIds: string; aliveSince: string }): string {
    return `SELECT p.user_id, p.state_since FROM agent_presence p
             WHERE p.user_id = ANY(${p.userIds}) AND p.state = 'ready' AND p.stale = false AND p.last_heartbeat_at >= ${p.aliveSince}
             ORDER BY p.user_id
             FOR UPDATE SKIP LOCKED`;
  }

  movedManyToReservedCtes(p: { from: string; at: string }): string {
    return `moved AS (UPDATE agent_presence p SET state = 'reserved', reason = m.reason, state_since = ${p.at}, updated_at = ${p.at}
                        FROM ${p.from} m WHERE p.user_id = m.user_id AND p.user_id = ANY(ARRAY(SELECT user_id FROM ${p.from}))
                      RETURNING p.user_id, m.state_since AS since, p.reason),
            history AS (INSERT INTO agent_state_changes (id, user_id, from_state, to_state, reason, actor_id, at, duration_ms)
                        SELECT gen_random_uuid()::text, moved.user_id, 'ready', 'reserved', moved.reason, NULL, ${p.at}, GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (${p.at}::timestamp - moved.since)) * 1000))::bigint
                          FROM moved)`;
  }

  /** MySQL/MariaDB: those of `userIds` who are ready and alive, locked in id order; rows locked by others are skipped. */
  lockReadyMany(em: EntityManager, userIds: string[], aliveSince: Date): Promise<AgentPresenceEntity[]> {
    return this.presence(em)
      .createQueryBuilder('p')
      .where("p.user_id IN (:...userIds) AND p.state = 'ready' AND p.stale = :stale AND p.last_heartbeat_at >= :aliveSince", { userIds, stale: false, aliveSince })
      .orderBy('p.user_id', 'ASC')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  /** The longest-idle of `candidates` who is ready and alive, locked; rows locked by others are skipped. */
  lockLongestIdleReady(em: EntityManager, candidates: string[], aliveSince: Date): Promise<AgentPresenceEntity | null> {
    return this.presence(em)
      .createQueryBuilder('p')
      .where("p.user_id IN (:...candidates) AND p.state = 'ready' AND p.stale = :stale AND p.last_heartbeat_at >= :limit", { candidates, stale: false, limit: aliveSince })
      .orderBy('p.state_since', 'ASC')
      .limit(1)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getOne();
  }

  /**
   * Writes a move inside the caller's transaction: the state (the row made if the agent
   * has none) and its history row with how long `row`'s state lasted.
   */
  async move(em: EntityManager, userId: string, row: AgentPresenceEntity | null, to: AgentState, reason: string | null, actorId: string | null, now: Date): Promise<void> {
    const repo = this.presence(em);
    if (row) await repo.update({ userId }, { state: to, reason, stateSince: now, updatedAt: now });
    else await repo.insert({ userId, state: to, reason, stateSince: now, lastHeartbeatAt: null, stale: false, health: null, afterCall: null, missedOffers: 0, updatedAt: now });
    const since = row?.stateSince ?? now;
    await em.getRepository(AgentStateChangeEntity).insert({ id: randomUUID(), userId, fromState: row?.state ?? 'offline', toState: to, reason, actorId, at: now, durationMs: Math.max(0, now.getTime() - since.getTime()) });
  }

  /**
   * Postgres: an agent's row locked, moved and its history row written in one statement,
   * as `move` does in a transaction. Not moved when already there with that reason, or
   * on a call unless `fromCall`. Returns the row as it was, with the user; null when the
   * agent has no row yet or the user is not active, and always on MySQL/MariaDB, where the
   * caller moves the agent in a locked transaction (`lock`, `move`).
   */
  async moveAtOnce(
    userId: string,
    to: AgentState,
    reason: string | null,
    actorId: string | null,
    fromCall: boolean,
    now: Date,
  ): Promise<{ row: AgentPresenceEntity; moved: boolean; user: MovedUser } | null> {
    if (!this.postgres) return null;
    const rows = (await this.ds.query(
      `WITH cur AS (SELECT p.*, u.name AS user_name, u.created_at AS user_created_at
                      FROM agent_presence p JOIN (${this.users.activeUsersSubquery()}) u ON u.id = p.user_id
                     WHERE p.user_id = $1
                       FOR UPDATE OF p),
            moved AS (UPDATE agent_presence p SET state = $2, reason = $3::varchar, state_since = $4, updated_at = $4
                        FROM cur
                       WHERE p.user_id = cur.user_id
                         AND NOT (cur.state = $2 AND cur.reason IS NOT DISTINCT FROM $3::varchar)
                         AND ($6::boolean OR cur.state <> 'on_call')
                      RETURNING cur.state AS from_state, cur.state_since AS since),
            history AS (INSERT INTO agent_state_changes (id, user_id, from_state, to_state, reason, actor_id, at, duration_ms)
                        SELECT $5, $1, moved.from_state, $2, $3::varchar, $7::varchar, $4, GREATEST(0, FLOOR(EXTRACT(EPOCH FROM ($4::timestamp - moved.since)) * 1000))::bigint
                          FROM moved)
       SELECT cur.*, EXISTS (SELECT 1 FROM moved) AS moved FROM cur`,
      [userId, to, reason, now, randomUUID(), fromCall, actorId],
    )) as Array<Record<string, unknown>>;
    const r = rows[0];
    if (!r) return null;
    const row: AgentPresenceEntity = {
      userId,
      state: r.state as string,
      reason: (r.reason as string | null) ?? null,
      stateSince: r.state_since as Date,
      lastHeartbeatAt: (r.last_heartbeat_at as Date | null) ?? null,
      stale: r.stale as boolean,
      health: (r.health as string | null) ?? null,
      afterCall: (r.after_call as string | null) ?? null,
      missedOffers: Number(r.missed_offers ?? 0),
      updatedAt: r.updated_at as Date,
    };
    return { row, moved: r.moved as boolean, user: { id: userId, name: r.user_name as string, createdAt: r.user_created_at as Date } };
  }

  /** A first row for an agent seen before any move (a heartbeat); kept if one appeared meanwhile. */
  async insertIfAbsent(row: AgentPresenceEntity): Promise<void> {
    await this.presence().createQueryBuilder().insert().values(row).orIgnore().execute();
  }

  /** First rows for many agents at once; any that appeared meanwhile are kept. */
  async insertManyIfAbsent(rows: AgentPresenceEntity[]): Promise<void> {
    if (rows.length) await this.presence().createQueryBuilder().insert().values(rows).orIgnore().execute();
  }

  /** The same change to many agents' rows in one statement. */
  async updateMany(userIds: string[], patch: Partial<Omit<AgentPresenceEntity, 'userId'>>): Promise<void> {
    if (userIds.length) await this.presence().update({ userId: In(userIds) }, patch);
  }

  async update(userId: string, patch: Partial<Omit<AgentPresenceEntity, 'userId'>>): Promise<void> {
    await this.presence().update({ userId }, patch);
  }

  /** A change to the agent's row inside the caller's transaction (a row locked with `lock`). */
  async patch(em: EntityManager, userId: string, patch: Partial<Omit<AgentPresenceEntity, 'userId'>>): Promise<void> {
    await this.presence(em).update({ userId }, patch);
  }

  /** The agent's answered call ends a run of missed offers; one statement, nothing written when there was none. */
  async clearMissedOffers(userId: string, now: Date): Promise<void> {
    await this.presence().update({ userId, missedOffers: MoreThan(0) }, { missedOffers: 0, updatedAt: now });
  }

  /** Agents not offline, not yet marked stale, whose last heartbeat is older than `limit` (or never came). */
  silentSince(limit: Date): Promise<AgentPresenceEntity[]> {
    return this.presence().find({ where: { state: Not('offline'), stale: false, lastHeartbeatAt: Or(IsNull(), LessThan(limit)) } });
  }

  /** Marks the agent stale unless their row changed since it was read (`updatedAt`). True if it did. */
  async markStale(userId: string, updatedAt: Date, now: Date): Promise<boolean> {
    const u = await this.presence().update({ userId, stale: false, updatedAt }, { stale: true, updatedAt: now });
    return !!u.affected;
  }

  /** Of these agents, those ready and alive, longest idle first. */
  async readyAmong(userIds: string[], aliveSince: Date): Promise<string[]> {
    const rows = await this.presence().find({
      select: { userId: true },
      where: { userId: In(userIds), state: 'ready', stale: false, lastHeartbeatAt: MoreThanOrEqual(aliveSince) },
      order: { stateSince: 'ASC' },
    });
    return rows.map((r) => r.userId);
  }

  /** Active agents (the role) not offline and alive (or only those among `only`, if so); the active agents as the users room gives them. */
  async available(aliveSince: Date, only?: string | string[]): Promise<string[]> {
    if (Array.isArray(only) && !only.length) return [];
    const qb = this.presence()
      .createQueryBuilder('p')
      .select('p.user_id', 'id')
      .where(`p.state <> 'offline' AND p.stale = :stale AND p.last_heartbeat_at >= :limit AND p.user_id IN (SELECT a.id FROM (${this.users.activeUsersSubquery('agent')}) a)`, { stale: false, limit: aliveSince });
    if (Array.isArray(only)) qb.andWhere('p.user_id IN (:...only)', { only });
    else if (only) qb.andWhere('p.user_id = :only', { only });
    return (await qb.getRawMany<{ id: string }>()).map((r) => r.id);
  }
}
