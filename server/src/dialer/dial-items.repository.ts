import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { isUniqueViolation, retrying } from '../database/db-errors.js';
import { type AgentPresence, AgentStatesRepository } from '../agents/agent-states.repository.js';
import { ComplianceRepository } from '../compliance/compliance.repository.js';
import { DialQueueAgentEntity, DialQueueEntity, DialQueueItemEntity } from './dial-queue.entity.js';

/** Statuses in which an item holds its lead (`busy_key` set). */
export const BUSY_STATUSES = ['reserved', 'dialing'] as const;

/**
 * The dial-queue items table: adding leads once per queue and the atomic reservation.
 * Dialect-specific SQL lives here only.
 */
@Injectable()
export class DialItemsRepository {
  private readonly postgres: boolean;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly agents: AgentStatesRepository,
    private readonly compliance: ComplianceRepository,
  ) {
    this.postgres = ds.options.type === 'postgres';
  }

  private items(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(DialQueueItemEntity);
  }

  /**
   * Adds items, skipping leads already waiting in the same queue (one active item per
   * queue and lead). Returns the ids that went in.
   */
  async insertNew(rows: DialQueueItemEntity[], em?: EntityManager): Promise<string[]> {
    if (!rows.length) return [];
    const added: string[] = [];
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      await this.items(em).createQueryBuilder().insert().values(batch.map((r) => ({ ...r }))).orIgnore().execute();
      const present = await this.items(em).find({ select: { id: true }, where: { id: In(batch.map((r) => r.id)) } });
      added.push(...present.map((p) => p.id));
    }
    return added;
  }

  /**
   * Reserves up to `limit` leads due now, in the queue's order (due callbacks first, then
   * priority, then the oldest due), for `agentId` (null: the call is placed before an
   * agent is chosen). Rows another reserver holds are skipped, not waited for; a lead
   * that is busy in another queue is passed over, and its unique `busy_key` settles the
   * race where two queues reach the same lead at the same instant.
   */
  reserve(queueId: string, agentId: string | null, now: Date, limit = 1): Promise<DialQueueItemEntity[]> {
    return retrying(() => (this.postgres ? this.reserveReturning(queueId, agentId, now, limit) : this.reserveLocked(queueId, agentId, now, limit)), 5, isUniqueViolation);
  }

  private async reserveReturning(queueId: string, agentId: string | null, now: Date, limit: number): Promise<DialQueueItemEntity[]> {
    const raw: unknown = await this.ds.query(
      `WITH picked AS (SELECT i.id FROM dial_queue_items i
                        WHERE i.queue_id = $1 AND i.status = 'pending' AND i.due_at <= $2
                          AND (i.owner_id IS NULL OR i.owner_id = $3)
                          AND NOT EXISTS (SELECT 1 FROM dial_queue_items b WHERE b.busy_key = i.lead_id)
                        ORDER BY i.callback_first DESC, i.priority DESC, i.due_at ASC
                        LIMIT $4
                        FOR UPDATE SKIP LOCKED)
       UPDATE dial_queue_items t SET status = 'reserved', agent_id = $3, reserved_at = $2, busy_key = t.lead_id, updated_at = $2
         FROM picked WHERE t.id = picked.id
       RETURNING t.*`,
      [queueId, now, agentId, limit],
    );
    const rows = (Array.isArray(raw) && Array.isArray(raw[0]) ? raw[0] : raw) as Array<Record<string, unknown>>;
    return rows.map((r) => this.fromRow(r));
  }

  /** MySQL/MariaDB: lock the picked rows (skipping locked ones), mark them, read them back. */
  private reserveLocked(queueId: string, agentId: string | null, now: Date, limit: number): Promise<DialQueueItemEntity[]> {
    return this.ds.transaction((em) => this.reserveLockedIn(em, queueId, agentId, now, limit));
  }

  private async reserveLockedIn(em: EntityManager, queueId: string, agentId: string | null, now: Date, limit: number): Promise<DialQueueItemEntity[]> {
    const qb = em
      .getRepository(DialQueueItemEntity)
      .createQueryBuilder('i')
      .select('i.id', 'id')
      .where("i.queue_id = :queueId AND i.status = 'pending' AND i.due_at <= :now", { queueId, now })
      .andWhere(agentId ? '(i.owner_id IS NULL OR i.owner_id = :agentId)' : 'i.owner_id IS NULL', { agentId })
      .andWhere('NOT EXISTS (SELECT 1 FROM dial_queue_items b WHERE b.busy_key = i.lead_id)')
      .orderBy('i.callback_first', 'DESC')
      .addOrderBy('i.priority', 'DESC')
      .addOrderBy('i.due_at', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked');
    const ids = (await qb.getRawMany<{ id: string }>()).map((r) => r.id);
    if (!ids.length) return [];
    await em
      .getRepository(DialQueueItemEntity)
      .createQueryBuilder()
      .update()
      .set({ status: 'reserved', agentId, reservedAt: now, busyKey: () => 'lead_id', updatedAt: now })
      .where('id IN (:...ids)', { ids })
      .execute();
    return em.getRepository(DialQueueItemEntity).findBy({ id: In(ids) });
  }

  /**
   * Reserves the next lead for an agent who is ready and alive, moving the agent to
   * reserved in the same step: the agent's row is locked first, so two passes serving one
   * agent give them one lead, and a lead is taken only while its agent is still ready.
   * The move is written as the agent states service writes every change (the state, and
   * its history row with how long the agent was ready). Null when the agent is no longer
   * ready or the queue has nothing due for them; then nothing changed.
   */
  reserveForReady(queueId: string, agentId: string, now: Date, reason: string, aliveSince: Date): Promise<DialQueueItemEntity | null> {
    return retrying(() => (this.postgres ? this.reserveForReadyReturning(queueId, agentId, now, reason, aliveSince) : this.reserveForReadyLocked(queueId, agentId, now, reason, aliveSince)), 5, isUniqueViolation);
  }

  /** Postgres: one statement (lock the agent, claim the lead, move the agent, write the history). */
  private async reserveForReadyReturning(queueId: string, agentId: string, now: Date, reason: string, aliveSince: Date): Promise<DialQueueItemEntity | null> {
    const raw: unknown = await this.ds.query(
      `WITH agent AS (${this.agents.lockedReadyCte({ userId: '$3', aliveSince: '$4' })}),
            picked AS (SELECT i.id FROM dial_queue_items i
                        WHERE EXISTS (SELECT 1 FROM agent)
                          AND i.queue_id = $1 AND i.status = 'pending' AND i.due_at <= $2
                          AND (i.owner_id IS NULL OR i.owner_id = $3)
                          AND NOT EXISTS (SELECT 1 FROM dial_queue_items b WHERE b.busy_key = i.lead_id)
                        ORDER BY i.callback_first DESC, i.priority DESC, i.due_at ASC
                        LIMIT 1
                        FOR UPDATE SKIP LOCKED),
            item AS (UPDATE dial_queue_items t SET status = 'reserved', agent_id = $3, reserved_at = $2, busy_key = t.lead_id, updated_at = $2
                       FROM picked WHERE t.id = picked.id
                     RETURNING t.*),
            ${this.agents.movedToReservedCtes({ agentCte: 'agent', userId: '$3', at: '$2', reasonSql: '$5', historyId: '$6', from: 'agent', doneWhen: 'EXISTS (SELECT 1 FROM item)' })}
       SELECT * FROM item`,
      [queueId, now, agentId, aliveSince, reason, randomUUID()],
    );
    const rows = (Array.isArray(raw) && Array.isArray(raw[0]) ? raw[0] : raw) as Array<Record<string, unknown>>;
    return rows.length ? this.fromRow(rows[0]) : null;
  }

  /** MySQL/MariaDB: the same in one transaction, the agent's row locked first. */
  private reserveForReadyLocked(queueId: string, agentId: string, now: Date, reason: string, aliveSince: Date): Promise<DialQueueItemEntity | null> {
    return this.ds.transaction(async (em) => {
      const agent = await this.lockReadyAgent(em, agentId, aliveSince);
      if (!agent) return null;
      const [item] = await this.reserveLockedIn(em, queueId, agentId, now, 1);
      if (!item) return null;
      await this.moveToReserved(em, agent, reason, now);
      return item;
    });
  }

  /**
   * The next lead for a ready, alive agent from any active queue they work that serves
   * agents one at a time (not predictive), the queues taken by name, with the agent moved
   * to reserved: on Postgres one statement, so an agent going ready costs one round trip
   * to their lead; returns the queue too. Null when the agent is no longer ready or no such
   * queue has a lead due for them; then nothing changed.
   */
  reserveNextForReady(agentId: string, now: Date, aliveSince: Date): Promise<{ item: DialQueueItemEntity; queue: DialQueueEntity } | null> {
    return retrying(() => (this.postgres ? this.reserveNextReturning(agentId, now, aliveSince) : this.reserveNextLocked(agentId, now, aliveSince)), 5, isUniqueViolation);
  }

  private async reserveNextReturning(agentId: string, now: Date, aliveSince: Date): Promise<{ item: DialQueueItemEntity; queue: DialQueueEntity } | null> {
    const queueColumns = this.ds.getMetadata(DialQueueEntity).columns.map((c) => `q.${c.databaseName} AS "q__${c.databaseName}"`).join(', ');
    const raw: unknown = await this.ds.query(
      `WITH agent AS (${this.agents.lockedReadyCte({ userId: '$2', aliveSince: '$3' })}),
            queues AS (SELECT q.id, q.name FROM dial_queues q JOIN dial_queue_agents a ON a.queue_id = q.id AND a.user_id = $2
                        WHERE q.active = true AND q.mode <> 'predictive' AND EXISTS (SELECT 1 FROM agent)),
            picked AS (SELECT c.id, qs.name FROM queues qs
                         CROSS JOIN LATERAL (SELECT i.id FROM dial_queue_items i
                                              WHERE i.queue_id = qs.id AND i.status = 'pending' AND i.due_at <= $1
                                                AND (i.owner_id IS NULL OR i.owner_id = $2)
                                                AND NOT EXISTS (SELECT 1 FROM dial_queue_items b WHERE b.busy_key = i.lead_id)
                                              ORDER BY i.callback_first DESC, i.priority DESC, i.due_at ASC
                                              LIMIT 1
                                              FOR UPDATE SKIP LOCKED) c
                        ORDER BY qs.name
                        LIMIT 1),
            item AS (UPDATE dial_queue_items t SET status = 'reserved', agent_id = $2, reserved_at = $1, busy_key = t.lead_id, updated_at = $1
                       FROM picked WHERE t.id = picked.id
                     RETURNING t.*),
            ${this.agents.movedToReservedCtes({ agentCte: 'agent', userId: '$2', at: '$1', reasonSql: "LEFT('dial queue ' || picked.name, 64)", historyId: '$4', from: 'agent, picked', doneWhen: 'EXISTS (SELECT 1 FROM item)' })}
       SELECT item.*, ${queueColumns} FROM item JOIN dial_queues q ON q.id = item.queue_id`,
      [now, agentId, aliveSince, randomUUID()],
    );
    const rows = (Array.isArray(raw) && Array.isArray(raw[0]) ? raw[0] : raw) as Array<Record<string, unknown>>;
    if (!rows.length) return null;
    const queue: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rows[0])) if (k.startsWith('q__')) queue[k.slice(3)] = v;
    return { item: this.fromRow(rows[0]), queue: this.fromRow(queue, new DialQueueEntity()) };
  }

  /** MySQL/MariaDB: the agent's row locked, then their queues in order until one gives a lead. */
  private reserveNextLocked(agentId: string, now: Date, aliveSince: Date): Promise<{ item: DialQueueItemEntity; queue: DialQueueEntity } | null> {
    return this.ds.transaction(async (em) => {
      const agent = await this.lockReadyAgent(em, agentId, aliveSince);
      if (!agent) return null;
      const queues = await em
        .getRepository(DialQueueEntity)
        .createQueryBuilder('q')
        .innerJoin(DialQueueAgentEntity, 'a', 'a.queue_id = q.id AND a.user_id = :agentId', { agentId })
        .where("q.active = :active AND q.mode <> 'predictive'", { active: true })
        .orderBy('q.name', 'ASC')
        .getMany();
      for (const queue of queues) {
        const [item] = await this.reserveLockedIn(em, queue.id, agentId, now, 1);
        if (!item) continue;
        const reason = `dial queue ${queue.name}`.slice(0, 64);
        await this.moveToReserved(em, agent, reason, now);
        return { item, queue };
      }
      return null;
    });
  }

  /** The agent's presence row, locked, while they are ready and alive; null otherwise. */
  private lockReadyAgent(em: EntityManager, agentId: string, aliveSince: Date): Promise<AgentPresence | null> {
    return this.agents.lockReady(em, agentId, aliveSince);
  }

  /** The ready → reserved move as the agent states service writes every change: the state, and its history row. */
  private async moveToReserved(em: EntityManager, agent: AgentPresence, reason: string, now: Date): Promise<void> {
    await this.agents.move(em, agent.userId, agent, 'reserved', reason, null, now);
  }

  /** A raw row, named by columns, as the entity (an item unless another entity is given). */
  fromRow<T extends object = DialQueueItemEntity>(row: Record<string, unknown>, into: T = new DialQueueItemEntity() as T): T {
    const target = into as unknown as Record<string, unknown>;
    for (const col of this.ds.getMetadata(into.constructor).columns) {
      const v = row[col.databaseName];
      target[col.propertyName] = col.type === Date && v != null && !(v instanceof Date) ? new Date(v as string) : v;
    }
    return into;
  }

  /**
   * Moves an item on, only from the statuses given (so a stale actor changes nothing).
   * Leaving reserved/dialing frees the lead; ending frees its place in the queue.
   */
  async move(id: string, from: readonly string[], change: Partial<DialQueueItemEntity>, em?: EntityManager): Promise<boolean> {
    const to = change.status;
    const patch: Partial<DialQueueItemEntity> = { ...change };
    if (to && !(BUSY_STATUSES as readonly string[]).includes(to)) patch.busyKey = null;
    if (to === 'done' || to === 'canceled') patch.activeKey = null;
    const r = await retrying(() => this.items(em).update({ id, status: In([...from]) }, patch));
    return (r.affected ?? 0) > 0;
  }

  /**
   * Marks a pending item as let through by the gate at `at`, unless an opt-out reaching
   * its lead was written since `since` (the check's start, less a margin for slow
   * commits): such an opt-out may have landed after the gate read the ledger, and its
   * listener's reset may already have run, so the item stays unchecked and is asked
   * about again when reserved. Returns whether the mark was written.
   *
   * The opt-out test is the compliance room's SQL (its ledger, and the lead's numbers as the
   * leads room lists them), embedded in this one UPDATE on purpose: read first and written
   * after, an opt-out committed in between, with its reset run before the mark, would leave
   * a pass standing for an opted-out lead.
   */
  async markChecked(item: Pick<DialQueueItemEntity, 'id' | 'leadId'>, at: Date, since: Date): Promise<boolean> {
    const r = await this.items()
      .createQueryBuilder()
      .update()
      .set({ checkedAt: at })
      .where("id = :id AND status = 'pending'", { id: item.id })
      .andWhere(`NOT ${this.compliance.optOutReachingLeadSince({ leadId: 'leadId', since: 'since' })}`, { since, leadId: item.leadId })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  /** Runs `fn` in one transaction (a list's leads go in all together or not at all). */
  inTransaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  findById(id: string): Promise<DialQueueItemEntity | null> {
    return this.items().findOneBy({ id });
  }

  /** Several items in one statement; ids with no item are absent. */
  findByIds(ids: string[]): Promise<DialQueueItemEntity[]> {
    return this.items().findBy({ id: In(ids) });
  }

  /** Up to `limit` items an agent holds (reserved for them or dialing). */
  heldBy(agentId: string, limit: number): Promise<DialQueueItemEntity[]> {
    return this.items().find({ where: { agentId, status: In([...BUSY_STATUSES]) }, take: limit });
  }

  /** Every item several agents hold (reserved or dialing), in one statement. */
  heldByMany(agentIds: string[]): Promise<DialQueueItemEntity[]> {
    return this.items().find({ where: { agentId: In(agentIds), status: In([...BUSY_STATUSES]) } });
  }

  /** Items still waiting that came from this schedule action or callback. */
  pendingFrom(source: string, sourceId: string): Promise<DialQueueItemEntity[]> {
    return this.items().find({ where: { source, sourceId, status: 'pending' } });
  }

  /** Leads reserved for an agent and not dialed (the cards on their screen). */
  reservedFor(agentId: string): Promise<DialQueueItemEntity[]> {
    return this.items().find({ where: { agentId, status: 'reserved' }, order: { reservedAt: 'ASC' } });
  }

  /** A queue's item, or null when it is not in that queue. */
  findInQueue(id: string, queueId: string): Promise<DialQueueItemEntity | null> {
    return this.items().findOneBy({ id, queueId });
  }

  /** A queue's items in dialing order, of one status or all. */
  list(queueId: string, status: string | undefined, limit: number): Promise<DialQueueItemEntity[]> {
    return this.items().find({ where: { queueId, ...(status ? { status } : {}) }, order: { callbackFirst: 'DESC', priority: 'DESC', dueAt: 'ASC' }, take: limit });
  }

  /** The next `n` leads due in a queue, in dialing order (what the precheck looks at). */
  head(queueId: string, now: Date, n: number): Promise<DialQueueItemEntity[]> {
    return this.items()
      .createQueryBuilder('i')
      .where("i.queue_id = :queueId AND i.status = 'pending' AND i.due_at <= :now", { queueId, now })
      .orderBy('i.callback_first', 'DESC')
      .addOrderBy('i.priority', 'DESC')
      .addOrderBy('i.due_at', 'ASC')
      .limit(n)
      .getMany();
  }

  /** The lead waiting in the queue becomes this callback's turn, first in line. */
  async becomeCallback(queueId: string, leadId: string, callbackId: string, ownerId: string | null, now: Date): Promise<void> {
    await this.items().update({ activeKey: `${queueId}:${leadId}`, status: 'pending' }, { source: 'callback', sourceId: callbackId, callbackFirst: 1, ownerId, updatedAt: now });
  }

  /** The gate's earlier answer no longer holds for these leads' waiting items (an opt-out reached them). */
  async uncheckPending(leadIds: string[]): Promise<void> {
    await this.items().update({ leadId: In(leadIds), status: 'pending' }, { checkedAt: null });
  }

  async countEligible(queueId: string, now: Date): Promise<number> {
    return this.items().createQueryBuilder('i').where("i.queue_id = :queueId AND i.status = 'pending' AND i.due_at <= :now", { queueId, now }).getCount();
  }
}
