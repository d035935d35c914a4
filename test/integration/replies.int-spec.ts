import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import twilio from 'twilio';
import type { LeadView, ReplyView, RingPoolView, ScheduleView, WorkDelivery } from '#shared';
import { DomainEvents } from '../../server/src/common/domain-events.js';
import { LeadReplyEntity } from '../../server/src/replies/lead-reply.entity.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn, TEST_PASSWORD } from '../support/factories.js';
import { connect, type RecordingSocket } from '../support/sockets.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

// Monday 2 March 2026, 12:00 in New York.
const NOON_ET = '2026-03-02T17:00:00.000Z';
const OUR_NUMBER = '+12125550100';
const PATH = '/api/telephony/webhooks/sms';

describe('replies: what a lead writes reaches a person', () => {
  let t: TestApp;
  let url: string;
  let sim: SimulatedCarrier;
  let admin: Session;
  let supervisor: Session;
  let agent: Session;
  let pool: RingPoolView;
  let seq = 0;
  const open: RecordingSocket[] = [];

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET, env: { CARRIER_SIM_CLOCK: 'manual', OUTBOUND_SMS_PER_SECOND: '100' } });
    url = await listen(t);
    sim = t.get<SimulatedCarrier>(SIMULATED_CARRIER);
    admin = await signIn(t, 'admin');
    supervisor = await signIn(t, 'supervisor');
    agent = await signIn(t, 'agent');
    pool = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Main', numbers: [{ e164: OUR_NUMBER }] }).expect(201)).body as RingPoolView;
  }, 60_000);
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  afterAll(async () => {
    await t?.close();
  });

  const socketFor = async (token: string) => {
    const s = connect(url, token);
    open.push(s);
    await s.next('connect');
    return s;
  };
  const newLead = async (ownerId: string | null, extra: Record<string, unknown> = {}) => {
    const number = `+1718557${String(1000 + seq++).padStart(4, '0')}`;
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number }], firstName: 'Rae', lastName: `Moss${seq}`, ownerId, ...extra }).expect(201)).body as LeadView;
    return { lead, number };
  };
  /** The carrier's signed inbound-text webhook, as the carrier (and its retries) post it. */
  const inbound = (from: string, body: string, sid = `SM${String(seq++).padStart(32, '0')}`) => {
    const params = { MessageSid: sid, From: from, To: OUR_NUMBER, Body: body };
    return t.http.post(PATH).type('form').set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(sim.options.authToken, `${url}${PATH}`, params)).send(params).expect(200);
  };
  const repliesOf = (leadId: string) => t.dataSource.getRepository(LeadReplyEntity).find({ where: { leadId } });
  const offeredReply = (s: RecordingSocket, leadId: string) => s.until<WorkDelivery>('work:offered', (d) => d.item.kind === 'reply' && d.item.leadId === leadId);

  it('an inbound text becomes one reply pushed to the owner (a retry makes none), a text from a person answers and withdraws it; STOP makes none', async () => {
    const s = await socketFor(agent.accessToken);
    const { lead, number } = await newLead(agent.user.id);
    const sid = `SM${'cd'.repeat(16)}`;
    await inbound(number, 'Yes, call me after 3', sid);
    const offered = await offeredReply(s, lead.id);
    expect(offered.item).toMatchObject({ kind: 'reply', type: 'sms', leadName: `${lead.firstName} ${lead.lastName}`, title: expect.stringContaining('Yes, call me after 3'), status: 'open' });
    await inbound(number, 'Yes, call me after 3', sid); // the carrier's retry
    const rows = await repliesOf(lead.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'sms', ownerId: agent.user.id, status: 'open' });

    // The agent answers by text: the reply is answered and leaves the screen.
    await t.http.post('/api/sms').set(agent.auth).send({ leadId: lead.id, body: 'Will do, talk at 3' }).expect(201);
    const withdrawn = await s.until<{ kind: string; id: string }>('work:withdrawn', (w) => w.kind === 'reply' && w.id === offered.item.id);
    expect(withdrawn.id).toBe(rows[0].id);
    expect(await repliesOf(lead.id)).toEqual([expect.objectContaining({ status: 'answered', answeredBy: agent.user.id, answeredAt: new Date(NOON_ET) })]);

    // A keyword is not a reply.
    const stop = await newLead(agent.user.id);
    await inbound(stop.number, 'STOP');
    expect(await repliesOf(stop.lead.id)).toEqual([]);
  });

  it('dismissing closes it and withdraws it; hostile input is a 4xx; another agent may not dismiss it', async () => {
    const s = await socketFor(agent.accessToken);
    const other = await signIn(t, 'agent');
    const { lead, number } = await newLead(agent.user.id);
    await inbound(number, 'What are your hours?');
    const offered = await offeredReply(s, lead.id);
    await t.http.post('/api/replies/not-a-uuid/dismiss').set(agent.auth).expect(400);
    await t.http.post('/api/replies/00000000-0000-4000-8000-000000000000/dismiss').set(agent.auth).expect(404);
    await t.http.post(`/api/replies/${offered.item.id}/dismiss`).set(other.auth).expect(403);
    const view = (await t.http.post(`/api/replies/${offered.item.id}/dismiss`).set(agent.auth).expect(200)).body as ReplyView;
    expect(view).toMatchObject({ id: offered.item.id, status: 'dismissed', answeredBy: agent.user.id });
    await s.until('work:withdrawn', (w: { id: string }) => w.id === offered.item.id);
    await t.http.post(`/api/replies/${offered.item.id}/dismiss`).set(agent.auth).expect(409);
    await t.http.get('/api/replies?overdue=maybe').set(supervisor.auth).expect(400);
    await t.http.get('/api/replies').set(agent.auth).expect(403);
  });

  it('with no owner it is offered to available agents; overdue by the clock for supervisors', async () => {
    const ready = await signIn(t, 'agent');
    const s = await socketFor(ready.accessToken);
    expect(await s.socket.emitWithAck('agent:set-state', { state: 'ready' })).toMatchObject({ ok: true });
    expect(await s.socket.emitWithAck('agent:heartbeat', { health: { phone: 'simulated', microphone: 'granted' } })).toEqual({ ok: true });
    const { lead, number } = await newLead(null);
    await inbound(number, 'Who is this?');
    const offered = await offeredReply(s, lead.id);
    expect((await repliesOf(lead.id))[0].ownerId).toBeNull();

    const overdue = async () => ((await t.http.get('/api/replies?overdue=true').set(supervisor.auth).expect(200)).body as ReplyView[]).filter((r) => r.leadId === lead.id);
    expect(await overdue()).toEqual([]);
    t.clock.advance(16 * 60_000);
    supervisor = { ...supervisor, ...(await relogin(supervisor)) };
    expect(await overdue()).toEqual([expect.objectContaining({ id: offered.item.id, channel: 'sms', ownerId: null, ageMinutes: 16, overdue: true, leadName: expect.stringContaining('Rae') })]);
    t.clock.set(NOON_ET);
    [admin, supervisor, agent] = await Promise.all([admin, supervisor, agent].map(relogin));
  });

  it('a reply to a schedule\'s text is for the step\'s owner and ends the enrollment (onReply); an email reply without a readable row still shows', async () => {
    const deputy = await signIn(t, 'agent');
    await t.http.post('/api/custom-fields').set(admin.auth).send({ key: 'rep', label: 'Rep', type: 'text' }).expect(201);
    const schedule = (await t.http
      .post('/api/schedules')
      .set(admin.auth)
      .send({ name: 'Follow up', timezone: 'America/New_York', smsPoolId: pool.id, delegationField: 'rep', steps: [{ type: 'sms', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { body: 'Hi {{lead.firstName}}, still interested?' } }, { type: 'wait', timing: { kind: 'delay', amount: 2, unit: 'days' } }] })
      .expect(201)).body as ScheduleView;
    const { lead, number } = await newLead(agent.user.id, { customFields: { rep: deputy.user.email } });
    const enrolled = (await t.http.post(`/api/schedules/${schedule.id}/enrollments`).set(admin.auth).send({ leadIds: [lead.id] }).expect(201)).body as { enrolled: Array<{ id: string }> };
    const scheduler = t.get(SchedulerService);
    for (let i = 0; i < 20 && (await scheduler.runDue()) > 0; i++);
    expect(sim.listMessages().filter((m) => m.to === number)).toHaveLength(1);
    const s = await socketFor(deputy.accessToken);
    await inbound(number, 'Maybe, tell me more');
    await offeredReply(s, lead.id);
    expect((await repliesOf(lead.id))[0].ownerId).toBe(deputy.user.id);
    // The webhook answers once its consequences are written: the schedule's onReply exit rule ended the enrollment.
    expect((await t.http.get(`/api/enrollments/${enrolled.enrolled[0].id}`).set(admin.auth).expect(200)).body).toMatchObject({ status: 'exited', exitReason: 'replied' });

    // Inbound email (its row belongs to the email room): the event alone makes the work.
    const mailer = await newLead(agent.user.id);
    const a = await socketFor(agent.accessToken);
    await t.get(DomainEvents).emit('lead.replied', { leadId: mailer.lead.id, channel: 'email', at: new Date(NOON_ET), ref: { kind: 'email', id: '11111111-1111-4111-8111-111111111111' } });
    const mail = await offeredReply(a, mailer.lead.id);
    expect(mail.item).toMatchObject({ type: 'email', title: expect.stringMatching(/^Email from Rae Moss/) });
  });

  const relogin = async (s: Session): Promise<Session> => {
    const body = (await t.http.post('/api/auth/login').send({ email: s.user.email, password: TEST_PASSWORD }).expect(200)).body as Session;
    return { ...s, ...body, auth: { Authorization: `Bearer ${body.accessToken}` } };
  };
});
