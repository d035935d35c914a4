import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AgentStatusView, ScheduleView, WorkDelivery } from '../../shared/src/index.js';
import { WorkDeliveryEntity } from '../../server/src/realtime/agent.entity.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { connect, type RecordingSocket } from '../support/sockets.js';
import { listen } from '../support/upload.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two server instances on one database, their Socket.IO rooms joined through Redis. */
describe('realtime across two instances through Redis', () => {
  let a: TestApp;
  let b: TestApp;
  const sockets: RecordingSocket[] = [];

  beforeAll(async () => {
    a = await createTestApp({ now: '2026-03-02T17:00:00.000Z', env: { REDIS_URL } });
    b = await createTestApp({ now: '2026-03-02T17:00:00.000Z', env: { REDIS_URL }, database: a.db });
    await listen(a);
    await listen(b);
  }, 120_000); // two application boots on one embedded database, on a loaded CI machine
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b?.close();
    await a?.close();
  }, 60_000);

  const socketOn = async (t: TestApp, token: string) => {
    const s = connect(await listen(t), token);
    sockets.push(s);
    await s.next('connect');
    return s;
  };

  it('work offered by one instance reaches an agent connected to the other; the ack lands; supervisors on either see state changes', async () => {
    const admin = await signIn(a, 'admin');
    const agent = await signIn(a, 'agent');
    const sup = await signIn(a, 'supervisor');
    const onB = await socketOn(b, agent.accessToken);
    const watchOnA = await socketOn(a, sup.accessToken);
    // Adapters subscribe asynchronously; give the second instance's subscription a moment.
    await new Promise((r) => setTimeout(r, 300));

    const lead = (await a.http.post('/api/leads').set(admin.auth).send({ phones: [{ number: '+17185559001' }], firstName: 'Bo', ownerId: agent.user.id }).expect(201)).body as { id: string };
    const s = (await a.http
      .post('/api/schedules')
      .set(admin.auth)
      .send({ name: 'Across', timezone: 'America/New_York', steps: [{ type: 'task', activation: 'manual', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { title: 'Across instances' } }] })
      .expect(201)).body as ScheduleView;
    await a.http.post(`/api/schedules/${s.id}/enrollments`).set(admin.auth).send({ leadIds: [lead.id] }).expect(201);
    // Instance A's scheduler runs the step; the agent's socket is on B.
    expect(await a.get(SchedulerService).runDue()).toBe(1);
    const offered = await onB.next<WorkDelivery>('work:offered');
    expect(offered.item).toMatchObject({ title: 'Across instances', leadName: 'Bo' });
    await onB.socket.emitWithAck('work:ack', { deliveryIds: [offered.deliveryId] });
    expect((await a.dataSource.getRepository(WorkDeliveryEntity).findOneByOrFail({ id: offered.deliveryId })).ackedAt).not.toBeNull();

    // The agent changes state through B; the supervisor on A sees it.
    await onB.socket.emitWithAck('agent:set-state', { state: 'ready' });
    let seen = await watchOnA.next<AgentStatusView>('supervisor:agent');
    while (seen.userId !== agent.user.id) seen = await watchOnA.next<AgentStatusView>('supervisor:agent');
    expect(seen.state).toBe('ready');

    // Signing out on A closes the socket held by B.
    await a.http.post('/api/auth/logout').send({ refreshToken: agent.refreshToken }).expect(204);
    expect(await onB.next('session:ended')).toEqual({ reason: 'revoked' });
    await onB.next('disconnect');
  }, 60_000);
});
