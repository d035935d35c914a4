import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import twilio from 'twilio';
import type { ConversationView, LeadView, RingPoolView } from '#shared';
import { ComplianceRepository } from '../../server/src/compliance/compliance.repository.js';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { ConversationEntity } from '../../server/src/telephony/conversations/conversation.entity.js';
import { ConversationsRepository } from '../../server/src/telephony/conversations/conversations.repository.js';
import { CallRooms } from '../../server/src/telephony/rooms/call-rooms.service.js';
import { OutboundRateLimiter } from '../../server/src/telephony/outbound/rate-limiter.js';
import { OutboundService } from '../../server/src/telephony/outbound/outbound.service.js';
import { CallReconciler } from '../../server/src/telephony/outbound/reconciler.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;
type Detailed = ConversationView & { events: Array<{ status: string; applied: boolean; source: string }> };

// A Monday, 12:00 in New York: inside every US calling window.
const NOON_ET = '2026-03-02T17:00:00.000Z';

describe('telephony through the simulated carrier', () => {
  let t: TestApp;
  let sim: SimulatedCarrier;
  let base: string;
  let admin: Session;
  let agent: Session;
  let pool: RingPoolView;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET, env: { CARRIER_SIM_CLOCK: 'manual', OUTBOUND_CALLS_PER_SECOND: '100', OUTBOUND_SMS_PER_SECOND: '100', CALL_RECONCILE_SECONDS: '120' } });
    base = await listen(t);
    sim = t.get<SimulatedCarrier>(SIMULATED_CARRIER);
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
    pool = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Main', numbers: [{ e164: '+12125550100' }, { e164: '+13055550100' }] }).expect(201)).body as RingPoolView;
  });
  afterAll(async () => {
    await t?.close();
  });

  const newLead = async (extra: Record<string, unknown> = {}) => {
    const number = `+1718555${String(1000 + seq++).padStart(4, '0')}`;
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number }], ownerId: agent.user.id, ...extra }).expect(201)).body as LeadView;
    return { lead, number };
  };
  const conversation = async (id: string) => (await t.http.get(`/api/conversations/${id}`).set(admin.auth).expect(200)).body as Detailed;
  const signed = (path: string, params: Record<string, string>, token = sim.options.authToken) => {
    const url = `${base}${path}`;
    return { url, signature: twilio.getExpectedTwilioSignature(token, url, params) };
  };

  it('places a call through the real client, bridges it to the agent and records the carrier\'s times and duration', async () => {
    const { lead, number } = await newLead();
    sim.script(number, { outcome: 'answer', ringSeconds: 5, talkSeconds: 42 });
    const placed = (await t.http.post('/api/calls').set(agent.auth).send({ leadId: lead.id }).expect(201)).body as ConversationView;
    expect(placed).toMatchObject({ status: 'queued', direction: 'outbound', channel: 'call', to: number, agentId: agent.user.id, poolId: pool.id });
    expect(placed.providerSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(['+12125550100', '+13055550100']).toContain(placed.from);

    await sim.advance(1000);
    expect((await conversation(placed.id)).status).toBe('ringing');
    await sim.advance(5000);
    const call = sim.calls.get(placed.providerSid as string);
    // The person waits in the call's room; the agent's phone is dialed into it and the room starts when it answers.
    expect(call?.dialed).toEqual([`conference:conv-${placed.id}`]);
    await sim.advance(2000);
    const agentLeg = sim.listCalls().find((c) => c.to === `client:agent-${agent.user.id}` && c.dialed.includes(`conference:conv-${placed.id}`));
    expect(agentLeg?.status).toBe('in-progress');
    expect(sim.conferenceView(`conv-${placed.id}`)).toMatchObject({ status: 'in-progress', hears: { [placed.providerSid as string]: [agentLeg?.sid], [agentLeg?.sid as string]: [placed.providerSid] } });
    expect((await conversation(placed.id)).status).toBe('in-progress');
    await sim.advance(40_000);

    const done = await conversation(placed.id);
    expect(done).toMatchObject({ status: 'completed', durationSeconds: 42, answeredBy: null });
    expect(Date.parse(done.endedAt as string) - Date.parse(done.answeredAt as string)).toBe(42_000);
    expect(Date.parse(done.answeredAt as string) - Date.parse(done.ringingAt as string)).toBe(5_000);
    expect(done.events.filter((e) => e.applied).map((e) => e.status)).toEqual(['queued', 'initiated', 'ringing', 'in-progress', 'completed']);
    const after = (await t.http.get(`/api/leads/${lead.id}`).set(admin.auth).expect(200)).body as LeadView;
    expect(after).toMatchObject({ lastActivityType: 'call-out', lastContactedMode: 'outgoing_call' });
    expect(after.lastContactedAt).not.toBeNull();
  });

  it('holds the person on an answered call and brings them back to the agent through the carrier; the phone\'s keys and mute reach the far end', async () => {
    const { lead, number } = await newLead();
    sim.script(number, { outcome: 'answer', ringSeconds: 2, talkSeconds: 120 });
    const placed = (await t.http.post('/api/calls').set(agent.auth).send({ leadId: lead.id }).expect(201)).body as ConversationView;
    // Not in progress yet: nothing to hold.
    await t.http.post(`/api/calls/${placed.id}/hold`).set(agent.auth).send({ held: true }).expect(409);
    await sim.advance(3000);
    const call = sim.calls.get(placed.providerSid as string)!;
    expect(call.status).toBe('in-progress');
    const bad = await t.http.post(`/api/calls/${placed.id}/hold`).set(agent.auth).send({ held: 'yes' }).expect(400);
    expect(bad.body.fields).toEqual([{ field: 'held', message: 'must be true or false' }]);
    const stranger = await signIn(t, 'agent');
    await t.http.post(`/api/calls/${placed.id}/hold`).set(stranger.auth).send({ held: true }).expect(404);

    await sim.advance(2000);
    const room = `conv-${placed.id}`;
    const agentLeg = sim.conferenceView(room).participants.find((p) => p.callSid !== call.sid)?.callSid as string;
    await t.http.post(`/api/calls/${placed.id}/hold`).set(agent.auth).send({ held: true }).expect(204);
    await sim.settle();
    // Held in the room: the person hears the hold music, the agent stays and hears nothing of them.
    expect(sim.conferenceView(room)).toMatchObject({ status: 'in-progress', hears: { [call.sid]: [], [agentLeg]: [] } });
    expect(call.status).toBe('in-progress');
    await t.http.post(`/api/calls/${placed.id}/hold`).set(agent.auth).send({ held: false }).expect(204);
    await sim.settle();
    expect(sim.conferenceView(room).hears).toEqual({ [call.sid]: [agentLeg], [agentLeg]: [call.sid] });
    expect(call.dialed).toEqual([`conference:${room}`]);
    const legs = await t.get(CallRooms).eventsOf(placed.id);
    expect(legs.filter((e) => e.kind === 'held' || e.kind === 'resumed').map((e) => [e.kind, e.actorId])).toEqual([
      ['held', agent.user.id],
      ['resumed', agent.user.id],
    ]);
    const notes = (await conversation(placed.id)).events.filter((e) => e.status === 'held' || e.status === 'resumed');
    expect(notes.map((e) => [e.status, e.applied])).toEqual([['held', false], ['resumed', false]]);

    await t.http.post(`/api/telephony/sim/calls/${placed.id}/digits`).set(agent.auth).send({ digits: '12#' }).expect(204);
    await t.http.post(`/api/telephony/sim/calls/${placed.id}/digits`).set(agent.auth).send({ digits: 'ABC' }).expect(400);
    await t.http.post(`/api/telephony/sim/calls/${placed.id}/mute`).set(agent.auth).send({ muted: true }).expect(204);
    expect(call).toMatchObject({ digits: '12#', muted: true });
    await t.http.post(`/api/calls/${placed.id}/hangup`).set(agent.auth).expect(204);
    await sim.advance(1000);
    await t.http.post(`/api/calls/${placed.id}/hold`).set(agent.auth).send({ held: true }).expect(409);
  });

  it.each([
    ['busy', 'busy'],
    ['no-answer', 'no-answer'],
    ['failed', 'failed'],
  ] as const)('a %s outcome ends the conversation as %s with no talk time', async (outcome, status) => {
    const { lead, number } = await newLead();
    sim.script(number, { outcome, ringSeconds: 4 });
    const placed = (await t.http.post('/api/calls').set(admin.auth).send({ leadId: lead.id, ringSeconds: 20 }).expect(201)).body as ConversationView;
    await sim.advance(30_000);
    expect(await conversation(placed.id)).toMatchObject({ status, durationSeconds: 0, answeredAt: null });
  });

  it('sends a text and follows it to delivered, or to undelivered with the carrier\'s error', async () => {
    const { lead, number } = await newLead();
    const sent = (await t.http.post('/api/sms').set(agent.auth).send({ leadId: lead.id, body: 'Hello from Switchboard' }).expect(201)).body as ConversationView;
    expect(sent).toMatchObject({ channel: 'sms', status: 'queued', body: 'Hello from Switchboard', to: number });
    await sim.advance(3000);
    expect(await conversation(sent.id)).toMatchObject({ status: 'delivered', errorCode: null });

    const other = await newLead();
    sim.script(other.number, { outcome: 'failed' });
    const failed = (await t.http.post('/api/sms').set(admin.auth).send({ leadId: other.lead.id, body: 'Hi' }).expect(201)).body as ConversationView;
    await sim.advance(3000);
    expect(await conversation(failed.id)).toMatchObject({ status: 'undelivered', errorCode: '30003' });
  });

  it('refuses unsigned, forged and altered webhooks with 403 and changes nothing', async () => {
    const { lead, number } = await newLead();
    sim.script(number, { outcome: 'hold' });
    const placed = (await t.http.post('/api/calls').set(admin.auth).send({ leadId: lead.id }).expect(201)).body as ConversationView;
    const path = `/api/telephony/webhooks/call-status?c=${placed.id}`;
    const params = { CallSid: placed.providerSid as string, CallStatus: 'completed', CallDuration: '99', AccountSid: sim.options.accountSid };
    const { signature } = signed(path, params);
    await t.http.post(path).type('form').send(params).expect(403);
    await t.http.post(path).type('form').set('X-Twilio-Signature', signed(path, params, 'not-the-token-not-the-token').signature).send(params).expect(403);
    await t.http.post(path).type('form').set('X-Twilio-Signature', signature).send({ ...params, CallDuration: '1' }).expect(403);
    const body = (await t.http.post(path).type('form').set('X-Twilio-Signature', 'abc').send(params).expect(403)).body;
    expect(body).toMatchObject({ code: 'FORBIDDEN' });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts/);
    expect(await conversation(placed.id)).toMatchObject({ status: 'queued', durationSeconds: null });
    await t.http.post(path).type('form').set('X-Twilio-Signature', signature).send(params).expect(204);
    expect(await conversation(placed.id)).toMatchObject({ status: 'completed', durationSeconds: 99 });
  });

  it('duplicate and reordered callbacks change nothing once the call is final', async () => {
    const { lead, number } = await newLead();
    sim.script(number, { outcome: 'answer', ringSeconds: 3, talkSeconds: 20 });
    const placed = (await t.http.post('/api/calls').set(admin.auth).send({ leadId: lead.id }).expect(201)).body as ConversationView;
    await sim.advance(30_000);
    const final = await conversation(placed.id);
    expect(final).toMatchObject({ status: 'completed', durationSeconds: 20 });
    const mine = sim.deliveries.filter((d) => d.kind === 'call-status' && d.url.includes(placed.id) && d.status === 204);
    expect(mine.map((d) => d.params.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    // The carrier retries: every callback again, last first.
    for (const d of [...mine].reverse()) {
      await t.http.post(new URL(d.url).pathname + new URL(d.url).search).type('form').set('X-Twilio-Signature', d.signature).send(d.params).expect(204);
    }
    const again = await conversation(placed.id);
    expect({ ...again, events: undefined }).toEqual({ ...final, events: undefined });
    expect(again.events.slice(final.events.length).map((e) => e.applied)).toEqual([false, false, false, false]);
  });

  it('the reconciler settles a call whose callbacks were lost, from what the carrier says', async () => {
    const { lead, number } = await newLead();
    sim.script(number, { outcome: 'answer', ringSeconds: 2, talkSeconds: 33 });
    const placed = (await t.http.post('/api/calls').set(admin.auth).send({ leadId: lead.id }).expect(201)).body as ConversationView;
    await sim.advance(60_000);
    // As if only the first callbacks had arrived.
    await t.dataSource.getRepository(ConversationEntity).update({ id: placed.id }, { status: 'ringing', answeredAt: null, endedAt: null, durationSeconds: null });
    const reconciler = t.get(CallReconciler);
    expect((await reconciler.run()).updated).toBe(0); // not stale yet
    t.clock.advance(121_000);
    const report = await reconciler.run();
    expect(report.updated).toBeGreaterThanOrEqual(1);
    expect(await conversation(placed.id)).toMatchObject({ status: 'completed', durationSeconds: 33 });
    expect((await conversation(placed.id)).events.some((e) => e.source === 'reconciler' && e.applied)).toBe(true);
  });

  it('a crash between placing and recording never leads to a second call for the same attempt', async () => {
    const { lead, number } = await newLead();
    sim.script(number, { outcome: 'answer', ringSeconds: 2, talkSeconds: 10 });
    const repo = t.get(ConversationsRepository);
    const record = repo.recordPlaced.bind(repo);
    repo.recordPlaced = async () => {
      throw new Error('the process died');
    };
    const key = `action:${lead.id}:attempt-1`;
    try {
      await t.http.post('/api/calls').set(admin.auth).send({ leadId: lead.id, idempotencyKey: key }).expect(500);
    } finally {
      repo.recordPlaced = record;
    }
    const retry = (await t.http.post('/api/calls').set(admin.auth).send({ leadId: lead.id, idempotencyKey: key }).expect(201)).body as ConversationView;
    expect(retry.providerSid).toBeNull(); // not recorded before the crash…
    await sim.advance(20_000);
    expect([...sim.calls.values()].filter((c) => c.to === number)).toHaveLength(1);
    // …but the carrier's callbacks name the conversation, so it catches up.
    const settled = await conversation(retry.id);
    expect(settled.providerSid).toMatch(/^CA/);
    expect(settled).toMatchObject({ status: 'completed', durationSeconds: 10 });
    const third = (await t.http.post('/api/calls').set(admin.auth).send({ leadId: lead.id, idempotencyKey: key }).expect(201)).body as ConversationView;
    expect(third.id).toBe(retry.id);
    expect([...sim.calls.values()].filter((c) => c.to === number)).toHaveLength(1);
  });

  it('a call that never reached the carrier is closed by the reconciler as failed', async () => {
    const { lead } = await newLead();
    const gateway = t.get(ConversationsRepository);
    const c = (await t.dataSource.getRepository(ConversationEntity).findOneBy({ leadId: lead.id })) ?? null;
    expect(c).toBeNull();
    const now = t.clock.now();
    await gateway.insertOnce({
      ...(await t.dataSource.getRepository(ConversationEntity).findOneByOrFail({ channel: 'call' })),
      id: '00000000-0000-4000-8000-000000000001',
      leadId: lead.id,
      providerSid: null,
      status: 'initiating',
      idempotencyKey: 'never-placed',
      toNumber: '+17185550000',
      createdAt: now,
      updatedAt: now,
      ringingAt: null,
      answeredAt: null,
      endedAt: null,
      durationSeconds: null,
      lastSequence: -1,
    });
    t.clock.advance(121_000);
    await t.get(CallReconciler).run();
    expect(await conversation('00000000-0000-4000-8000-000000000001')).toMatchObject({ status: 'failed', errorCode: 'not-placed', errorMessage: 'the call never reached the carrier' });
  });

  it('a text the carrier took but whose sid was never written is adopted by the reconciler, not closed as never sent', async () => {
    const { lead, number } = await newLead();
    const repo = t.get(ConversationsRepository);
    const record = repo.recordPlaced.bind(repo);
    repo.recordPlaced = async () => {
      throw new Error('the process died');
    };
    try {
      await t.http.post('/api/sms').set(admin.auth).send({ leadId: lead.id, body: 'Adopt me' }).expect(500);
    } finally {
      repo.recordPlaced = record;
    }
    const [left] = ((await t.http.get(`/api/conversations?leadId=${lead.id}`).set(admin.auth).expect(200)).body as { items: ConversationView[] }).items;
    expect(left).toMatchObject({ status: 'initiating', providerSid: null });
    t.clock.advance(121_000);
    expect((await t.get(CallReconciler).run()).adopted).toBeGreaterThanOrEqual(1);
    const sent = sim.listMessages().filter((m) => m.to === number);
    expect(sent).toHaveLength(1);
    expect(await conversation(left.id)).toMatchObject({ providerSid: sent[0].sid, status: 'queued', errorCode: null });
  });

  it('a text closed as never placed (its attempt died before the carrier had it) is sent by a later run of its step, once the gate allows it; never after a stop', async () => {
    const outbound = t.get(OutboundService);
    const limiter = t.get(OutboundRateLimiter);
    const acquire = limiter.acquire.bind(limiter);
    /** A text whose attempt died before the carrier was asked, closed by the reconciler as never placed. */
    const neverPlaced = async (key: string) => {
      const { lead, number } = await newLead();
      limiter.acquire = async () => {
        throw new Error('the process died');
      };
      try {
        await t.http.post('/api/sms').set(admin.auth).send({ leadId: lead.id, body: 'Send me after all', idempotencyKey: key }).expect(500);
      } finally {
        limiter.acquire = acquire;
      }
      t.clock.advance(121_000);
      await t.get(CallReconciler).run();
      const [closed] = ((await t.http.get(`/api/conversations?leadId=${lead.id}`).set(admin.auth).expect(200)).body as { items: ConversationView[] }).items;
      expect(closed).toMatchObject({ status: 'failed', errorCode: 'not-placed', providerSid: null });
      return { lead, number, closed };
    };
    const again = (leadId: string, key: string) => outbound.sendSms({ leadId, body: 'Send me after all', cause: { type: 'participant-action', id: null }, idempotencyKey: key, resumeUnfinished: true });

    const a = await neverPlaced('never-placed-send');
    const sent = await again(a.lead.id, 'never-placed-send');
    expect(sent).toMatchObject({ id: a.closed.id, status: 'queued', errorCode: null });
    expect(sim.listMessages().filter((m) => m.to === a.number)).toHaveLength(1);
    // Asked once more: the same text, not a second one.
    expect((await again(a.lead.id, 'never-placed-send')).id).toBe(a.closed.id);
    expect(sim.listMessages().filter((m) => m.to === a.number)).toHaveLength(1);

    const b = await neverPlaced('never-placed-stop');
    await t.http.post('/api/telephony/sim/inbound-sms').set(admin.auth).send({ from: b.number, to: '+12125550100', body: 'STOP' }).expect(201);
    await expect(again(b.lead.id, 'never-placed-stop')).rejects.toMatchObject({ code: 'CONTACT_REFUSED' });
    expect(sim.listMessages().filter((m) => m.to === b.number && m.direction !== 'inbound')).toHaveLength(0);
    expect(await conversation(b.closed.id)).toMatchObject({ status: 'failed', errorCode: 'not-placed' });
  });

  it('the carrier refusing as too busy answers 503 with Retry-After; the same request again is sent, under the same key', async () => {
    const { lead, number } = await newLead();
    sim.refuseAsBusy(2);
    const sms = await t.http.post('/api/sms').set(admin.auth).send({ leadId: lead.id, body: 'Try me', idempotencyKey: 'busy-sms' }).expect(503);
    expect(sms.headers['retry-after']).toBe('60');
    expect(sms.body).toMatchObject({ code: 'CARRIER_BUSY' });
    expect(sms.body.message).toMatch(/^The carrier is limiting requests now/);
    const call = await t.http.post('/api/calls').set(admin.auth).send({ leadId: lead.id, idempotencyKey: 'busy-call' }).expect(503);
    expect(call.body.code).toBe('CARRIER_BUSY');
    const sent = (await t.http.post('/api/sms').set(admin.auth).send({ leadId: lead.id, body: 'Try me', idempotencyKey: 'busy-sms' }).expect(201)).body as ConversationView;
    expect(sent.status).not.toBe('failed');
    expect(sim.listMessages().filter((m) => m.to === number)).toHaveLength(1);
    const placed = (await t.http.post('/api/calls').set(admin.auth).send({ leadId: lead.id, idempotencyKey: 'busy-call' }).expect(201)).body as ConversationView;
    expect(placed.providerSid).toMatch(/^CA/);
    // The refused attempts stay on record as failed with the carrier's code.
    const failed = (await t.http.get(`/api/conversations?leadId=${lead.id}&limit=10`).set(admin.auth).expect(200)).body.items as ConversationView[];
    expect(failed.filter((c) => c.status === 'failed')).toHaveLength(2);
  });

  it('refuses an opted-out, blocked or out-of-hours lead on every outbound path, with the reason recorded', async () => {
    const opted = await newLead();
    await t.http.post('/api/opt-outs').set(admin.auth).send({ address: opted.number, channel: 'all' }).expect(201);
    const res = await t.http.post('/api/calls').set(admin.auth).send({ leadId: opted.lead.id }).expect(409);
    expect(res.body).toMatchObject({ code: 'CONTACT_REFUSED', details: { allowed: false, reasons: [{ code: 'OPTED_OUT' }] } });
    expect((await t.http.post('/api/sms').set(admin.auth).send({ leadId: opted.lead.id, body: 'hi' }).expect(409)).body.code).toBe('CONTACT_REFUSED');

    const blocked = await newLead();
    await t.http.post('/api/blocks').set(admin.auth).send({ kind: 'number', value: blocked.number }).expect(201);
    expect((await t.http.post('/api/sms').set(admin.auth).send({ leadId: blocked.lead.id, body: 'hi' }).expect(409)).body.details.reasons[0].code).toBe('BLOCKED');

    // The softphone's own outgoing call (the carrier asks for TwiML): refused in words, then hung up.
    const params = { AccountSid: sim.options.accountSid, CallSid: `CA${'e'.repeat(32)}`, From: `client:agent-${agent.user.id}`, To: blocked.number, LeadId: blocked.lead.id };
    const voice = signed('/api/telephony/webhooks/voice', params);
    const twiml = await t.http.post('/api/telephony/webhooks/voice').type('form').set('X-Twilio-Signature', voice.signature).send(params).expect(200);
    expect(twiml.text).toContain('<Say>This lead may not be called now.</Say><Hangup/>');

    const late = await newLead();
    const before = t.clock.now();
    t.clock.set('2026-03-03T03:00:00.000Z'); // 22:00 in New York
    try {
      const fresh = await signIn(t, 'admin'); // the earlier token has expired by then
      expect((await t.http.post('/api/calls').set(fresh.auth).send({ leadId: late.lead.id }).expect(409)).body.details.reasons[0].code).toBe('OUTSIDE_HOURS');
    } finally {
      t.clock.set(before.toISOString());
    }
    const refusals = await t.get(ComplianceRepository).refusalsFor(opted.lead.id);
    expect(refusals.map((r) => r.context)).toEqual(expect.arrayContaining(['call:manual', 'sms:manual']));
    expect((await t.get(ComplianceRepository).refusalsFor(late.lead.id)).map((r) => r.codes)).toEqual(['OUTSIDE_HOURS']);
  });

  it('the softphone\'s own call enters its room and the lead is dialed into it from a pool number: hold works there, and the room ends with the call', async () => {
    const { lead, number } = await newLead();
    sim.script(number, { outcome: 'answer', ringSeconds: 2, talkSeconds: 30 });
    sim.inboundVoiceUrl = `${base}/api/telephony/webhooks/voice`;
    const agentCall = await sim.injectInboundCall({ from: `client:agent-${agent.user.id}`, to: number });
    const list = (await t.http.get(`/api/conversations?leadId=${lead.id}`).set(agent.auth).expect(200)).body as { items: ConversationView[] };
    expect(list.items).toHaveLength(1);
    const placed = list.items[0];
    expect(placed).toMatchObject({ agentId: agent.user.id, cause: { type: 'manual', id: null } });
    expect(['+12125550100', '+13055550100']).toContain(placed.from);
    expect(agentCall.dialed).toEqual([`conference:conv-${placed.id}`]);
    await sim.advance(3_000);
    const live = await conversation(placed.id);
    expect(live.status).toBe('in-progress');
    const customerSid = live.providerSid as string;
    expect(sim.call(customerSid)).toMatchObject({ to: number, from: placed.from });
    expect(sim.conferenceView(`conv-${placed.id}`)).toMatchObject({ status: 'in-progress', hears: { [customerSid]: [agentCall.sid], [agentCall.sid]: [customerSid] } });
    const legs = (await t.get(CallRooms).legsOf(placed.id)).map((l) => ({ role: l.role, status: l.status, callSid: l.callSid }));
    expect(legs).toEqual(expect.arrayContaining([{ role: 'agent', status: 'in-room', callSid: agentCall.sid }, { role: 'customer', status: 'in-room', callSid: customerSid }]));
    // Hold in the room: the lead hears the music, the agent stays.
    await t.http.post(`/api/calls/${placed.id}/hold`).set(agent.auth).send({ held: true }).expect(204);
    await sim.settle();
    expect(sim.conferenceView(`conv-${placed.id}`)).toMatchObject({ hears: { [customerSid]: [], [agentCall.sid]: [] } });
    await t.http.post(`/api/calls/${placed.id}/hold`).set(agent.auth).send({ held: false }).expect(204);
    await sim.advance(40_000);
    expect(await conversation(placed.id)).toMatchObject({ status: 'completed', durationSeconds: 30 });
    expect(sim.call(agentCall.sid).status).toBe('completed');
  });

  it('a softphone call the lead does not answer ends the room, so the agent\'s phone is free again', async () => {
    const { lead, number } = await newLead();
    sim.script(number, { outcome: 'no-answer', ringSeconds: 20 });
    sim.inboundVoiceUrl = `${base}/api/telephony/webhooks/voice`;
    const agentCall = await sim.injectInboundCall({ from: `client:agent-${agent.user.id}`, to: number });
    await sim.advance(60_000);
    const placed = ((await t.http.get(`/api/conversations?leadId=${lead.id}`).set(agent.auth).expect(200)).body as { items: ConversationView[] }).items[0];
    expect(placed.status).toBe('no-answer');
    expect(sim.call(agentCall.sid).status).toBe('completed');
    expect((await t.get(CallRooms).legsOf(placed.id)).find((l) => l.role === 'customer')?.status).toBe('failed');
  });

  it('an exhausted pool is an explained refusal', async () => {
    const small = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Tiny', dailyCallCap: 1, numbers: [{ e164: '+14045550100' }] }).expect(201)).body as RingPoolView;
    const a = await newLead();
    const b = await newLead();
    sim.script(a.number, { outcome: 'busy' });
    await t.http.post('/api/calls').set(admin.auth).send({ leadId: a.lead.id, poolId: small.id }).expect(201);
    const res = await t.http.post('/api/calls').set(admin.auth).send({ leadId: b.lead.id, poolId: small.id }).expect(409);
    expect(res.body).toMatchObject({ code: 'POOL_EXHAUSTED', details: { numbers: [{ e164: '+14045550100', reason: 'daily call cap reached (1/1)' }] } });
  });

  it('inbound texts: STOP opts the number out and is answered; every text is a Conversation', async () => {
    const { lead, number } = await newLead();
    const res = await t.http.post('/api/telephony/sim/inbound-sms').set(admin.auth).send({ from: number, to: '+12125550100', body: 'Stop' }).expect(201);
    expect(res.body.reply).not.toContain('<Message');
    expect((await t.http.get(`/api/leads/${lead.id}/eligibility?channel=sms`).set(admin.auth).expect(200)).body.reasons[0].code).toBe('OPTED_OUT');
    // The one confirmation the rule allows: a durable job, sent from the number they wrote to, once.
    await t.get(SchedulerService).runDue();
    await t.get(SchedulerService).runDue();
    await sim.advance(5_000);
    const list = (await t.http.get(`/api/conversations?leadId=${lead.id}&channel=sms`).set(admin.auth).expect(200)).body as { items: ConversationView[] };
    // Both at the same instant on the fixed clock: compared in a fixed order.
    expect(list.items.map((c) => [c.direction, c.body?.slice(0, 30), c.from]).sort()).toEqual([
      ['inbound', 'Stop', number],
      ['outbound', 'Switchboard: We have your requ', '+12125550100'],
    ]);
    expect([...sim.messages.values()].filter((m) => m.to === number && m.body.includes('no more texts'))).toHaveLength(1);
    await t.http.post('/api/telephony/sim/inbound-sms').set(agent.auth).send({ from: number, to: '+12125550100', body: 'hi' }).expect(403);
  });

  it('inbound calls go to the agent who last spoke with the lead, else to voicemail', async () => {
    const { lead, number } = await newLead();
    sim.script(number, { outcome: 'answer', ringSeconds: 1, talkSeconds: 5 });
    await t.http.post('/api/calls').set(agent.auth).send({ leadId: lead.id }).expect(201);
    await sim.advance(10_000);
    const known = (await t.http.post('/api/telephony/sim/inbound-call').set(admin.auth).send({ from: number, to: '+12125550100' }).expect(201)).body;
    // Into the call's room, with the agent's phone dialed into it.
    const inbound = ((await t.http.get(`/api/conversations?leadId=${lead.id}`).set(admin.auth).expect(200)).body as { items: ConversationView[] }).items.find((c) => c.providerSid === known.sid);
    expect(known.dialed).toEqual([`conference:conv-${inbound?.id}`]);
    await sim.advance(3_000);
    const agentLeg = sim.listCalls().find((c) => c.to === `client:agent-${agent.user.id}` && c.dialed.includes(`conference:conv-${inbound?.id}`));
    expect(sim.conferenceView(`conv-${inbound?.id}`)).toMatchObject({ status: 'in-progress', hears: { [known.sid]: [agentLeg?.sid] } });
    await sim.hangup(known.sid);

    const stranger = (await t.http.post('/api/telephony/sim/inbound-call').set(admin.auth).send({ from: '+16175550123', to: '+12125550100' }).expect(201)).body;
    expect(stranger.dialed).toEqual([]);
    await sim.advance(200_000);
    const voicemail = (await t.http.get('/api/conversations?channel=call').set(admin.auth).expect(200)).body as { items: ConversationView[] };
    const vm = voicemail.items.find((c) => c.providerSid === stranger.sid);
    expect(vm?.recordingUrl).toMatch(/Recordings\/RE/);
  });

  it('an inbound call whose agent does not answer goes to voicemail from the room, with the missed leg recorded', async () => {
    const { lead, number } = await newLead();
    sim.script(number, { outcome: 'answer', ringSeconds: 1, talkSeconds: 5 });
    await t.http.post('/api/calls').set(agent.auth).send({ leadId: lead.id }).expect(201);
    await sim.advance(10_000);
    sim.script(`client:agent-${agent.user.id}`, { outcome: 'no-answer', ringSeconds: 30 });
    // The caller stays on the line long enough to leave a message.
    sim.script(number, { outcome: 'answer', talkSeconds: 90 });
    try {
      const call = (await t.http.post('/api/telephony/sim/inbound-call').set(admin.auth).send({ from: number, to: '+12125550100' }).expect(201)).body;
      await sim.advance(200_000);
      const inbound = ((await t.http.get(`/api/conversations?leadId=${lead.id}`).set(admin.auth).expect(200)).body as { items: ConversationView[] }).items.find((c) => c.providerSid === call.sid);
      expect(inbound?.recordingUrl).toMatch(/Recordings\/RE/);
      const legs = await t.get(CallRooms).legsOf(inbound!.id);
      expect(legs.find((l) => l.role === 'agent')).toMatchObject({ userId: agent.user.id, status: 'failed' });
    } finally {
      sim.script(`client:agent-${agent.user.id}`, null);
    }
  });

  it('paces outbound requests at the account rate across instances', async () => {
    const limiter = t.get(OutboundRateLimiter);
    const slots = await Promise.all([0, 1, 2].map(() => limiter.reserve('test-pace', 2)));
    const times = slots.map((s) => s.getTime()).sort((a, b) => a - b);
    expect([times[1] - times[0], times[2] - times[1]]).toEqual([500, 500]);
  });

  it('issues the softphone its phone mode; lists conversations by agent and date', async () => {
    expect((await t.http.get('/api/telephony/token').set(agent.auth).expect(200)).body).toMatchObject({ mode: 'simulated', identity: `agent-${agent.user.id}`, token: null });
    const mine = (await t.http.get(`/api/conversations?agentId=${agent.user.id}&from=2026-03-01T00:00:00Z&to=2026-03-04T00:00:00Z`).set(admin.auth).expect(200)).body as { items: ConversationView[] };
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((c) => c.agentId === agent.user.id)).toBe(true);
    await t.http.get(`/api/conversations?agentId=${admin.user.id}`).set(agent.auth).expect(403);
    expect((await t.http.get('/api/conversations?from=yesterday').set(admin.auth).expect(400)).body.fields[0].field).toBe('from');
  });
});
