/**
 * The durable scheduler against pg-boss, side by side on the same Postgres server.
 *
 * - backlog: `--count` jobs already due; workers start and drain them. Jobs/s until the
 *   database shows every one completed.
 * - paced: a producer enqueues `--rate` jobs/s due now for `--seconds`, through each
 *   system's public enqueue; due → handler started, p50/p99.
 *
 * Rounds alternate the two systems (`--rounds`, default 3) and the medians are printed,
 * with the ratio. Both run no-op handlers in this process. Ours holds at most
 * `--concurrency` (1000) jobs at once, claimed `--claim-batch` (500) at a time; pg-boss runs
 * `--boss-workers` (4) workers each fetching `--boss-batch` (1000), so up to 4000 in flight,
 * at its shortest polling interval.
 *
 *   node --import @swc-node/register/esm-register test/bench/scheduler.ts [--count 100000] [--rate 500] [--seconds 10]
 *     [--only switchboard|pg-boss]  (one system alone, for tuning)
 *
 * Postgres comes from TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 * PROFILE=1 prints time spent per repository method.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SchedulerRegistry } from '@nestjs/schedule';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { SystemClock } from '../../server/src/common/clock.js';
import { JsonLogger } from '../../server/src/common/json-logger.js';
import { loadConfig } from '../../server/src/config/app-config.js';
import { createDataSource } from '../../server/src/database/data-source.js';
import { ENTITIES } from '../../server/src/entities.js';
import { runMigrations } from '../../server/src/database/migrator.js';
import { JobEntity } from '../../server/src/scheduler/job.entity.js';
import { TypeormJobsRepository } from '../../server/src/scheduler/jobs.repository.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { JobWakeups } from '../../server/src/scheduler/wakeups.js';
import { createScratchDatabase } from '../support/databases.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const COUNT = Number(arg('count', '100000'));
const RATE = Number(arg('rate', '500'));
const SECONDS = Number(arg('seconds', '10'));
const ROUNDS = Number(arg('rounds', '3'));
const CONCURRENCY = Number(arg('concurrency', '1000'));
const CLAIM_BATCH = Number(arg('claim-batch', '500'));
const BOSS_WORKERS = Number(arg('boss-workers', '4'));
const BOSS_BATCH = Number(arg('boss-batch', '1000'));
const ONLY = arg('only', '');
const QUEUE = 'bench_noop';
process.env.TEST_POSTGRES_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

interface System {
  name: string;
  /** Inserts n jobs due now without timing (the backlog). */
  preload(n: number): Promise<void>;
  /** Enqueues one job due now through the public path. */
  enqueue(payload: { t: number }): Promise<void>;
  start(onJob: (payload: { t: number }) => void): Promise<void>;
  stop(): Promise<void>;
  completed(): Promise<number>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

