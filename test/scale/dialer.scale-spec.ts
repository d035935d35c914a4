/**
 * The predictive dialer at scale against the simulated carrier: 20 agents, 5,000 leads
 * whose answer rates are 10 to 40%, 20 simulated minutes in one-second steps on both
 * clocks (the application's and the carrier's). Agents wrap up for 10 s after each call.
 * Checks that no lead is dialed twice at once, that opted-out, blocked and out-of-hours
 * leads are never dialed, and that the abandon rate stays within the 3% cap; prints
 * dials, connects and agent utilisation.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DialQueueView, RingPoolView } from '#shared';
import { DialCallEntity } from '../../server/src/dialer/dial-queue.entity.js';
import { DialQueuesService } from '../../server/src/dialer/dial-queues.service.js';
import { DialPacer } from '../../server/src/dialer/dial-pacer.service.js';
import { LeadEntity, LeadPhoneEntity } from '../../server/src/leads/lead.entity.js';
import { AgentPresenceEntity } from '../../server/src/agents/agent.entity.js';
import { AgentStatesService } from '../../server/src/agents/agent-states.service.js';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, signIn } from '../support/factories.js';
import { listen } from '../support/upload.js';

const AGENTS = 20;
const LEADS = 5000;
const MINUTES = 20;
const WRAP_SECONDS = 10;
/** Noon in New York on a Tuesday. */
const NOON_ET = '2026-03-03T17:00:00.000Z';

