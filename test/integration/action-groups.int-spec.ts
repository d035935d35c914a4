import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ActionGroupView, CallbackView, ConversationView, GroupPlanView, GroupRunView, KeywordEventResult, LeadView } from '#shared';
import { ActionGroupRunEntity, ActionGroupRunStepEntity } from '../../server/src/action-groups/action-group.entity.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { ConversationEntity } from '../../server/src/telephony/conversations/conversation.entity.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

/** Noon in New York. */
const NOON_ET = '2026-03-02T17:00:00.000Z';

describe('action groups', () => {
  let t: TestApp;
  let sim: SimulatedCarrier;
  let admin: Session;
  let agent: Session;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET, env: { CARRIER_SIM_CLOCK: 'manual', OUTBOUND_CALLS_PER_SECOND: '100' } });
    await listen(t);
    sim = t.get<SimulatedCarrier>(SIMULATED_CARRIER);
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
    await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Groups pool', numbers: [{ e164: '+12125550170' }] }).expect(201);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const newLead = async () => {
    const number = `+1718555${String(4000 + seq++).padStart(4, '0')}`;
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ firstName: `Grouped${seq}`, phones: [{ number }], ownerId: agent.user.id }).expect(201)).body as LeadView;
    return { lead, number };
  };
  const lead = async (id: string) => (await t.http.get(`/api/leads/${id}`).set(admin.auth).expect(200)).body as LeadView;
  const group = async (body: Record<string, unknown>) => (await t.http.post('/api/action-groups').set(admin.auth).send(body).expect(201)).body as ActionGroupView;
  const tagStep = (tag: string) => ({ type: 'modify_lead', config: { changes: [{ op: 'add_tag', tag }] } });
  const runsOf = async (groupId: string) => (await t.http.get(`/api/action-groups/${groupId}/runs`).set(admin.auth).expect(200)).body as GroupRunView[];
  const smsTo = (number: string) => sim.listMessages().filter((m) => m.to === number);

  it('refuses bad groups, naming each problem, and saves nothing', async () => {
    const before = ((await t.http.get('/api/action-groups').set(admin.auth).expect(200)).body as ActionGroupView[]).length;
    const bad = await t.http
      .post('/api/action-groups')
      .set(admin.auth)
      .send({
        name: 'Bad',
        actions: [
          { type: 'teleport', config: {} },
          { type: 'wait', config: {} },
          { type: 'modify_lead', config: {} },
          { type: 'sms', config: { body: 'Hi {{lead.shoeSize}}' } },
          { type: 'run_group', config: { groupId: 'nope' } },
        ],
      })
      .expect(400);
    expect((bad.body.fields as Array<{ field: string; message: string }>).map((f) => f.field)).toEqual(['actions[0].type', 'actions[1].type', 'actions[2].config.changes', 'actions[3].config.body', 'actions[4].config.groupId']);
    expect(bad.body.fields[1].message).toContain('only works as a schedule step');
    expect(JSON.stringify(bad.body)).not.toMatch(/\bat \w+ \(/);
    const empty = await t.http.post('/api/action-groups').set(admin.auth).send({ name: 'Empty', actions: [] }).expect(400);
    expect(empty.body.fields).toEqual([{ field: 'actions', message: 'must list at least one action' }]);
    expect(((await t.http.get('/api/action-groups').set(admin.auth).expect(200)).body as ActionGroupView[]).length).toBe(before);
    await t.http.post('/api/action-groups').set(agent.auth).send({ name: 'Mine', actions: [tagStep('x')] }).expect(403);
  });

  it('refuses a group that would include itself through any path, and nesting past the depth limit', async () => {
    const a = await group({ name: 'Cycle A', actions: [tagStep('a')] });
    const b = await group({ name: 'Cycle B', actions: [{ type: 'run_group', config: { groupId: a.id } }] });
    const c = await group({ name: 'Cycle C', actions: [{ type: 'run_group', config: { groupId: b.id } }] });
    // A → C → B → A
    const cycle = await t.http.put(`/api/action-groups/${a.id}`).set(admin.auth).send({ name: 'Cycle A', actions: [tagStep('a'), { type: 'run_group', config: { groupId: c.id } }] }).expect(400);
    expect(cycle.body.fields).toEqual([{ field: 'actions[1].config.groupId', message: 'would include this group again: Cycle A → Cycle C → Cycle B → Cycle A' }]);
    const self = await t.http.put(`/api/action-groups/${b.id}`).set(admin.auth).send({ name: 'Cycle B', actions: [{ type: 'run_group', config: { groupId: b.id } }] }).expect(400);
    expect(self.body.fields[0].field).toBe('actions[0].config.groupId');
    expect(((await t.http.get(`/api/action-groups/${a.id}`).set(admin.auth).expect(200)).body as ActionGroupView).actions).toHaveLength(1);
    // C → B → A is 3 deep; 2 more on top make 5 (allowed), a sixth is refused.
    const d = await group({ name: 'Depth 4', actions: [{ type: 'run_group', config: { groupId: c.id } }] });
    const e = await group({ name: 'Depth 5', actions: [{ type: 'run_group', config: { groupId: d.id } }] });
    const deep = await t.http.post('/api/action-groups').set(admin.auth).send({ name: 'Depth 6', actions: [{ type: 'run_group', config: { groupId: e.id } }] }).expect(400);
    expect(deep.body.fields).toEqual([{ field: 'actions', message: 'groups would nest 6 deep (from Depth 6); at most 5' }]);
    // Deepening the bottom of the chain is refused the same way.
    const leaf = await group({ name: 'Leaf', actions: [tagStep('leaf')] });
    await t.http.put(`/api/action-groups/${a.id}`).set(admin.auth).send({ name: 'Cycle A', actions: [{ type: 'run_group', config: { groupId: leaf.id } }] }).expect(400);
    // A used group cannot be deleted.
    await t.http.delete(`/api/action-groups/${a.id}`).set(admin.auth).expect(409);
  });

  it('a disposition fires its group once per conversation: effects happen, the audit trail shows each action; posting it again fires nothing', async () => {
    const { lead: l } = await newLead();
    const g = await group({
      name: 'Hot lead',
      actions: [tagStep('hot'), { type: 'callback', config: { after: { amount: 2, unit: 'hours' }, note: 'Hot lead: call back' } }, { type: 'run_group', config: { groupId: (await group({ name: 'Hot inner', actions: [tagStep('inner')] })).id } }],
    });
    await t.http.post('/api/dispositions').set(admin.auth).send({ scopeType: 'account', code: 'hot', label: 'Hot', flags: { contacted: true }, actionGroupId: g.id }).expect(201);
    const call = (await t.http.post('/api/calls').set(agent.auth).send({ leadId: l.id }).expect(201)).body as ConversationView;
    await t.http.post(`/api/conversations/${call.id}/disposition`).set(agent.auth).send({ code: 'hot' }).expect(201);
    await t.http.post(`/api/conversations/${call.id}/disposition`).set(agent.auth).send({ code: 'hot' }).expect(200);
    await t.get(SchedulerService).runDue();
    const [run, ...more] = await runsOf(g.id);
    expect(more).toHaveLength(0);
    expect(run).toMatchObject({ trigger: 'disposition', triggerRef: 'hot', leadId: l.id, conversationId: call.id, actorId: agent.user.id, status: 'completed' });
    expect(run.steps.map((s) => [s.path, s.type, s.status])).toEqual([
      ['1', 'modify_lead', 'completed'],
      ['2', 'callback', 'completed'],
      ['3', 'run_group', 'completed'],
      ['3.1', 'modify_lead', 'completed'],
    ]);
    expect(run.steps[0].input).toEqual({ changes: [{ op: 'add_tag', tag: 'hot' }] });
    expect(run.steps.every((s) => s.finishedAt && s.durationMs !== null)).toBe(true);
    expect((await lead(l.id)).tags.sort()).toEqual(['hot', 'inner']);
    const callbacks = (await t.http.get(`/api/callbacks?leadId=${l.id}`).set(admin.auth).expect(200)).body as CallbackView[];
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toMatchObject({ ownerId: agent.user.id, origin: 'action-group', note: 'Hot lead: call back', dueAt: new Date(t.clock.now().getTime() + 2 * 3_600_000).toISOString() });
    // Changed to another disposition and back: the group does not fire a second time for this conversation.
    await t.http.post(`/api/conversations/${call.id}/disposition`).set(agent.auth).send({ code: 'no-answer', replaces: 'hot' }).expect(201);
    await t.http.post(`/api/conversations/${call.id}/disposition`).set(agent.auth).send({ code: 'hot', replaces: 'no-answer' }).expect(201);
    await t.get(SchedulerService).runDue();
    expect(await runsOf(g.id)).toHaveLength(1);
    expect((await t.http.get(`/api/callbacks?leadId=${l.id}`).set(admin.auth).expect(200)).body).toHaveLength(1);
  });

  it('an inactive group fires from no trigger, and a manual run of it is refused', async () => {
    const { lead: l } = await newLead();
    const g = await group({ name: 'Paused group', active: false, keywords: ['pause me'], actions: [tagStep('never')] });
    await t.http.post('/api/dispositions').set(admin.auth).send({ scopeType: 'account', code: 'paused-group', label: 'Paused', actionGroupId: g.id }).expect(201);
    const call = (await t.http.post('/api/calls').set(agent.auth).send({ leadId: l.id }).expect(201)).body as ConversationView;
    await t.http.post(`/api/conversations/${call.id}/disposition`).set(agent.auth).send({ code: 'paused-group' }).expect(201);
    expect(((await t.http.post('/api/keyword-events').set(agent.auth).send({ conversationId: call.id, text: 'please pause me' }).expect(202)).body as KeywordEventResult).matched).toEqual([]);
    await t.get(SchedulerService).runDue();
    expect(await runsOf(g.id)).toEqual([]);
    const refused = await t.http.post(`/api/action-groups/${g.id}/run`).set(admin.auth).send({ leadId: l.id }).expect(409);
    expect(refused.body.message).toBe('The action group Paused group is inactive');
    expect((await lead(l.id)).tags).toEqual([]);
  });

  it('a dry run shows what would happen for the lead and changes nothing', async () => {
    const { lead: l, number } = await newLead();
    const g = await group({ name: 'Dry', actions: [{ type: 'sms', config: { body: 'Hi {{lead.firstName}}, thanks!' } }, tagStep('dry'), { type: 'opt_out', config: { channel: 'sms' } }] });
    const runsBefore = await t.dataSource.getRepository(ActionGroupRunEntity).count();
    const plan = (await t.http.post(`/api/action-groups/${g.id}/dry-run`).set(admin.auth).send({ leadId: l.id }).expect(200)).body as GroupPlanView;
    expect(plan.steps.map((s) => [s.path, s.type, s.allowed])).toEqual([
      ['1', 'sms', true],
      ['2', 'modify_lead', null],
      ['3', 'opt_out', null],
    ]);
    expect(plan.steps[0].input).toMatchObject({ body: `Hi ${l.firstName}, thanks!` });
    expect(smsTo(number)).toHaveLength(0);
    expect((await lead(l.id)).tags).toEqual([]);
    expect(await t.dataSource.getRepository(ActionGroupRunEntity).count()).toBe(runsBefore);
    expect(await t.dataSource.getRepository(ConversationEntity).countBy({ leadId: l.id })).toBe(0);
    const eligibility = (await t.http.get(`/api/leads/${l.id}/eligibility?channel=sms`).set(admin.auth).expect(200)).body as { allowed: boolean };
    expect(eligibility.allowed).toBe(true);
    await t.http.post(`/api/action-groups/${g.id}/dry-run`).set(admin.auth).send({ leadId: 'not-a-lead' }).expect(400);
  });

  it('a manual run happens once per key; a run cut short resumes without repeating what was done', async () => {
    const { lead: l, number } = await newLead();
    const g = await group({ name: 'Manual', actions: [{ type: 'sms', config: { body: 'Your quote is ready' } }, tagStep('quoted')] });
    const first = (await t.http.post(`/api/action-groups/${g.id}/run`).set(admin.auth).send({ leadId: l.id, key: 'quote-1' }).expect(200)).body as GroupRunView;
    expect(first).toMatchObject({ trigger: 'manual', status: 'completed' });
    expect(first.steps.map((s) => s.outcome)).toEqual(['sent', 'updated']);
    const again = (await t.http.post(`/api/action-groups/${g.id}/run`).set(admin.auth).send({ leadId: l.id, key: 'quote-1' }).expect(200)).body as GroupRunView;
    expect(again.id).toBe(first.id);
    expect(smsTo(number)).toHaveLength(1);
    // As if the process died while sending: the SMS step still running, the rest not begun.
    await t.dataSource.getRepository(ActionGroupRunEntity).update({ id: first.id }, { status: 'running', finishedAt: null });
    await t.dataSource.getRepository(ActionGroupRunStepEntity).update({ runId: first.id, path: '1' }, { status: 'running', outcome: null, finishedAt: null });
    await t.dataSource.getRepository(ActionGroupRunStepEntity).delete({ runId: first.id, path: '2' });
    const resumed = (await t.http.post(`/api/action-groups/${g.id}/run`).set(admin.auth).send({ leadId: l.id, key: 'quote-1' }).expect(200)).body as GroupRunView;
    expect(resumed).toMatchObject({ id: first.id, status: 'completed' });
    expect(resumed.steps.map((s) => [s.path, s.status])).toEqual([['1', 'completed'], ['2', 'completed']]);
    expect(smsTo(number)).toHaveLength(1); // the SMS went once: the resumed step carried the same key
    // Without a key, each manual run is a new one.
    await t.http.post(`/api/action-groups/${g.id}/run`).set(admin.auth).send({ leadId: l.id }).expect(200);
    expect(await runsOf(g.id)).toHaveLength(2);
  });

  it('a keyword event runs the groups whose phrase it contains, once per conversation', async () => {
    const { lead: l } = await newLead();
    const g = await group({ name: 'Call me back', keywords: ['Call me back', 'ring me later'], actions: [tagStep('asked-callback')] });
    const call = (await t.http.post('/api/calls').set(agent.auth).send({ leadId: l.id }).expect(201)).body as ConversationView;
    const miss = (await t.http.post('/api/keyword-events').set(agent.auth).send({ conversationId: call.id, text: 'please do not call me at all' }).expect(202)).body as KeywordEventResult;
    expect(miss.matched).toEqual([]);
    const hit = (await t.http.post('/api/keyword-events').set(agent.auth).send({ conversationId: call.id, text: 'Sure, CALL me back tomorrow!', source: 'voice-agent' }).expect(202)).body as KeywordEventResult;
    expect(hit.matched).toEqual([expect.objectContaining({ groupId: g.id, keyword: 'call me back' })]);
    await t.http.post('/api/keyword-events').set(agent.auth).send({ conversationId: call.id, text: 'yes call me back' }).expect(202);
    await t.get(SchedulerService).runDue();
    const runs = await runsOf(g.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'keyword', conversationId: call.id, leadId: l.id, status: 'completed' });
    expect((await lead(l.id)).tags).toEqual(['asked-callback']);
    const bad = await t.http.post('/api/keyword-events').set(agent.auth).send({ text: 'call me back' }).expect(400);
    expect(bad.body.fields[0].field).toBe('leadId');
  });

  it('a group\'s text waits while the carrier limits requests, then the run goes on from it and sends it once', async () => {
    const { lead: l, number } = await newLead();
    const g = await group({ name: 'Busy carrier', actions: [{ type: 'sms', config: { body: 'We have your order' } }, tagStep('told')] });
    sim.refuseAsBusy(1);
    const held = (await t.http.post(`/api/action-groups/${g.id}/run`).set(admin.auth).send({ leadId: l.id, key: 'busy-1' }).expect(200)).body as GroupRunView;
    expect(held.status).toBe('held');
    expect(held.steps.map((s) => [s.path, s.status])).toEqual([['1', 'held']]); // the tag waits behind it
    expect(held.steps[0].detail).toMatch(/^held until \S+: waiting for the carrier/);
    expect(smsTo(number)).toHaveLength(0);
    // The refused attempt is on record, failed with the carrier's code; it gave its key back.
    const refused = await t.dataSource.getRepository(ConversationEntity).findBy({ leadId: l.id });
    expect(refused.map((c) => [c.status, c.errorCode, c.idempotencyKey])).toEqual([['failed', '20429', null]]);
    // Nothing before the hold ends; then the run goes on by itself.
    t.clock.advance(30_000);
    await t.get(SchedulerService).runDue();
    expect((await t.http.get(`/api/action-group-runs/${held.id}`).set(admin.auth).expect(200)).body).toMatchObject({ status: 'held' });
    t.clock.advance(31_000);
    while ((await t.get(SchedulerService).runDue()) > 0);
    const done = (await t.http.get(`/api/action-group-runs/${held.id}`).set(admin.auth).expect(200)).body as GroupRunView;
    expect(done.status).toBe('completed');
    expect(done.steps.map((s) => [s.path, s.status, s.outcome])).toEqual([['1', 'completed', 'sent'], ['2', 'completed', 'updated']]);
    expect(smsTo(number)).toHaveLength(1);
    expect((await lead(l.id)).tags).toContain('told');
    // The same key again is the same, finished run: nothing more is sent.
    await t.http.post(`/api/action-groups/${g.id}/run`).set(admin.auth).send({ leadId: l.id, key: 'busy-1' }).expect(200);
    expect(smsTo(number)).toHaveLength(1);
  });

  it('a group\'s text waits for a caller ID when its pool is at its daily cap, then for the calling window, and goes out then', async () => {
    try {
      const capped = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Capped pool', dailySmsCap: 1, numbers: [{ e164: '+12125550171' }] }).expect(201)).body as { id: string };
      const g = await group({ name: 'Capped', actions: [{ type: 'sms', config: { body: 'Thanks for calling', poolId: capped.id } }] });
      const first = await newLead();
      const second = await newLead();
      const ran = (await t.http.post(`/api/action-groups/${g.id}/run`).set(admin.auth).send({ leadId: first.lead.id, key: 'cap-1' }).expect(200)).body as GroupRunView;
      expect(ran.status).toBe('completed');
      const held = (await t.http.post(`/api/action-groups/${g.id}/run`).set(admin.auth).send({ leadId: second.lead.id, key: 'cap-2' }).expect(200)).body as GroupRunView;
      expect(held).toMatchObject({ status: 'held' });
      expect(held.steps[0]).toMatchObject({ status: 'held', outcome: 'held' });
      expect(held.steps[0].detail).toMatch(/waiting for caller ID capacity until/);
      expect(smsTo(second.number)).toHaveLength(0);
      // The day's cap resets at midnight in the pool's zone: the run goes on then, not before.
      const until = new Date(/^held until (\S+):/.exec(held.steps[0].detail ?? '')![1]);
      expect(until.getTime()).toBeGreaterThan(t.clock.now().getTime());
      t.clock.set(new Date(until.getTime() - 1000));
      while ((await t.get(SchedulerService).runDue()) > 0);
      expect((await t.dataSource.getRepository(ActionGroupRunEntity).findOneByOrFail({ id: held.id })).status).toBe('held');
      t.clock.set(until);
      while ((await t.get(SchedulerService).runDue()) > 0);
      // Midnight is outside the lead's calling hours: the same action now waits for the window.
      const step = await t.dataSource.getRepository(ActionGroupRunStepEntity).findOneByOrFail({ runId: held.id, path: '1' });
      expect(step.status).toBe('held');
      expect(step.detail).toMatch(/It is 00:00 in America\/New_York; calls are allowed 08:00–21:00/);
      expect(smsTo(second.number)).toHaveLength(0);
      t.clock.set(new Date(/^held until (\S+):/.exec(step.detail ?? '')![1]));
      while ((await t.get(SchedulerService).runDue()) > 0);
      expect((await t.dataSource.getRepository(ActionGroupRunEntity).findOneByOrFail({ id: held.id })).status).toBe('completed');
      expect(smsTo(second.number)).toHaveLength(1);
    } finally {
      // Hours have passed on this clock: fresh sessions for what follows.
      admin = await signIn(t, 'admin');
      agent = await signIn(t, 'agent');
    }
  });

  it('a schedule step runs a group for the enrolled lead', async () => {
    const { lead: l } = await newLead();
    const g = await group({ name: 'From a step', actions: [tagStep('stepped')] });
    const schedule = (await t.http.post('/api/schedules').set(admin.auth).send({ name: 'Group step', timezone: 'America/New_York', steps: [{ type: 'run_group', activation: 'automatic', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { groupId: g.id } }] }).expect(201)).body as { id: string };
    await t.http.post(`/api/schedules/${schedule.id}/enrollments`).set(admin.auth).send({ leadIds: [l.id] }).expect(201);
    await t.get(SchedulerService).runDue();
    const [run] = await runsOf(g.id);
    expect(run).toMatchObject({ trigger: 'schedule_step', leadId: l.id, status: 'completed' });
    expect(run.enrollmentId).toBeTruthy();
    expect((await lead(l.id)).tags).toEqual(['stepped']);
    const actions = (await t.http.get(`/api/participant-actions?leadId=${l.id}&limit=10`).set(admin.auth).expect(200)).body as Array<{ type: string; status: string; outcome: string }>;
    expect(actions.find((a) => a.type === 'run_group')).toMatchObject({ status: 'completed', outcome: 'group run' });
  });
});
