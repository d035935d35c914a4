import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AgentStatusView } from '#shared';
import { AgentStatesService } from '../../server/src/agents/agent-states.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { connect, type RecordingSocket } from '../support/sockets.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { listen } from '../support/upload.js';

const REDIS = new URL(process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

/**
 * Redis restarting under two instances (their connections to it cut, and refused while it
 * is "down"): each instance keeps serving its own sockets, neither process fails, and
 * fan-out between them resumes once Redis is back.
 */
describe('realtime through a Redis restart', () => {
  let a: TestApp;
  let b: TestApp;
  let redis: TcpProxy;
  const sockets: RecordingSocket[] = [];

  beforeAll(async () => {
    redis = await TcpProxy.start(REDIS.hostname, Number(REDIS.port || 6379));
    const REDIS_URL = `redis://127.0.0.1:${redis.port}`;
    a = await createTestApp({ now: '2026-03-02T17:00:00.000Z', env: { REDIS_URL } });
    b = await createTestApp({ now: '2026-03-02T17:00:00.000Z', env: { REDIS_URL }, database: a.db });
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b?.close();
    await a?.close();
    await redis?.close();
  }, 60_000);

  const socketOn = async (t: TestApp, token: string) => {
    const s = connect(await listen(t), token);
    sockets.push(s);
    await s.next('connect');
    return s;
  };
  /** The agent's next state change as a supervisor's socket shows it (others' changes passed over). */
  const nextChangeOf = async (watch: RecordingSocket, userId: string, ms = 10_000) => {
    const until = Date.now() + ms;
    for (;;) {
      const seen = await watch.next<AgentStatusView>('supervisor:agent', Math.max(1, until - Date.now()));
      if (seen.userId === userId) return seen;
    }
  };
  const setState = async (t: TestApp, agent: Awaited<ReturnType<typeof signIn>>, state: string) => {
    await t.get(AgentStatesService).heartbeat(agent.user.id, { phone: 'simulated', microphone: 'granted' });
    await t.http.post('/api/agents/me/state').set(agent.auth).send({ state }).expect(200);
  };

  it('while Redis is down each instance still reaches its own sockets; once it is back, fan-out resumes', async () => {
    const agent = await signIn(a, 'agent');
    const supOnA = await socketOn(a, (await signIn(a, 'supervisor')).accessToken);
    const supOnB = await socketOn(b, (await signIn(a, 'supervisor')).accessToken);
    // Fan-out works: a change on A reaches the supervisor on B.
    await setState(a, agent, 'ready');
    expect((await nextChangeOf(supOnB, agent.user.id)).state).toBe('ready');
    await nextChangeOf(supOnA, agent.user.id);

    // Redis goes away (every connection dropped, new ones refused).
    redis.hold();
    await setState(a, agent, 'offline');
    // A's own supervisor socket still hears it at once, and both servers keep answering.
    expect((await nextChangeOf(supOnA, agent.user.id)).state).toBe('offline');
    await a.http.get('/health').expect(200);
    await b.http.get('/health').expect(200);

    // Redis is back: the clients reconnect and resubscribe, and a change on A reaches B again.
    redis.restore();
    const until = Date.now() + 30_000;
    let reached: AgentStatusView | null = null;
    while (!reached && Date.now() < until) {
      await setState(a, agent, 'ready');
      reached = await nextChangeOf(supOnB, agent.user.id, 1_500).then(
        (s) => (s.state === 'ready' ? s : null),
        () => null,
      );
      if (!reached) await setState(a, agent, 'offline');
    }
    expect(reached).toMatchObject({ userId: agent.user.id, state: 'ready' });
    expect(redis.open).toBeGreaterThan(0);
  }, 90_000);
});