async function waitFor(sys: System, n: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await sys.completed()) < n) {
    if (Date.now() > until) throw new Error(`${sys.name}: ${await sys.completed()} of ${n} completed after ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function backlog(sys: System): Promise<number> {
  await sys.clear();
  await sys.preload(COUNT);
  const t0 = performance.now();
  await sys.start(() => undefined);
  await waitFor(sys, COUNT, 600_000);
  const s = (performance.now() - t0) / 1000;
  await sys.stop();
  return COUNT / s;
}

async function paced(sys: System): Promise<{ p50: number; p99: number }> {
  await sys.clear();
  const lat: number[] = [];
  await sys.start((p) => lat.push(Date.now() - p.t));
  const total = RATE * SECONDS;
  const t0 = Date.now();
  let sent = 0;
  const inflight: Promise<void>[] = [];
  while (sent < total) {
    // Send what the rate allows by now, in 10 ms steps.
    const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * RATE));
    for (; sent < due; sent++) inflight.push(sys.enqueue({ t: Date.now() }));
    await sleep(10);
  }
  await Promise.all(inflight);
  await waitFor(sys, total, 120_000);
  await sys.stop();
  const sorted = lat.sort((a, b) => a - b);
  return { p50: pct(sorted, 50), p99: pct(sorted, 99) };
}

async function ours(url: string, admin: pg.Client): Promise<System> {
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: url, JWT_SECRET: randomBytes(32).toString('hex'), SECRETS_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent', SEED_DEMO: 'false', DATABASE_POOL_SIZE: '10' });
  const logger = new JsonLogger('silent');
  const ds = await createDataSource({ kind: 'postgres', url, poolSize: 10, entities: ENTITIES });
  await ds.initialize();
  await runMigrations(ds);
  const repo = new TypeormJobsRepository(ds);
  if (process.env.PROFILE) profile(repo);
  let handler: (p: { t: number }) => void = () => undefined;
  let scheduler: SchedulerService | null = null;
  const make = () => {
    const s = new SchedulerService(repo, new JobWakeups(repo, config, logger), config, new SystemClock(), logger, new SchedulerRegistry());
    s.register(QUEUE, { handle: async (p) => handler(p as { t: number }) });
    s.configure({ concurrency: CONCURRENCY, claimBatch: CLAIM_BATCH, pollMs: 1_000 });
    return s;
  };
  const enqueuer = make();
  return {
    name: 'switchboard',
    async preload(n) {
      const now = new Date();
      // 2,000 rows × 16 columns stays under the protocol's 65,535 parameters.
      for (let i = 0; i < n; i += 2_000) {
        const jobs: JobEntity[] = [];
        for (let k = i; k < Math.min(n, i + 2_000); k++) {
          jobs.push({ id: randomUUID(), queue: QUEUE, payload: JSON.stringify({ t: now.getTime() }), dueAt: now, status: 'pending', priority: 0, attempt: 0, failures: 0, maxAttempts: 5, leaseOwner: null, leaseUntil: null, lastError: null, dedupeKey: null, createdAt: now, updatedAt: now, finishedAt: null });
        }
        await repo.insert(jobs);
      }
      await admin.query(`VACUUM ANALYZE scheduled_jobs`).catch(() => undefined);
    },
    async enqueue(payload) {
      await enqueuer.enqueue(QUEUE, payload);
    },
    async start(onJob) {
      handler = onJob;
      scheduler = make();
      await scheduler.start();
    },
    async stop() {
      await scheduler?.stop(5_000);
      scheduler = null;
    },
    async completed() {
      const r = await admin.query(`SELECT count(*)::int AS n FROM scheduled_jobs WHERE status = 'done'`);
      return (r.rows as Array<{ n: number }>)[0].n;
    },
    async clear() {
      await ds.query('TRUNCATE scheduled_jobs');
    },
    async close() {
      await ds.destroy();
    },
  };
}

async function boss(url: string): Promise<System> {
  const b = new PgBoss({ connectionString: url, max: 10, supervise: false, schedule: false, migrate: true });
  b.on('error', (e: Error) => console.error(`pg-boss: ${e.message}`));
  await b.start();
  await b.createQueue(QUEUE);
  const direct = new pg.Client({ connectionString: url });
  direct.on('error', () => undefined);
  await direct.connect();
  let workers: string[] = [];
  return {
    name: 'pg-boss',
    async preload(n) {
      for (let i = 0; i < n; i += 5_000) {
        const jobs: PgBoss.JobInsert[] = [];
        const t = Date.now();
        for (let k = i; k < Math.min(n, i + 5_000); k++) jobs.push({ name: QUEUE, data: { t } });
        await b.insert(jobs);
      }
      await direct.query(`VACUUM ANALYZE pgboss.job`).catch(() => undefined);
    },
    async enqueue(payload) {
      await b.send(QUEUE, payload);
    },
    async start(onJob) {
      workers = [];
      for (let w = 0; w < BOSS_WORKERS; w++) {
        workers.push(
          await b.work<{ t: number }>(QUEUE, { batchSize: BOSS_BATCH, pollingIntervalSeconds: 0.5 }, async (jobs) => {
            for (const j of jobs) onJob(j.data);
          }),
        );
      }
    },
    async stop() {
      for (const id of workers) await b.offWork({ id });
      workers = [];
    },
    async completed() {
      const r = await direct.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'`, [QUEUE]);
      return (r.rows as Array<{ n: number }>)[0].n;
    },
    async clear() {
      await direct.query(`DELETE FROM pgboss.job WHERE name = $1`, [QUEUE]);
    },
    async close() {
      await b.stop({ graceful: false, wait: true });
      await direct.end();
    },
  };
}

