import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AgentStatusView, ScheduleView, WorkDelivery } from '#shared';
import { DEPLOYMENT_ID } from '../../server/src/database/deployment-id.js';
import { WorkDeliveryEntity } from '../../server/src/realtime/work-delivery.entity.js';
import { AgentStatesService } from '../../server/src/agents/agent-states.service.js';
import { RealtimeHub } from '../../server/src/realtime/work-push.service.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { eventually } from '../support/eventually.js';
import { connect, type RecordingSocket } from '../support/sockets.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { listen } from '../support/upload.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Two server instances on one database, their Socket.IO rooms joined through Redis. The
 * second reaches the database by another address (through a proxy, as through a pooler or
 * another host name): they are one deployment all the same. A third server on a database
 * of its own shares the Redis and is another deployment.
 */
describe('realtime across two instances through Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let elsewhere: TestApp;
  let proxy: TcpProxy;
  const sockets: RecordingSocket[] = [];

  beforeAll(async () => {
    a = await createTestApp({ now: '2026-03-02T17:00:00.000Z', env: { REDIS_URL } });
    const target = new URL(a.db.url);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || (a.db.kind === 'mysql' ? 3306 : 5432)));
    b = await createTestApp({ now: '2026-03-02T17:00:00.000Z', env: { REDIS_URL, DATABASE_URL: TcpProxy.via(a.db.url, proxy.port) }, database: a.db });
    elsewhere = await createTestApp({ now: '2026-03-02T17:00:00.000Z', env: { REDIS_URL } });
    await listen(a);
    await listen(b);
    await listen(elsewhere);
  }, 180_000); // three application boots, on a loaded CI machine
  afterAll(async () => {
    for (const s of sockets) s.close();
    await elsewhere?.close();
    await b?.close();
    await a?.close();
    await proxy?.close();
  }, 60_000);

  it('instances of one database share its stored deployment id, whatever address they use; another database has its own', () => {
    expect(b.config.database.url).not.toBe(a.config.database.url);
    expect(a.get<string>(DEPLOYMENT_ID)).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.get<string>(DEPLOYMENT_ID)).toBe(a.get<string>(DEPLOYMENT_ID));
    expect(elsewhere.get<string>(DEPLOYMENT_ID)).not.toBe(a.get<string>(DEPLOYMENT_ID));
  });

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
    // A supervisor of the other deployment on the same Redis.
    const otherSup = await signIn(elsewhere, 'supervisor');
    const otherAgent = await signIn(elsewhere, 'agent');
    const watchElsewhere = await socketOn(elsewhere, otherSup.accessToken);
    // Adapters subscribe in the background: both instances are on the channel before the offer.
    await eventually('both instances subscribed', async () => (await a.get(RealtimeHub).server!.of('/').adapter.serverCount()) >= 2);

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
    // The other deployment heard none of it: its own agent's change, sent after, is the first it sees.
    await elsewhere.get(AgentStatesService).heartbeat(otherAgent.user.id, { phone: 'simulated', microphone: 'granted' });
    await elsewhere.http.post('/api/agents/me/state').set(otherAgent.auth).send({ state: 'ready' }).expect(200);
    const heard = await watchElsewhere.next<AgentStatusView>('supervisor:agent');
    expect(heard.userId).toBe(otherAgent.user.id);
    expect(watchElsewhere.received.filter((e) => e.event === 'supervisor:agent').map((e) => (e.payload as AgentStatusView).userId)).not.toContain(agent.user.id);

    // Signing out on A closes the socket held by B.
    await a.http.post('/api/auth/logout').send({ refreshToken: agent.refreshToken }).expect(204);
    expect(await onB.next('session:ended')).toEqual({ reason: 'revoked' });
    await onB.next('disconnect');
  }, 60_000);
});
