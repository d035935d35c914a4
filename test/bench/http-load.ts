/**
 * HTTP under load: `--clients` (100) concurrent clients for `--seconds` (60) against one
 * server process on PostgreSQL, on a mix of reads (lead pages, one lead, conversation
 * pages, queue figures) and writes (a new lead, a disposition). Prints, per kind and
 * overall: requests, requests/s, p50/p99/max, errors; and the server's RSS.
 *
 * The server is started as the product starts (`server/src/main.ts`, NODE_ENV=production)
 * on a scratch database seeded with `--leads` (5000) leads and 2,000 finished calls.
 *
 * `--checkout DIR,DIR…` runs the server from each checkout in turn (this one by default),
 * `--rounds N` times over, alternating, and ends with each checkout's medians over its rounds;
 * `--profile DIR` has each server write a CPU profile there when it stops; `--per-kind S` then runs
 * each kind alone for S seconds and prints its processor time per request (server and database).
 *
 *   node --import @swc-node/register/esm-register test/bench/http-load.ts [--clients 100] [--seconds 60] [--leads 5000]
 *     [--checkout /work/main,.] [--rounds 3] [--profile /tmp/prof] [--per-kind 10]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createDataSource } from '../../server/src/database/data-source.js';
import { ENTITIES } from '../../server/src/entities.js';
import { ConversationEntity } from '../../server/src/telephony/conversations/conversation.entity.js';
import { createScratchDatabase } from '../support/databases.js';
import { resolve } from 'node:path';
import pg from 'pg';
import { ROOT, spawnTs } from '../support/process.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const CLIENTS = Number(arg('clients', '100'));
const SECONDS = Number(arg('seconds', '60'));
const LEADS = Number(arg('leads', '5000'));
const CALLS = 2_000;
const CHECKOUTS = arg('checkout', ROOT).split(',').map((d) => resolve(d));
const ROUNDS = Number(arg('rounds', '1'));
const PROFILE = arg('profile', '');
const PER_KIND = Number(arg('per-kind', '0'));
process.env.TEST_POSTGRES_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';

type Kind = 'leads page' | 'one lead' | 'conversations page' | 'queue figures' | 'create lead' | 'disposition';
/** The mix, as weights: reads first. */
const MIX: Array<[Kind, number]> = [
  ['leads page', 25],
  ['one lead', 20],
  ['conversations page', 20],
  ['queue figures', 15],
  ['create lead', 10],
  ['disposition', 10],
];
const READS = new Set<Kind>(['leads page', 'one lead', 'conversations page', 'queue figures']);

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const ms = (n: number) => (Number.isNaN(n) ? '-' : `${n.toFixed(1)}`);

/** One run's figures, for the medians over rounds. */
interface Figures {
  rps: number;
  readP50: number;
  readP99: number;
  writeP50: number;
  writeP99: number;
  errors: number;
  rssPeak: number;
  serverCpuMs: number;
  dbCpuMs: number;
}

