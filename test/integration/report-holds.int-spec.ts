import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DialItemView, DialQueueView, LeadView, ReportTable, RingPoolView } from '#shared';
import { AgentStatesService } from '../../server/src/agents/agent-states.service.js';
import { DialPacer } from '../../server/src/dialer/dial-pacer.service.js';
import { ReportRollups } from '../../server/src/reports/report-rollups.job.js';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { ConversationEntity } from '../../server/src/telephony/conversations/conversation.entity.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { listen } from '../support/upload.js';

/** Noon in New York on a Monday: inside the legal calling window. */
const NOON_ET = '2026-03-02T17:00:00.000Z';

describe('hold time per call', () => {
  let t: TestApp;
  let sim: SimulatedCarrier;
  let admin: Awaited<ReturnType<typeof signIn>>;
  let pool: RingPoolView;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET, env: { CARRIER_SIM_CLOCK: 'manual', OUTBOUND_CALLS_PER_SECOND: '100', AGENT_STALE_SECONDS: '3600' } });
    await listen(t);
    sim = t.get<SimulatedCarrier>(SIMULATED_CARRIER);
    admin = await signIn(t, 'admin');
    pool = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Hold pool', numbers: [{ e164: '+12125550170' }] }).expect(201)).body as RingPoolView;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('held 30 s, resumed, held 10 s and hung up while held: the call keeps 40 s, and so does its agent in the agent performance report', async () => {
    const agent = await signIn(t, 'agent');
    const q = (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: 'Holds', mode: 'power', ringPoolId: pool.id, agentIds: [agent.user.id] }).expect(201)).body as DialQueueView;
    const number = '+17185554100';
    sim.script(number, { outcome: 'answer', ringSeconds: 2, talkSeconds: 600 });
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ firstName: 'Held', phones: [{ number }] }).expect(201)).body as LeadView;
    await t.http.post(`/api/dial-queues/${q.id}/leads`).set(admin.auth).send({ leadIds: [lead.id] }).expect(200);
    await t.get(AgentStatesService).heartbeat(agent.user.id, { phone: 'simulated', microphone: 'granted' });
    await t.http.post('/api/agents/me/state').set(agent.auth).send({ state: 'ready' }).expect(200);
    await t.get(DialPacer).paceAll();
    const [item] = (await t.http.get(`/api/dial-queues/${q.id}/items`).set(admin.auth).expect(200)).body as DialItemView[];
    await sim.advance(5000); // dialed, rung, answered; the agent's phone answers into the room
    const id = item.conversationId as string;
    const room = `conv-${id}`;
    expect(sim.conferenceView(room).status).toBe('in-progress');
    const row = () => t.dataSource.getRepository(ConversationEntity).findOneByOrFail({ id });
    const hold = (held: boolean) => t.http.post(`/api/calls/${id}/hold`).set(agent.auth).send({ held }).expect(204);

    t.clock.advance(20_000);
    await hold(true);
    expect(await row()).toMatchObject({ holdSeconds: 0, heldSince: t.clock.now() });
    t.clock.advance(15_000);
    await hold(true); // already held: the hold runs on from when it began
    t.clock.advance(15_000);
    await hold(false);
    expect(await row()).toMatchObject({ holdSeconds: 30, heldSince: null });
    await hold(false); // not held: nothing to add
    t.clock.advance(60_000);
    await hold(true);
    t.clock.advance(10_000);
    // The person hangs up while held: the open hold ends with the call.
    await sim.hangup(sim.conferenceView(room).participants.find((p) => p.label === 'customer')?.callSid as string);
    await sim.settle();
    expect(await row()).toMatchObject({ status: 'completed', holdSeconds: 40, heldSince: null });

    await expect(t.get(ReportRollups).run()).resolves.toBe(true);
    const report = (await t.http.get(`/api/reports/agent-performance?from=2026-03-02&agentId=${agent.user.id}`).set(admin.auth).expect(200)).body as ReportTable;
    expect(report.rows).toEqual([expect.objectContaining({ agentId: agent.user.id, hold: 40, calls: 1 })]);
    const csv = (await t.http.get(`/api/reports/agent-performance?from=2026-03-02&agentId=${agent.user.id}&format=csv`).set(admin.auth).buffer(true).expect(200)).text;
    const [head, line] = csv.split('\r\n');
    expect(line.split(',')[head.split(',').indexOf('hold')]).toBe('40');
  });
});