/** Wraps the repository's methods to sum their time (PROFILE=1). */
function profile(repo: TypeormJobsRepository): void {
  const totals = new Map<string, { ms: number; calls: number }>();
  const target = repo as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const name of ['claim', 'completeMany', 'reclaimExpired', 'nextDueAt', 'insert', 'extendLease']) {
    const fn = target[name].bind(repo);
    target[name] = async (...a: unknown[]) => {
      const t0 = performance.now();
      try {
        return await fn(...a);
      } finally {
        const e = totals.get(name) ?? { ms: 0, calls: 0 };
        e.ms += performance.now() - t0;
        e.calls++;
        totals.set(name, e);
      }
    };
  }
  process.on('exit', () => {
    for (const [name, e] of totals) console.log(`  ${name}: ${e.calls} calls, ${e.ms.toFixed(0)} ms, ${(e.ms / e.calls).toFixed(2)} ms/call`);
  });
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase('postgres');
  const admin = new pg.Client({ connectionString: scratch.url });
  admin.on('error', () => undefined);
  await admin.connect();
  const systems: System[] = [];
  try {
    if (ONLY !== 'pg-boss') systems.push(await ours(scratch.url, admin));
    if (ONLY !== 'switchboard') systems.push(await boss(scratch.url));
    const results = new Map(systems.map((s) => [s.name, { rate: [] as number[], p50: [] as number[], p99: [] as number[] }]));
    console.log(`scheduler bench: backlog ${COUNT} jobs, paced ${RATE}/s for ${SECONDS} s, ${ROUNDS} rounds; switchboard concurrency ${CONCURRENCY}; pg-boss ${BOSS_WORKERS} workers × batch ${BOSS_BATCH}`);
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first, so neither always runs on a warmer server.
      const order = r % 2 ? [...systems].reverse() : systems;
      for (const sys of order) {
        const rate = await backlog(sys);
        const lat = await paced(sys);
        const e = results.get(sys.name)!;
        e.rate.push(rate);
        e.p50.push(lat.p50);
        e.p99.push(lat.p99);
        console.log(`  round ${r + 1} ${sys.name.padEnd(11)} backlog ${rate.toFixed(0).padStart(6)} jobs/s   due→claimed p50 ${String(lat.p50).padStart(4)} ms  p99 ${String(lat.p99).padStart(5)} ms`);
      }
    }
    console.log('medians:');
    for (const [name, e] of results) {
      console.log(`  ${name.padEnd(11)} backlog ${median(e.rate).toFixed(0).padStart(6)} jobs/s   due→claimed p50 ${median(e.p50)} ms  p99 ${median(e.p99)} ms`);
    }
    const a = results.get('switchboard');
    const b = results.get('pg-boss');
    if (a && b) console.log(`ratio (switchboard / pg-boss) backlog throughput: ${(median(a.rate) / median(b.rate)).toFixed(2)}×; p99 latency: ${(median(b.p99) / Math.max(1, median(a.p99))).toFixed(1)}× lower`);
  } catch (e) {
    console.error((e as Error).stack?.split('\n').slice(0, 6).join('\n'));
    process.exitCode = 1;
  } finally {
    for (const s of systems) await s.close().catch(() => undefined);
    await admin.end();
    await scratch.drop();
    process.exit();
  }
}

void main();
