import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { EnrollResult, LeadView, ParticipantActionView, RingPoolView, ScheduleView } from '#shared';
import { JsonLogger } from '../../server/src/common/json-logger.js';
import { ScheduleEngine, ACTION_QUEUE } from '../../server/src/schedules/schedule-engine.js';
import { JobsRepository } from '../../server/src/scheduler/jobs.repository.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { SettingsService } from '../../server/src/settings/settings.service.js';
import { RateLimitEntity } from '../../server/src/telephony/conversations/conversation.entity.js';
import { ConversationsRepository } from '../../server/src/telephony/conversations/conversations.repository.js';
import { OutboundRateLimiter } from '../../server/src/telephony/outbound/rate-limiter.js';
import { JobWakeups } from '../../server/src/scheduler/wakeups.js';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, signIn, TEST_PASSWORD } from '../support/factories.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

// Monday 2 March 2026, 12:00 in New York.
const MONDAY_NOON_ET = '2026-03-02T17:00:00.000Z';

describe('schedules', () => {
  let t: TestApp;
  let sim: SimulatedCarrier;
  let scheduler: SchedulerService;
  let admin: Session;
  let agent: Session;
  let seq = 0;
  /** The texting pool of every schedule that names none: with no pool named, any active pool may be picked, and some tests cap or mute theirs. */
  let main: RingPoolView;

  beforeAll(async () => {
    t = await createTestApp({ now: MONDAY_NOON_ET, env: { CARRIER_SIM_CLOCK: 'manual', OUTBOUND_CALLS_PER_SECOND: '100', OUTBOUND_SMS_PER_SECOND: '100' } });
    await listen(t);
    sim = t.get<SimulatedCarrier>(SIMULATED_CARRIER);
    scheduler = t.get(SchedulerService);
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
    main = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Main', numbers: [{ e164: '+12125550100' }] }).expect(201)).body as RingPoolView;
    await t.http.post('/api/custom-fields').set(admin.auth).send({ key: 'assigned_agent', label: 'Assigned agent', type: 'text' }).expect(201);
    await t.http.post('/api/custom-fields').set(admin.auth).send({ key: 'score', label: 'Score', type: 'number' }).expect(201);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const newLead = async (extra: Record<string, unknown> = {}) => {
    const number = `+1718555${String(2000 + seq++).padStart(4, '0')}`;
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number }], firstName: 'Ann', ownerId: agent.user.id, ...extra }).expect(201)).body as LeadView;
    return { lead, number };
  };
  const createSchedule = async (body: Record<string, unknown>) =>
    (await t.http.post('/api/schedules').set(admin.auth).send({ name: `S${seq++}`, timezone: 'America/New_York', smsPoolId: main.id, ...body }).expect(201)).body as ScheduleView;
  const enroll = async (scheduleId: string, leadIds: string[]) => (await t.http.post(`/api/schedules/${scheduleId}/enrollments`).set(admin.auth).send({ leadIds }).expect(201)).body as EnrollResult;
  const actions = async (leadId: string) => (await t.http.get(`/api/participant-actions?leadId=${leadId}&limit=100`).set(admin.auth).expect(200)).body as ParticipantActionView[];
  const enrollment = async (id: string) => (await t.http.get(`/api/enrollments/${id}`).set(admin.auth).expect(200)).body as { status: string; exitReason: string | null };
  const texts = (to: string) => sim.listMessages().filter((m) => m.to === to);
  /**
   * Moves the fixed clock and signs the two users in again (access tokens last 15
   * minutes on the same clock).
   */
  const clockTo = async (to: string | number) => {
    if (typeof to === 'number') t.clock.advance(to);
    else t.clock.set(to);
    for (const s of [admin, agent]) {
      const res = await t.http.post('/api/auth/login').send({ email: s.user.email, password: TEST_PASSWORD }).expect(200);
      s.accessToken = res.body.accessToken;
      s.auth.Authorization = `Bearer ${res.body.accessToken}`;
    }
  };
  afterEach(async () => {
    await clockTo(MONDAY_NOON_ET);
    // The clock went back: a pace slot reserved at a later test time would make the next text wait for it in real time.
    await t.dataSource.getRepository(RateLimitEntity).createQueryBuilder().delete().execute();
  });
  /** Runs claim rounds until nothing more is due now. */
  const drain = async () => {
    for (let i = 0; i < 20 && (await scheduler.runDue()) > 0; i++);
  };

  it('runs SMS → wait 2 business days → dial end to end through the simulated carrier', async () => {
    const s = await createSchedule({
      businessHours: { start: '09:00', end: '17:00' },
      steps: [
        { type: 'sms', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { body: 'Hi {{lead.firstName | there}}, this is {{owner.name}} from {{schedule.name}}.' } },
        { type: 'wait', timing: { kind: 'delay', amount: 2, unit: 'days' }, window: 'business_weekdays' },
        { type: 'dial', activation: 'automatic', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, window: 'business_weekdays', config: { mode: 'owner' } },
      ],
    });
    expect(s.steps.map((x) => x.timingSummary)).toEqual(['Right after the previous step, at any hour', '2 days after the previous step, in business hours on weekdays', 'Right after the previous step, in business hours on weekdays']);
    const { lead, number } = await newLead();
    const result = await enroll(s.id, [lead.id]);
    expect(result.refused).toEqual([]);

    await drain();
    expect(texts(number).map((m) => m.body)).toEqual([`Hi Ann, this is Test agent from ${s.name}.`]);
    let list = await actions(lead.id);
    expect(list.map((a) => [a.type, a.status, a.outcome])).toEqual([
      ['sms', 'completed', 'sent'],
      ['wait', 'pending', null],
    ]);
    expect(list[0].conversationId).not.toBeNull();
    expect(list[1].dueAt).toBe('2026-03-04T17:00:00.000Z');

    // Nothing happens before the wait is over.
    await clockTo('2026-03-04T16:59:00.000Z');
    expect(await scheduler.runDue()).toBe(0);
    await clockTo('2026-03-04T17:00:00.000Z');
    sim.script(number, { outcome: 'answer', ringSeconds: 4, talkSeconds: 30 });
    await drain();
    list = await actions(lead.id);
    expect(list.map((a) => [a.type, a.status, a.outcome])).toEqual([
      ['sms', 'completed', 'sent'],
      ['wait', 'completed', 'waited'],
      ['dial', 'in_progress', 'calling'],
    ]);
    const call = sim.listCalls().find((c) => c.to === number);
    expect(call).toBeDefined();
    await sim.advance(40_000);
    list = await actions(lead.id);
    expect(list[2]).toMatchObject({ status: 'completed', outcome: 'completed' });
    expect(await enrollment(result.enrolled[0].id)).toMatchObject({ status: 'completed', exitReason: 'all steps done' });
  });

  it('an SMS step that finds its ring pool at the daily cap waits for the next day with the reason, and is sent then, not failed', async () => {
    await clockTo(60_000); // created after the main pool, so the main pool stays the default for the other tests
    const pool = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: `Capped ${seq++}`, dailySmsCap: 1, numbers: [{ e164: '+12125550190' }] }).expect(201)).body as RingPoolView;
    const s = await createSchedule({ smsPoolId: pool.id, steps: [{ type: 'sms', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { body: 'Your quote' } }] });
    const a = await newLead();
    const b = await newLead();
    await enroll(s.id, [a.lead.id, b.lead.id]);
    await drain();
    const sent = [a, b].filter((x) => texts(x.number).length === 1);
    const waiting = [a, b].find((x) => texts(x.number).length === 0)!;
    expect(sent).toHaveLength(1);
    const [held] = await actions(waiting.lead.id);
    // Midnight in the floor's zone (America/New_York on this clock) is 05:00Z.
    expect(held).toMatchObject({ type: 'sms', status: 'pending', dueAt: '2026-03-03T05:00:00.000Z' });
    expect(held.detail).toMatch(/^waiting for caller ID capacity until 2026-03-03T05:00:00\.000Z: No number in ring pool "Capped \d+" can text now: \+12125550190 daily SMS cap reached \(1\/1\)$/);

    // Due at midnight; the next morning (inside texting hours) it goes.
    await clockTo('2026-03-03T15:00:00.000Z');
    await drain();
    expect(texts(waiting.number).map((m) => m.body)).toEqual(['Your quote']);
    expect((await actions(waiting.lead.id))[0]).toMatchObject({ status: 'completed', outcome: 'sent' });
  });

  it('an SMS step the carrier refuses as too busy waits a minute with the reason and is sent once then', async () => {
    const s = await createSchedule({ steps: [{ type: 'sms', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { body: 'Busy line' } }] });
    const { lead, number } = await newLead();
    sim.refuseAsBusy(1);
    await enroll(s.id, [lead.id]);
    await drain();
    expect(texts(number)).toHaveLength(0);
    const [held] = await actions(lead.id);
    expect(held).toMatchObject({ type: 'sms', status: 'pending', dueAt: new Date(t.clock.now().getTime() + 60_000).toISOString() });
    expect(held.detail).toMatch(/^waiting for the carrier until \S+: The carrier is limiting requests now/);
    await clockTo(60_000);
    await drain();
    expect(texts(number).map((m) => m.body)).toEqual(['Busy line']);
    expect((await actions(lead.id))[0]).toMatchObject({ status: 'completed', outcome: 'sent' });
  });

  it('an SMS step whose only number cannot text fails for good: waiting would not help', async () => {
    await clockTo(60_000); // created after the main pool, so the main pool stays the default for the other tests
    const pool = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: `Voice only ${seq++}`, numbers: [{ e164: '+12125550191', sms: false }] }).expect(201)).body as RingPoolView;
    const s = await createSchedule({ smsPoolId: pool.id, steps: [{ type: 'sms', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { body: 'Never' } }] });
    const { lead } = await newLead();
    await enroll(s.id, [lead.id]);
    await drain();
    expect((await actions(lead.id))[0]).toMatchObject({ status: 'failed', outcome: 'no caller id' });
  });

  it('a worker killed mid-action has its work re-claimed after the lease, and the text goes out once', async () => {
    const s = await createSchedule({ steps: [{ type: 'sms', timing: { kind: 'delay', amount: 0, unit: 'seconds' }, config: { body: 'Once only' } }] });
    const { lead, number } = await newLead();
    await enroll(s.id, [lead.id]);

    // Another instance claims the job, sends the text, and dies before recording it.
    const engine = t.get(ScheduleEngine);
    const logger = new JsonLogger('silent');
    const doomed = new SchedulerService(t.get(JobsRepository), new JobWakeups(t.get(JobsRepository), t.config, logger), t.config, t.clock, logger, new SchedulerRegistry());
    const finish = engine.finish.bind(engine);
    let died!: () => void;
    const dead = new Promise<void>((r) => (died = r));
    engine.finish = () => {
      died();
      return new Promise<void>(() => undefined);
    };
    doomed.register(ACTION_QUEUE, { handle: (p, { job }) => engine.run((p as { id: string }).id, job.attempt > 1) });
    void doomed.runDue();
    await dead;
    engine.finish = finish;
    expect(texts(number)).toHaveLength(1);
    expect((await actions(lead.id))[0]).toMatchObject({ status: 'in_progress', attempts: 1 });

    // Within the lease nobody else takes it.
    expect(await scheduler.runDue()).toBe(0);
    await clockTo(61_000);
    await drain();
    const [a] = await actions(lead.id);
    expect(a).toMatchObject({ status: 'completed', outcome: 'sent' });
    expect(texts(number)).toHaveLength(1);
    const convs = (await t.http.get(`/api/conversations?leadId=${lead.id}`).set(admin.auth).expect(200)).body as { items: unknown[] };
    expect(convs.items).toHaveLength(1);
  });

  it('refuses bad definitions with 400 naming each problem, and saves nothing', async () => {
    const before = ((await t.http.get('/api/schedules').set(admin.auth).expect(200)).body as ScheduleView[]).length;
    const bad = async (body: Record<string, unknown>, field: string, message: RegExp) => {
      const res = await t.http.post('/api/schedules').set(admin.auth).send({ name: `Bad ${seq++}`, ...body }).expect(400);
      const fields = res.body.fields as Array<{ field: string; message: string }>;
      expect(fields.find((f) => f.field === field)?.message).toMatch(message);
    };
    const step = (extra: Record<string, unknown>) => ({ type: 'wait', timing: { kind: 'delay', amount: 1, unit: 'hours' }, ...extra });
    await bad({ steps: [] }, 'steps', /at least one step/);
    await bad({ steps: [step({ type: 'fax' })] }, 'steps[0].type', /unknown action type fax/);
    await bad({ steps: [step({ timing: { kind: 'delay', amount: -5, unit: 'minutes' } })] }, 'steps[0].timing.amount', /must not be negative/);
    await bad(
      { steps: [step({ criteria: { conditions: [{ field: 'lead.status', op: 'eq', value: 'new' }, { field: 'lead.tags', op: 'has_tag', value: 'vip' }], logic: 'custom', expression: '1 AND (2 OR' } })] },
      'steps[0].criteria.expression',
      /does not parse at character 12/,
    );
    await bad(
      { steps: [step({ criteria: { conditions: [{ field: 'lead.status', op: 'eq', value: 'new' }], logic: 'custom', expression: '1 OR 3' } })] },
      'steps[0].criteria.expression',
      /condition 3 does not exist/,
    );
    await bad({ steps: [{ type: 'sms', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { body: 'Hi {{lead.frist}}' } }] }, 'steps[0].config.body', /unknown merge field \{\{lead.frist\}\}/);
    await bad({ steps: [step({ criteria: { conditions: [{ field: 'custom.nope', op: 'eq', value: 1 }], logic: 'all' } })] }, 'steps[0].criteria.conditions[0].field', /unknown field custom.nope/);
    await bad({ steps: [{ type: 'task', activation: 'automatic', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { title: 'x' } }] }, 'steps[0].activation', /task can only be manual/);
    await bad({ steps: [step({ fieldUpdates: [{ op: 'increment', field: 'lead.firstName' }] })] }, 'steps[0].fieldUpdates[0].field', /unknown field|not a number/);
    expect(((await t.http.get('/api/schedules').set(admin.auth).expect(200)).body as ScheduleView[]).length).toBe(before);
  });

  it('offers a manual task to its owner, applies field updates on completion, and skips a step whose criteria fail', async () => {
    const s = await createSchedule({
      steps: [
        { type: 'task', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { title: 'Research {{lead.company}}' }, fieldUpdates: [{ op: 'add_tag', tag: 'researched' }, { op: 'set', field: 'custom.score', value: 5 }] },
        { type: 'sms', timing: { kind: 'delay', amount: 1, unit: 'hours' }, config: { body: 'VIP offer' }, criteria: { conditions: [{ field: 'lead.tags', op: 'has_tag', value: 'vip' }], logic: 'all' }, criteriaMode: 'skip' },
        { type: 'modify_lead', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { changes: [{ op: 'increment', field: 'custom.score', by: 2 }, { op: 'instant_dial', value: true }] } },
      ],
    });
    const { lead, number } = await newLead();
    await enroll(s.id, [lead.id]);
    await drain();
    const mine = (await t.http.get('/api/participant-actions?ownerId=me&status=due').set(agent.auth).expect(200)).body as ParticipantActionView[];
    const task = mine.find((a) => a.leadId === lead.id) as ParticipantActionView;
    expect(task).toMatchObject({ type: 'task', activation: 'manual', status: 'due', ownerId: agent.user.id });
    // Another agent cannot see or complete it.
    const other = await signIn(t, 'agent');
    await t.http.post(`/api/participant-actions/${task.id}/complete`).set(other.auth).send({}).expect(404);
    expect((await t.http.post(`/api/participant-actions/${task.id}/complete`).set(agent.auth).send({ outcome: 'done', notes: 'found them' }).expect(200)).body).toMatchObject({ status: 'completed', completedBy: agent.user.id });
    await t.http.post(`/api/participant-actions/${task.id}/complete`).set(agent.auth).send({}).expect(409);

    await clockTo(3_600_000);
    await drain();
    const list = await actions(lead.id);
    expect(list.map((a) => [a.type, a.status, a.outcome])).toEqual([
      ['task', 'completed', 'done'],
      ['sms', 'skipped', 'criteria not met'],
      ['modify_lead', 'completed', 'updated'],
    ]);
    expect(texts(number)).toHaveLength(0);
    const after = (await t.http.get(`/api/leads/${lead.id}`).set(admin.auth).expect(200)).body as LeadView & { customFields: Record<string, unknown> };
    expect(after.tags).toContain('researched');
    expect(after.customFields.score).toBe(7);
    expect(after.instantDial).toBe(true);
  });

  it('holds a step until its criteria are met, and exits a lead who replies', async () => {
    const s = await createSchedule({
      steps: [
        { type: 'wait', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, criteria: { conditions: [{ field: 'custom.score', op: 'gte', value: 10 }, { field: 'lead.tags', op: 'has_tag', value: 'hot' }], logic: 'custom', expression: '1 OR 2' }, criteriaMode: 'hold' },
        { type: 'sms', timing: { kind: 'delay', amount: 1, unit: 'days' }, config: { body: 'Following up' } },
      ],
    });
    const { lead, number } = await newLead();
    const { enrolled } = await enroll(s.id, [lead.id]);
    await drain();
    let [first] = await actions(lead.id);
    expect(first).toMatchObject({ status: 'pending', detail: expect.stringMatching(/criteria/) });
    expect(Date.parse(first.dueAt) - Date.parse(MONDAY_NOON_ET)).toBe(15 * 60_000);
    await t.http.patch(`/api/leads/${lead.id}`).set(admin.auth).send({ tags: ['hot'] }).expect(200);
    await clockTo(15 * 60_000);
    await drain();
    [first] = await actions(lead.id);
    expect(first).toMatchObject({ status: 'completed', outcome: 'waited' });

    await t.http.post('/api/telephony/sim/inbound-sms').set(admin.auth).send({ from: number, to: '+12125550100', body: 'who is this?' }).expect(201);
    expect(await enrollment(enrolled[0].id)).toMatchObject({ status: 'exited', exitReason: 'replied' });
    expect((await actions(lead.id))[1]).toMatchObject({ type: 'sms', status: 'canceled' });
    // The lead's activity fields say so.
    expect((await t.http.get(`/api/leads/${lead.id}`).set(admin.auth).expect(200)).body).toMatchObject({ lastContactedMode: 'replied', lastActivityType: 'sms-in' });
    await clockTo(2 * 86_400_000);
    await drain();
    expect(texts(number)).toHaveLength(0);
  });

  it('a worker killed between writing a text and hearing from the carrier: the run that takes over sends it, or adopts the one the carrier took, once', async () => {
    const s = await createSchedule({ steps: [{ type: 'sms', timing: { kind: 'delay', amount: 0, unit: 'seconds' }, config: { body: 'Exactly once' } }] });
    const engine = t.get(ScheduleEngine);
    const logger = new JsonLogger('silent');
    const limiter = t.get(OutboundRateLimiter);
    const conversations = t.get(ConversationsRepository);
    /** Another instance claims the job and dies at `where`, which never returns. */
    const dieAt = async (where: { patch: () => void; restore: () => void }, leadId: string) => {
      const doomed = new SchedulerService(t.get(JobsRepository), new JobWakeups(t.get(JobsRepository), t.config, logger), t.config, t.clock, logger, new SchedulerRegistry());
      let died!: () => void;
      const dead = new Promise<void>((r) => (died = r));
      where.patch();
      hang = () => {
        died();
        return new Promise<never>(() => undefined);
      };
      doomed.register(ACTION_QUEUE, { handle: (p, { job }) => engine.run((p as { id: string }).id, job.attempt > 1) });
      void doomed.runDue();
      await dead;
      where.restore();
      expect((await actions(leadId))[0]).toMatchObject({ status: 'in_progress', attempts: 1 });
    };
    let hang: () => Promise<never> = () => Promise.reject(new Error('unset'));
    const acquire = limiter.acquire.bind(limiter);
    const beforeTheCarrier = { patch: () => (limiter.acquire = () => hang()), restore: () => (limiter.acquire = acquire) };
    const recordPlaced = conversations.recordPlaced.bind(conversations);
    const afterTheCarrier = { patch: () => (conversations.recordPlaced = () => hang()), restore: () => (conversations.recordPlaced = recordPlaced) };

    for (const [where, textsBefore] of [[beforeTheCarrier, 0], [afterTheCarrier, 1]] as const) {
      const { lead, number } = await newLead();
      await enroll(s.id, [lead.id]);
      await dieAt(where, lead.id);
      expect(texts(number)).toHaveLength(textsBefore);
      const [row] = ((await t.http.get(`/api/conversations?leadId=${lead.id}`).set(admin.auth).expect(200)).body as { items: Array<{ status: string; providerSid: string | null }> }).items;
      expect(row).toMatchObject({ status: 'initiating', providerSid: null });

      // Past the lease (and past the last sweep for lapsed leases, which an earlier test made at +61 s).
      await clockTo(90_000);
      await drain();
      expect((await actions(lead.id))[0]).toMatchObject({ status: 'completed', outcome: 'sent' });
      expect(texts(number).map((m) => m.body)).toEqual(['Exactly once']);
      const convs = ((await t.http.get(`/api/conversations?leadId=${lead.id}`).set(admin.auth).expect(200)).body as { items: Array<{ status: string; providerSid: string | null }> }).items;
      expect(convs).toHaveLength(1);
      expect(convs[0].providerSid).toBe(texts(number)[0].sid);
    }
  });

  it('a lead enrolled by two requests at once goes through a schedule without re-enrollment once, even when the first enrollment ends before the second is written', async () => {
    const s = await createSchedule({ timezone: null, steps: [{ type: 'wait', timing: { kind: 'delay', amount: 1, unit: 'hours' } }] });
    const { lead } = await newLead();
    const settings = t.get(SettingsService);
    const get = settings.get.bind(settings);
    let raced = false;
    // Read between the second request's look at the lead's enrollments and its writing one:
    // meanwhile the first request enrolls the lead and that enrollment ends.
    settings.get = async () => {
      if (!raced) {
        raced = true;
        const first = await enroll(s.id, [lead.id]);
        expect(first.enrolled).toHaveLength(1);
        await t.http.post(`/api/enrollments/${first.enrolled[0].id}/exit`).set(admin.auth).expect(200);
      }
      return get();
    };
    let second: EnrollResult;
    try {
      second = await enroll(s.id, [lead.id]);
    } finally {
      settings.get = get;
    }
    expect(raced).toBe(true);
    expect(second).toEqual({ enrolled: [], refused: [{ leadId: lead.id, reason: 'already went through this schedule, which does not allow re-enrollment' }] });
    const all = (await t.http.get(`/api/schedules/${s.id}/enrollments?leadId=${lead.id}`).set(admin.auth).expect(200)).body as unknown[];
    expect(all).toHaveLength(1);
  });

  it('prevents duplicates, honours exclusive schedules and re-enrollment, pauses and resumes', async () => {
    const a = await createSchedule({ steps: [{ type: 'wait', timing: { kind: 'delay', amount: 1, unit: 'hours' } }] });
    const exclusive = await createSchedule({ exclusive: true, steps: [{ type: 'wait', timing: { kind: 'delay', amount: 1, unit: 'hours' } }] });
    const { lead } = await newLead();
    const first = await enroll(a.id, [lead.id, lead.id]);
    expect(first.enrolled).toHaveLength(1);
    expect((await enroll(a.id, [lead.id])).refused).toEqual([{ leadId: lead.id, reason: 'already enrolled' }]);
    expect((await enroll(exclusive.id, [lead.id])).refused[0].reason).toMatch(/exclusive/);

    const id = first.enrolled[0].id;
    expect((await t.http.post(`/api/enrollments/${id}/pause`).set(admin.auth).expect(200)).body).toMatchObject({ status: 'paused' });
    await clockTo(2 * 3_600_000);
    await drain();
    expect((await actions(lead.id))[0]).toMatchObject({ status: 'pending' });
    await t.http.post(`/api/enrollments/${id}/resume`).set(admin.auth).expect(200);
    await drain();
    expect((await actions(lead.id))[0]).toMatchObject({ status: 'completed' });
    expect(await enrollment(id)).toMatchObject({ status: 'completed' });
    expect((await enroll(a.id, [lead.id])).refused[0].reason).toMatch(/does not allow re-enrollment/);
  });

  it('slow drip spreads new enrollments over later hours', async () => {
    const s = await createSchedule({ dripPerHour: 2, dripPerDay: 3, steps: [{ type: 'wait', timing: { kind: 'delay', amount: 0, unit: 'minutes' } }] });
    const leads = await Promise.all([1, 2, 3, 4].map(() => newLead()));
    const r = await enroll(s.id, leads.map((l) => l.lead.id));
    expect(r.enrolled.map((e) => e.startsAt)).toEqual([MONDAY_NOON_ET, MONDAY_NOON_ET, '2026-03-02T18:00:00.000Z', '2026-03-03T05:00:00.000Z']);
    await drain();
    expect((await actions(leads[2].lead.id))[0]).toMatchObject({ status: 'pending', dueAt: '2026-03-02T18:00:00.000Z' });
    expect((await actions(leads[0].lead.id))[0]).toMatchObject({ status: 'completed' });
  });

  it('delegates work through a lead field, reassigns on change, and moves an away agent\'s work in bulk', async () => {
    const deputy = await createUser(t, 'agent');
    const s = await createSchedule({ steps: [{ type: 'task', timing: { kind: 'delay', amount: 1, unit: 'days' }, config: { title: 'Call back' } }] });
    const { lead } = await newLead({ customFields: { assigned_agent: deputy.email } });
    await enroll(s.id, [lead.id]);
    expect((await actions(lead.id))[0].ownerId).toBe(agent.user.id);

    const def = (await t.http.get(`/api/schedules/${s.id}`).set(admin.auth).expect(200)).body as ScheduleView;
    await t.http.put(`/api/schedules/${s.id}`).set(admin.auth).send({ name: def.name, timezone: def.timezone, delegationField: 'assigned_agent', steps: def.steps.map((x) => ({ id: x.id, type: x.type, timing: x.timing, config: x.config, activation: x.activation })) }).expect(200);
    expect((await actions(lead.id))[0].ownerId).toBe(deputy.id);

    const cover = await createUser(t, 'agent');
    const moved = (await t.http.post('/api/participant-actions/reassign').set(admin.auth).send({ fromOwnerId: deputy.id, toOwnerId: cover.id, dueFrom: '2026-03-03T00:00:00Z', dueTo: '2026-03-04T00:00:00Z' }).expect(200)).body;
    expect(moved).toEqual({ reassigned: 1 });
    expect((await actions(lead.id))[0].ownerId).toBe(cover.id);
    await t.http.post('/api/participant-actions/reassign').set(agent.auth).send({ fromOwnerId: cover.id, toOwnerId: agent.user.id }).expect(403);
  });

  it('editing applies to work not yet done: a deleted step moves its leads on, a new timing re-dates', async () => {
    const s = await createSchedule({
      steps: [
        { type: 'wait', timing: { kind: 'delay', amount: 3, unit: 'hours' } },
        { type: 'wait', timing: { kind: 'delay', amount: 5, unit: 'hours' } },
        { type: 'task', timing: { kind: 'delay', amount: 1, unit: 'hours' }, config: { title: 'Last' } },
      ],
    });
    const { lead } = await newLead();
    await enroll(s.id, [lead.id]);
    expect((await actions(lead.id))[0].dueAt).toBe('2026-03-02T20:00:00.000Z');
    const [one, , three] = s.steps;
    // Step 1 becomes 1 hour; step 2 goes.
    const res = await t.http
      .put(`/api/schedules/${s.id}`)
      .set(admin.auth)
      .send({ name: s.name, timezone: s.timezone, steps: [{ id: one.id, type: 'wait', timing: { kind: 'delay', amount: 1, unit: 'hours' } }, { id: three.id, type: 'task', timing: three.timing, config: three.config }] })
      .expect(200);
    expect((res.body as ScheduleView).steps.map((x) => x.id)).toEqual([one.id, three.id]);
    expect((await actions(lead.id))[0].dueAt).toBe('2026-03-02T18:00:00.000Z');
    await clockTo('2026-03-02T18:00:00.000Z');
    await drain();
    const list = await actions(lead.id);
    expect(list.map((a) => [a.stepId, a.status])).toEqual([
      [one.id, 'completed'],
      [three.id, 'pending'],
    ]);

    // Deleting the step a lead waits on moves it to the end.
    await t.http.put(`/api/schedules/${s.id}`).set(admin.auth).send({ name: s.name, timezone: s.timezone, steps: [{ id: one.id, type: 'wait', timing: { kind: 'delay', amount: 1, unit: 'hours' } }] }).expect(200);
    expect((await actions(lead.id))[1]).toMatchObject({ status: 'skipped', outcome: 'step deleted' });
  });

  it('callbacks: booked in the lead\'s local time, the gate asked when due, escalated when not taken, listed as overdue', async () => {
    const { lead } = await newLead();
    // The owner is signed in and ready; a callback whose owner is offline goes to anyone when due.
    await t.http.post('/api/agents/me/state').set(agent.auth).send({ state: 'ready' }).expect(200);
    const absent = await signIn(t, 'agent');
    const orphan = (await t.http.post('/api/callbacks').set(absent.auth).send({ leadId: lead.id, dueAt: '2026-03-02T20:45:00' }).expect(201)).body;
    // 20:30 in New York is inside calling hours; 21:30 is not.
    const booked = (await t.http.post('/api/callbacks').set(agent.auth).send({ leadId: lead.id, dueAt: '2026-03-02T21:30:00', note: 'after dinner', escalateAfterMinutes: 10 }).expect(201)).body;
    expect(booked).toMatchObject({ dueAt: '2026-03-03T02:30:00.000Z', ownerId: agent.user.id, status: 'scheduled', dueLocal: { zone: 'America/New_York' } });
    expect(booked.dueLocal.time).toBe('2026-03-02T21:30:00-05:00');
    await t.http.post('/api/callbacks').set(agent.auth).send({ leadId: lead.id, dueAt: 'tomorrow' }).expect(400);

    await clockTo('2026-03-03T02:30:00.000Z');
    await drain();
    let cb = (await t.http.get(`/api/callbacks/${booked.id}`).set(agent.auth).expect(200)).body;
    expect(cb).toMatchObject({ status: 'scheduled', dueAt: '2026-03-03T13:00:00.000Z' });
    expect(cb.heldReason).toMatch(/calls are allowed 08:00–21:00/);

    await clockTo('2026-03-03T13:00:00.000Z');
    await drain();
    cb = (await t.http.get(`/api/callbacks/${booked.id}`).set(agent.auth).expect(200)).body;
    expect(cb).toMatchObject({ status: 'due', becameDueAt: '2026-03-03T13:00:00.000Z' });
    expect((await t.http.get(`/api/callbacks/${orphan.id}`).set(admin.auth).expect(200)).body).toMatchObject({ status: 'escalated', ownerId: absent.user.id });
    await clockTo('2026-03-03T13:10:00.000Z');
    await drain();
    const sup = await signIn(t, 'supervisor');
    const overdue = (await t.http.get('/api/callbacks?overdue=true').set(sup.auth).expect(200)).body as Array<{ id: string; status: string; overdue: boolean }>;
    expect(overdue.find((c) => c.id === booked.id)).toMatchObject({ status: 'escalated', overdue: true });
    const other = await signIn(t, 'agent');
    expect((await t.http.post(`/api/callbacks/${booked.id}/take`).set(other.auth).expect(200)).body).toMatchObject({ status: 'taken', takenBy: other.user.id });
    await t.http.post(`/api/callbacks/${booked.id}/take`).set(agent.auth).expect(409);
    expect((await t.http.post(`/api/callbacks/${booked.id}/complete`).set(other.auth).send({ outcome: 'talked' }).expect(200)).body).toMatchObject({ status: 'completed', outcome: 'talked' });
  });
  it('an SMS due at night is held to 08:00 in the lead\'s zone, or skipped when the step says so', async () => {
    const held = await createSchedule({ steps: [{ type: 'sms', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { body: 'Good morning' } }] });
    const skipping = await createSchedule({ steps: [{ type: 'sms', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, onRefusal: 'skip', config: { body: 'Now or never' } }] });
    const a = await newLead();
    const b = await newLead();
    // 22:00 in New York: outside the 08:00–21:00 window.
    await clockTo('2026-03-03T03:00:00.000Z');
    await enroll(held.id, [a.lead.id]);
    await enroll(skipping.id, [b.lead.id]);
    await drain();
    expect(texts(a.number)).toEqual([]);
    expect(texts(b.number)).toEqual([]);
    const [heldAction] = await actions(a.lead.id);
    expect(heldAction).toMatchObject({ type: 'sms', status: 'pending', dueAt: '2026-03-03T13:00:00.000Z' });
    expect(heldAction.detail).toMatch(/08:00–21:00/);
    expect((await actions(b.lead.id)).map((x) => [x.status, x.outcome])).toEqual([['skipped', 'refused by compliance']]);
    expect(await enrollment((await t.http.get(`/api/enrollments/lead/${b.lead.id}`).set(admin.auth).expect(200)).body[0].id)).toMatchObject({ status: 'completed' });

    await clockTo('2026-03-03T12:59:00.000Z');
    await drain();
    expect(texts(a.number)).toEqual([]);
    await clockTo('2026-03-03T13:00:00.000Z');
    await drain();
    expect(texts(a.number).map((m) => m.body)).toEqual(['Good morning']);
    expect((await actions(a.lead.id))[0]).toMatchObject({ status: 'completed', outcome: 'sent' });
  });

  it('choice exits a matching lead; add to schedule, callback, block and opt-out steps do their work', async () => {
    const follow = await createSchedule({ steps: [{ type: 'wait', timing: { kind: 'delay', amount: 1, unit: 'days' } }] });
    const s = await createSchedule({
      steps: [
        { type: 'choice', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { criteria: { conditions: [{ field: 'lead.tags', op: 'has_tag', value: 'customer' }], logic: 'all' }, reason: 'already a customer' } },
        { type: 'add_to_schedule', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { scheduleId: follow.id } },
        { type: 'callback', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { after: { amount: 2, unit: 'hours' }, note: 'check in' } },
        { type: 'block', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { reason: 'asked never to be called' } },
        { type: 'opt_out', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { channel: 'sms' } },
      ],
    });
    const customer = await newLead({ tags: ['customer'] });
    const prospect = await newLead({ email: 'prospect@example.com' });
    await enroll(s.id, [customer.lead.id, prospect.lead.id]);
    await drain();

    expect((await actions(customer.lead.id)).map((a) => [a.type, a.status, a.outcome])).toEqual([['choice', 'completed', 'exit: already a customer']]);
    const customerEnrollments = (await t.http.get(`/api/enrollments/lead/${customer.lead.id}`).set(admin.auth).expect(200)).body as Array<{ status: string; exitReason: string }>;
    expect(customerEnrollments).toEqual([expect.objectContaining({ status: 'exited', exitReason: 'already a customer' })]);

    expect((await actions(prospect.lead.id)).filter((a) => a.scheduleId === s.id).map((a) => [a.type, a.status, a.outcome])).toEqual([
      ['choice', 'completed', 'continue'],
      ['add_to_schedule', 'completed', 'enrolled'],
      ['callback', 'completed', 'callback booked'],
      ['block', 'completed', 'blocked'],
      ['opt_out', 'completed', 'opted out'],
    ]);
    const mine = (await t.http.get(`/api/enrollments/lead/${prospect.lead.id}`).set(admin.auth).expect(200)).body as Array<{ scheduleId: string; status: string }>;
    expect(mine.map((e) => [e.scheduleId, e.status]).sort()).toEqual([[follow.id, 'active'], [s.id, 'completed']].sort());
    const callbacks = (await t.http.get(`/api/callbacks?leadId=${prospect.lead.id}`).set(admin.auth).expect(200)).body as Array<{ dueAt: string; ownerId: string; note: string }>;
    expect(callbacks).toEqual([expect.objectContaining({ dueAt: '2026-03-02T19:00:00.000Z', ownerId: agent.user.id, note: 'check in' })]);
    const blocked = (await t.http.get(`/api/blocks/check?address=${encodeURIComponent(prospect.number)}`).set(admin.auth).expect(200)).body;
    expect(blocked).toMatchObject({ blocked: true });
    const sms = (await t.http.get(`/api/opt-outs/check?address=${encodeURIComponent(prospect.number)}`).set(admin.auth).expect(200)).body;
    expect(sms).toMatchObject({ channels: { sms: true, call: false, email: false } });
    expect(sms.entries).toEqual([expect.objectContaining({ source: 'schedule', channel: 'sms' })]);
  });

  it('restart runs the steps again; enroll by filter; a deferred action is re-dated; exit ends an enrollment', async () => {
    const s = await createSchedule({
      steps: [
        { type: 'modify_lead', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { changes: [{ field: 'custom.score', op: 'increment', value: 1 }] } },
        { type: 'choice', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { criteria: { conditions: [{ field: 'custom.score', op: 'gte', value: 2 }], logic: 'all' }, reason: 'scored twice' } },
        { type: 'restart_schedule', timing: { kind: 'delay', amount: 1, unit: 'hours' } },
      ],
    });
    const tag = `batch${seq++}`;
    const one = await newLead({ tags: [tag] });
    const two = await newLead({ tags: [tag] });
    await newLead({ tags: ['elsewhere'] });
    const result = (await t.http.post(`/api/schedules/${s.id}/enrollments`).set(admin.auth).send({ filter: { tag } }).expect(201)).body as EnrollResult;
    expect(result.enrolled.map((e) => e.leadId).sort()).toEqual([one.lead.id, two.lead.id].sort());
    await drain();
    await clockTo('2026-03-02T18:00:00.000Z');
    await drain();
    const lead1 = (await t.http.get(`/api/leads/${one.lead.id}`).set(admin.auth).expect(200)).body as LeadView;
    expect(lead1.customFields.score).toBe(2);
    expect((await actions(one.lead.id)).map((a) => [a.type, a.outcome])).toEqual([
      ['modify_lead', 'updated'],
      ['choice', 'continue'],
      ['restart_schedule', 'restarted'],
      ['modify_lead', 'updated'],
      ['choice', 'exit: scored twice'],
    ]);

    // A manual task deferred by its owner comes back at the new time.
    const manual = await createSchedule({ steps: [{ type: 'task', activation: 'manual', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { title: 'Call back' } }] });
    const three = await newLead();
    const [enrolled] = (await enroll(manual.id, [three.lead.id])).enrolled;
    await drain();
    const [task] = await actions(three.lead.id);
    expect(task.status).toBe('due');
    await t.http.post(`/api/participant-actions/${task.id}/defer`).set(agent.auth).send({ until: 'soon' }).expect(400);
    const deferred = (await t.http.post(`/api/participant-actions/${task.id}/defer`).set(agent.auth).send({ until: '2026-03-02T20:00:00.000Z', notes: 'in a meeting' }).expect(200)).body as ParticipantActionView;
    expect(deferred).toMatchObject({ status: 'deferred', dueAt: '2026-03-02T20:00:00.000Z' });
    await drain();
    expect((await actions(three.lead.id))[0].status).toBe('deferred');
    await clockTo('2026-03-02T20:00:00.000Z');
    await drain();
    expect((await actions(three.lead.id))[0].status).toBe('due');

    expect((await t.http.post(`/api/enrollments/${enrolled.id}/exit`).set(admin.auth).expect(200)).body).toMatchObject({ status: 'exited', exitReason: 'removed' });
    expect((await actions(three.lead.id))[0].status).toBe('canceled');
    await t.http.post(`/api/enrollments/${enrolled.id}/exit`).set(agent.auth).expect(403);
  });
});