/** Processor time (user + system) a process has used, in ms; 0 once it is gone. */
function cpuMs(pid: number): number {
  if (!existsSync(`/proc/${pid}/stat`)) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function run(root: string): Promise<Figures> {
  const db = await createScratchDatabase('postgres', 20, { migrated: true });
  const password = randomBytes(18).toString('base64url');
  const server = spawnTs('server/src/main.ts', [], {
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '20',
    JWT_SECRET: randomBytes(32).toString('hex'),
    SECRETS_KEY: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: 'bench-admin@example.test',
    ADMIN_PASSWORD: password,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    JWT_ACCESS_TTL_SECONDS: '3600',
  }, { root, nodeArgs: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [] });
  const keepAlive = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  try {
    const [, base] = await server.waitFor(/Switchboard is running at (http:\/\/\S+)/, 120_000);
    const origin = new URL(base);
    /** One request on a kept-alive connection: its status and a reader for its JSON body. */
    const call = (method: string, path: string, token: string | null, body?: unknown) =>
      new Promise<{ status: number; json: () => unknown }>((resolve, reject) => {
        const payload = body ? JSON.stringify(body) : undefined;
        const req = request(
          { host: origin.hostname, port: origin.port, path, method, agent: keepAlive, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, json: () => JSON.parse(text) as unknown }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    const login = await call('POST', '/api/auth/login', null, { email: 'bench-admin@example.test', password });
    if (login.status !== 200) throw new Error(`admin sign-in failed: ${login.status}`);
    const admin = (login.json() as { accessToken: string }).accessToken;

    // Seed: leads over the API (as a CRM sync would), an agent, a queue, finished calls.
    const agentPassword = randomBytes(18).toString('base64url');
    const agent = (await call('POST', '/api/users', admin, { email: 'bench-agent@example.test', name: 'Bench Agent', role: 'agent', password: agentPassword })).json() as { id: string };
    const pools = await call('POST', '/api/ring-pools', admin, { name: 'Bench pool', numbers: [{ e164: '+12125550180' }] });
    const pool = pools.json() as { id: string };
    const queue = (await call('POST', '/api/dial-queues', admin, { name: 'Bench queue', mode: 'power', ringPoolId: pool.id, agentIds: [agent.id] })).json() as { id: string };
    const leadIds: string[] = [];
    const t0 = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < LEADS) {
          const i = next++;
          const r = await call('POST', '/api/leads', admin, { firstName: `Load${i}`, lastName: 'Bench', phones: [{ number: `+1212${String(2000000 + i).padStart(7, '0')}` }], tags: i % 3 ? ['bench'] : ['bench', 'hot'] });
          if (r.status !== 201) throw new Error(`seeding lead ${i}: ${r.status}`);
          leadIds.push((r.json() as { id: string }).id);
        }
      }),
    );
    await call('POST', `/api/dial-queues/${queue.id}/leads`, admin, { leadIds: leadIds.slice(0, 2_000) });
    const ds = await createDataSource({ kind: 'postgres', url: db.url, poolSize: 2, entities: ENTITIES });
    await ds.initialize();
    const now = new Date();
    const calls: ConversationEntity[] = leadIds.slice(0, CALLS).map((leadId, i) => ({
      id: randomUUID(), leadId, agentId: agent.id, channel: 'call', direction: 'outbound', fromNumber: '+12125550180', toNumber: `+1212${String(2000000 + i).padStart(7, '0')}`,
      providerSid: `CA${randomBytes(16).toString('hex')}`, status: 'completed', body: null, answeredBy: 'human', createdAt: now, ringingAt: now, answeredAt: now, endedAt: now, durationSeconds: 60 + (i % 240),
      disposition: null, dispositionBy: null, dispositionAt: null, notes: null, recordingUrl: null, errorCode: null, errorMessage: null, poolId: pool.id, poolNumberId: null,
      causeType: null, causeId: null, idempotencyKey: null, lastSequence: 0, updatedAt: now,
    }));
    for (let i = 0; i < calls.length; i += 500) await ds.getRepository(ConversationEntity).insert(calls.slice(i, i + 500));
    await ds.query('VACUUM ANALYZE');
    await ds.destroy();
    console.log(`http load (${root}): seeded ${LEADS} leads (${((Date.now() - t0) / 1000).toFixed(0)} s) and ${CALLS} calls; ${CLIENTS} clients for ${SECONDS} s`);

    const pid = server.child.pid as number;
    const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    const rssAtStart = rss();
    let rssPeak = rssAtStart;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rss())), 1000);
    // Processor time per request, the server's and its database sessions': less swayed by
    // whatever else shares the machine than latency is.
    const backends = async () => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const r = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      await c.end();
      return r.rows.map((x) => x.pid);
    };
    let created = 0;
    /** `CLIENTS` closed-loop clients for `seconds` on `mix`: latencies, errors and processor time. */
    const load = async (mix: Array<[Kind, number]>, seconds: number) => {
      const lat = new Map<Kind, number[]>(MIX.map(([k]) => [k, []]));
      const errors = new Map<Kind, number>(MIX.map(([k]) => [k, 0]));
      const errorSamples: string[] = [];
      const total = mix.reduce((a, [, w]) => a + w, 0);
      const pick = (): Kind => {
        let r = Math.random() * total;
        for (const [k, w] of mix) if ((r -= w) < 0) return k;
        return mix[0][0];
      };
      const dbAtStart = new Map((await backends()).map((b) => [b, cpuMs(b)]));
      const serverAtStart = cpuMs(pid);

      const until = Date.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          // Each client dispositions its own calls (no two clients race for one), alternating codes.
          const mine = calls.filter((_, i) => i % CLIENTS === c);
          let turn = 0;
          while (Date.now() < until) {
            const kind = pick();
            let req: Promise<{ status: number }>;
            let want = 200;
            switch (kind) {
              case 'leads page':
                req = call('GET', `/api/leads?limit=50${Math.random() < 0.5 ? '&tag=hot' : ''}`, admin);
                break;
              case 'one lead':
                req = call('GET', `/api/leads/${leadIds[Math.floor(Math.random() * leadIds.length)]}`, admin);
                break;
              case 'conversations page':
                req = call('GET', '/api/conversations?limit=50', admin);
                break;
              case 'queue figures':
                req = call('GET', `/api/dial-queues/${queue.id}/stats`, admin);
                break;
              case 'create lead':
                want = 201;
                req = call('POST', '/api/leads', admin, { firstName: `New${c}-${created++}`, phones: [{ number: `+1415${String(2000000 + ((c * 100_000 + created) % 7_999_999)).padStart(7, '0')}` }] });
                break;
              case 'disposition':
                want = 201;
                req = call('POST', `/api/conversations/${mine[turn % mine.length].id}/disposition`, admin, { code: turn++ % 2 ? 'no-answer' : 'not-interested' });
                break;
            }
            const t = performance.now();
            try {
              const r = await req;
              lat.get(kind)!.push(performance.now() - t);
              if (r.status !== want) {
                errors.set(kind, errors.get(kind)! + 1);
                if (errorSamples.length < 5) errorSamples.push(`${kind}: ${r.status}`);
              }
            } catch (e) {
              errors.set(kind, errors.get(kind)! + 1);
              if (errorSamples.length < 5) errorSamples.push(`${kind}: ${(e as Error).message}`);
            }
          }
        }),
      );
      const serverCpu = cpuMs(pid) - serverAtStart;
      const dbCpu = (await backends()).reduce((a, b) => a + cpuMs(b) - (dbAtStart.get(b) ?? 0), 0);
      return { lat, errors, errorSamples, serverCpu, dbCpu };
    };
    const { lat, errors, errorSamples, serverCpu, dbCpu } = await load(MIX, SECONDS);
    clearInterval(sampler);

    const rows: string[] = [];
    const line = (name: string, xs: number[], errs: number) => {
      const s = [...xs].sort((a, b) => a - b);
      rows.push(`${name.padEnd(20)} ${String(s.length).padStart(8)} ${(s.length / SECONDS).toFixed(0).padStart(8)} ${ms(pct(s, 50)).padStart(8)} ${ms(pct(s, 99)).padStart(8)} ${ms(s.at(-1) ?? NaN).padStart(8)} ${String(errs).padStart(7)}`);
    };
    rows.push(`${'kind'.padEnd(20)} ${'requests'.padStart(8)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'errors'.padStart(7)}`);
    for (const [k] of MIX) line(k, lat.get(k)!, errors.get(k)!);
    line('all reads', MIX.filter(([k]) => READS.has(k)).flatMap(([k]) => lat.get(k)!), MIX.filter(([k]) => READS.has(k)).reduce((a, [k]) => a + errors.get(k)!, 0));
    line('all writes', MIX.filter(([k]) => !READS.has(k)).flatMap(([k]) => lat.get(k)!), MIX.filter(([k]) => !READS.has(k)).reduce((a, [k]) => a + errors.get(k)!, 0));
    line('all', [...lat.values()].flat(), [...errors.values()].reduce((a, b) => a + b, 0));
    console.log(rows.join('\n'));
    console.log(`server RSS: ${rssAtStart.toFixed(0)} MiB at start, ${rssPeak.toFixed(0)} MiB at most, ${rss().toFixed(0)} MiB at the end`);
    const served = [...lat.values()].reduce((a, xs) => a + xs.length, 0);
    console.log(`processor time per request: server ${(serverCpu / served).toFixed(2)} ms, database sessions ${(dbCpu / served).toFixed(2)} ms`);
    if (errorSamples.length) console.log(`first errors: ${errorSamples.join('; ')}`);
    if (PER_KIND) {
      // Each kind alone: what one request of it costs, without the others' queues around it.
      const parts: string[] = [];
      for (const [k] of MIX) {
        const alone = await load([[k, 1]], PER_KIND);
        const n = alone.lat.get(k)!.length;
        const s = [...alone.lat.get(k)!].sort((x, y) => x - y);
        parts.push(`${k.padEnd(20)} ${(n / PER_KIND).toFixed(0).padStart(6)} req/s  p50 ${ms(pct(s, 50)).padStart(7)}  p99 ${ms(pct(s, 99)).padStart(7)}  server ${(alone.serverCpu / n).toFixed(2)} ms  database ${(alone.dbCpu / n).toFixed(2)} ms  errors ${alone.errors.get(k)}`);
      }
      console.log(`each kind alone, ${CLIENTS} clients for ${PER_KIND} s (processor time per request):\n${parts.join('\n')}`);
    }
    const sorted = (ks: Kind[]) => ks.flatMap((k) => lat.get(k)!).sort((a, b) => a - b);
    const reads = sorted(MIX.map(([k]) => k).filter((k) => READS.has(k)));
    const writes = sorted(MIX.map(([k]) => k).filter((k) => !READS.has(k)));
    return {
      rps: (reads.length + writes.length) / SECONDS,
      readP50: pct(reads, 50),
      readP99: pct(reads, 99),
      writeP50: pct(writes, 50),
      writeP99: pct(writes, 99),
      errors: [...errors.values()].reduce((a, b) => a + b, 0),
      rssPeak,
      serverCpuMs: serverCpu / [...lat.values()].reduce((a, xs) => a + xs.length, 0),
      dbCpuMs: dbCpu / [...lat.values()].reduce((a, xs) => a + xs.length, 0),
    };
  } finally {
    keepAlive.destroy();
    server.child.kill('SIGTERM');
    await server.exited;
    await db.drop();
  }
}

async function main(): Promise<void> {
  const results = new Map<string, Figures[]>(CHECKOUTS.map((c) => [c, []]));
  for (let round = 0; round < ROUNDS; round++) for (const c of CHECKOUTS) results.get(c)!.push(await run(c));
  if (ROUNDS * CHECKOUTS.length === 1) return;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\nmedians over ${ROUNDS} round(s): req/s, reads p50/p99 ms, writes p50/p99 ms, errors, peak RSS MiB, processor ms per request`);
  for (const [c, fs] of results) {
    const m = (f: keyof Figures) => median(fs.map((x) => x[f]));
    console.log(`${c}: ${m('rps').toFixed(0)} req/s, reads ${ms(m('readP50'))}/${ms(m('readP99'))}, writes ${ms(m('writeP50'))}/${ms(m('writeP99'))}, errors ${m('errors')}, RSS ${m('rssPeak').toFixed(0)}, server ${m('serverCpuMs').toFixed(2)} ms, database ${m('dbCpuMs').toFixed(2)} ms`);
  }
}

await main();
