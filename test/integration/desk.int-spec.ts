import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AgentStatusView, CallbackView, DialItemView, DialQueueView, DispositionChangeView, LeadView } from '#shared';
import { AgentStatesService } from '../../server/src/agents/agent-states.service.js';
import { DialPacer } from '../../server/src/dialer/dial-pacer.service.js';
import { DispositionChangeEntity } from '../../server/src/dispositions/disposition.entity.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { ConversationEntity } from '../../server/src/telephony/conversations/conversation.entity.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { signIn } from '../support/factories.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

/** Noon in New York: inside the legal calling window. */
const NOON_ET = '2026-03-02T17:00:00.000Z';
/** Seconds of silence after which a softphone counts as gone (the test's grace). */
const STALE_SECONDS = 60;

/**
 * The agent's desk: a disposition and its effects are written together or not at all, and
 * presence (a person at the desk, a softphone that answers) decides who gets a live call,
 * not timers.
 */
describe("the agent's desk", () => {
  let t: TestApp;
  let sim: SimulatedCarrier;
  let admin: Session;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET, env: { CARRIER_SIM_CLOCK: 'manual', OUTBOUND_CALLS_PER_SECOND: '100', AGENT_STALE_SECONDS: String(STALE_SECONDS) } });
    await listen(t);
    sim = t.get<SimulatedCarrier>(SIMULATED_CARRIER);
    admin = await signIn(t, 'admin');
    await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Desk pool', numbers: [{ e164: '+12125550170' }] }).expect(201);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const newLead = async (script: Parameters<SimulatedCarrier['script']>[1] = { outcome: 'answer', ringSeconds: 2, talkSeconds: 20 }) => {
    const number = `+1718555${String(4000 + seq++).padStart(4, '0')}`;
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ firstName: `Desk${seq}`, phones: [{ number }] }).expect(201)).body as LeadView;
    sim.script(number, script);
    return lead;
  };
  const newQueue = async (agent: Session, extra: Record<string, unknown> = {}) =>
    (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: `Desk queue ${seq++}`, mode: 'power', agentIds: [agent.user.id], ...extra }).expect(201)).body as DialQueueView;
  const me = async (agent: Session) => (await t.http.get('/api/agents/me').set(agent.auth).expect(200)).body as AgentStatusView;
  const goReady = async (agent: Session) => {
    await t.get(AgentStatesService).heartbeat(agent.user.id, { phone: 'simulated', microphone: 'granted' });
    await t.http.post('/api/agents/me/state').set(agent.auth).send({ state: 'ready' }).expect(200);
  };
  const itemsOf = async (queueId: string) => (await t.http.get(`/api/dial-queues/${queueId}/items?limit=1000`).set(admin.auth).expect(200)).body as DialItemView[];
  /** A queue call answered by the agent and ended: its conversation id, the agent in wrap-up. */
  const answeredCall = async (agent: Session, queue: DialQueueView, leadId: string) => {
    await t.http.post(`/api/dial-queues/${queue.id}/leads`).set(admin.auth).send({ leadIds: [leadId] }).expect(200);
    await goReady(agent);
    await t.get(DialPacer).paceAll();
    await sim.advance(30_000);
    const item = (await itemsOf(queue.id)).find((i) => i.leadId === leadId)!;
    expect(item).toMatchObject({ status: 'done', lastOutcome: 'answered' });
    expect((await me(agent)).state).toBe('wrap_up');
    return item.conversationId as string;
  };
  const dispose = (agent: Session, conversationId: string, body: Record<string, unknown>) => t.http.post(`/api/conversations/${conversationId}/disposition`).set(agent.auth).send(body);
  const callbacksOf = async (leadId: string) => (await t.http.get(`/api/callbacks?leadId=${leadId}`).set(admin.auth).expect(200)).body as CallbackView[];
  const changesOf = (conversationId: string) => t.dataSource.getRepository(DispositionChangeEntity).findBy({ conversationId });
  const conversationRow = (id: string) => t.dataSource.getRepository(ConversationEntity).findOneByOrFail({ id });
  const signOff = async (...agents: Session[]) => {
    for (const a of agents) await t.http.post('/api/agents/me/state').set(a.auth).send({ state: 'offline' });
  };
  /** The wrap-up limit (120 s by default) passes on the fixed clock and its job runs. */
  const passWrapUpLimit = async () => {
    t.clock.advance(121_000);
    await t.get(SchedulerService).runDue();
  };

  describe('a disposition and its effects are one transaction', () => {
    it('a callback time in the past is refused naming callbackAt and nothing is written; corrected, the callback is booked once', async () => {
      const agent = await signIn(t, 'agent');
      const q = await newQueue(agent);
      const lead = await newLead();
      const conversationId = await answeredCall(agent, q, lead.id);

      const past = await dispose(agent, conversationId, { code: 'interested', notes: 'call me', callbackAt: '2026-03-01T10:00:00' }).expect(400);
      expect(past.body.fields).toEqual([{ field: 'callbackAt', message: expect.stringContaining('is in the past') }]);
      // Nothing half-written: no disposition, no audit row, no callback, the agent still owes the wrap-up.
      expect(await conversationRow(conversationId)).toMatchObject({ disposition: null, dispositionBy: null, notes: null });
      expect(await changesOf(conversationId)).toHaveLength(0);
      expect(await callbacksOf(lead.id)).toHaveLength(0);
      expect((await me(agent)).state).toBe('wrap_up');

      const saved = await dispose(agent, conversationId, { code: 'interested', notes: 'call me', callbackAt: '2026-03-03T10:00:00' }).expect(201);
      expect((saved.body as { change: DispositionChangeView }).change.effects).toEqual(expect.arrayContaining(['callback ' + (await callbacksOf(lead.id))[0].id + ' booked for 2026-03-03T15:00:00.000Z', 'agent ready']));
      expect(await callbacksOf(lead.id)).toEqual([expect.objectContaining({ origin: 'disposition', dueAt: '2026-03-03T15:00:00.000Z', ownerId: agent.user.id, queueId: q.id })]);
      expect(await conversationRow(conversationId)).toMatchObject({ disposition: 'interested', dispositionBy: agent.user.id, notes: 'call me' });
      expect((await me(agent)).state).toBe('ready');
      await signOff(agent);
    });

    it('the same disposition again answers 200 with the same result and writes nothing; a different one is a 409 naming what differs', async () => {
      const agent = await signIn(t, 'agent');
      const q = await newQueue(agent);
      const lead = await newLead();
      const conversationId = await answeredCall(agent, q, lead.id);
      const body = { code: 'interested', notes: 'after lunch', callbackAt: '2026-03-03T14:30:00' };
      const first = (await dispose(agent, conversationId, body).expect(201)).body as { change: DispositionChangeView };

      const again = await dispose(agent, conversationId, body).expect(200);
      expect(again.body.change).toEqual(first.change);
      // The same instant written with its offset is the same content too.
      await dispose(agent, conversationId, { code: 'interested', callbackAt: '2026-03-03T19:30:00Z' }).expect(200);
      expect(await callbacksOf(lead.id)).toHaveLength(1);
      expect(await changesOf(conversationId)).toHaveLength(1);

      const otherTime = await dispose(agent, conversationId, { ...body, callbackAt: '2026-03-04T09:00:00' }).expect(409);
      expect(otherTime.body).toMatchObject({ code: 'DISPOSITION_CONFLICT', fields: [{ field: 'callbackAt', message: expect.stringContaining('2026-03-03T19:30:00.000Z') }] });
      const otherNotes = await dispose(agent, conversationId, { ...body, notes: 'mornings' }).expect(409);
      expect(otherNotes.body.fields.map((f: { field: string }) => f.field)).toEqual(['notes']);
      const otherCode = await dispose(agent, conversationId, { code: 'not-interested' }).expect(409);
      expect(otherCode.body).toMatchObject({ code: 'DISPOSITION_CONFLICT', fields: [{ field: 'code', message: expect.stringContaining('"interested"') }] });
      expect(otherCode.body.message).toContain('replaces');
      // Still as first written.
      expect(await callbacksOf(lead.id)).toHaveLength(1);
      expect(await changesOf(conversationId)).toHaveLength(1);
      expect(await conversationRow(conversationId)).toMatchObject({ disposition: 'interested', notes: 'after lunch' });

      // A correction names the code it replaces, and is audited as a change.
      const corrected = await dispose(agent, conversationId, { code: 'not-interested', replaces: 'interested' }).expect(201);
      expect(corrected.body.change).toMatchObject({ from: 'interested', to: 'not-interested' });
      await signOff(agent);
    });

    it('two identical posts at once: one disposition, one callback, and both are answered with it', async () => {
      const agent = await signIn(t, 'agent');
      const q = await newQueue(agent);
      const lead = await newLead();
      const conversationId = await answeredCall(agent, q, lead.id);
      const body = { code: 'interested', callbackAt: '2026-03-05T11:00:00' };
      const answers = await Promise.all([dispose(agent, conversationId, body), dispose(agent, conversationId, body), dispose(agent, conversationId, body)]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 201]);
      const changes = answers.map((r) => (r.body as { change: DispositionChangeView }).change);
      expect(new Set(changes.map((c) => c.id)).size).toBe(1);
      expect(await callbacksOf(lead.id)).toHaveLength(1);
      expect(await changesOf(conversationId)).toHaveLength(1);
      expect((await me(agent)).state).toBe('ready');
      await signOff(agent);
    });
  });

  describe('presence over timers', () => {
    it('at the wrap-up limit the agent is paused (wrap-up-expired) and the dialer hands them no call; the disposition can still be saved and leaves them paused', async () => {
      const agent = await signIn(t, 'agent');
      const q = await newQueue(agent);
      expect(q.afterWrapUpLimit).toBe('pause');
      const conversationId = await answeredCall(agent, q, (await newLead()).id);
      await passWrapUpLimit();
      expect(await me(agent)).toMatchObject({ state: 'paused', reason: 'wrap-up-expired' });
      // Supervisors see the reason like any other pause.
      expect(((await t.http.get('/api/agents').set(admin.auth).expect(200)).body as AgentStatusView[]).find((a) => a.userId === agent.user.id)).toMatchObject({ state: 'paused', reason: 'wrap-up-expired' });

      const next = await newLead();
      await t.http.post(`/api/dial-queues/${q.id}/leads`).set(admin.auth).send({ leadIds: [next.id] }).expect(200);
      await t.get(AgentStatesService).heartbeat(agent.user.id, { phone: 'simulated', microphone: 'granted' });
      await t.get(DialPacer).paceAll();
      await sim.advance(30_000);
      expect((await itemsOf(q.id)).find((i) => i.leadId === next.id)).toMatchObject({ status: 'pending', conversationId: null, agentId: null });

      const saved = await dispose(agent, conversationId, { code: 'not-interested' }).expect(201);
      expect(saved.body.change.effects).not.toContain('agent ready');
      expect(await me(agent)).toMatchObject({ state: 'paused', reason: 'wrap-up-expired' });
      await signOff(agent);
    });

    it("a queue set to 'ready' makes the agent ready at the limit; the setting is validated", async () => {
      const agent = await signIn(t, 'agent');
      const bad = await t.http.post('/api/dial-queues').set(admin.auth).send({ name: 'Desk bad', mode: 'power', afterWrapUpLimit: 'nap' }).expect(400);
      expect(bad.body.fields).toEqual([expect.objectContaining({ field: 'afterWrapUpLimit' })]);
      const q = await newQueue(agent, { afterWrapUpLimit: 'ready' });
      expect(q.afterWrapUpLimit).toBe('ready');
      await answeredCall(agent, q, (await newLead()).id);
      await passWrapUpLimit();
      expect(await me(agent)).toMatchObject({ state: 'ready', reason: 'wrap-up limit' });
      await signOff(agent);
    });

    it('pause or sign off after this call: applied when the disposition is saved, instead of Ready; cancelable', async () => {
      const agent = await signIn(t, 'agent');
      const q = await newQueue(agent);
      await t.http.post('/api/agents/me/after-call').set(agent.auth).send({ action: 'nap' }).expect(400);
      const missing = await t.http.post('/api/agents/me/after-call').set(agent.auth).send({}).expect(400);
      expect(missing.body.fields[0].field).toBe('action');
      // Signing off by hand spends a choice made for after a call.
      await goReady(agent);
      expect((await t.http.post('/api/agents/me/after-call').set(agent.auth).send({ action: 'pause' }).expect(200)).body).toMatchObject({ state: 'ready', afterCall: 'pause' });
      expect((await t.http.post('/api/agents/me/state').set(agent.auth).send({ state: 'offline' }).expect(200)).body.afterCall).toBeNull();
      expect((await me(agent)).afterCall).toBeNull();

      // Pause after the call.
      let conversationId = await answeredCall(agent, q, (await newLead()).id);
      expect((await t.http.post('/api/agents/me/after-call').set(agent.auth).send({ action: 'pause' }).expect(200)).body).toMatchObject({ state: 'wrap_up', afterCall: 'pause' });
      let saved = await dispose(agent, conversationId, { code: 'not-interested' }).expect(201);
      expect(saved.body.change.effects).toContain('agent paused after the call');
      expect(await me(agent)).toMatchObject({ state: 'paused', reason: 'after-call', afterCall: null });

      // Asked, then canceled: Ready as usual.
      conversationId = await answeredCall(agent, q, (await newLead()).id);
      await t.http.post('/api/agents/me/after-call').set(agent.auth).send({ action: 'sign-off' }).expect(200);
      expect((await t.http.post('/api/agents/me/after-call').set(agent.auth).send({ action: null }).expect(200)).body.afterCall).toBeNull();
      await dispose(agent, conversationId, { code: 'not-interested' }).expect(201);
      expect(await me(agent)).toMatchObject({ state: 'ready', afterCall: null });

      // Sign off after the call.
      conversationId = await answeredCall(agent, q, (await newLead()).id);
      await t.http.post('/api/agents/me/after-call').set(agent.auth).send({ action: 'sign-off' }).expect(200);
      saved = await dispose(agent, conversationId, { code: 'not-interested' }).expect(201);
      expect(saved.body.change.effects).toContain('agent signed off after the call');
      expect(await me(agent)).toMatchObject({ state: 'offline', afterCall: null });
    });

    it('an offer left unanswered twice in a row pauses the agent (missed-offers); one miss does not', async () => {
      const agent = await signIn(t, 'agent');
      const q = await newQueue(agent);
      sim.script(`client:agent-${agent.user.id}`, { outcome: 'hold' });
      const first = await newLead({ outcome: 'answer', ringSeconds: 2, talkSeconds: 60 });
      const second = await newLead({ outcome: 'answer', ringSeconds: 2, talkSeconds: 60 });
      await t.http.post(`/api/dial-queues/${q.id}/leads`).set(admin.auth).send({ leadIds: [first.id] }).expect(200);
      await goReady(agent);
      await t.get(DialPacer).paceAll();
      await sim.advance(3000);
      expect((await me(agent)).state).toBe('on_call');
      // The phone rings out (15 s): one miss, the agent is offered the next call.
      await sim.advance(16_000);
      await eventually('the first miss is counted', async () => (await me(agent)).state === 'ready');
      expect((await me(agent)).reason).toBe('missed an offer (1 of 2)');
      await sim.advance(60_000);

      await t.http.post(`/api/dial-queues/${q.id}/leads`).set(admin.auth).send({ leadIds: [second.id] }).expect(200);
      await t.get(AgentStatesService).heartbeat(agent.user.id, { phone: 'simulated', microphone: 'granted' });
      await t.get(DialPacer).paceAll();
      await sim.advance(3000);
      expect((await me(agent)).state).toBe('on_call');
      await sim.advance(16_000);
      await eventually('the second miss pauses the agent', async () => (await me(agent)).state === 'paused');
      expect((await me(agent)).reason).toBe('missed-offers');
      await sim.advance(60_000);
      sim.script(`client:agent-${agent.user.id}`, null);
      await signOff(agent);
    });

    it('a seat whose softphone went silent is not handed a live call, and is paused (no-heartbeat)', async () => {
      const silent = await signIn(t, 'agent');
      const q = await newQueue(silent);
      await goReady(silent);
      t.clock.advance((STALE_SECONDS + 1) * 1000);
      const lead = await newLead();
      await t.http.post(`/api/dial-queues/${q.id}/leads`).set(admin.auth).send({ leadIds: [lead.id] }).expect(200);
      await t.get(DialPacer).paceAll();
      await sim.advance(30_000);
      expect((await itemsOf(q.id))[0]).toMatchObject({ status: 'pending', agentId: null, conversationId: null });

      expect(await t.get(AgentStatesService).sweepStale()).toContain(silent.user.id);
      expect(await me(silent)).toMatchObject({ state: 'paused', reason: 'no-heartbeat', stale: true, connected: false });
      await signOff(silent);
    });
  });
});
