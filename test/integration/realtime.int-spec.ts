import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { AgentStatusView, ScheduleView, WorkDelivery, WorkItem } from '#shared';
import { WorkDeliveryEntity } from '../../server/src/realtime/work-delivery.entity.js';
import { RealtimeGateway } from '../../server/src/realtime/realtime.gateway.js';
import { RealtimeHub, userRoom, WorkPush } from '../../server/src/realtime/work-push.service.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { AgentStatesService } from '../../server/src/agents/agent-states.service.js';
import { UsersService } from '../../server/src/users/users.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn, TEST_PASSWORD } from '../support/factories.js';
import { eventually } from '../support/eventually.js';
import { connect, type RecordingSocket } from '../support/sockets.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

// Monday 2 March 2026, 12:00 in New York.
const NOON_ET = '2026-03-02T17:00:00.000Z';

describe('realtime: the softphone socket', () => {
  let t: TestApp;
  let url: string;
  let admin: Session;
  let scheduler: SchedulerService;
  let push: WorkPush;
  const open: RecordingSocket[] = [];
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET });
    url = await listen(t);
    scheduler = t.get(SchedulerService);
    push = t.get(WorkPush);
    admin = await signIn(t, 'admin');
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
  const drain = async () => {
    for (let i = 0; i < 20 && (await scheduler.runDue()) > 0; i++);
  };
  /** A lead owned by `ownerId` in a schedule whose first step is a manual task for the owner. */
  const offerTask = async (ownerId: string, title: string) => {
    const number = `+1718555${String(4000 + seq++).padStart(4, '0')}`;
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number }], firstName: 'Ann', lastName: `Lee${seq}`, ownerId }).expect(201)).body as { id: string };
    const s = (await t.http
      .post('/api/schedules')
      .set(admin.auth)
      .send({ name: `Tasks ${seq++}`, timezone: 'America/New_York', steps: [{ type: 'task', activation: 'manual', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { title } }] })
      .expect(201)).body as ScheduleView;
    await t.http.post(`/api/schedules/${s.id}/enrollments`).set(admin.auth).send({ leadIds: [lead.id] }).expect(201);
    await drain();
    const [action] = (await t.http.get(`/api/participant-actions?leadId=${lead.id}`).set(admin.auth).expect(200)).body as Array<{ id: string; status: string }>;
    expect(action.status).toBe('due');
    return { leadId: lead.id, actionId: action.id, scheduleId: s.id };
  };
  /** A new access token for the same user, valid on the moved clock. */
  const relogin = async (s: Session) => ((await t.http.post('/api/auth/login').send({ email: s.user.email, password: TEST_PASSWORD }).expect(200)).body as { accessToken: string }).accessToken;
  const delivery = (id: string) => t.dataSource.getRepository(WorkDeliveryEntity).findOneByOrFail({ id });

  it('refuses a handshake without a valid token, naming why', async () => {
    for (const token of [undefined, 'not-a-token', `${admin.accessToken.slice(0, -4)}AAAA`]) {
      const s = connect(url, token);
      open.push(s);
      const err = await s.next<Error>('connect_error');
      expect(err.message).toMatch(/^unauthorized: /);
      expect(s.socket.connected).toBe(false);
    }
  });

  it('pushes a due manual action to its owner, who acknowledges it; the screen is told when it is done', async () => {
    const agent = await signIn(t, 'agent');
    const s = await socketFor(agent.accessToken);
    const { actionId } = await offerTask(agent.user.id, 'Send the contract');
    const offered = await s.next<WorkDelivery>('work:offered');
    expect(offered.item).toMatchObject({ kind: 'participant_action', id: actionId, type: 'task', title: 'Send the contract', status: 'due', leadName: expect.stringMatching(/^Ann Lee/) });
    expect(offered.attempt).toBe(1);
    expect(await s.socket.emitWithAck('work:ack', { deliveryIds: [offered.deliveryId] })).toEqual({ ok: true });
    expect((await delivery(offered.deliveryId)).ackedAt).not.toBeNull();

    await t.http.post(`/api/participant-actions/${actionId}/complete`).set(agent.auth).send({ outcome: 'sent' }).expect(200);
    expect(await s.next('work:withdrawn')).toEqual({ kind: 'participant_action', id: actionId, reason: 'closed' });
    expect((await delivery(offered.deliveryId)).withdrawnAt).not.toBeNull();
  });

  it('re-sends an offer nobody acknowledged, and stops once it is acknowledged', async () => {
    const agent = await signIn(t, 'agent');
    const s = await socketFor(agent.accessToken);
    await offerTask(agent.user.id, 'Call the office');
    const first = await s.next<WorkDelivery>('work:offered');
    // Not yet due for a re-send.
    expect(await push.resendDue()).toBe(0);
    t.clock.advance(3_000);
    expect(await push.resendDue()).toBe(1);
    const again = await s.next<WorkDelivery>('work:offered');
    expect(again).toMatchObject({ deliveryId: first.deliveryId, attempt: 2, item: first.item });
    await s.socket.emitWithAck('work:ack', { deliveryIds: [again.deliveryId] });
    t.clock.advance(3_000);
    expect(await push.resendDue()).toBe(0);
    await s.none('work:offered');
  });

  it('a dropped socket loses nothing: work offered while away is there on resync, and closed work is gone', async () => {
    const agent = await signIn(t, 'agent');
    let s = await socketFor(agent.accessToken);
    const kept = await offerTask(agent.user.id, 'Kept while away');
    const shown = await s.next<WorkDelivery>('work:offered');
    s.close();
    // Away once the server has let the socket go.
    await eventually('the agent has no socket', async () => (await t.get(RealtimeHub).server!.in(userRoom(agent.user.id)).fetchSockets()).length === 0);
    const later = await offerTask(agent.user.id, 'Offered while away');
    // Ready, so the callback goes to them when due (an offline owner's would go to anyone).
    await t.http.post('/api/agents/me/state').set(agent.auth).send({ state: 'ready' }).expect(200);
    const booked = (await t.http.post('/api/callbacks').set(agent.auth).send({ leadId: kept.leadId, dueAt: '2026-03-02T12:30:00', note: 'asked for half past' }).expect(201)).body as { id: string };
    t.clock.set('2026-03-02T17:30:00.000Z');
    const token = await relogin(agent);
    await drain();

    s = await socketFor(token);
    const sync = await s.socket.emitWithAck('inbox:sync');
    expect(sync.items.map((i: WorkItem) => [i.kind, i.id]).sort()).toEqual(
      [
        ['participant_action', kept.actionId],
        ['participant_action', later.actionId],
        ['callback', booked.id],
      ].sort(),
    );
    expect(sync.items.every((i: { deliveryId: string | null }) => typeof i.deliveryId === 'string')).toBe(true);
    expect(sync.items.find((i: WorkItem) => i.id === kept.actionId)?.deliveryId).toBe(shown.deliveryId);
    // The item pushed as the action fell due (built from the rows the engine had read) is the one read back on resync.
    const { deliveryId: _d, ...resynced } = sync.items.find((i: WorkItem) => i.id === kept.actionId) as WorkItem & { deliveryId: string | null };
    expect(resynced).toEqual(shown.item);
    expect(sync.status).toMatchObject({ userId: agent.user.id, state: 'ready' });
    await s.socket.emitWithAck('work:ack', { deliveryIds: sync.items.map((i) => i.deliveryId as string) });

    // Done elsewhere while the socket was away: the next resync no longer lists it.
    s.close();
    await t.http.post(`/api/participant-actions/${later.actionId}/skip`).set('Authorization', `Bearer ${await relogin(admin)}`).send({}).expect(200);
    s = await socketFor(token);
    const again = await s.socket.emitWithAck('inbox:sync');
    expect(again.items.map((i: WorkItem) => i.id).sort()).toEqual([kept.actionId, booked.id].sort());
    t.clock.set(NOON_ET);
  });

  it('states: the agent goes ready and pauses with a reason; supervisors see each change; history keeps durations', async () => {
    const agent = await signIn(t, 'agent');
    const sup = await signIn(t, 'supervisor');
    const a = await socketFor(agent.accessToken);
    const watch = await socketFor(sup.accessToken);
    const board = (await watch.socket.emitWithAck('supervisor:agents')) as AgentStatusView[];
    expect(board.find((b) => b.userId === agent.user.id)).toMatchObject({ state: 'offline', connected: false });
    // An agent asking for the board gets nothing.
    expect(await a.socket.emitWithAck('supervisor:agents')).toEqual([]);

    expect(await a.socket.emitWithAck('agent:set-state', { state: 'ready' })).toMatchObject({ ok: true, status: { state: 'ready' } });
    const seen = (await watch.next<AgentStatusView>('supervisor:agent')) as AgentStatusView;
    expect(seen).toMatchObject({ userId: agent.user.id, state: 'ready', reason: null });
    expect(await a.next<AgentStatusView>('agent:state')).toMatchObject({ state: 'ready' });

    expect(await a.socket.emitWithAck('agent:set-state', { state: 'paused' })).toEqual({ ok: false, error: { field: 'reason', message: expect.stringContaining('reason is required to pause') } });
    expect(await a.socket.emitWithAck('agent:set-state', { state: 'on_call' as never })).toMatchObject({ ok: false, error: { field: 'state' } });
    t.clock.advance(90_000);
    expect(await a.socket.emitWithAck('agent:set-state', { state: 'paused', reason: 'break' })).toMatchObject({ ok: true, status: { state: 'paused', reason: 'break', overLimit: false } });
    expect(await watch.next<AgentStatusView>('supervisor:agent')).toMatchObject({ state: 'paused', reason: 'break' });
    // A break is limited to 15 minutes.
    t.clock.advance(16 * 60_000);
    const supAuth = (await signIn(t, 'supervisor')).auth;
    expect((await t.http.get('/api/agents').set(supAuth).expect(200)).body.find((b: AgentStatusView) => b.userId === agent.user.id)).toMatchObject({ state: 'paused', overLimit: true });

    // A supervisor sets the agent's state; an agent may not set another's.
    await t.http.post(`/api/agents/${agent.user.id}/state`).set(supAuth).send({ state: 'ready' }).expect(200);
    expect(await a.next<AgentStatusView>('agent:state')).toMatchObject({ state: 'paused' });
    expect(await a.next<AgentStatusView>('agent:state')).toMatchObject({ state: 'ready' });
    const other = await signIn(t, 'agent');
    await t.http.post(`/api/agents/${agent.user.id}/state`).set(other.auth).send({ state: 'offline' }).expect(403);
    await t.http.post('/api/agents/me/state').set(other.auth).send({ state: 'paused', reason: 'nap' }).expect(400);

    const history = (await t.http.get(`/api/agents/${agent.user.id}/history`).set(supAuth).expect(200)).body as Array<{ from: string; to: string; reason: string | null; durationMs: number; actorId: string | null }>;
    expect(history.map((h) => [h.from, h.to, h.reason, h.durationMs])).toEqual([
      ['paused', 'ready', null, 16 * 60_000],
      ['ready', 'paused', 'break', 90_000],
      ['offline', 'ready', null, expect.any(Number)],
    ]);
    expect(history[0].actorId).not.toBe(agent.user.id);

    // On a call, people's changes are refused and nothing is written; the system moves the agent on.
    const states = t.get(AgentStatesService);
    t.clock.advance(1_000);
    await states.change(agent.user.id, 'on_call', { kind: 'system' }, 'call');
    const refused = await t.http.post(`/api/agents/${agent.user.id}/state`).set(supAuth).send({ state: 'paused', reason: 'break' }).expect(409);
    expect(refused.body.message).toContain('on a call');
    await t.http.post(`/api/agents/${agent.user.id}/state`).set(supAuth).send({ state: 'ready' }).expect(409);
    t.clock.advance(30_000);
    expect(await states.change(agent.user.id, 'offline', { kind: 'system' })).toMatchObject({ state: 'offline' });
    const after = (await t.http.get(`/api/agents/${agent.user.id}/history`).set(supAuth).expect(200)).body as Array<{ from: string; to: string; reason: string | null; durationMs: number; actorId: string | null }>;
    expect(after.slice(0, 2).map((h) => [h.from, h.to, h.reason, h.durationMs, h.actorId])).toEqual([
      ['on_call', 'offline', null, 30_000, null],
      ['ready', 'on_call', 'call', 1_000, null],
    ]);
    // A deactivated agent's state is no longer set by anyone.
    await states.change(agent.user.id, 'ready', { kind: 'system' });
    await t.get(UsersService).update(agent.user.id, { active: false }, sup.user.id);
    await t.http.post(`/api/agents/${agent.user.id}/state`).set(supAuth).send({ state: 'offline' }).expect(404);
    await expect(states.change(agent.user.id, 'offline', { kind: 'system' })).rejects.toThrow('Agent not found');
    t.clock.set(NOON_ET);
  });

  it('wrap-up ends at its limit in a pause; rules are admin-only and validated', async () => {
    await t.http.put('/api/agents/rules').set(admin.auth).send({ pauseReasons: [{ code: 'break', label: 'Break', maxMinutes: 15 }, { code: 'break', label: 'Again' }], wrapUpMaxSeconds: 60 }).expect(400);
    const bad = await t.http.put('/api/agents/rules').set(admin.auth).send({ pauseReasons: [{ code: 'Bad Code', label: 'x' }], wrapUpMaxSeconds: 1 }).expect(400);
    expect(JSON.stringify(bad.body)).toMatch(/pauseReasons\.0\.code|pauseReasons\[0\]\.code/);
    expect(JSON.stringify(bad.body)).toContain('wrapUpMaxSeconds');
    const agent = await signIn(t, 'agent');
    await t.http.put('/api/agents/rules').set(agent.auth).send({ pauseReasons: [{ code: 'break', label: 'Break' }], wrapUpMaxSeconds: 60 }).expect(403);
    expect((await t.http.put('/api/agents/rules').set(admin.auth).send({ pauseReasons: [{ code: 'break', label: 'Break', maxMinutes: 15 }, { code: 'coaching', label: 'Coaching' }], wrapUpMaxSeconds: 60 }).expect(200)).body).toEqual({
      pauseReasons: [{ code: 'break', label: 'Break', maxMinutes: 15 }, { code: 'coaching', label: 'Coaching', maxMinutes: null }],
      wrapUpMaxSeconds: 60,
      missedOffersBeforePause: 2,
    });
    const { AgentStatesService } = await import('../../server/src/agents/agent-states.service.js');
    const states = t.get(AgentStatesService);
    t.clock.advance(1_000);
    await states.change(agent.user.id, 'on_call', { kind: 'system' }, 'call');
    await t.http.post('/api/agents/me/state').set(agent.auth).send({ state: 'ready' }).expect(409);
    await states.change(agent.user.id, 'wrap_up', { kind: 'system' }, 'call ended');
    t.clock.advance(59_000);
    await drain();
    expect((await t.http.get('/api/agents/me').set(agent.auth).expect(200)).body).toMatchObject({ state: 'wrap_up' });
    t.clock.advance(1_000);
    await drain();
    // Nobody is assumed at the desk when a timer runs out: paused, not ready.
    expect((await t.http.get('/api/agents/me').set(agent.auth).expect(200)).body).toMatchObject({ state: 'paused', reason: 'wrap-up-expired' });
    t.clock.set(NOON_ET);
  });

  it('liveness: heartbeats keep an agent alive; silence marks it stale and pauses a ready one, its due callbacks go to anyone and stay its own, and it recovers', async () => {
    const agent = await signIn(t, 'agent');
    const colleague = await signIn(t, 'agent');
    const sup = await signIn(t, 'supervisor');
    const a = await socketFor(agent.accessToken);
    const c = await socketFor(colleague.accessToken);
    const watch = await socketFor(sup.accessToken);
    for (const s of [a, c]) {
      await s.socket.emitWithAck('agent:set-state', { state: 'ready' });
      expect(await s.socket.emitWithAck('agent:heartbeat', { health: { phone: 'simulated', microphone: 'granted' } })).toEqual({ ok: true });
    }
    expect(await a.socket.emitWithAck('agent:heartbeat', { health: { phone: 'ringing' as never, microphone: 'granted' } })).toEqual({ ok: false, error: { field: 'health.phone', message: expect.any(String) } });
    const { leadId } = await offerTask(agent.user.id, 'For the callback lead');
    await a.next('work:offered');
    const booked = (await t.http.post('/api/callbacks').set(agent.auth).send({ leadId, dueAt: '2026-03-02T12:05:00', note: 'five past' }).expect(201)).body as { id: string };
    t.clock.set('2026-03-02T17:05:00.000Z');
    for (const s of [a, c]) await s.socket.emitWithAck('agent:heartbeat', {});
    await drain();
    expect((await a.next<WorkDelivery>('work:offered')).item).toMatchObject({ kind: 'callback', id: booked.id, status: 'due' });
    await c.none('work:offered', 100);

    // The agent's tab freezes: no heartbeats. The colleague keeps beating.
    t.clock.advance(21_000);
    await c.socket.emitWithAck('agent:heartbeat', {});
    const gateway = t.get(RealtimeGateway);
    // (Agents of earlier tests who went quiet are swept too.)
    const swept = await gateway.sweep();
    expect(swept).toContain(agent.user.id);
    expect(swept).not.toContain(colleague.user.id);
    let seen = await watch.next<AgentStatusView>('supervisor:agent');
    while (seen.userId !== agent.user.id || !seen.stale) seen = await watch.next<AgentStatusView>('supervisor:agent');
    // A silent seat is not Ready: it is paused until the agent, back at the desk, says so.
    expect(seen).toMatchObject({ state: 'paused', reason: 'no-heartbeat', stale: true, connected: false });
    // Its due callback went to anyone available: the colleague has it; it stays its owner's too, never withdrawn from them.
    // (Callbacks of earlier tests' agents, swept too, come to the colleague as well.)
    let offer = await c.next<WorkDelivery>('work:offered');
    while (offer.item.id !== booked.id) offer = await c.next<WorkDelivery>('work:offered');
    expect(offer.item).toMatchObject({ kind: 'callback', status: 'escalated' });
    expect(await gateway.sweep()).toEqual([]);
    await a.none('work:withdrawn', 100);

    await a.socket.emitWithAck('agent:heartbeat', {});
    seen = await watch.next<AgentStatusView>('supervisor:agent');
    while (seen.userId !== agent.user.id) seen = await watch.next<AgentStatusView>('supervisor:agent');
    expect(seen).toMatchObject({ state: 'paused', stale: false, connected: true, health: { phone: 'simulated', microphone: 'granted' } });
    // Back at the desk, still paused: the owner sees their overdue callback, once.
    const sync = await a.socket.emitWithAck('inbox:sync');
    expect(sync.items.filter((i: WorkItem) => i.id === booked.id)).toEqual([expect.objectContaining({ kind: 'callback', status: 'escalated' })]);
    // Ready again: still once, though it is also anyone's now.
    await a.socket.emitWithAck('agent:set-state', { state: 'ready' });
    const ready = await a.socket.emitWithAck('inbox:sync');
    expect(ready.items.filter((i: WorkItem) => i.id === booked.id)).toHaveLength(1);
    const inbox = (await t.http.get('/api/agents/me/inbox').set(agent.auth).expect(200)).body as WorkItem[];
    expect(inbox.filter((i) => i.id === booked.id)).toHaveLength(1);
    t.clock.set(NOON_ET);
  });

  it('closes the socket when the session is signed out, the user deactivated, or the token expires', async () => {
    const agent = await signIn(t, 'agent');
    let s = await socketFor(agent.accessToken);
    await t.http.post('/api/auth/logout').send({ refreshToken: agent.refreshToken }).expect(204);
    expect(await s.next('session:ended')).toEqual({ reason: 'revoked' });
    await s.next('disconnect');

    const other = await signIn(t, 'agent');
    s = await socketFor(other.accessToken);
    await t.http.patch(`/api/users/${other.user.id}`).set(admin.auth).send({ active: false }).expect(200);
    expect(await s.next('session:ended')).toEqual({ reason: 'deactivated' });
    await s.next('disconnect');
    const refused = connect(url, other.accessToken);
    open.push(refused);
    expect((await refused.next<Error>('connect_error')).message).toBe('unauthorized: the user is not active');

    const third = await signIn(t, 'agent');
    s = await socketFor(third.accessToken);
    // A renewed token keeps the socket past the first one's expiry.
    t.clock.advance(10 * 60_000);
    const renewed = (await t.http.post('/api/auth/refresh').send({ refreshToken: third.refreshToken }).expect(200)).body as { accessToken: string };
    expect(await s.socket.emitWithAck('session:renew', { token: 'nope' })).toMatchObject({ ok: false, error: { field: 'token' } });
    expect(await s.socket.emitWithAck('session:renew', { token: renewed.accessToken })).toMatchObject({ ok: true });
    t.clock.advance(10 * 60_000);
    expect(await s.socket.emitWithAck('agent:heartbeat', {})).toEqual({ ok: true });
    t.clock.advance(6 * 60_000);
    // Past the renewed token's expiry: the next message finds the session over.
    s.socket.emit('agent:heartbeat', {});
    expect(await s.next('session:ended')).toEqual({ reason: 'expired' });
    await s.next('disconnect');
    t.clock.set(NOON_ET);
  });
});
