import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CallbackView, DialItemView, DialQueueView, DispositionChangeView, DispositionView, LeadView, RingPoolView } from '#shared';
import { DomainEvents } from '../../server/src/common/domain-events.js';
import { DialPacer } from '../../server/src/dialer/dial-pacer.service.js';
import { JobEntity } from '../../server/src/scheduler/job.entity.js';
import { AgentStatesService } from '../../server/src/agents/agent-states.service.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

/** Noon in New York. */
const NOON_ET = '2026-03-02T17:00:00.000Z';

describe('dispositions', () => {
  let t: TestApp;
  let sim: SimulatedCarrier;
  let admin: Session;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET, env: { CARRIER_SIM_CLOCK: 'manual', OUTBOUND_CALLS_PER_SECOND: '100', AGENT_STALE_SECONDS: '3600' } });
    await listen(t);
    sim = t.get<SimulatedCarrier>(SIMULATED_CARRIER);
    admin = await signIn(t, 'admin');
    (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Dispositions pool', numbers: [{ e164: '+12125550160' }] }).expect(201)).body as RingPoolView;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const newLead = async () => {
    const number = `+1718555${String(3000 + seq++).padStart(4, '0')}`;
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ firstName: `Dispo${seq}`, phones: [{ number }] }).expect(201)).body as LeadView;
    sim.script(number, { outcome: 'answer', ringSeconds: 2, talkSeconds: 20 });
    return { lead, number };
  };
  /** A queue call answered by the agent and ended: returns its conversation id, the agent in wrap-up. */
  const answeredCall = async (agent: Session, queue: DialQueueView, leadId: string) => {
    await t.http.post(`/api/dial-queues/${queue.id}/leads`).set(admin.auth).send({ leadIds: [leadId] }).expect(200);
    await t.get(AgentStatesService).heartbeat(agent.user.id, { phone: 'simulated', microphone: 'granted' });
    await t.http.post('/api/agents/me/state').set(agent.auth).send({ state: 'ready' }).expect(200);
    await t.get(DialPacer).paceAll();
    await sim.advance(30_000);
    const items = (await t.http.get(`/api/dial-queues/${queue.id}/items?limit=1000`).set(admin.auth).expect(200)).body as DialItemView[];
    const item = items.find((i) => i.leadId === leadId)!;
    expect(item).toMatchObject({ status: 'done', lastOutcome: 'answered' });
    expect((await t.http.get('/api/agents/me').set(agent.auth).expect(200)).body.state).toBe('wrap_up');
    return item.conversationId as string;
  };

  it('refuses a bad disposition, naming the field; a code is unique within its catalogue', async () => {
    const bad = await t.http.post('/api/dispositions').set(admin.auth).send({ scopeType: 'queue', code: 'Bad Code!', label: '', flags: { final: 'yes' } }).expect(400);
    expect((bad.body.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual(['code', 'flags.final', 'label']);
    const noScope = await t.http.post('/api/dispositions').set(admin.auth).send({ scopeType: 'queue', code: 'x', label: 'X' }).expect(400);
    expect(noScope.body.fields).toEqual([{ field: 'scopeId', message: 'is required for a queue catalogue' }]);
    const group = await t.http.post('/api/dispositions').set(admin.auth).send({ scopeType: 'account', code: 'grouped', label: 'G', actionGroupId: '00000000-0000-4000-8000-000000000001' }).expect(400);
    expect(group.body.fields[0].field).toBe('actionGroupId');
    await t.http.post('/api/dispositions').set(admin.auth).send({ scopeType: 'account', code: 'hot-lead', label: 'Hot lead', flags: { contacted: true, success: true } }).expect(201);
    const dup = await t.http.post('/api/dispositions').set(admin.auth).send({ scopeType: 'account', code: 'hot-lead', label: 'Again' }).expect(409);
    expect(dup.body.fields).toEqual([{ field: 'code', message: 'is taken in this catalogue' }]);
    const agent = await signIn(t, 'agent');
    await t.http.post('/api/dispositions').set(agent.auth).send({ scopeType: 'account', code: 'mine', label: 'Mine' }).expect(403);
  });

  it('a queue\'s catalogue replaces account-wide and shipped ones by code; inactive ones are hidden', async () => {
    const agent = await signIn(t, 'agent');
    const q = (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: 'Dispo catalogue', mode: 'power', agentIds: [agent.user.id] }).expect(201)).body as DialQueueView;
    await t.http.post('/api/dispositions').set(admin.auth).send({ scopeType: 'account', code: 'sent-brochure', label: 'Sent a brochure', flags: { contacted: true } }).expect(201);
    await t.http.post('/api/dispositions').set(admin.auth).send({ scopeType: 'queue', scopeId: q.id, code: 'sale', label: 'Policy sold', flags: { contacted: true, humanAnswered: true, success: true, final: true } }).expect(201);
    const hidden = (await t.http.post('/api/dispositions').set(admin.auth).send({ scopeType: 'queue', scopeId: q.id, code: 'voicemail', label: 'VM', active: false }).expect(201)).body as DispositionView;
    const list = (await t.http.get(`/api/dispositions/effective?queueId=${q.id}`).set(agent.auth).expect(200)).body as DispositionView[];
    const codes = list.map((d) => d.code);
    expect(list.find((d) => d.code === 'sale')).toMatchObject({ label: 'Policy sold', scope: { type: 'queue', id: q.id } });
    expect(codes).toContain('sent-brochure'); // account-wide
    expect(codes).toContain('no-answer'); // shipped
    expect(codes).not.toContain('voicemail');
    await t.http.patch(`/api/dispositions/${hidden.id}`).set(admin.auth).send({ active: true }).expect(200);
    expect(((await t.http.get(`/api/dispositions/effective?queueId=${q.id}`).set(agent.auth).expect(200)).body as DispositionView[]).map((d) => d.code)).toContain('voicemail');
  });

  it('setting a disposition records who and when, fires its effects once, and changing it is audited', async () => {
    const agent = await signIn(t, 'agent');
    const q = (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: 'Dispo effects', mode: 'power', agentIds: [agent.user.id] }).expect(201)).body as DialQueueView;
    const { lead, number } = await newLead();
    const conversationId = await answeredCall(agent, q, lead.id);
    const offered = (await t.http.get(`/api/conversations/${conversationId}/dispositions`).set(agent.auth).expect(200)).body as DispositionView[];
    expect(offered.map((d) => d.code)).toEqual(expect.arrayContaining(['interested', 'do-not-call']));
    await t.http.post(`/api/conversations/${conversationId}/disposition`).set(agent.auth).send({ code: 'nope' }).expect(400);
    await t.http.post(`/api/conversations/${conversationId}/disposition`).set(agent.auth).send({ code: 'sale', callbackAt: '2026-03-03T10:00:00' }).expect(400);

    // Interested: a callback booked at 10:00 tomorrow in the lead's time (New York), on the queue; the agent is ready again.
    const first = (await t.http.post(`/api/conversations/${conversationId}/disposition`).set(agent.auth).send({ code: 'interested', notes: 'wants a quote', callbackAt: '2026-03-03T10:00:00' }).expect(201)).body as { change: DispositionChangeView };
    expect(first.change).toMatchObject({ from: null, to: 'interested', actorId: agent.user.id });
    expect(first.change.effects).toEqual(expect.arrayContaining([expect.stringMatching(/^callback .* booked for 2026-03-03T15:00:00.000Z$/), 'agent ready']));
    expect((await t.http.get('/api/agents/me').set(agent.auth).expect(200)).body.state).toBe('ready');
    const convo = (await t.http.get(`/api/conversations/${conversationId}`).set(admin.auth).expect(200)).body;
    expect(convo).toMatchObject({ disposition: 'interested', dispositionBy: agent.user.id, dispositionAt: NOON_ET, notes: 'wants a quote' });
    // The same disposition posted again changes nothing and is answered as the first time: still one callback.
    const again = (await t.http.post(`/api/conversations/${conversationId}/disposition`).set(agent.auth).send({ code: 'interested', callbackAt: '2026-03-03T10:00:00' }).expect(200)).body as { change: DispositionChangeView };
    expect(again.change).toEqual(first.change);
    const callbacks = (await t.http.get(`/api/callbacks?leadId=${lead.id}`).set(admin.auth).expect(200)).body as CallbackView[];
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toMatchObject({ origin: 'disposition', ownerId: agent.user.id, queueId: q.id, dueAt: '2026-03-03T15:00:00.000Z' });

    // Changed to do-not-call, naming the code it replaces: the number is opted out of calls with the disposition as its source.
    const dnc = (await t.http.post(`/api/conversations/${conversationId}/disposition`).set(agent.auth).send({ code: 'do-not-call', replaces: 'interested' }).expect(201)).body as { change: DispositionChangeView };
    expect(dnc.change).toMatchObject({ from: 'interested', to: 'do-not-call' });
    const ledger = (await t.http.get(`/api/opt-outs/history?address=${encodeURIComponent(number)}`).set(admin.auth).expect(200)).body as Array<{ action: string; channel: string; source: string; actorId: string; note: string }>;
    expect(ledger).toEqual([
      expect.objectContaining({ action: 'opt-out', channel: 'call', source: 'disposition', kind: 'revocation', origin: 'call', conversationId, words: 'Do not call', actorId: agent.user.id, note: `disposition do-not-call on conversation ${conversationId}` }),
    ]);
    const history = (await t.http.get(`/api/conversations/${conversationId}/disposition-history`).set(agent.auth).expect(200)).body as DispositionChangeView[];
    expect(history.map((h) => [h.from, h.to])).toEqual([[null, 'interested'], ['interested', 'do-not-call']]);
    // Another agent sees none of it.
    const other = await signIn(t, 'agent');
    await t.http.post(`/api/conversations/${conversationId}/disposition`).set(other.auth).send({ code: 'sale' }).expect(404);
    await t.http.post('/api/agents/me/state').set(agent.auth).send({ state: 'offline' }).expect(200);
  });

  it('a disposition flagged exit ends the enrollment the call came from, and those whose exit rules name dispositions', async () => {
    const agent = await signIn(t, 'agent');
    const q = (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: 'Dispo exit', mode: 'power', agentIds: [agent.user.id] }).expect(201)).body as DialQueueView;
    const { lead } = await newLead();
    const schedule = (
      await t.http
        .post('/api/schedules')
        .set(admin.auth)
        .send({
          name: 'Dispo exit schedule',
          timezone: 'America/New_York',
          steps: [
            { type: 'dial', activation: 'automatic', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { mode: 'queue', queueId: q.id } },
            { type: 'task', activation: 'manual', timing: { kind: 'delay', amount: 1, unit: 'days' }, config: { title: 'Follow up' } },
          ],
        })
        .expect(201)
    ).body as { id: string };
    await t.http.post(`/api/schedules/${schedule.id}/enrollments`).set(admin.auth).send({ leadIds: [lead.id] }).expect(201);
    // Two other schedules the lead is in: one whose exit rules name dispositions, one whose do not.
    const wait = [{ type: 'wait', timing: { kind: 'delay', amount: 3, unit: 'days' } }];
    const listens = (await t.http.post('/api/schedules').set(admin.auth).send({ name: 'Dispo listens', timezone: 'America/New_York', exitCriteria: { onDispositionExit: true }, steps: wait }).expect(201)).body as { id: string };
    const ignores = (await t.http.post('/api/schedules').set(admin.auth).send({ name: 'Dispo ignores', timezone: 'America/New_York', exitCriteria: { onDispositionExit: false }, steps: wait }).expect(201)).body as { id: string };
    for (const other of [listens, ignores]) await t.http.post(`/api/schedules/${other.id}/enrollments`).set(admin.auth).send({ leadIds: [lead.id] }).expect(201);
    await t.get(SchedulerService).runDue();
    await t.get(AgentStatesService).heartbeat(agent.user.id, { phone: 'simulated', microphone: 'granted' });
    await t.http.post('/api/agents/me/state').set(agent.auth).send({ state: 'ready' }).expect(200);
    await t.get(DialPacer).paceAll();
    await sim.advance(30_000);
    const items = (await t.http.get(`/api/dial-queues/${q.id}/items`).set(admin.auth).expect(200)).body as DialItemView[];
    const conversationId = items[0].conversationId as string;
    await t.http.post(`/api/conversations/${conversationId}/disposition`).set(agent.auth).send({ code: 'not-interested' }).expect(201);
    const enrollments = (await t.http.get(`/api/enrollments/lead/${lead.id}`).set(admin.auth).expect(200)).body as Array<{ scheduleId: string; status: string; exitReason: string | null }>;
    expect(enrollments.find((e) => e.scheduleId === schedule.id)).toMatchObject({ status: 'exited', exitReason: 'disposition not-interested' });
    expect(enrollments.find((e) => e.scheduleId === listens.id)).toMatchObject({ status: 'exited', exitReason: 'disposition not-interested' });
    expect(enrollments.find((e) => e.scheduleId === ignores.id)).toMatchObject({ status: 'active' });
    await t.http.post('/api/agents/me/state').set(agent.auth).send({ state: 'offline' }).expect(200);
  });

  it("a disposition's reactions elsewhere are kept in a job written with it: when one fails after the commit they run again from the job, and never end an enrollment begun after the disposition", async () => {
    const agent = await signIn(t, 'agent');
    const q = (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: 'Dispo reactions', mode: 'power', agentIds: [agent.user.id] }).expect(201)).body as DialQueueView;
    const { lead } = await newLead();
    const wait = [{ type: 'wait', timing: { kind: 'delay', amount: 3, unit: 'days' } }];
    const listens = (await t.http.post('/api/schedules').set(admin.auth).send({ name: 'Dispo reactions listen', timezone: 'America/New_York', allowReenrollment: true, exitCriteria: { onDispositionExit: true }, steps: wait }).expect(201)).body as { id: string };
    await t.http.post(`/api/schedules/${listens.id}/enrollments`).set(admin.auth).send({ leadIds: [lead.id] }).expect(201);
    const conversationId = await answeredCall(agent, q, lead.id);
    const jobs = () => t.dataSource.getRepository(JobEntity).findBy({ queue: 'disposition.effects' });
    const ofThisCall = async () => (await jobs()).filter((j) => (JSON.parse(j.payload) as { conversationId: string }).conversationId === conversationId);

    // A refused disposition writes no job.
    await t.http.post(`/api/conversations/${conversationId}/disposition`).set(agent.auth).send({ code: 'interested', callbackAt: '2020-01-01T10:00:00' }).expect(400);
    expect(await ofThisCall()).toEqual([]);

    // One reaction fails after the commit (a fault in another room): the agent is answered, the job waits for its minute.
    const delivered: string[] = [];
    let failNext = true;
    t.get(DomainEvents).on('conversation.disposed', (e) => {
      if (e.conversationId !== conversationId) return;
      delivered.push(e.disposedAt);
      if (failNext) {
        failNext = false;
        throw new Error('the database went away under this reaction');
      }
    });
    await t.http.post(`/api/conversations/${conversationId}/disposition`).set(agent.auth).send({ code: 'not-interested' }).expect(201);
    expect(await ofThisCall()).toEqual([expect.objectContaining({ status: 'pending', dueAt: new Date(new Date(NOON_ET).getTime() + 60_000) })]);
    const enrollments = async () => (await t.http.get(`/api/enrollments/lead/${lead.id}`).set(admin.auth).expect(200)).body as Array<{ id: string; status: string; exitReason: string | null }>;
    const [first] = await enrollments();
    expect(first).toMatchObject({ status: 'exited', exitReason: 'disposition not-interested' });

    // The lead is enrolled again after the disposition; the job's second delivery leaves that enrollment alone.
    t.clock.advance(30_000);
    try {
      await t.http.post(`/api/schedules/${listens.id}/enrollments`).set(admin.auth).send({ leadIds: [lead.id] }).expect(201);
      t.clock.advance(31_000);
      await t.get(SchedulerService).runDue();
      expect(delivered).toEqual([NOON_ET, NOON_ET]);
      expect(await ofThisCall()).toEqual([expect.objectContaining({ status: 'done' })]);
      const after = await enrollments();
      expect(after.filter((e) => e.id !== first.id)).toEqual([expect.objectContaining({ status: 'active' })]);
    } finally {
      t.clock.set(NOON_ET);
    }

    // When every reaction succeeds at once, the job is canceled: nothing runs twice.
    const { lead: other } = await newLead();
    const second = await answeredCall(agent, q, other.id);
    await t.http.post(`/api/conversations/${second}/disposition`).set(agent.auth).send({ code: 'not-interested' }).expect(201);
    const mine = (await jobs()).filter((j) => (JSON.parse(j.payload) as { conversationId: string }).conversationId === second);
    expect(mine).toEqual([expect.objectContaining({ status: 'canceled' })]);
    await t.http.post('/api/agents/me/state').set(agent.auth).send({ state: 'offline' }).expect(200);
  });
});
