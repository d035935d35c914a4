import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { isUniqueViolation, retrying } from '../database/db-errors.js';
import { DedicatedConnection } from '../database/dedicated-connection.js';
import { AgentStatesRepository } from '../agents/agent-states.repository.js';
import { DialQueueAgentEntity, DialQueueEntity, DialQueueItemEntity } from './dial-queue.entity.js';
import { DialItemsRepository } from './dial-items.repository.js';

/** A lead reserved for an agent in a burst, with its queue. */
export interface BurstReservation {
  agentId: string;
  item: DialQueueItemEntity;
  queue: DialQueueEntity;
}

/**
 * Reservations for many ready agents at once (a shift starting, a break ending): the
 * dial-queue items and agents' moves of `DialItemsRepository.reserveForReady`, for a whole
 * burst in one step. Dialect-specific SQL lives here only.
 */
@Injectable()
export class DialBurstsRepository implements BeforeApplicationShutdown {
  private readonly postgres: boolean;
  /** A burst's statement runs on its own connection, not behind the state changes of the agents it serves. */
  private readonly lane: DedicatedConnection;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly agents: AgentStatesRepository,
    private readonly items: DialItemsRepository,
  ) {
    this.postgres = ds.options.type === 'postgres';
    this.lane = new DedicatedConnection(ds);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.lane.close();
  }

  /**
   * Reserves one lead for each of `agentIds` who is ready and alive, from the first
   * active queue by name they work that serves agents one at a time (or from `queueId`
   * only), moving each served agent to reserved in the same step: on Postgres one
   * statement, on MySQL/MariaDB one transaction. The agents' rows are locked in id order
   * first, rows held elsewhere skipped; the leads are claimed in the queue's order with
   * SKIP LOCKED, so no lead goes to two agents, and the agent who has waited longest gets
   * the first. An agent with a lead of their own due in that queue (a callback they
   * own: only callbacks have owners, and they are first in the queue's order), one whose row was held, and one for whom the queue ran dry are left out: the
   * caller serves them one by one. Nothing changed for an agent left out.
   */
  reserveForReadyMany(agentIds: string[], now: Date, aliveSince: Date, queueId: string | null = null): Promise<BurstReservation[]> {
    if (!agentIds.length) return Promise.resolve([]);
    const ids = [...new Set(agentIds)];
    return retrying(() => (this.postgres ? this.reserveReturning(ids, now, aliveSince, queueId) : this.reserveLocked(ids, now, aliveSince, queueId)), 5, isUniqueViolation);
  }

  private async reserveReturning(agentIds: string[], now: Date, aliveSince: Date, queueId: string | null): Promise<BurstReservation[]> {
    const queueColumns = this.ds.getMetadata(DialQueueEntity).columns.map((c) => `q.${c.databaseName} AS "q__${c.databaseName}"`).join(', ');
    const sql =
      `WITH agent AS (${this.agents.lockedReadyManyCte({ userIds: '$2::varchar[]', aliveSince: '$3' })}),
            firsts AS (SELECT DISTINCT ON (a.user_id) a.user_id, a.state_since, q.id AS queue_id, q.name
                         FROM agent a JOIN dial_queue_agents qa ON qa.user_id = a.user_id
                         JOIN dial_queues q ON q.id = qa.queue_id AND q.active = true AND q.mode <> 'predictive'
                        WHERE ($4::varchar IS NULL OR q.id = $4::varchar)
                        ORDER BY a.user_id, q.name, q.id),
            eligible AS (SELECT f.user_id, f.state_since, f.queue_id, LEFT('dial queue ' || f.name, 64) AS reason,
                                row_number() OVER (PARTITION BY f.queue_id ORDER BY f.state_since, f.user_id) AS n
                           FROM firsts f
                          WHERE NOT EXISTS (SELECT 1 FROM dial_queue_items o
                                             WHERE o.queue_id = f.queue_id AND o.status = 'pending' AND o.callback_first = 1
                                               AND o.owner_id = f.user_id AND o.due_at <= $1)),
            wanted AS (SELECT queue_id, count(*) AS k FROM eligible GROUP BY queue_id),
            claimed AS (SELECT w.queue_id, c.id, c.lead_id, c.callback_first, c.priority, c.due_at FROM wanted w
                          CROSS JOIN LATERAL (SELECT i.id, i.lead_id, i.callback_first, i.priority, i.due_at FROM dial_queue_items i
                                               WHERE i.queue_id = w.queue_id AND i.status = 'pending' AND i.due_at <= $1 AND i.owner_id IS NULL
                                                 AND NOT EXISTS (SELECT 1 FROM dial_queue_items b WHERE b.busy_key = i.lead_id)
                                               ORDER BY i.callback_first DESC, i.priority DESC, i.due_at ASC
                                               LIMIT w.k
                                               FOR UPDATE SKIP LOCKED) c),
            -- Two queues of the burst may reach the same lead: it goes to one of them only.
            distinct_leads AS (SELECT DISTINCT ON (lead_id) queue_id, id, callback_first, priority, due_at FROM claimed ORDER BY lead_id, queue_id),
            picked AS (SELECT queue_id, id, row_number() OVER (PARTITION BY queue_id ORDER BY callback_first DESC, priority DESC, due_at ASC, id) AS n FROM distinct_leads),
            matched AS (SELECT e.user_id, e.state_since, e.reason, p.id FROM eligible e JOIN picked p ON p.queue_id = e.queue_id AND p.n = e.n),
            item AS (UPDATE dial_queue_items t SET status = 'reserved', agent_id = (SELECT m.user_id FROM matched m WHERE m.id = t.id),
                            reserved_at = $1, busy_key = t.lead_id, updated_at = $1
                      WHERE t.id = ANY(ARRAY(SELECT id FROM matched))
                     RETURNING t.*),
            ${this.agents.movedManyToReservedCtes({ from: 'matched', at: '$1' })}
       SELECT item.*, ${queueColumns} FROM item JOIN dial_queues q ON q.id = item.queue_id`;
    const raw: unknown = await this.lane.query(sql, [now, agentIds, aliveSince, queueId]);
    const rows = (Array.isArray(raw) && Array.isArray(raw[0]) ? raw[0] : raw) as Array<Record<string, unknown>>;
    return rows.map((r) => {
      const queue: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) if (k.startsWith('q__')) queue[k.slice(3)] = v;
      const item = this.items.fromRow(r);
      return { agentId: item.agentId as string, item, queue: this.items.fromRow(queue, new DialQueueEntity()) };
    });
  }

  /** MySQL/MariaDB: the agents locked, their first queues found, each queue's leads claimed for them, the agents moved, in one transaction. */
  private reserveLocked(agentIds: string[], now: Date, aliveSince: Date, queueId: string | null): Promise<BurstReservation[]> {
    return this.ds.transaction(async (em) => {
      const agents = await this.agents.lockReadyMany(em, agentIds, aliveSince);
      if (!agents.length) return [];
      const firsts = await this.firstQueues(
        em,
        agents.map((a) => a.userId),
        queueId,
      );
      const owning = await this.owningDue(em, firsts, now);
      const byQueue = new Map<string, { queue: DialQueueEntity; agents: typeof agents }>();
      for (const a of [...agents].sort((x, y) => x.stateSince.getTime() - y.stateSince.getTime() || x.userId.localeCompare(y.userId))) {
        const queue = firsts.get(a.userId);
        if (!queue || owning.has(`${queue.id}:${a.userId}`)) continue;
        const group = byQueue.get(queue.id) ?? { queue, agents: [] };
        group.agents.push(a);
        byQueue.set(queue.id, group);
      }
      const out: BurstReservation[] = [];
      for (const { queue, agents: group } of byQueue.values()) {
        const ids = await this.claimIn(em, queue.id, now, group.length);
        for (let i = 0; i < ids.length; i++) {
          const agent = group[i];
          await em
            .getRepository(DialQueueItemEntity)
            .createQueryBuilder()
            .update()
            .set({ status: 'reserved', agentId: agent.userId, reservedAt: now, busyKey: () => 'lead_id', updatedAt: now })
            .where('id = :id', { id: ids[i] })
            .execute();
          await this.agents.move(em, agent.userId, agent, 'reserved', `dial queue ${queue.name}`.slice(0, 64), null, now);
        }
        const items = new Map((await em.getRepository(DialQueueItemEntity).findBy({ id: In(ids) })).map((it) => [it.id, it]));
        ids.forEach((id, i) => out.push({ agentId: group[i].userId, item: items.get(id) as DialQueueItemEntity, queue }));
      }
      return out;
    });
  }

  /** Each agent's first active queue by name that serves agents one at a time (or `queueId`, when they work it). */
  private async firstQueues(em: EntityManager, agentIds: string[], queueId: string | null): Promise<Map<string, DialQueueEntity>> {
    const qb = em
      .getRepository(DialQueueEntity)
      .createQueryBuilder('q')
      .innerJoin(DialQueueAgentEntity, 'a', 'a.queue_id = q.id AND a.user_id IN (:...agentIds)', { agentIds })
      .addSelect('a.user_id', 'agent_id')
      .where("q.active = :active AND q.mode <> 'predictive'", { active: true })
      .orderBy('q.name', 'ASC')
      .addOrderBy('q.id', 'ASC');
    if (queueId) qb.andWhere('q.id = :queueId', { queueId });
    const { entities, raw } = await qb.getRawAndEntities<{ agent_id: string; q_id: string }>();
    const byId = new Map(entities.map((q) => [q.id, q]));
    const firsts = new Map<string, DialQueueEntity>();
    for (const r of raw) if (!firsts.has(r.agent_id)) firsts.set(r.agent_id, byId.get(r.q_id) as DialQueueEntity);
    return firsts;
  }

  /** `queue:agent` for each agent with a lead of their own due in their queue (only callbacks have owners, and they go first). */
  private async owningDue(em: EntityManager, firsts: Map<string, DialQueueEntity>, now: Date): Promise<Set<string>> {
    if (!firsts.size) return new Set();
    const rows = await em
      .getRepository(DialQueueItemEntity)
      .createQueryBuilder('o')
      .select(['o.queue_id AS queue_id', 'o.owner_id AS owner_id'])
      .where("o.status = 'pending' AND o.callback_first = 1 AND o.due_at <= :now AND o.owner_id IN (:...owners) AND o.queue_id IN (:...queues)", { now, owners: [...firsts.keys()], queues: [...new Set([...firsts.values()].map((q) => q.id))] })
      .getRawMany<{ queue_id: string; owner_id: string }>();
    return new Set(rows.map((r) => `${r.queue_id}:${r.owner_id}`));
  }

  /** Up to `n` leads of a queue for anyone, due now, in the queue's order, locked (rows others hold skipped). */
  private async claimIn(em: EntityManager, queueId: string, now: Date, n: number): Promise<string[]> {
    const rows = await em
      .getRepository(DialQueueItemEntity)
      .createQueryBuilder('i')
      .select('i.id', 'id')
      .where("i.queue_id = :queueId AND i.status = 'pending' AND i.due_at <= :now AND i.owner_id IS NULL", { queueId, now })
      .andWhere('NOT EXISTS (SELECT 1 FROM dial_queue_items b WHERE b.busy_key = i.lead_id)')
      .orderBy('i.callback_first', 'DESC')
      .addOrderBy('i.priority', 'DESC')
      .addOrderBy('i.due_at', 'ASC')
      .limit(n)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }
}
