import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DialQueueView, LeadView, UserView } from '#shared';
import { In } from 'typeorm';
import { AgentPresenceEntity, AgentStateChangeEntity } from '../../server/src/agents/agent.entity.js';
import { AgentStatesService } from '../../server/src/agents/agent-states.service.js';
import { DomainEvents } from '../../server/src/common/domain-events.js';
import { DialBurstsRepository } from '../../server/src/dialer/dial-bursts.repository.js';
import { DialQueueItemEntity } from '../../server/src/dialer/dial-queue.entity.js';
import { DialPacer } from '../../server/src/dialer/dial-pacer.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, signIn } from '../support/factories.js';

/** Noon in New York: inside the legal calling window. */
const NOON_ET = '2026-03-02T17:00:00.000Z';
const AGENTS = 16;
const LEADS = 60;

/**
 * Agents going ready in bursts are served in batches (one statement for many agents); two
 * application instances on one database do it at the same time, over queues that share
 * their leads. No lead is ever held for two agents, and no agent is given two leads.
 */
describe('dialer bursts across two instances', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;
  let agents: UserView[];
  let queues: DialQueueView[];
  const reservedEvents: Array<{ agentId: string; itemId: string }> = [];

  beforeAll(async () => {
    a = await createTestApp({ now: NOON_ET, env: { AGENT_STALE_SECONDS: '3600' } });
    // A second instance on the same database, as another server would be.
    b = await createTestApp({ now: NOON_ET, database: a.db, env: { AGENT_STALE_SECONDS: '3600' } });
    admin = await signIn(a, 'admin');
    agents = [];
    for (let i = 0; i < AGENTS; i++) agents.push(await createUser(a, 'agent', { email: `burst-${i}@example.test`, name: `Burst ${i}` }));
    const leads: LeadView[] = [];
    for (let i = 0; i < LEADS; i++) leads.push((await a.http.post('/api/leads').set(admin.auth).send({ firstName: `Burst${i}`, phones: [{ number: `+1718555${String(3000 + i).padStart(4, '0')}` }] }).expect(201)).body as LeadView);
    // Two preview queues with the same leads: half the agents work the first, half the second, four both.
    const half = AGENTS / 2;
    queues = [];
    for (const [name, ids] of [
      ['Burst A', agents.slice(0, half + 2).map((u) => u.id)],
      ['Burst B', agents.slice(half - 2).map((u) => u.id)],
    ] as const) {
      const q = (await a.http.post('/api/dial-queues').set(admin.auth).send({ name, mode: 'preview', agentIds: ids }).expect(201)).body as DialQueueView;
      await a.http.post(`/api/dial-queues/${q.id}/leads`).set(admin.auth).send({ leadIds: leads.map((l) => l.id) }).expect(200);
      queues.push(q);
    }
    for (const t of [a, b]) t.get(DomainEvents).on('dial.reserved', (e) => void reservedEvents.push({ agentId: e.agentId, itemId: e.itemId }));
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const held = () => a.dataSource.getRepository(DialQueueItemEntity).find({ where: [{ status: 'reserved' }, { status: 'dialing' }] });
  const statesOf = async () => new Map((await a.dataSource.getRepository(AgentPresenceEntity).findBy({ userId: In(agents.map((u) => u.id)) })).map((p) => [p.userId, p.state]));
  const allOffline = async () => {
    // Each agent signs off, which hands back the lead on their card.
    for (const u of agents) await a.get(AgentStatesService).change(u.id, 'offline', { kind: 'agent', userId: u.id });
    await Promise.all([a.get(DialPacer).paceAll(), b.get(DialPacer).paceAll()]);
  };
  /** No lead is held twice, no agent holds two, every holder is reserved. */
  const expectOneEach = async () => {
    const rows = await held();
    expect(new Set(rows.map((r) => r.leadId)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => r.agentId)).size).toBe(rows.length);
    const states = await statesOf();
    for (const r of rows) expect(states.get(r.agentId as string)).toBe('reserved');
    return rows;
  };

  it('many agents going ready at once on both instances: each gets one lead, no lead goes to two agents', async () => {
    for (let round = 0; round < 3; round++) {
      reservedEvents.length = 0;
      for (const u of agents) await a.get(AgentStatesService).heartbeat(u.id, { phone: 'simulated', microphone: 'granted' });
      // Every agent at once, half through each instance.
      await Promise.all(agents.map((u, i) => (i % 2 ? b : a).get(AgentStatesService).change(u.id, 'ready', { kind: 'agent', userId: u.id })));
      await Promise.all([a.get(DialPacer).paceAll(), b.get(DialPacer).paceAll()]);
      const rows = await expectOneEach();
      expect(rows).toHaveLength(AGENTS);
      expect(new Set(reservedEvents.map((e) => e.agentId)).size).toBe(AGENTS);
      expect(reservedEvents).toHaveLength(AGENTS);
      // Each agent moved ready → reserved once, with its history row.
      const moves = await a.dataSource.getRepository(AgentStateChangeEntity).findBy({ toState: 'reserved', at: a.clock.now(), userId: In(agents.map((u) => u.id)) });
      expect(moves.map((m) => m.userId).sort()).toEqual(agents.map((u) => u.id).sort());
      await allOffline();
      expect(await held()).toHaveLength(0);
      a.clock.advance(1_000);
      b.clock.advance(1_000);
    }
  });

  it('the same burst reserved by both instances at the same instant serves each agent once', async () => {
    for (let round = 0; round < 3; round++) {
      for (const u of agents) {
        await a.get(AgentStatesService).heartbeat(u.id, { phone: 'simulated', microphone: 'granted' });
        await a.dataSource.query(a.db.kind === 'mysql' ? "UPDATE agent_presence SET state = 'ready' WHERE user_id = ?" : "UPDATE agent_presence SET state = 'ready' WHERE user_id = $1", [u.id]);
      }
      const ids = agents.map((u) => u.id);
      const [fromA, fromB] = await Promise.all([a, b].map((t) => t.get(DialBurstsRepository).reserveForReadyMany(ids, t.clock.now(), t.get(AgentStatesService).aliveSince())));
      const served = [...fromA, ...fromB];
      // Between them no agent got two leads and no lead went twice, each from a queue the agent works.
      expect(new Set(served.map((s) => s.agentId)).size).toBe(served.length);
      expect(new Set(served.map((s) => s.item.leadId)).size).toBe(served.length);
      expect(served.length).toBeGreaterThan(AGENTS / 2);
      for (const s of served) expect(queues.find((q) => q.id === s.queue.id)?.agentIds).toContain(s.agentId);
      // An agent a batch left out (their lead taken by the other queue, their row held by the other instance) is still ready, unchanged.
      const states = await statesOf();
      for (const id of ids) expect(states.get(id)).toBe(served.some((s) => s.agentId === id) ? 'reserved' : 'ready');
      // The pacers serve those one by one.
      await Promise.all(queues.map((q, i) => (i ? b : a).get(DialPacer).pace(q.id)));
      const rows = await expectOneEach();
      expect(rows).toHaveLength(AGENTS);
      await allOffline();
      a.clock.advance(1_000);
      b.clock.advance(1_000);
    }
  });
});
