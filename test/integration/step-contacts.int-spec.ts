import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConversationView, EnrollResult, LeadView, ParticipantActionView, RingPoolView, ScheduleView } from '#shared';
import { LeadImportRunner } from '../../server/src/leads/import/lead-import.runner.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { RateLimitEntity } from '../../server/src/telephony/conversations/conversation.entity.js';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, signIn, TEST_PASSWORD } from '../support/factories.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

// Monday 2 March 2026, 12:00 in New York: inside every calling window.
const MONDAY_NOON_ET = '2026-03-02T17:00:00.000Z';
const NOW = { kind: 'delay', amount: 0, unit: 'minutes' };
const TOMORROW = { kind: 'delay', amount: 1, unit: 'days' };

describe('manual calls and texts for schedule steps; delegation by the lead\'s authors', () => {
  let t: TestApp;
  let sim: SimulatedCarrier;
  let scheduler: SchedulerService;
  let admin: Session;
  let agent: Session;
  let main: RingPoolView;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: MONDAY_NOON_ET, env: { CARRIER_SIM_CLOCK: 'manual', OUTBOUND_CALLS_PER_SECOND: '100', OUTBOUND_SMS_PER_SECOND: '100' } });
    await listen(t);
    sim = t.get<SimulatedCarrier>(SIMULATED_CARRIER);
    scheduler = t.get(SchedulerService);
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
    // Made first: the pool a contact naming none takes its caller ID from.
    main = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Main', numbers: [{ e164: '+12125550100' }] }).expect(201)).body as RingPoolView;
    await t.http.post('/api/custom-fields').set(admin.auth).send({ key: 'assigned_agent', label: 'Assigned agent', type: 'text' }).expect(201);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });
  afterEach(async () => {
    // The pace slots reserved at the carrier's later times would make the next test wait for them.
    await t.dataSource.getRepository(RateLimitEntity).createQueryBuilder().delete().execute();
  });

  const newLead = async (by: Session = admin, extra: Record<string, unknown> = {}) => {
    const number = `+1718555${String(4000 + seq++).padStart(4, '0')}`;
    const lead = (await t.http.post('/api/leads').set(by.auth).send({ phones: [{ number }], firstName: 'Ann', ownerId: agent.user.id, ...extra }).expect(201)).body as LeadView;
    return { lead, number };
  };
  const createSchedule = async (body: Record<string, unknown>) =>
    (await t.http.post('/api/schedules').set(admin.auth).send({ name: `S${seq++}`, timezone: 'America/New_York', ...body }).expect(201)).body as ScheduleView;
  const enroll = async (scheduleId: string, leadIds: string[]) => (await t.http.post(`/api/schedules/${scheduleId}/enrollments`).set(admin.auth).send({ leadIds }).expect(201)).body as EnrollResult;
  const actions = async (leadId: string) => (await t.http.get(`/api/participant-actions?leadId=${leadId}&limit=100`).set(admin.auth).expect(200)).body as ParticipantActionView[];
  const action = async (id: string) => (await t.http.get(`/api/participant-actions/${id}`).set(admin.auth).expect(200)).body as ParticipantActionView;
  const conversation = async (id: string) => (await t.http.get(`/api/conversations/${id}`).set(admin.auth).expect(200)).body as ConversationView;
  const drain = async () => {
    for (let i = 0; i < 20 && (await scheduler.runDue()) > 0; i++);
  };
  /** A lead enrolled in a one-step schedule (then a task, so the lead has somewhere to go): its offered action. */
  const offered = async (step: Record<string, unknown>, schedule: Record<string, unknown> = {}, lead?: Awaited<ReturnType<typeof newLead>>) => {
    const s = await createSchedule({ ...schedule, steps: [{ timing: NOW, activation: 'manual', ...step }, { type: 'task', timing: TOMORROW, config: { title: 'Next' } }] });
    const l = lead ?? (await newLead());
    await enroll(s.id, [l.lead.id]);
    await drain();
    const [first] = await actions(l.lead.id);
    expect(first).toMatchObject({ status: 'due', type: step.type });
    return { ...l, schedule: s, action: first };
  };
  const session = async (role: 'agent' | 'supervisor') => {
    const user = await createUser(t, role);
    const res = await t.http.post('/api/auth/login').send({ email: user.email, password: TEST_PASSWORD }).expect(200);
    return { user, auth: { Authorization: `Bearer ${res.body.accessToken as string}` } };
  };

  it('a call for a manual step is the step\'s conversation, from the schedule\'s dial pool; it completes the step once ended and dispositioned, not before', async () => {
    const dialPool = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: `Dial ${seq++}`, numbers: [{ e164: '+12125550111' }] }).expect(201)).body as RingPoolView;
    const { lead, number, action: step } = await offered({ type: 'dial', config: { mode: 'owner' } }, { dialPoolId: dialPool.id });
    sim.script(number, { outcome: 'answer', ringSeconds: 2, talkSeconds: 20 });
    const call = (await t.http.post('/api/calls').set(agent.auth).send({ leadId: lead.id, participantActionId: step.id }).expect(201)).body as ConversationView;
    expect(call).toMatchObject({ cause: { type: 'participant-action', id: step.id }, poolId: dialPool.id, from: '+12125550111', agentId: agent.user.id });

    await sim.advance(60_000);
    expect(await conversation(call.id)).toMatchObject({ status: 'completed', disposition: null });
    // Ended without a disposition: the step is still the agent's to finish.
    expect(await action(step.id)).toMatchObject({ status: 'due', completedAt: null });

    await t.http.post(`/api/conversations/${call.id}/disposition`).set(agent.auth).send({ code: 'voicemail' }).expect(201);
    expect(await action(step.id)).toMatchObject({ status: 'completed', outcome: 'voicemail', conversationId: call.id, completedBy: agent.user.id });
    // The lead moved on to the next step.
    expect((await actions(lead.id)).map((a) => [a.type, a.status])).toEqual([['dial', 'completed'], ['task', 'pending']]);
  });

  it('a disposition that ends the enrollment still completes the call step with its code first', async () => {
    const { lead, number, action: step } = await offered({ type: 'dial', config: { mode: 'owner' } });
    sim.script(number, { outcome: 'answer', ringSeconds: 2, talkSeconds: 10 });
    const call = (await t.http.post('/api/calls').set(agent.auth).send({ leadId: lead.id, participantActionId: step.id }).expect(201)).body as ConversationView;
    await sim.advance(60_000);
    await t.http.post(`/api/conversations/${call.id}/disposition`).set(agent.auth).send({ code: 'sale' }).expect(201);
    expect(await action(step.id)).toMatchObject({ status: 'completed', outcome: 'sale', conversationId: call.id });
    const enrollment = (await t.http.get(`/api/enrollments/${step.enrollmentId}`).set(admin.auth).expect(200)).body as { status: string; exitReason: string | null };
    expect(enrollment).toMatchObject({ status: 'exited', exitReason: 'disposition sale' });
  });

  it('a text for a manual step completes it once sent; with completeOn delivery, only on the delivered callback; a failed one leaves it open with the failure', async () => {
    const bad = await t.http.post('/api/schedules').set(admin.auth).send({ name: `Bad ${seq++}`, steps: [{ type: 'sms', activation: 'manual', timing: NOW, config: { body: 'Hi', completeOn: 'read' } }] }).expect(400);
    expect(bad.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'steps[0].config.completeOn' })]));

    const onSend = await offered({ type: 'sms', config: { body: 'Hi {{lead.firstName}}' } }, { smsPoolId: main.id });
    // Scripted, so the carrier's random failures stay out of it.
    sim.script(onSend.number, { outcome: 'answer' });
    const sent = (await t.http.post('/api/sms').set(agent.auth).send({ leadId: onSend.lead.id, body: 'Hi Ann', participantActionId: onSend.action.id }).expect(201)).body as ConversationView;
    expect(sent.cause).toEqual({ type: 'participant-action', id: onSend.action.id });
    expect((await action(onSend.action.id)).status).toBe('due'); // queued at the carrier
    await sim.advance(1_000);
    expect(await conversation(sent.id)).toMatchObject({ status: 'sent' });
    expect(await action(onSend.action.id)).toMatchObject({ status: 'completed', outcome: 'sent', conversationId: sent.id });

    const onDelivery = await offered({ type: 'sms', config: { body: 'Hi', completeOn: 'delivery' } });
    sim.script(onDelivery.number, { outcome: 'answer' });
    const text = (await t.http.post('/api/sms').set(agent.auth).send({ leadId: onDelivery.lead.id, body: 'Hi', participantActionId: onDelivery.action.id }).expect(201)).body as ConversationView;
    await sim.advance(1_000);
    expect(await conversation(text.id)).toMatchObject({ status: 'sent' });
    expect((await action(onDelivery.action.id)).status).toBe('due');
    await sim.advance(2_000);
    expect(await conversation(text.id)).toMatchObject({ status: 'delivered' });
    expect(await action(onDelivery.action.id)).toMatchObject({ status: 'completed', outcome: 'delivered', conversationId: text.id });

    const failing = await offered({ type: 'sms', config: { body: 'Hi', completeOn: 'delivery' } });
    sim.script(failing.number, { outcome: 'failed' });
    const lost = (await t.http.post('/api/sms').set(agent.auth).send({ leadId: failing.lead.id, body: 'Hi', participantActionId: failing.action.id }).expect(201)).body as ConversationView;
    await sim.advance(3_000);
    expect(await conversation(lost.id)).toMatchObject({ status: 'undelivered' });
    const open = await action(failing.action.id);
    expect(open).toMatchObject({ status: 'due', conversationId: lost.id });
    expect(open.detail).toMatch(/^the text was undelivered: /);
  });

  it('refuses an action of another lead, of the wrong type, someone else\'s or no longer open, naming participantActionId', async () => {
    const other = await session('agent');
    // The lead is the other agent's; its step is delegated to our agent.
    const { lead, number, action: sms } = await offered({ type: 'sms', config: { body: 'Hi' }, ownerField: 'assigned_agent' }, {}, await newLead(admin, { ownerId: other.user.id, customFields: { assigned_agent: agent.user.email } }));
    expect(sms.ownerId).toBe(agent.user.id);
    const elsewhere = await newLead();
    const named = (res: { body: { fields?: Array<{ field: string }> } }) => expect(res.body.fields?.map((f) => f.field)).toContain('participantActionId');

    named(await t.http.post('/api/sms').set(agent.auth).send({ leadId: elsewhere.lead.id, body: 'Hi', participantActionId: sms.id }).expect(400));
    named(await t.http.post('/api/calls').set(admin.auth).send({ leadId: lead.id, participantActionId: sms.id }).expect(400));
    // The lead's owner may text the lead, but the step is not theirs.
    named(await t.http.post('/api/sms').set(other.auth).send({ leadId: lead.id, body: 'Hi', participantActionId: sms.id }).expect(404));
    named(await t.http.post('/api/sms').set(agent.auth).send({ leadId: lead.id, body: 'Hi', participantActionId: 'not-an-id' }).expect(400));
    await t.http.post(`/api/participant-actions/${sms.id}/skip`).set(admin.auth).send({}).expect(200);
    named(await t.http.post('/api/sms').set(agent.auth).send({ leadId: lead.id, body: 'Hi', participantActionId: sms.id }).expect(409));
    expect(sim.listMessages().filter((m) => m.to === number)).toEqual([]);
  });

  it('delegates by Created By and Last Modified By; an edit by another user moves the Last Modified By work; a step\'s owner field overrides the schedule\'s', async () => {
    const author = await session('supervisor');
    const editor = await session('supervisor');
    const deputy = await createUser(t, 'agent');
    const refused = await t.http.post('/api/schedules').set(admin.auth).send({ name: `Bad ${seq++}`, delegationField: 'madeBy', steps: [{ type: 'task', timing: NOW, config: { title: 'x' } }] }).expect(400);
    expect(refused.body.fields).toEqual([expect.objectContaining({ field: 'delegationField', message: expect.stringContaining('createdBy or lastModifiedBy') })]);

    const byAuthor = await createSchedule({ delegationField: 'createdBy', steps: [{ type: 'task', timing: TOMORROW, config: { title: 'First' } }] });
    const byEditor = await createSchedule({ delegationField: 'lastModifiedBy', steps: [{ type: 'task', timing: TOMORROW, config: { title: 'Follow up' } }] });
    const overridden = await createSchedule({ delegationField: 'createdBy', steps: [{ type: 'task', timing: TOMORROW, ownerField: 'assigned_agent', config: { title: 'Deputy' } }] });
    const { lead } = await newLead(author as Session, { customFields: { assigned_agent: deputy.email } });
    for (const s of [byAuthor, byEditor, overridden]) await enroll(s.id, [lead.id]);
    const owners = async () => Object.fromEntries((await actions(lead.id)).map((a) => [a.scheduleId, a.ownerId]));
    expect(await owners()).toEqual({ [byAuthor.id]: author.user.id, [byEditor.id]: author.user.id, [overridden.id]: deputy.id });

    // Another user edits the lead: the Last Modified By work is theirs now; the rest stays.
    expect(lead).toMatchObject({ createdBy: author.user.id, updatedBy: author.user.id });
    const edited = (await t.http.patch(`/api/leads/${lead.id}`).set(editor.auth).send({ company: 'Acme' }).expect(200)).body as LeadView;
    expect(edited).toMatchObject({ createdBy: author.user.id, updatedBy: editor.user.id });
    expect(await owners()).toEqual({ [byAuthor.id]: author.user.id, [byEditor.id]: editor.user.id, [overridden.id]: deputy.id });
  });

  it('a lead a CSV import makes is Created By the user who ran the import', async () => {
    const importer = await session('supervisor');
    const number = `+1718555${String(4000 + seq++).padStart(4, '0')}`;
    const up = (await t.http.post('/api/lead-imports?filename=authors.csv').set(importer.auth).set('Content-Type', 'text/csv').send(`First Name,Phone\nIda,${number}\n`).expect(201)).body as { id: string };
    await t.http.post(`/api/lead-imports/${up.id}/start`).set(importer.auth).send({ columns: { 'First Name': 'firstName', Phone: 'phone' }, dedupe: 'skip' }).expect(202);
    await t.get(LeadImportRunner).idle();
    const [lead] = ((await t.http.get(`/api/leads?phone=${encodeURIComponent(number)}`).set(admin.auth).expect(200)).body as { items: LeadView[] }).items;
    const s = await createSchedule({ delegationField: 'createdBy', steps: [{ type: 'task', timing: TOMORROW, config: { title: 'Welcome' } }] });
    await enroll(s.id, [lead.id]);
    expect((await actions(lead.id))[0].ownerId).toBe(importer.user.id);
  });

  it('a bulk update by a user makes them each lead\'s last modifier, and the Last Modified By work follows them', async () => {
    const author = await session('supervisor');
    const bulkEditor = await session('supervisor');
    const byEditor = await createSchedule({ delegationField: 'lastModifiedBy', steps: [{ type: 'task', timing: TOMORROW, config: { title: 'Follow up' } }] });
    const byAuthor = await createSchedule({ delegationField: 'createdBy', steps: [{ type: 'task', timing: TOMORROW, config: { title: 'First' } }] });
    const leads = [(await newLead(author as Session)).lead, (await newLead(author as Session)).lead];
    for (const s of [byEditor, byAuthor]) await enroll(s.id, leads.map((l) => l.id));
    const owners = async (leadId: string) => Object.fromEntries((await actions(leadId)).map((a) => [a.scheduleId, a.ownerId]));
    for (const l of leads) expect(await owners(l.id)).toEqual({ [byEditor.id]: author.user.id, [byAuthor.id]: author.user.id });

    const res = await t.http.post('/api/leads/bulk-update').set(bulkEditor.auth).send({ ids: leads.map((l) => l.id), addTags: ['bulk-touched'] }).expect(200);
    expect(res.body).toEqual({ updated: 2 });
    for (const l of leads) {
      const after = (await t.http.get(`/api/leads/${l.id}`).set(admin.auth).expect(200)).body as LeadView;
      expect(after).toMatchObject({ createdBy: author.user.id, updatedBy: bulkEditor.user.id, tags: ['bulk-touched'] });
      expect(await owners(l.id)).toEqual({ [byEditor.id]: bulkEditor.user.id, [byAuthor.id]: author.user.id });
    }
  });

  it('a CSV import that updates an existing lead makes the importing user its last modifier, and the Last Modified By work follows them', async () => {
    const author = await session('supervisor');
    const importer = await session('supervisor');
    const { lead, number } = await newLead(author as Session);
    const s = await createSchedule({ delegationField: 'lastModifiedBy', steps: [{ type: 'task', timing: TOMORROW, config: { title: 'Follow up' } }] });
    await enroll(s.id, [lead.id]);
    expect((await actions(lead.id))[0].ownerId).toBe(author.user.id);

    const up = (await t.http.post('/api/lead-imports?filename=update.csv').set(importer.auth).set('Content-Type', 'text/csv').send(`Company,Phone\nImported Co,${number}\n`).expect(201)).body as { id: string };
    await t.http.post(`/api/lead-imports/${up.id}/start`).set(importer.auth).send({ columns: { Company: 'company', Phone: 'phone' }, dedupe: 'update' }).expect(202);
    await t.get(LeadImportRunner).idle();
    const after = (await t.http.get(`/api/leads/${lead.id}`).set(admin.auth).expect(200)).body as LeadView;
    expect(after).toMatchObject({ company: 'Imported Co', createdBy: author.user.id, updatedBy: importer.user.id });
    expect((await actions(lead.id))[0].ownerId).toBe(importer.user.id);
  });

  it('a schedule\'s own SMS and dial pools are the ones its texts and calls use, not the default pool', async () => {
    const smsPool = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: `Texts ${seq++}`, numbers: [{ e164: '+12125550122' }] }).expect(201)).body as RingPoolView;
    const dialPool = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: `Calls ${seq++}`, numbers: [{ e164: '+12125550133' }] }).expect(201)).body as RingPoolView;
    const s = await createSchedule({
      smsPoolId: smsPool.id,
      dialPoolId: dialPool.id,
      steps: [
        { type: 'sms', timing: NOW, config: { body: 'Hello' } },
        { type: 'dial', activation: 'automatic', timing: NOW, config: { mode: 'owner' } },
      ],
    });
    const { lead, number } = await newLead();
    sim.script(number, { outcome: 'answer', ringSeconds: 2, talkSeconds: 5 });
    await enroll(s.id, [lead.id]);
    await drain();
    const [text, dial] = await actions(lead.id);
    expect(text).toMatchObject({ type: 'sms', status: 'completed' });
    expect(dial).toMatchObject({ type: 'dial', status: 'in_progress' });
    expect(await conversation(text.conversationId as string)).toMatchObject({ channel: 'sms', poolId: smsPool.id, from: '+12125550122' });
    expect(await conversation(dial.conversationId as string)).toMatchObject({ channel: 'call', poolId: dialPool.id, from: '+12125550133' });
    expect(sim.listMessages().find((m) => m.to === number)?.from).toBe('+12125550122');
    expect(sim.listCalls().find((c) => c.to === number)?.from).toBe('+12125550133');
  });
});
