import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CallLegView, CallRecordingState, CallRecordingView, CallUpdate, DialItemView, DialQueueView, LeadView, LiveCallView, RingPoolView } from '#shared';
import { AgentStatesService } from '../../server/src/agents/agent-states.service.js';
import { DialPacer } from '../../server/src/dialer/dial-pacer.service.js';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { CallRecorder } from '../../server/src/telephony/rooms/call-recorder.service.js';
import { CallRooms } from '../../server/src/telephony/rooms/call-rooms.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { connect } from '../support/sockets.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

/** Noon in New York: inside the legal calling window. */
const NOON_ET = '2026-03-02T17:00:00.000Z';

describe('the live floor: supervisors on live calls', () => {
  let t: TestApp;
  let sim: SimulatedCarrier;
  let base: string;
  let admin: Session;
  let pool: RingPoolView;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET, env: { CARRIER_SIM_CLOCK: 'manual', OUTBOUND_CALLS_PER_SECOND: '100', AGENT_STALE_SECONDS: '3600' } });
    base = await listen(t);
    sim = t.get<SimulatedCarrier>(SIMULATED_CARRIER);
    admin = await signIn(t, 'admin');
    pool = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Floor pool', numbers: [{ e164: '+12125550160' }] }).expect(201)).body as RingPoolView;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  /** A power queue with one agent and one supervisor, and a lead answered and connected to the agent. */
  async function liveCall(others: Session[] = [], queue: Record<string, unknown> = {}, numberOf?: (n: number) => string) {
    const agent = await signIn(t, 'agent');
    const supervisor = await signIn(t, 'supervisor');
    const q = (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: `Floor ${++seq}`, mode: 'power', ringPoolId: pool.id, agentIds: [agent.user.id, ...others.map((o) => o.user.id)], supervisorIds: [supervisor.user.id], ...queue }).expect(201)).body as DialQueueView;
    expect(q.supervisorIds).toEqual([supervisor.user.id]);
    const number = numberOf ? numberOf(seq) : `+1718555${String(3000 + seq).padStart(4, '0')}`;
    sim.script(number, { outcome: 'answer', ringSeconds: 2, talkSeconds: 300 });
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ firstName: `Floor${seq}`, lastName: 'Lead', phones: [{ number }] }).expect(201)).body as LeadView;
    await t.http.post(`/api/dial-queues/${q.id}/leads`).set(admin.auth).send({ leadIds: [lead.id] }).expect(200);
    await t.get(AgentStatesService).heartbeat(agent.user.id, { phone: 'simulated', microphone: 'granted' });
    await t.http.post('/api/agents/me/state').set(agent.auth).send({ state: 'ready' }).expect(200);
    await t.get(DialPacer).paceAll();
    const [item] = (await t.http.get(`/api/dial-queues/${q.id}/items`).set(admin.auth).expect(200)).body as DialItemView[];
    await sim.advance(5000); // dialed, rung, answered; the agent's phone answers into the room
    const conversationId = item.conversationId as string;
    const room = `conv-${conversationId}`;
    expect(sim.conferenceView(room).status).toBe('in-progress');
    const parties = sim.conferenceView(room).participants;
    const by = (label: string) => parties.find((p) => p.label === label)?.callSid as string;
    return { agent, supervisor, q, lead, conversationId, room, customer: by('customer'), agentCall: by('agent') };
  }

  const ready = async (who: Session) => {
    await t.get(AgentStatesService).heartbeat(who.user.id, { phone: 'simulated', microphone: 'granted' });
    await t.http.post('/api/agents/me/state').set(who.auth).send({ state: 'ready' }).expect(200);
  };
  const stateOf = async (who: Session) => ((await t.http.get('/api/agents/me').set(who.auth).expect(200)).body as { state: string }).state;
  /** Who hears whom in the room now, by label (customer, agent, transfer, third-party), each list sorted. */
  const hearing = (room: string) => {
    const v = sim.conferenceView(room);
    const label = (sid: string) => v.participants.find((p) => p.callSid === sid)?.label ?? '?';
    return Object.fromEntries(Object.entries(v.hears).map(([sid, heard]) => [label(sid), heard.map(label).sort()]));
  };
  const ownerOf = async (conversationId: string) => ((await t.http.get(`/api/conversations/${conversationId}`).set(admin.auth).expect(200)).body as { agentId: string | null }).agentId;

  const end = async (room: string) => {
    await sim.hangup(sim.conferenceView(room).participants.find((p) => p.label === 'customer')?.callSid as string);
    await sim.settle();
  };

  it('a supervisor listens, whispers and barges from the board, switching in the call, and leaves without ending it; who hears whom follows', async () => {
    const { agent, supervisor, q, lead, conversationId, room, customer, agentCall } = await liveCall();
    const board = (await t.http.get('/api/floor/calls').set(supervisor.auth).expect(200)).body as LiveCallView[];
    expect(board).toEqual([expect.objectContaining({ conversationId, leadId: lead.id, leadName: `Floor${seq} Lead`, agentId: agent.user.id, agentName: agent.user.name, queueId: q.id, queueName: q.name, held: false, monitors: [] })]);

    const socket = connect(base, agent.accessToken);
    await socket.next('connect');
    try {
      const joined = (await t.http.post(`/api/floor/calls/${conversationId}/monitor`).set(supervisor.auth).send({ mode: 'listen' }).expect(201)).body as CallLegView;
      expect(joined).toMatchObject({ role: 'monitor', userId: supervisor.user.id, mode: 'listen', status: 'dialing' });
      // The agent's socket is told who is on the call as it changes.
      const listening = await socket.until<CallUpdate>('call:update', (u) => u.monitors.length > 0);
      expect(listening).toMatchObject({ conversationId, conversation: { id: conversationId, status: 'in-progress' }, monitors: [{ userId: supervisor.user.id, name: supervisor.user.name, mode: 'listen' }] });
      expect(listening.legs.map((l) => l.role)).toEqual(['customer', 'agent', 'monitor']);
      await sim.advance(2000); // the supervisor's phone answers into the room
      const sup = sim.conferenceView(room).participants.find((p) => p.callSid !== customer && p.callSid !== agentCall)?.callSid as string;
      const heard = () => Object.fromEntries(Object.entries(sim.conferenceView(room).hears).map(([k, v]) => [k, [...v].sort()]));
      expect(heard()[sup]).toEqual([customer, agentCall].sort());
      expect(heard()[customer]).toEqual([agentCall].sort());
      expect(heard()[agentCall]).toEqual([customer].sort());

      await t.http.patch(`/api/floor/calls/${conversationId}/monitor`).set(supervisor.auth).send({ mode: 'whisper' }).expect(200);
      await sim.settle();
      expect(sim.conferenceView(room).participants.find((p) => p.callSid === sup)).toMatchObject({ muted: false, coaching: true, callSidToCoach: agentCall });
      expect(heard()[agentCall]).toEqual([customer, sup].sort());
      expect(heard()[customer]).toEqual([agentCall].sort());
      await socket.until<CallUpdate>('call:update', (u) => u.monitors.length === 1 && u.monitors[0].mode === 'whisper' && u.monitors[0].userId === supervisor.user.id);

      await t.http.patch(`/api/floor/calls/${conversationId}/monitor`).set(supervisor.auth).send({ mode: 'barge' }).expect(200);
      await sim.settle();
      expect(sim.conferenceView(room).participants.find((p) => p.callSid === sup)).toMatchObject({ muted: false, coaching: false });
      expect(heard()[customer]).toEqual([agentCall, sup].sort());
      expect(heard()[agentCall]).toEqual([customer, sup].sort());

      await t.http.delete(`/api/floor/calls/${conversationId}/monitor`).set(supervisor.auth).expect(204);
      await sim.settle();
      expect(sim.conferenceView(room)).toMatchObject({ status: 'in-progress', hears: { [customer]: [agentCall], [agentCall]: [customer] } });
      const board2 = (await t.http.get('/api/floor/calls').set(supervisor.auth).expect(200)).body as LiveCallView[];
      expect(board2.find((c) => c.conversationId === conversationId)?.monitors).toEqual([]);
    } finally {
      socket.close();
    }
    // Every session and switch is in the call's events, with who did it.
    const events = (await t.get(CallRooms).eventsOf(conversationId)).filter((e) => e.kind.startsWith('monitor'));
    expect(events.map((e) => [e.kind, e.detail, e.actorId])).toEqual([
      ['monitor-started', 'listen', supervisor.user.id],
      ['monitor-mode', 'whisper', supervisor.user.id],
      ['monitor-mode', 'barge', supervisor.user.id],
      ['monitor-ended', 'barge', supervisor.user.id],
    ]);
    const legs = (await t.http.get(`/api/floor/calls/${conversationId}/legs`).set(agent.auth).expect(200)).body as CallLegView[];
    expect(legs.map((l) => [l.role, l.userId, l.status])).toEqual([
      ['customer', null, 'in-room'],
      ['agent', agent.user.id, 'in-room'],
      ['monitor', supervisor.user.id, 'left'],
    ]);
    await end(room);
  });

  it('the agent\'s screen is rebuilt from the server: the call their phone is on, then, once it ended, the wrap-up it is still owed until it is dispositioned', async () => {
    const { agent, conversationId, room } = await liveCall();
    expect((await t.http.get('/api/floor/my-call').set(agent.auth).expect(200)).body).toEqual({ conversationId, leadName: `Floor${seq} Lead`, phase: 'live' });
    await end(room);
    expect((await t.http.get('/api/floor/my-call').set(agent.auth).expect(200)).body).toEqual({ conversationId, leadName: `Floor${seq} Lead`, phase: 'wrap-up' });
    // Another agent is owed nothing for it.
    const other = await signIn(t, 'agent');
    await t.http.get('/api/floor/my-call').set(other.auth).expect(204);
    const [code] = (await t.http.get(`/api/conversations/${conversationId}/dispositions`).set(agent.auth).expect(200)).body as Array<{ code: string; requiresCallback?: boolean }>;
    await t.http.post(`/api/conversations/${conversationId}/disposition`).set(agent.auth).send({ code: code.code }).expect(201);
    await t.http.get('/api/floor/my-call').set(agent.auth).expect(204);
  });

  it('only supervisors of the call\'s queue and admins may join it; a bad mode names the field; nothing is written on a refusal', async () => {
    const { agent, conversationId, room } = await liveCall();
    const other = await signIn(t, 'supervisor');
    const refused = await t.http.post(`/api/floor/calls/${conversationId}/monitor`).set(agent.auth).send({ mode: 'listen' }).expect(403);
    expect(JSON.stringify(refused.body)).not.toContain('at ');
    const foreign = await t.http.post(`/api/floor/calls/${conversationId}/monitor`).set(other.auth).send({ mode: 'listen' }).expect(403);
    expect(foreign.body.message).toMatch(/do not supervise this call/);
    expect((await t.http.get('/api/floor/calls').set(other.auth).expect(200)).body).toEqual([]);
    const bad = await t.http.post(`/api/floor/calls/${conversationId}/monitor`).set(admin.auth).send({ mode: 'spy' }).expect(400);
    expect(bad.body.fields).toEqual([{ field: 'mode', message: 'must be one of listen, whisper, barge' }]);
    await t.http.post(`/api/floor/calls/00000000-0000-4000-8000-00000000aaaa/monitor`).set(admin.auth).send({ mode: 'listen' }).expect(404);
    await t.http.patch(`/api/floor/calls/${conversationId}/monitor`).set(admin.auth).send({ mode: 'barge' }).expect(409);
    expect((await t.get(CallRooms).legsOf(conversationId)).map((l) => l.role)).toEqual(['customer', 'agent']);
    // An admin may join any call.
    await t.http.post(`/api/floor/calls/${conversationId}/monitor`).set(admin.auth).send({ mode: 'barge' }).expect(201);
    await t.http.post(`/api/floor/calls/${conversationId}/monitor`).set(admin.auth).send({ mode: 'barge' }).expect(409);
    await end(room);
    // Once the call is over there is nothing to join.
    await t.http.post(`/api/floor/calls/${conversationId}/monitor`).set(admin.auth).send({ mode: 'listen' }).expect(409);
  });

  it('a queue names only supervisors and admins as its supervisors', async () => {
    const agent = await signIn(t, 'agent');
    const res = await t.http.post('/api/dial-queues').set(admin.auth).send({ name: `Floor bad ${++seq}`, mode: 'power', ringPoolId: pool.id, supervisorIds: [agent.user.id, 'not-a-uuid'] }).expect(400);
    expect((res.body.fields as Array<{ field: string }>).map((f) => f.field)).toEqual(['supervisorIds']);
    const res2 = await t.http.post('/api/dial-queues').set(admin.auth).send({ name: `Floor bad ${++seq}`, mode: 'power', ringPoolId: pool.id, supervisorIds: [agent.user.id] }).expect(400);
    expect(res2.body.fields).toEqual([{ field: 'supervisorIds[0]', message: `is an agent, not a supervisor or admin` }]);
  });

  it('the floor may hide silent listening from agents; coaching and barging are always shown', async () => {
    const { agent, supervisor, conversationId, room } = await liveCall();
    await t.http.put('/api/floor/rules').set(agent.auth).send({ hideSilentMonitoring: true }).expect(403);
    await t.http.put('/api/floor/rules').set(admin.auth).send({ hideSilentMonitoring: 'yes' }).expect(400);
    expect((await t.http.put('/api/floor/rules').set(admin.auth).send({ hideSilentMonitoring: true }).expect(200)).body).toEqual({ hideSilentMonitoring: true });
    const agentSocket = connect(base, agent.accessToken);
    const supervisorSocket = connect(base, supervisor.accessToken);
    await Promise.all([agentSocket.next('connect'), supervisorSocket.next('connect')]);
    try {
      await t.http.post(`/api/floor/calls/${conversationId}/monitor`).set(supervisor.auth).send({ mode: 'listen' }).expect(201);
      expect((await t.http.get(`/api/floor/calls/${conversationId}/monitors`).set(agent.auth).expect(200)).body).toEqual([]);
      // Over the socket too: the supervisor sees themself listening; the agent sees neither the monitor nor their leg.
      const theirs = await supervisorSocket.until<CallUpdate>('call:update', (u) => u.conversationId === conversationId && u.monitors.length === 1);
      expect(theirs.monitors).toEqual([{ userId: supervisor.user.id, name: supervisor.user.name, mode: 'listen' }]);
      await supervisorSocket.until<{ conversationId: string }>('floor:call-changed', (p) => p.conversationId === conversationId);
      const agents = await agentSocket.until<CallUpdate>('call:update', (u) => u.conversationId === conversationId);
      expect(agents.monitors).toEqual([]);
      expect(agents.legs.map((l) => l.role)).toEqual(['customer', 'agent']);
      expect(((await t.http.get(`/api/floor/calls/${conversationId}/legs`).set(agent.auth).expect(200)).body as CallLegView[]).map((l) => l.role)).toEqual(['customer', 'agent']);
      // The board still shows them.
      const board = (await t.http.get('/api/floor/calls').set(supervisor.auth).expect(200)).body as LiveCallView[];
      expect(board.find((c) => c.conversationId === conversationId)?.monitors).toEqual([{ userId: supervisor.user.id, name: supervisor.user.name, mode: 'listen' }]);
      await sim.advance(2000);
      await t.http.patch(`/api/floor/calls/${conversationId}/monitor`).set(supervisor.auth).send({ mode: 'whisper' }).expect(200);
      expect((await t.http.get(`/api/floor/calls/${conversationId}/monitors`).set(agent.auth).expect(200)).body).toEqual([{ userId: supervisor.user.id, name: supervisor.user.name, mode: 'whisper' }]);
      // Another agent cannot see who is on someone else's call.
      const stranger = await signIn(t, 'agent');
      await t.http.get(`/api/floor/calls/${conversationId}/monitors`).set(stranger.auth).expect(404);
      // Coaching is heard, so it is shown: the agent's socket says so.
      await agentSocket.until<CallUpdate>('call:update', (u) => u.monitors.length === 1 && u.monitors[0].mode === 'whisper');
    } finally {
      agentSocket.close();
      supervisorSocket.close();
      await t.http.put('/api/floor/rules').set(admin.auth).send({ hideSilentMonitoring: false }).expect(200);
    }
    await end(room);
  });

  it('a warm transfer: the person waits on hold while the agents talk, then is handed over; the call is the new agent\'s to the end', async () => {
    const other = await signIn(t, 'agent');
    const { agent, conversationId, room } = await liveCall([other]);
    await t.http.post(`/api/floor/calls/${conversationId}/transfer`).set(agent.auth).send({ type: 'warm', target: { agentId: other.user.id } }).expect(409);
    await ready(other);
    const leg = (await t.http.post(`/api/floor/calls/${conversationId}/transfer`).set(agent.auth).send({ type: 'warm', target: { agentId: other.user.id } }).expect(201)).body as CallLegView;
    expect(leg).toMatchObject({ role: 'transfer', userId: other.user.id, status: 'dialing' });
    expect(await stateOf(other)).toBe('reserved');
    await t.http.post(`/api/floor/calls/${conversationId}/transfer`).set(agent.auth).send({ type: 'cold', target: { agentId: other.user.id } }).expect(409);
    await sim.advance(2000);
    await sim.settle();
    expect(await stateOf(other)).toBe('on_call');
    // The agents talk; the person, on hold, hears neither.
    expect(hearing(room)).toEqual({ customer: [], agent: ['transfer'], transfer: ['agent'] });
    await t.http.post(`/api/floor/calls/${conversationId}/transfer/complete`).set(agent.auth).expect(204);
    await sim.settle();
    expect(hearing(room)).toEqual({ customer: ['transfer'], transfer: ['customer'] });
    expect(await stateOf(agent)).toBe('ready');
    expect(await ownerOf(conversationId)).toBe(other.user.id);
    // The first agent no longer has the call; the new one does.
    await t.http.post(`/api/floor/calls/${conversationId}/park`).set(agent.auth).expect(404);
    const kinds = (await t.get(CallRooms).eventsOf(conversationId)).map((e) => [e.kind, e.detail]).filter(([k]) => ['dialed-in', 'held', 'resumed', 'handed-over', 'owner'].includes(k as string));
    expect(kinds).toEqual([
      ['held', 'customer'],
      ['dialed-in', `warm to ${other.user.name}`],
      ['handed-over', 'agent'],
      ['resumed', 'customer'],
      ['owner', other.user.id],
    ]);
    await end(room);
    await sim.settle();
    expect(await stateOf(other)).toBe('wrap_up');
  });

  it('a warm transfer taken back, then a cold transfer to a queue: the agent leaves at once and the call is the queue agent\'s when they answer', async () => {
    const other = await signIn(t, 'agent');
    const { agent, conversationId, room } = await liveCall([other]);
    await ready(other);
    await t.http.post(`/api/floor/calls/${conversationId}/transfer`).set(agent.auth).send({ type: 'warm', target: { agentId: other.user.id } }).expect(201);
    await sim.advance(2000);
    await sim.settle();
    await t.http.post(`/api/floor/calls/${conversationId}/transfer/cancel`).set(agent.auth).expect(204);
    await sim.settle();
    expect(hearing(room)).toEqual({ customer: ['agent'], agent: ['customer'] });
    expect(await stateOf(other)).toBe('ready');
    expect(await ownerOf(conversationId)).toBe(agent.user.id);

    const helpers = await signIn(t, 'agent');
    const help = (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: `Help desk ${++seq}`, mode: 'preview', ringPoolId: pool.id, agentIds: [helpers.user.id] }).expect(201)).body as DialQueueView;
    await t.http.post(`/api/floor/calls/${conversationId}/transfer`).set(agent.auth).send({ type: 'cold', target: { queueId: help.id } }).expect(409);
    await ready(helpers);
    await t.http.post(`/api/floor/calls/${conversationId}/transfer`).set(agent.auth).send({ type: 'cold', target: { queueId: help.id } }).expect(201);
    await sim.settle();
    // Blind: the agent is gone and free; the person waits on hold.
    expect(await stateOf(agent)).toBe('ready');
    expect(hearing(room)).toEqual({ customer: [] });
    await sim.advance(2000);
    await sim.settle();
    // (The carrier keeps the label the leg was dialed with.)
    expect(hearing(room)).toEqual({ customer: ['transfer'], transfer: ['customer'] });
    expect(await ownerOf(conversationId)).toBe(helpers.user.id);
    expect(await stateOf(helpers)).toBe('on_call');
    const legs = (await t.http.get(`/api/floor/calls/${conversationId}/legs`).set(admin.auth).expect(200)).body as CallLegView[];
    expect(legs.map((l) => [l.role, l.userId, l.status])).toEqual([
      ['customer', null, 'in-room'],
      ['agent', agent.user.id, 'left'],
      ['transfer', other.user.id, 'left'],
      ['agent', helpers.user.id, 'in-room'],
    ]);
    await end(room);
  });

  it('a three-way call with an outside number the gate allows; one it refuses is never dialed; park and unpark', async () => {
    const other = await signIn(t, 'agent');
    const { agent, conversationId, room } = await liveCall([other]);
    const refused = '+13055550777';
    await t.http.post('/api/opt-outs').set(admin.auth).send({ address: refused, channel: 'all' }).expect(201);
    const no = await t.http.post(`/api/floor/calls/${conversationId}/transfer`).set(agent.auth).send({ type: 'three-way', target: { number: refused } }).expect(409);
    expect(no.body).toMatchObject({ code: 'CONTACT_REFUSED', details: { allowed: false, reasons: [expect.objectContaining({ code: 'OPTED_OUT' })] } });
    expect(sim.listCalls().some((c) => c.to === refused)).toBe(false);
    const bad = await t.http.post(`/api/floor/calls/${conversationId}/transfer`).set(agent.auth).send({ type: 'sideways', target: { number: 'nope', agentId: 'x' } }).expect(400);
    expect((bad.body.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual(['target.agentId', 'type']);
    const two = await t.http.post(`/api/floor/calls/${conversationId}/transfer`).set(agent.auth).send({ type: 'cold', target: { number: '+13055550778', queueId: '00000000-0000-4000-8000-000000000001' } }).expect(400);
    expect(two.body.fields).toEqual([{ field: 'target', message: 'must name exactly one of agentId, queueId, number' }]);
    const stranger = await signIn(t, 'agent');
    await t.http.post(`/api/floor/calls/${conversationId}/transfer`).set(stranger.auth).send({ type: 'cold', target: { number: '+13055550778' } }).expect(404);
    expect((await t.get(CallRooms).legsOf(conversationId)).map((l) => l.role)).toEqual(['customer', 'agent']);

    const outside = '+13055550779';
    sim.script(outside, { outcome: 'answer', ringSeconds: 1, talkSeconds: 600 });
    await t.http.post(`/api/floor/calls/${conversationId}/transfer`).set(agent.auth).send({ type: 'three-way', target: { number: outside } }).expect(201);
    await sim.advance(3000);
    await sim.settle();
    expect(hearing(room)).toEqual({ customer: ['agent', 'third-party'], agent: ['customer', 'third-party'], 'third-party': ['agent', 'customer'] });
    await t.http.post(`/api/floor/calls/${conversationId}/transfer/cancel`).set(agent.auth).expect(204);
    await sim.settle();
    expect(hearing(room)).toEqual({ customer: ['agent'], agent: ['customer'] });

    await t.http.post(`/api/floor/calls/${conversationId}/park`).set(agent.auth).expect(204);
    await sim.settle();
    expect(hearing(room)).toEqual({ customer: [] });
    expect(await stateOf(agent)).toBe('ready');
    await t.http.post(`/api/floor/calls/${conversationId}/unpark`).set(stranger.auth).expect(403);
    await t.http.post(`/api/floor/calls/${conversationId}/unpark`).set(other.auth).expect(409);
    await ready(other);
    await t.http.post(`/api/floor/calls/${conversationId}/unpark`).set(other.auth).expect(201);
    await sim.advance(2000);
    await sim.settle();
    expect(hearing(room)).toEqual({ customer: ['transfer'], transfer: ['customer'] });
    expect(await ownerOf(conversationId)).toBe(other.user.id);
    expect((await t.get(CallRooms).eventsOf(conversationId)).filter((e) => e.kind === 'parked').map((e) => e.actorId)).toEqual([agent.user.id]);
    await end(room);
  });

  describe('recording with consent', () => {
    const recordingsOf = async (who: Session, id: string) => (await t.http.get(`/api/floor/calls/${id}/recordings`).set(who.auth).expect(200)).body as CallRecordingView[];

    it('a queue that records from the start, in a one-party state: recorded at once, paused for a card number, kept for its retention and then deleted', async () => {
      const { agent, conversationId, room } = await liveCall([], { recording: { mode: 'always', retentionDays: 30 } });
      const [rec] = await recordingsOf(agent, conversationId);
      expect(rec).toMatchObject({ status: 'recording', consent: 'one-party', startedBy: null });
      expect(Date.parse(rec.deleteAfter as string) - t.clock.now().getTime()).toBe(30 * 86_400_000);
      await sim.advance(10_000);
      // The agent's socket hears of the recording's state as it changes: nothing asks.
      const socket = connect(base, agent.accessToken);
      await socket.next('connect');
      try {
        expect((await t.http.post(`/api/floor/calls/${conversationId}/recording`).set(agent.auth).send({ action: 'pause' }).expect(201)).body).toMatchObject({ status: 'paused' });
        const paused = await socket.until<CallUpdate>('call:update', (u) => u.conversationId === conversationId && u.recording?.state === 'paused');
        expect(paused.recording).toMatchObject({ state: 'paused', mode: 'always', current: { status: 'paused' } });
      } finally {
        socket.close();
      }
      await sim.advance(20_000);
      await t.http.post(`/api/floor/calls/${conversationId}/recording`).set(agent.auth).send({ action: 'resume' }).expect(201);
      await sim.advance(5_000);
      await end(room);
      await sim.settle();
      const [done] = await recordingsOf(agent, conversationId);
      // Recorded from the answer (2 s before the test's clock starts here), less the 20 s paused.
      expect(done).toMatchObject({ status: 'completed', durationSeconds: 17, url: expect.stringMatching(/\/Recordings\/RE[0-9a-f]{32}$/) });
      const events = (await t.get(CallRooms).eventsOf(conversationId)).filter((e) => e.kind.startsWith('recording')).map((e) => [e.kind, e.actorId]);
      expect(events).toEqual([['recording-started', null], ['recording-paused', agent.user.id], ['recording-resumed', agent.user.id]]);
      // The retention runs out: deleted at the carrier and here.
      expect(await t.get(CallRecorder).sweep()).toBe(0);
      const today = t.clock.now();
      t.clock.advance(31 * 86_400_000);
      try {
        expect(await t.get(CallRecorder).sweep()).toBe(1);
      } finally {
        t.clock.set(today); // the other tests' sessions live on today's clock
      }
      expect((await recordingsOf(agent, conversationId))[0]).toMatchObject({ status: 'deleted', url: null });
      expect([...sim.callRecordings.recordings.values()].some((r) => done.url?.endsWith(r.sid))).toBe(false);
    });

    it('in an all-party state the person hears the announcement before the call, and the recording says so', async () => {
      const { agent, conversationId, room } = await liveCall([], { recording: { mode: 'always', consent: 'announce', announcement: 'This call is recorded.' } }, (n) => `+1415555${String(3000 + n).padStart(4, '0')}`);
      // The announcement (3 s) is heard before the person enters the room.
      await sim.advance(3000);
      expect(sim.conferenceView(room).participants.map((p) => p.label).sort()).toEqual(['agent', 'customer']);
      const twiml = sim.deliveries.filter((d) => d.kind === 'twiml' && d.url.includes(conversationId)).at(-1)?.response ?? '';
      expect(twiml).toMatch(/<Say>This call is recorded\.<\/Say><Dial><Conference/);
      expect((await recordingsOf(agent, conversationId))[0]).toMatchObject({ status: 'recording', consent: 'announced' });
      await end(room);
    });

    it('where the agent must confirm consent, nothing is recorded until they mark it; a queue that never records refuses', async () => {
      const { agent, conversationId, room } = await liveCall([], { recording: { mode: 'always', consent: 'agent-confirms' } }, (n) => `+1305555${String(3000 + n).padStart(4, '0')}`);
      expect(await recordingsOf(agent, conversationId)).toEqual([]);
      const refused = await t.http.post(`/api/floor/calls/${conversationId}/recording`).set(agent.auth).send({ action: 'start' }).expect(409);
      expect(refused.body.message).toMatch(/Florida requires every party's consent \(Fla\. Stat\. § 934\.03/);
      await t.http.post(`/api/floor/calls/${conversationId}/recording`).set(agent.auth).send({ action: 'record' }).expect(400);
      expect((await t.http.post(`/api/floor/calls/${conversationId}/recording`).set(agent.auth).send({ action: 'consent' }).expect(201)).body).toMatchObject({ status: 'recording', consent: 'agent-confirmed', startedBy: agent.user.id });
      await t.http.post(`/api/floor/calls/${conversationId}/recording`).set(agent.auth).send({ action: 'consent' }).expect(409);
      await end(room);

      const never = await liveCall([], { recording: { mode: 'never' } });
      expect((await t.http.post(`/api/floor/calls/${never.conversationId}/recording`).set(never.agent.auth).send({ action: 'consent' }).expect(409)).body.message).toMatch(/not recorded/);
      const stranger = await signIn(t, 'agent');
      await t.http.post(`/api/floor/calls/${never.conversationId}/recording`).set(stranger.auth).send({ action: 'start' }).expect(404);
      await end(never.room);
    });

    const stateOf = async (who: Session, id: string) => (await t.http.get(`/api/floor/calls/${id}/recording`).set(who.auth).expect(200)).body as CallRecordingState;
    const audio = (who: Session, recordingId: string) => t.http.get(`/api/floor/recordings/${recordingId}/audio`).set(who.auth).responseType('blob');

    it("the call panel reads where the recording stands: recording, paused, waiting for the person's consent, never", async () => {
      const live = await liveCall([], { recording: { mode: 'always' } });
      expect(await stateOf(live.agent, live.conversationId)).toMatchObject({ state: 'recording', mode: 'always', allParty: null, current: { status: 'recording', consent: 'one-party' } });
      await t.http.post(`/api/floor/calls/${live.conversationId}/recording`).set(live.agent.auth).send({ action: 'pause' }).expect(201);
      expect(await stateOf(live.supervisor, live.conversationId)).toMatchObject({ state: 'paused' });
      await t.http.get(`/api/floor/calls/${live.conversationId}/recording`).set((await signIn(t, 'agent')).auth).expect(404);
      await end(live.room);

      const florida = await liveCall([], { recording: { mode: 'on-demand', consent: 'agent-confirms' } }, (n) => `+1305555${String(3000 + n).padStart(4, '0')}`);
      expect(await stateOf(florida.agent, florida.conversationId)).toEqual({ state: 'waiting-consent', mode: 'on-demand', allParty: { name: 'Florida', citation: expect.stringMatching(/Fla\. Stat\./) }, current: null });
      await t.http.post(`/api/floor/calls/${florida.conversationId}/recording`).set(florida.agent.auth).send({ action: 'consent' }).expect(201);
      expect(await stateOf(florida.agent, florida.conversationId)).toMatchObject({ state: 'recording', current: { consent: 'agent-confirmed' } });
      await end(florida.room);

      const announced = await liveCall([], { recording: { mode: 'always', consent: 'announce' } }, (n) => `+1415555${String(3000 + n).padStart(4, '0')}`);
      expect(await stateOf(announced.agent, announced.conversationId)).toMatchObject({ state: 'recording', allParty: { name: 'California' }, current: { consent: 'announced' } });
      await sim.advance(3000); // the announcement, then the person enters the room
      await end(announced.room);

      const never = await liveCall([], { recording: { mode: 'never' } });
      expect(await stateOf(never.agent, never.conversationId)).toMatchObject({ state: 'never', mode: 'never', current: null });
      await end(never.room);
    });

    it("a recording's audio is WAV for its agent, its queue's supervisor and admins; another agent and another queue's supervisor are refused; an unknown one is not found", async () => {
      const { agent, supervisor, conversationId, room } = await liveCall([], { recording: { mode: 'always' } });
      const [open] = await recordingsOf(agent, conversationId);
      // Not complete yet: nothing to play.
      expect((await audio(agent, open.id).expect(409)).body).toBeDefined();
      await sim.advance(8000);
      await end(room);
      await sim.settle();
      const [done] = await recordingsOf(agent, conversationId);
      expect(done).toMatchObject({ status: 'completed', durationSeconds: expect.any(Number) });
      for (const who of [agent, supervisor, admin]) {
        const res = await audio(who, done.id).expect(200);
        expect(res.headers['content-type']).toMatch(/^audio\/wav/);
        expect(res.headers['cache-control']).toBe('private, no-store');
        const bytes = res.body as Buffer;
        expect(bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
        expect(bytes.subarray(8, 12).toString('ascii')).toBe('WAVE');
        expect(bytes.length).toBeGreaterThan(44);
      }
      const strangerAgent = await signIn(t, 'agent');
      const otherSupervisor = await signIn(t, 'supervisor');
      for (const who of [strangerAgent, otherSupervisor]) {
        const refused = await t.http.get(`/api/floor/recordings/${done.id}/audio`).set(who.auth).expect(403);
        expect(refused.body).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/may not hear this recording/) });
      }
      await t.http.get('/api/floor/recordings/00000000-0000-4000-8000-00000000abcd/audio').set(admin.auth).expect(404);
      await t.http.get('/api/floor/recordings/not-an-id/audio').set(admin.auth).expect(400);

      // Several calls' recordings in one read (a list of recent calls): only the calls this user may read are answered.
      const unknown = '00000000-0000-4000-8000-00000000abce';
      const batch = (who: Session, ids: string[]) => t.http.get(`/api/floor/recordings?conversationIds=${ids.join(',')}`).set(who.auth);
      expect((await batch(supervisor, [conversationId, unknown]).expect(200)).body).toEqual({ [conversationId]: [expect.objectContaining({ id: done.id, status: 'completed' })] });
      expect((await batch(admin, [conversationId, conversationId]).expect(200)).body).toEqual({ [conversationId]: [expect.objectContaining({ id: done.id })] });
      expect((await batch(otherSupervisor, [conversationId]).expect(200)).body).toEqual({});
      expect((await batch(strangerAgent, [conversationId]).expect(200)).body).toEqual({});
      const bad = await batch(admin, ['not-an-id']).expect(400);
      expect(bad.body.fields).toEqual([expect.objectContaining({ field: 'conversationIds', message: 'must be call ids' })]);
      await t.http.get('/api/floor/recordings').set(admin.auth).expect(400);
      await batch(admin, Array.from({ length: 51 }, () => unknown)).expect(400);
    });
  });

  it("a queue's hold music is what its held person hears (hold, warm transfer); a bad URL names the field; a queue without one uses the carrier's own", async () => {
    const bad = await t.http.post('/api/dial-queues').set(admin.auth).send({ name: `Floor music ${++seq}`, mode: 'power', holdMusicUrl: 'ftp://music.example.com/hold.mp3' }).expect(400);
    expect(bad.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'holdMusicUrl', message: 'must be an http or https URL' })]));
    expect(((await t.http.get('/api/dial-queues').set(admin.auth).expect(200)).body as DialQueueView[]).some((q) => q.name === `Floor music ${seq}`)).toBe(false);

    const music = 'https://music.example.com/queue-hold.mp3';
    const other = await signIn(t, 'agent');
    const { agent, q, conversationId, room } = await liveCall([other], { holdMusicUrl: music });
    expect(q.holdMusicUrl).toBe(music);
    const customer = () => sim.conferenceView(room).participants.find((p) => p.label === 'customer');
    await t.http.post(`/api/calls/${conversationId}/hold`).set(agent.auth).send({ held: true }).expect(204);
    expect(customer()).toMatchObject({ hold: true, holdUrl: music });
    await t.http.post(`/api/calls/${conversationId}/hold`).set(agent.auth).send({ held: false }).expect(204);
    expect(customer()).toMatchObject({ hold: false });
    await ready(other);
    await t.http.post(`/api/floor/calls/${conversationId}/transfer`).set(agent.auth).send({ type: 'warm', target: { agentId: other.user.id } }).expect(201);
    expect(customer()).toMatchObject({ hold: true, holdUrl: music });
    await t.http.post(`/api/floor/calls/${conversationId}/transfer/cancel`).set(agent.auth).expect(204);
    await end(room);

    // Cleared: the carrier's own music (the test server has no HOLD_MUSIC_URL).
    const cleared = (await t.http.patch(`/api/dial-queues/${q.id}`).set(admin.auth).send({ holdMusicUrl: null }).expect(200)).body as DialQueueView;
    expect(cleared.holdMusicUrl).toBeNull();
    const plain = await liveCall();
    await t.http.post(`/api/calls/${plain.conversationId}/hold`).set(plain.agent.auth).send({ held: true }).expect(204);
    expect(sim.conferenceView(plain.room).participants.find((p) => p.label === 'customer')).toMatchObject({ hold: true, holdUrl: null });
    await end(plain.room);
  });
});