/** A small seeded generator, so every run draws the same leads. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the predictive dialer at scale', () => {
  let t: TestApp;
  let sim: SimulatedCarrier;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET, env: { CARRIER_SIM_CLOCK: 'manual', OUTBOUND_CALLS_PER_SECOND: '100', AGENT_STALE_SECONDS: '3600', DATABASE_POOL_SIZE: '10' } });
    await listen(t);
    sim = t.get<SimulatedCarrier>(SIMULATED_CARRIER);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  }, 120_000);

  it('dials 5,000 leads with 20 agents: never a lead twice at once, never a barred lead, abandon rate within the cap', async () => {
    const admin = await signIn(t, 'admin');
    const pool = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Scale', dailyCallCap: 1000, numbers: Array.from({ length: 10 }, (_, i) => ({ e164: `+1212555${String(100 + i).padStart(4, '0')}` })) }).expect(201)).body as RingPoolView;
    const agents = await Promise.all(Array.from({ length: AGENTS }, (_, i) => createUser(t, 'agent', { name: `Scale agent ${i}` })));
    const q = (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: 'Scale', mode: 'predictive', ringPoolId: pool.id, ringSeconds: 20, agentIds: agents.map((a) => a.id) }).expect(201)).body as DialQueueView;

    // Leads in four groups answering 10, 20, 30 and 40% of the time; some barred or asleep.
    const random = rng(7);
    const now = t.clock.now();
    const leads: LeadEntity[] = [];
    const phones: LeadPhoneEntity[] = [];
    const barred = new Map<string, string>();
    for (let i = 0; i < LEADS; i++) {
      const id = randomUUID();
      const e164 = `+1718${String(2000000 + i).padStart(7, '0')}`;
      const asleep = i % 100 === 7; // Honolulu: 07:00 there, before the window opens
      leads.push({ id, firstName: 'Lead', lastName: String(i), company: null, email: null, phone: e164, timezone: asleep ? 'Pacific/Honolulu' : null, region: null, ownerId: null, status: 'new', customFields: '{}', instantDial: false, lastContactedAt: null, lastContactedMode: 'not_contacted', lastActivityAt: null, lastActivityType: null, createdBy: null, updatedBy: null, importId: null, createdAt: now, updatedAt: now, deletedAt: null });
      phones.push({ leadId: id, e164, label: 'main', position: 0 } as LeadPhoneEntity);
      if (asleep) barred.set(e164, 'out of hours');
      const answer = 0.1 + 0.1 * (i % 4);
      const r = random();
      const outcome = r < answer ? 'answer' : r < answer + 0.1 ? 'machine' : r < answer + 0.2 ? 'busy' : 'no-answer';
      sim.script(e164, { outcome, ringSeconds: 3 + Math.floor(random() * 12), talkSeconds: 30 + Math.floor(random() * 90) });
    }
    for (let i = 0; i < leads.length; i += 500) {
      await t.dataSource.getRepository(LeadEntity).insert(leads.slice(i, i + 500));
      await t.dataSource.getRepository(LeadPhoneEntity).insert(phones.slice(i, i + 500));
    }
    for (let i = 0; i < 50; i++) {
      const optOut = leads[i * 97 + 1].phone as string;
      const block = leads[i * 97 + 2].phone as string;
      await t.http.post('/api/opt-outs').set(admin.auth).send({ address: optOut, channel: 'call' }).expect(201);
      await t.http.post('/api/blocks').set(admin.auth).send({ kind: 'number', value: block }).expect(201);
      barred.set(optOut, 'opted out');
      barred.set(block, 'blocked');
    }
    await t.http.post(`/api/dial-queues/${q.id}/leads`).set(admin.auth).send({ leadIds: leads.map((l) => l.id) }).expect(200);

    const states = t.get(AgentStatesService);
    const dialer = t.get(DialPacer);
    for (const a of agents) {
      await states.heartbeat(a.id, { phone: 'simulated', microphone: 'granted' });
      await states.change(a.id, 'ready', { kind: 'agent', userId: a.id });
    }
    const presence = t.dataSource.getRepository(AgentPresenceEntity);
    for (let second = 0; second < MINUTES * 60; second++) {
      await dialer.paceAll();
      await sim.advance(1000);
      t.clock.advance(1000);
      // Agents finish wrapping up after a while and take the next call.
      const wrapped = await presence.find({ where: { state: 'wrap_up' } });
      for (const w of wrapped) if (t.clock.now().getTime() - w.stateSince.getTime() >= WRAP_SECONDS * 1000) await states.change(w.userId, 'ready', { kind: 'agent', userId: w.userId });
    }
    // Stop dialing and let the calls in flight end.
    await t.get(DialQueuesService).update(q.id, { active: false });
    for (let second = 0; second < 180; second++) {
      await sim.advance(1000);
      t.clock.advance(1000);
    }

    const calls = await t.dataSource.getRepository(DialCallEntity).find({ where: { queueId: q.id }, order: { placedAt: 'ASC' } });
    // Never the same lead twice at once.
    const byLead = new Map<string, DialCallEntity[]>();
    for (const c of calls) byLead.set(c.leadId, [...(byLead.get(c.leadId) ?? []), c]);
    for (const list of byLead.values()) {
      for (let i = 1; i < list.length; i++) expect(list[i].placedAt.getTime()).toBeGreaterThanOrEqual((list[i - 1].endedAt ?? new Date(8.64e15)).getTime());
    }
    // Never a barred lead: no carrier call went to one.
    const dialedBarred = [...sim.calls.values()].filter((c) => barred.has(c.to)).map((c) => `${c.to} (${barred.get(c.to)})`);
    expect(dialedBarred).toEqual([]);
    // Within the abandon cap.
    const human = calls.filter((c) => c.human).length;
    const abandoned = calls.filter((c) => c.outcome === 'abandoned').length;
    const connects = calls.filter((c) => c.outcome === 'answered').length;
    const talkMinutes = calls.reduce((n, c) => n + (c.talkSeconds ?? 0), 0) / 60;
    const rate = human ? abandoned / human : 0;
    console.log(
      `dialer at scale: ${AGENTS} agents, ${LEADS} leads, ${MINUTES} simulated minutes: ${calls.length} dials, ${connects} connects, ${human} answered by a person, ` +
        `${abandoned} abandoned (${(rate * 100).toFixed(2)}%), utilisation ${(talkMinutes / (AGENTS * (MINUTES / 60))).toFixed(1)} talk minutes per agent hour`,
    );
    expect(calls.length).toBeGreaterThan(200);
    expect(connects).toBeGreaterThan(50);
    expect(rate).toBeLessThanOrEqual(0.03);
    expect(calls.filter((c) => c.endedAt === null)).toEqual([]);
  }, 900_000);
});
