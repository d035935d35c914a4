/**
 * Many agents on real server processes: `--agents` (2000) socket clients in `--clients`
 * (2) child processes (so their load is not in a server's event loop), spread round-robin
 * over `--instances` (1) server processes (NODE_ENV=production, no balancer in front) that
 * share one scratch PostgreSQL database and, with several, fan out through Redis.
 *
 * Prints the time until every agent is connected (refused-as-busy handshakes retried, as
 * the softphone does). `--storm drop` then closes every client's transport at once and
 * prints the time until all are back. Unless `--connect-only`, each agent then gets one
 * manual task due 3 s after its enrollment, in `--waves` (5) waves a second apart (leads
 * inserted straight into the table, enrollments through the API): offers arrived,
 * acknowledged, and due → on screen p50/p99/max.
 *
 *   node --import @swc-node/register/esm-register test/bench/realtime-fleet.ts [--agents 2000] [--instances 1] [--clients 2]
 *     [--waves 5] [--connect-only] [--storm drop] [--connect-timeout 180]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { createDataSource } from '../../server/src/database/data-source.js';
import { ENTITIES } from '../../server/src/entities.js';
import { LeadEntity } from '../../server/src/leads/lead.entity.js';
import { UserEntity } from '../../server/src/users/user.entity.js';
import { createScratchDatabase } from '../support/databases.js';
import { type Spawned, spawnTs } from '../support/process.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const AGENTS = Number(arg('agents', '2000'));
const INSTANCES = Number(arg('instances', '1'));
const CLIENTS = Number(arg('clients', '2'));
const WAVES = Number(arg('waves', '5'));
const CONNECT_ONLY = process.argv.includes('--connect-only');
const STORM = arg('storm', '');
const CONNECT_TIMEOUT_S = Number(arg('connect-timeout', '180'));
process.env.TEST_POSTGRES_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ClientState {
  resent: number;
  connected: number;
  errors: number;
  refused: number;
  acked: number;
}

async function main(): Promise<void> {
  const db = await createScratchDatabase('postgres', 10 * INSTANCES + 10, { migrated: true });
  const secret = randomBytes(32).toString('hex');
  const password = randomBytes(18).toString('base64url');
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '10',
    JWT_SECRET: secret,
    SECRETS_KEY: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: 'bench-admin@example.test',
    ADMIN_PASSWORD: password,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    JWT_ACCESS_TTL_SECONDS: '7200',
    ...(INSTANCES > 1 ? { REDIS_URL } : {}),
  };
  const servers: Spawned[] = [];
  const clients: Spawned[] = [];
  try {
    const urls: string[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      const s = spawnTs('server/src/main.ts', [], env);
      servers.push(s);
      urls.push((await s.waitFor(/Switchboard is running at (http:\/\/\S+)/, 120_000))[1]);
    }

    const ds = await createDataSource({ kind: 'postgres', url: db.url, poolSize: 2, entities: ENTITIES });
    await ds.initialize();
    const now = new Date();
    const agents = Array.from({ length: AGENTS }, (_, i) => ({ id: randomUUID(), email: `fleet-agent-${i}@example.test`, name: `Agent ${i}`, role: 'agent', passwordHash: 'x', active: true, createdAt: now, updatedAt: now }) as UserEntity);
    for (let i = 0; i < agents.length; i += 500) await ds.getRepository(UserEntity).insert(agents.slice(i, i + 500));
    const jwt = new JwtService({ secret });
    const tokens = agents.map((a) => jwt.sign({ sub: a.id, role: 'agent', name: a.name, email: a.email, iat: Math.floor(Date.now() / 1000) }, { expiresIn: 7200, algorithm: 'HS256', issuer: 'switchboard', audience: 'switchboard' }));
    const tokenFile = join(tmpdir(), `fleet-tokens-${process.pid}.json`);
    writeFileSync(tokenFile, JSON.stringify(tokens));

    const states: ClientState[] = [];
    const offers: number[] = [];
    const per = Math.ceil(AGENTS / CLIENTS);
    const t0 = Date.now();
    for (let c = 0; c < CLIENTS; c++) {
      const state: ClientState = { connected: 0, errors: 0, refused: 0, acked: 0, resent: 0 };
      states.push(state);
      const child = spawnTs('test/bench/realtime-clients.ts', [], { BENCH_URLS: urls.join(','), BENCH_TOKENS: tokenFile, BENCH_FROM: String(c * per), BENCH_TO: String(Math.min(AGENTS, (c + 1) * per)), NODE_OPTIONS: '--max-old-space-size=2048' });
      let buf = '';
      child.child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          try {
            const r = JSON.parse(line) as ClientState & { offers: number[] };
            Object.assign(state, { connected: r.connected, errors: r.errors, refused: r.refused, acked: r.acked, resent: r.resent });
            offers.push(...r.offers);
          } catch {
            /* not a report */
          }
        }
      });
      clients.push(child);
    }
    const sum = (k: keyof ClientState) => states.reduce((n, s) => n + s[k], 0);
    const waitAll = async (since: number, limitS: number) => {
      while (sum('connected') < AGENTS && Date.now() - since < limitS * 1000) await sleep(250);
      return (Date.now() - since) / 1000;
    };
    const connectS = await waitAll(t0, CONNECT_TIMEOUT_S);
    console.log(`realtime fleet: ${AGENTS} agents, ${INSTANCES} instance(s), ${CLIENTS} client processes`);
    console.log(`  connect: ${sum('connected')}/${AGENTS} in ${connectS.toFixed(1)} s; busy refusals ${sum('refused')}, errors ${sum('errors')}`);

    if (STORM === 'drop') {
      const before = { refused: sum('refused'), errors: sum('errors') };
      const t1 = Date.now();
      for (const c of clients) c.child.kill('SIGUSR2');
      while (sum('connected') > AGENTS * 0.5 && Date.now() - t1 < 5000) await sleep(50);
      const back = await waitAll(t1, CONNECT_TIMEOUT_S);
      console.log(`  drop storm: ${sum('connected')}/${AGENTS} back in ${back.toFixed(1)} s; busy refusals ${sum('refused') - before.refused}, errors ${sum('errors') - before.errors}`);
    }

    if (!CONNECT_ONLY) {
      const login = await fetch(`${urls[0]}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: env.ADMIN_EMAIL, password }) });
      const admin = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}`, 'content-type': 'application/json' };
      const leads = agents.map((a, i) => ({ id: randomUUID(), firstName: `Lead${i}`, lastName: null, company: null, email: null, phone: null, timezone: null, region: null, ownerId: a.id, status: 'new', customFields: '{}', instantDial: false, lastContactedAt: null, lastActivityAt: null, lastContactedMode: 'not_contacted', lastActivityType: null, createdAt: now, updatedAt: now, deletedAt: null }) as LeadEntity);
      for (let i = 0; i < leads.length; i += 500) await ds.getRepository(LeadEntity).insert(leads.slice(i, i + 500));
      const schedule = (await (
        await fetch(`${urls[0]}/api/schedules`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Fleet', timezone: 'UTC', steps: [{ type: 'task', activation: 'manual', timing: { kind: 'delay', amount: 3, unit: 'seconds' }, config: { title: 'Call now' } }] }) })
      ).json()) as { id: string };
      const wave = Math.ceil(AGENTS / WAVES);
      for (let w = 0; w < WAVES; w++) {
        const ids = leads.slice(w * wave, (w + 1) * wave).map((l) => l.id);
        for (let i = 0; i < ids.length; i += 1000) {
          const r = await fetch(`${urls[0]}/api/schedules/${schedule.id}/enrollments`, { method: 'POST', headers: admin, body: JSON.stringify({ leadIds: ids.slice(i, i + 1000) }) });
          if (r.status !== 201) throw new Error(`enrolling: ${r.status} ${await r.text()}`);
        }
        await sleep(1000);
      }
      const until = Date.now() + 120_000;
      while ((offers.length < AGENTS || sum('acked') < AGENTS) && Date.now() < until) await sleep(250);
      await sleep(1000);
      const sorted = [...offers].sort((a, b) => a - b);
      console.log(`  offers received ${offers.length} of ${AGENTS} (first sends), re-sent ${sum('resent')}, acknowledged ${sum('acked')}`);
      console.log(`  due → on screen: p50 ${pct(sorted, 50)} ms  p99 ${pct(sorted, 99)} ms  max ${sorted[sorted.length - 1]} ms`);
    }
    await ds.destroy();
  } finally {
    for (const c of clients) c.child.kill('SIGKILL');
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => Promise.race([s.exited, sleep(10_000)])));
    await db.drop?.();
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error((e as Error).stack?.split('\n').slice(0, 6).join('\n'));
    process.exit(1);
  },
);
