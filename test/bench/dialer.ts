/**
 * Agent ready → lead reserved, with a deep queue.
 *
 * The whole application runs on Postgres. `--leads` (1,000,000) leads, each with a
 * number, wait in one preview queue (loaded with set-based SQL); `--agents` (50) agents
 * work it. Two measurements:
 *
 * 1. reserve: one agent's next lead taken `--reserves` (2,000) times in a row, through
 *    the dialer's reservation (the SKIP LOCKED claim in the queue's order and the
 *    compliance gate for the lead).
 *    Then the claim with the agent's ready → reserved move, as one statement, (side by
 *    side, alternately) as the claim followed by the move in its own transaction, and as
 *    the dialer serves an agent going ready (their queues found in the same statement).
 * 2. ready → reserved: the time to the lead reserved for an agent (the dialer's
 *    `dial.reserved` event) from the agent's ready state committed (its event) and from
 *    its request to go ready, one agent at a time (`--rounds` × 10), then every agent at
 *    once (`--rounds` times); each agent then passes on the lead. The pacer's tick runs
 *    between turns, checking the head of the queue ahead of the agents.
 *
 * Prints p50/p99/max of each.
 *
 *   node --import @swc-node/register/esm-register test/bench/dialer.ts [--leads 1000000] [--agents 50] [--rounds 10] [--reserves 2000]
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DialQueueView } from '#shared';
import { DomainEvents } from '../../server/src/common/domain-events.js';
import { DialQueueEntity, DialQueueItemEntity } from '../../server/src/dialer/dial-queue.entity.js';
import { DialItemsRepository } from '../../server/src/dialer/dial-items.repository.js';
import { DialItemMoves } from '../../server/src/dialer/dial-item-moves.service.js';
import { DialPacer } from '../../server/src/dialer/dial-pacer.service.js';
import { DialReservations } from '../../server/src/dialer/dial-reservations.service.js';
import { AgentPresenceEntity, AgentStateChangeEntity } from '../../server/src/agents/agent.entity.js';
import { AgentStatesService } from '../../server/src/agents/agent-states.service.js';
import { AgentStatesRepository } from '../../server/src/agents/agent-states.repository.js';
import { UserEntity } from '../../server/src/users/user.entity.js';
import { createTestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const LEADS = Number(arg('leads', '1000000'));
const AGENTS = Number(arg('agents', '50'));
const ROUNDS = Number(arg('rounds', '10'));
const RESERVES = Number(arg('reserves', '2000'));
process.env.SB_TEST_DB ??= 'postgres';
process.env.TEST_POSTGRES_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${pct(s, 50).toFixed(2)} ms, p99 ${pct(s, 99).toFixed(2)} ms, max ${s[s.length - 1].toFixed(2)} ms (n=${s.length})`;
};

async function main(): Promise<void> {
  // Noon in New York on a weekday: every lead may be called.
  const t = await createTestApp({ now: '2026-03-03T17:00:00.000Z', env: { DATABASE_POOL_SIZE: '20', AGENT_STALE_SECONDS: '3600' } });
  try {
    const admin = await signIn(t, 'admin');
    const hash = (await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: admin.user.id })).passwordHash;
    const now = t.clock.now();
    const agents: UserEntity[] = Array.from({ length: AGENTS }, (_, i) => ({ id: randomUUID(), email: `bench-dialer-${i}@example.test`, name: `Agent ${i}`, role: 'agent', passwordHash: hash, active: true, createdAt: now, updatedAt: now }) as UserEntity);
    await t.dataSource.getRepository(UserEntity).insert(agents);
    const q = (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: 'Bench', mode: 'preview', agentIds: agents.map((a) => a.id) }).expect(201)).body as DialQueueView;

    let started = performance.now();
    // Leads with New York numbers (212 555 xxxx… spread over 10M), then their numbers, then the queue's items.
    await t.dataSource.query(
      `INSERT INTO leads (id, first_name, last_name, phone, status, custom_fields, created_at, updated_at)
       SELECT md5('lead' || g)::uuid::text, 'Lead', g::text, '+1212' || lpad(g::text, 7, '0'), 'new', '{}', $1, $1
         FROM generate_series(1, $2) g`,
      [now, LEADS],
    );
    await t.dataSource.query(
      `INSERT INTO lead_phones (lead_id, e164, label, position) SELECT md5('lead' || g)::uuid::text, '+1212' || lpad(g::text, 7, '0'), 'main', 0 FROM generate_series(1, $1) g`,
      [LEADS],
    );
    await t.dataSource.query(
      `INSERT INTO dial_queue_items (id, queue_id, lead_id, source, callback_first, priority, due_at, status, attempts, active_key, created_at, updated_at)
       SELECT md5('item' || g)::uuid::text, $1::varchar, md5('lead' || g)::uuid::text, 'list', 0, g % 10, $2::timestamp - (g || ' seconds')::interval, 'pending', 0, $1::varchar || ':' || md5('lead' || g)::uuid::text, $2::timestamp, $2::timestamp
         FROM generate_series(1, $3) g`,
      [q.id, now, LEADS],
    );
    await t.dataSource.query('ANALYZE leads; ANALYZE lead_phones; ANALYZE dial_queue_items');
    console.log(`dialer bench: ${LEADS.toLocaleString('en-US')} leads queued in ${((performance.now() - started) / 1000).toFixed(1)} s; ${AGENTS} agents`);

    const dialer = t.get(DialPacer);
    const reservations = t.get(DialReservations);
    const moves = t.get(DialItemMoves);
    const states = t.get(AgentStatesService);
    const queue = await t.dataSource.getRepository(DialQueueEntity).findOneByOrFail({ id: q.id });
    for (const a of agents) await states.heartbeat(a.id, { phone: 'simulated', microphone: 'granted' });

    // 1. The reservation itself, one after another, each lead asked of the gate (none checked ahead).
    const reserveTimes: number[] = [];
    for (let i = 0; i < RESERVES; i++) {
      const t0 = performance.now();
      const [vetted] = await reservations.reserve(queue, agents[0].id, 1);
      reserveTimes.push(performance.now() - t0);
      if (!vetted) throw new Error('the queue ran dry');
    }
    console.log(`reserve (claim + gate), one at a time: ${summary(reserveTimes)}`);
    const claimTimes: number[] = [];
    const repo = t.get(DialItemsRepository);
    for (let i = 0; i < RESERVES; i++) {
      const t0 = performance.now();
      await repo.reserve(q.id, agents[1].id, t.clock.now(), 1);
      claimTimes.push(performance.now() - t0);
    }
    console.log(`the claim alone (SKIP LOCKED in queue order), one at a time: ${summary(claimTimes)}`);
    // The claim with the agent's ready → reserved move: one statement, against the claim then the move
    // as two steps, alternately (the agent is put back to ready between turns, unmeasured).
    const oneStep: number[] = [];
    const twoSteps: number[] = [];
    const anyQueue: number[] = [];
    const putReady = () => t.dataSource.query(`UPDATE agent_presence SET state = 'ready' WHERE user_id = $1`, [agents[2].id]);
    await putReady();
    for (let i = 0; i < RESERVES; i++) {
      let t0 = performance.now();
      if (!(await repo.reserveForReady(q.id, agents[2].id, t.clock.now(), 'bench', states.aliveSince()))) throw new Error('nothing reserved');
      oneStep.push(performance.now() - t0);
      await putReady();
      t0 = performance.now();
      await repo.reserve(q.id, agents[2].id, t.clock.now(), 1);
      await states.transition(agents[2].id, ['ready'], 'reserved', 'bench');
      twoSteps.push(performance.now() - t0);
      await putReady();
      // As an agent going ready is served: the agent's queues found in the same statement.
      t0 = performance.now();
      if (!(await repo.reserveNextForReady(agents[2].id, t.clock.now(), states.aliveSince()))) throw new Error('nothing reserved');
      anyQueue.push(performance.now() - t0);
      await putReady();
    }
    console.log(`claim + the agent's move to reserved, one statement: ${summary(oneStep)}`);
    console.log(`claim, then the agent's move as its own transaction:  ${summary(twoSteps)}`);
    console.log(`the agent's queues, claim and move, one statement:    ${summary(anyQueue)}`);
    await t.dataSource.query(`UPDATE agent_presence SET state = 'offline' WHERE user_id = $1`, [agents[2].id]);
    // An agent's own move (here ready ↔ offline) as the agent states service writes it on
    // Postgres, one statement, against the transaction it replaced (lock, update, history),
    // alternately.
    const presence = t.get(AgentStatesRepository);
    const moveOne = (userId: string, to: 'ready', reason: null, actorId: string, fromCall: boolean, now: Date) => presence.moveAtOnce(userId, to, reason, actorId, fromCall, now);
    const moveInTransaction = (userId: string, to: string, now: Date) =>
      t.dataSource.transaction(async (em) => {
        const row = await em.getRepository(AgentPresenceEntity).findOneOrFail({ where: { userId }, lock: { mode: 'pessimistic_write' } });
        await em.getRepository(AgentPresenceEntity).update({ userId }, { state: to, reason: null, stateSince: now, updatedAt: now });
        await em.getRepository(AgentStateChangeEntity).insert({ id: randomUUID(), userId, fromState: row.state, toState: to, reason: null, actorId: userId, at: now, durationMs: Math.max(0, now.getTime() - row.stateSince.getTime()) });
      });
    const solo = agents[3].id;
    const moveStatement: number[] = [];
    const moveTransaction: number[] = [];
    for (let i = 0; i < RESERVES; i++) {
      // Each moves the agent: the statement to ready, the transaction back to offline.
      let t0 = performance.now();
      const moved = await moveOne(solo, 'ready', null, solo, false, t.clock.now());
      moveStatement.push(performance.now() - t0);
      t0 = performance.now();
      await moveInTransaction(solo, 'offline', t.clock.now());
      moveTransaction.push(performance.now() - t0);
      if (!moved?.moved) throw new Error('the agent did not move');
    }
    console.log(`an agent's move with its history, one statement:      ${summary(moveStatement)}`);
    console.log(`the same as the transaction it replaced:               ${summary(moveTransaction)}`);
    await t.dataSource.query(`UPDATE agent_presence SET state = 'offline' WHERE user_id = $1`, [solo]);
    // Those leads go back (not dialed), so the rounds below start from a clean queue.
    await t.dataSource.query(`UPDATE dial_queue_items SET status = 'pending', agent_id = NULL, reserved_at = NULL, busy_key = NULL WHERE queue_id = $1 AND status = 'reserved'`, [q.id]);

    // 2. Agents going ready → the lead reserved for them.
    const waiting = new Map<string, { t0: number; readyAt: number | undefined; resolve: () => void }>();
    let latencies: number[] = [];
    const readyAt: number[] = [];
    let fromCommit: number[] = [];
    t.get(DomainEvents).on('agent.status-changed', (e) => {
      const w = waiting.get(e.status.userId);
      if (w && e.status.state === 'ready') {
        w.readyAt = performance.now();
        readyAt.push(w.readyAt - w.t0);
      }
    });
    // The moment of the commit is when the event is emitted: this listener goes before the
    // application's own (which the emitter awaits one by one), not after them.
    const ordered = (t.get(DomainEvents) as unknown as { listeners: Map<string, unknown[]> }).listeners.get('agent.status-changed') as unknown[];
    ordered.unshift(ordered.pop());
    t.get(DomainEvents).on('dial.reserved', (e) => {
      const w = waiting.get(e.agentId);
      if (!w) return;
      const at = performance.now();
      latencies.push(at - w.t0);
      if (w.readyAt !== undefined) fromCommit.push(at - w.readyAt);
      waiting.delete(e.agentId);
      w.resolve();
    });
    const goReady = (a: UserEntity) =>
      new Promise<void>((resolve, reject) => {
        waiting.set(a.id, { t0: performance.now(), readyAt: undefined, resolve });
        states.change(a.id, 'ready', { kind: 'agent', userId: a.id }).catch(reject);
      });
    const handBack = async (group: UserEntity[]) => {
      // Each agent passes on their lead (it goes back for later) and signs off until their next turn.
      const held = await t.dataSource.getRepository(DialQueueItemEntity).find({ select: { id: true, agentId: true }, where: { queueId: q.id, status: 'reserved' } });
      for (const h of held) if (h.agentId) await moves.skipCard(h.id, h.agentId).catch(() => undefined);
      for (const a of group) await states.change(a.id, 'offline', { kind: 'agent', userId: a.id });
    };

    // The pacer's tick, which checks the head of the queue ahead of the agents.
    await dialer.paceAll();

    // 2a. One agent at a time (the usual case: an agent finishes a call and is ready again).
    started = performance.now();
    for (let i = 0; i < ROUNDS * 10; i++) {
      const a = agents[i % AGENTS];
      await goReady(a);
      await handBack([a]);
      await dialer.paceAll();
    }
    console.log(`agent ready → lead reserved, one agent at a time (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    console.log(`  from the agent's ready committed (its event): ${summary(fromCommit)}`);
    console.log(`  from the agent's request to go ready:         ${summary(latencies)}`);
    console.log(`  (the request's own state change, until its event: ${summary(readyAt)})`);

    // 2b. Every agent at once.
    latencies = [];
    fromCommit = [];
    started = performance.now();
    let between = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(agents.map(goReady));
      const t0 = performance.now();
      await handBack(agents);
      await dialer.paceAll();
      between += performance.now() - t0;
    }
    console.log(`agent ready → lead reserved, ${AGENTS} agents at once × ${ROUNDS} rounds (${((performance.now() - started) / 1000).toFixed(1)} s, of which hand-backs and pacer ticks ${(between / 1000).toFixed(1)} s)`);
    console.log(`  from each agent's ready committed: ${summary(fromCommit)}`);
    console.log(`  from each agent's request:         ${summary(latencies)}`);
  } finally {
    await t.close();
  }
}

await main();
