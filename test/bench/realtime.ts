/**
 * Due action → event on the agent's screen, with many agents connected.
 *
 * The whole application runs on Postgres with the wall clock and its scheduler started;
 * `--agents` (1000) Socket.IO clients connect as distinct agents. Each agent owns one lead;
 * the leads are enrolled in a schedule whose only step is a manual task due a few
 * seconds later, in `--waves` (5) waves of equal size a second apart. Each client records
 * when `work:offered` arrives and acknowledges it; latency is arrival minus the action's
 * due time. Prints p50/p99/max and how many offers arrived.
 *
 *   node --import @swc-node/register/esm-register test/bench/realtime.ts [--agents 1000] [--waves 5]
 */
import { randomUUID } from 'node:crypto';
import type { WorkDelivery } from '#shared';
import { TokenService } from '../../server/src/auth/token.service.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { UserEntity } from '../../server/src/users/user.entity.js';
import { createTestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { connect, type RecordingSocket } from '../support/sockets.js';
import { listen } from '../support/upload.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const AGENTS = Number(arg('agents', '1000'));
const WAVES = Number(arg('waves', '5'));
process.env.SB_TEST_DB ??= 'postgres';
process.env.TEST_POSTGRES_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main(): Promise<void> {
  const t = await createTestApp({ realClock: true, env: { DATABASE_POOL_SIZE: '10', JWT_ACCESS_TTL_SECONDS: '3600' } });
  const sockets: RecordingSocket[] = [];
  try {
    const url = await listen(t);
    const admin = await signIn(t, 'admin');
    // Agents straight into the table with one password hash; their tokens signed directly.
    const now = new Date();
    const hash = (await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: admin.user.id })).passwordHash;
    const agents: UserEntity[] = Array.from({ length: AGENTS }, (_, i) => ({ id: randomUUID(), email: `bench-agent-${i}@example.test`, name: `Agent ${i}`, role: 'agent', passwordHash: hash, active: true, createdAt: now, updatedAt: now }) as UserEntity);
    for (let i = 0; i < agents.length; i += 200) await t.dataSource.getRepository(UserEntity).insert(agents.slice(i, i + 200));
    const tokens = t.get(TokenService);
    const arrivals: number[] = [];
    let acked = 0;
    for (const a of agents) {
      const s = connect(url, tokens.signAccess({ sub: a.id, role: 'agent', name: a.name, email: a.email }).token);
      s.socket.on('work:offered', (d: WorkDelivery) => {
        arrivals.push(Date.now() - Date.parse(d.item.dueAt));
        s.socket.emit('work:ack', { deliveryIds: [d.deliveryId] }, () => acked++);
      });
      sockets.push(s);
    }
    await Promise.all(sockets.map((s) => s.next('connect', 60_000)));
    console.log(`realtime bench: ${AGENTS} agents connected; ${WAVES} waves of due manual actions`);

    const leadIds: string[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const res = await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number: `+1212${String(5550000 + i).padStart(7, '0')}` }], firstName: `Lead${i}`, ownerId: agents[i].id });
      if (res.status !== 201) throw new Error(`lead ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      leadIds.push(res.body.id as string);
    }
    const schedule = (await t.http
      .post('/api/schedules')
      .set(admin.auth)
      .send({ name: 'Bench', timezone: 'UTC', steps: [{ type: 'task', activation: 'manual', timing: { kind: 'delay', amount: 3, unit: 'seconds' }, config: { title: 'Call now' } }] })
      .expect(201)).body as { id: string };

    await t.get(SchedulerService).start();
    const per = Math.ceil(AGENTS / WAVES);
    for (let w = 0; w < WAVES; w++) {
      const ids = leadIds.slice(w * per, (w + 1) * per);
      for (let i = 0; i < ids.length; i += 1000) await t.http.post(`/api/schedules/${schedule.id}/enrollments`).set(admin.auth).send({ leadIds: ids.slice(i, i + 1000) }).expect(201);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const until = Date.now() + 60_000;
    while (arrivals.length < AGENTS && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    const sorted = [...arrivals].sort((a, b) => a - b);
    console.log(`  offers received ${arrivals.length} of ${AGENTS}, acknowledged ${acked}`);
    console.log(`  due → on screen: p50 ${pct(sorted, 50)} ms  p99 ${pct(sorted, 99)} ms  max ${sorted[sorted.length - 1]} ms`);
  } finally {
    for (const s of sockets) s.close();
    await t.get(SchedulerService).stop(1_000);
    await t.close();
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error((e as Error).stack?.split('\n').slice(0, 6).join('\n'));
    process.exit(1);
  },
);
