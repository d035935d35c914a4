import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { spawnTs, type Spawned } from '../support/process.js';
import { TcpProxy } from '../support/tcp-proxy.js';

export type ChaosDatabase = 'postgres' | 'mysql';

/** One server process of the cluster, with the proxy it reaches the database through. */
export interface Instance {
  name: string;
  port: number;
  url: string;
  proxy: TcpProxy;
  process: Spawned | null;
  /** up: serving; starting: spawned, not yet listening; down: killed by the harness. */
  state: 'up' | 'starting' | 'down';
  /** Every exit the harness did not cause: a crash. */
  crashes: Array<{ code: number | null; at: number; output: string }>;
  starts: number;
  /** What the instance's earlier processes wrote (warnings and errors: LOG_LEVEL=warn). */
  past: string;
  /** The boot under way, so a restart and the settle never start one instance twice. */
  booting: Promise<void> | null;
}

export const ADMIN_EMAIL = 'chaos-admin@example.test';
export const PASSWORD = 'chaos-suite-password';
const CARRIER_SID = `AC${'c'.repeat(32)}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * Three (or `size`) Switchboard processes on one scratch database and Redis, the way a
 * floor runs them behind a load balancer: each reaches the database through a TCP
 * proxy of its own (so the harness can cut its connections), the carrier is one shared
 * simulated carrier outside them all (it outlives any instance, as the real one does),
 * and its callbacks and the harness's API calls go through a small balancer in front of
 * the instances that are up.
 */
export class Cluster {
  readonly instances: Instance[] = [];
  carrier!: SimulatedCarrier;
  db!: ScratchDatabase;
  publicUrl = '';
  private balancer!: Server;
  private rr = 0;
  private env: Record<string, string> = {};
  private readonly dir = mkdtempSync(join(tmpdir(), 'sb-chaos-'));
  /** The harness's own connection, outside the proxies: for watching and for killing the app's sessions. */
  private monitor!: pg.Client | mysql.Connection;
  private monitorIds: number[] = [];
  /** The monitor's statements, one after another (one connection). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly kind: ChaosDatabase,
    private readonly size = 3,
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  async start(): Promise<void> {
    this.db = await createScratchDatabase(this.kind);
    const target = new URL(this.db.url);
    const token = randomBytes(24).toString('hex');
    this.carrier = new SimulatedCarrier({ accountSid: CARRIER_SID, authToken: token, seed: 21, clock: 'real', smsFailureRate: 0, retryDelayMs: 500 });
    await this.carrier.start();
    await this.startBalancer();
    this.env = {
      NODE_ENV: 'development',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PUBLIC_URL: this.publicUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      JWT_ACCESS_TTL_SECONDS: '3600',
      SECRETS_KEY: randomBytes(32).toString('hex'),
      PGLITE_DATA_DIR: join(this.dir, 'unused-pglite'),
      IMPORT_DIR: join(this.dir, 'imports'),
      EMAIL_OUTBOX_DIR: join(this.dir, 'outbox'),
      DATABASE_POOL_SIZE: '8',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      SCHEDULER_LEASE_MS: '10000',
      // The counting webhook listener is on this machine; the egress guard opens it by address.
      EGRESS_ALLOW: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: '2000',
      TWILIO_ACCOUNT_SID: CARRIER_SID,
      TWILIO_AUTH_TOKEN: token,
      TWILIO_API_BASE_URL: this.carrier.url,
      OUTBOUND_SMS_PER_SECOND: '100',
      OUTBOUND_CALLS_PER_SECOND: '100',
      CALL_RECONCILE_SECONDS: '20',
      INTEGRATION_TIMEOUT_MS: '5000',
      INTEGRATION_RETRY_BASE_MS: '200',
      REALTIME_RESEND_SECONDS: '2',
      // The first instance makes the admin the suite signs in as.
      ADMIN_EMAIL,
      ADMIN_PASSWORD: PASSWORD,
      ...this.extraEnv,
    };
    for (let i = 0; i < this.size; i++) {
      const proxy = await TcpProxy.start(target.hostname, Number(target.port || (this.kind === 'mysql' ? 3306 : 5432)));
      const port = await freePort();
      this.instances.push({ name: `i${i + 1}`, port, url: `http://127.0.0.1:${port}`, proxy, process: null, state: 'down', crashes: [], starts: 0, past: '', booting: null });
    }
    // The first one alone applies the migrations; the others then start together.
    await this.boot(this.instances[0]);
    await this.connectMonitor();
    await Promise.all(this.instances.slice(1).map((i) => this.boot(i)));
  }

  /** Spawns the instance's process and waits until it answers /ready (joins a boot already under way). */
  boot(instance: Instance, timeoutMs = 120_000): Promise<void> {
    if (instance.state === 'up') return Promise.resolve();
    instance.booting ??= this.spawn(instance, timeoutMs).finally(() => (instance.booting = null));
    return instance.booting;
  }

  private async spawn(instance: Instance, timeoutMs: number): Promise<void> {
    instance.state = 'starting';
    instance.starts++;
    const p = spawnTs('server/src/main.ts', [], { ...this.env, PORT: String(instance.port), DATABASE_URL: TcpProxy.via(this.db.url, instance.proxy.port) });
    instance.process = p;
    void p.exited.then((code) => {
      instance.past += p.stdout() + p.stderr();
      if (instance.process !== p) return;
      if (instance.state !== 'down') {
        // Not the harness's doing: the process ended by itself.
        instance.crashes.push({ code, at: Date.now(), output: (p.stdout() + p.stderr()).slice(-4000) });
        instance.state = 'down';
      }
    });
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (instance.process !== p || (instance.state as Instance['state']) === 'down') throw new Error(`${instance.name} ended while starting:\n${(p.stdout() + p.stderr()).slice(-3000)}`);
      const ok = await fetch(`${instance.url}/ready`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > until) throw new Error(`${instance.name} did not become ready within ${timeoutMs} ms:\n${(p.stdout() + p.stderr()).slice(-3000)}`);
      await sleep(200);
    }
    instance.state = 'up';
  }

  /** SIGKILL: no shutdown, no releasing of work. Resolves once the process is gone. */
  async kill(instance: Instance): Promise<number> {
    const p = instance.process;
    if (!p) throw new Error(`${instance.name} is not running`);
    instance.state = 'down';
    const pid = p.child.pid!;
    p.child.kill('SIGKILL');
    await p.exited;
    return pid;
  }

  /** Everything the instance's processes have written so far. */
  output(instance: Instance): string {
    const p = instance.process;
    return instance.past + (p && p.child.exitCode === null && p.child.signalCode === null ? p.stdout() + p.stderr() : '');
  }

  up(): Instance[] {
    return this.instances.filter((i) => i.state === 'up');
  }

  /** A request to any instance that is up, through the balancer (a string body goes as CSV). */
  async api<T = unknown>(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(`${this.publicUrl}${path}`, {
          method,
          headers: { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        // The instance went away under the request, or the database is away for a moment: ask again.
        if ((res.status === 502 || res.status === 503) && attempt < 30) {
          await sleep(300);
          continue;
        }
        return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
      } catch (e) {
        if (attempt >= 30) throw e;
        await sleep(300);
      }
    }
  }

  async login(email: string, password = PASSWORD): Promise<string> {
    const res = await this.api<{ accessToken: string }>('POST', '/api/auth/login', null, { email, password });
    if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken;
  }

  /** Rows from the scratch database, on the harness's own connection. */
  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const run = this.queue.then(() => this.run<T>(sql, params));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run<T>(sql: string, params: unknown[]): Promise<T[]> {
    if (this.kind === 'postgres') return (await (this.monitor as pg.Client).query(sql, params)).rows as T[];
    const [rows] = await (this.monitor as mysql.Connection).query(sql.replace(/\$\d+/g, '?'), params);
    return rows as T[];
  }

  /**
   * What a database restart or an operator does to the app: every session of the app on
   * the scratch database is ended by the server (`pg_terminate_backend`, `KILL CONNECTION`).
   */
  async terminateSessions(): Promise<number> {
    if (this.kind === 'postgres') {
      const rows = await this.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> 'chaos-harness'");
      let n = 0;
      for (const r of rows) n += (await this.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [r.pid]))[0]?.ok ? 1 : 0;
      return n;
    }
    const rows = await this.query<{ id: number }>('SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()');
    let n = 0;
    for (const r of rows) {
      if (this.monitorIds.includes(Number(r.id))) continue;
      await this.query(`KILL CONNECTION ${Number(r.id)}`).then(
        () => n++,
        () => undefined,
      );
    }
    return n;
  }

  /** The owner string the scheduler of a process writes on its leases starts `<host>:<pid>:`. */
  async jobsHeldBy(pid: number): Promise<Array<{ id: string; leaseUntil: Date }>> {
    const rows = await this.query<{ id: string; lease_until: Date | string }>("SELECT id, lease_until FROM scheduled_jobs WHERE status = 'running' AND lease_owner LIKE $1", [`%:${pid}:%`]);
    return rows.map((r) => ({ id: r.id, leaseUntil: new Date(r.lease_until) }));
  }

  /** Of these jobs, the ones no longer held by the dead process (taken over, or finished by someone). */
  async releasedFrom(pid: number, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const marks = ids.map((_, i) => `$${i + 2}`).join(', ');
    const still = await this.query<{ id: string }>(`SELECT id FROM scheduled_jobs WHERE status = 'running' AND lease_owner LIKE $1 AND id IN (${marks})`, [`%:${pid}:%`, ...ids]);
    const held = new Set(still.map((r) => r.id));
    return new Set(ids.filter((id) => !held.has(id)));
  }

  async stop(): Promise<void> {
    for (const i of this.instances) {
      if (i.process && i.process.child.exitCode === null && i.process.child.signalCode === null) {
        i.state = 'down';
        i.process.child.kill('SIGKILL');
        await i.process.exited;
      }
      await i.proxy.close().catch(() => undefined);
    }
    await this.carrier?.stop().catch(() => undefined);
    if (this.balancer) {
      this.balancer.closeAllConnections();
      await new Promise<void>((r) => this.balancer.close(() => r()));
    }
    if (this.monitor) await (this.kind === 'postgres' ? (this.monitor as pg.Client).end() : (this.monitor as mysql.Connection).end()).catch(() => undefined);
    // CHAOS_KEEP_DB=1 leaves the database for a look after a failure.
    if (process.env.CHAOS_KEEP_DB) console.log(`  kept the database: ${this.db?.url}`);
    else await this.db?.drop().catch((e: unknown) => console.error(`dropping the scratch database: ${(e as Error).message}`));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async connectMonitor(): Promise<void> {
    if (this.kind === 'postgres') {
      const client = new pg.Client({ connectionString: this.db.url, application_name: 'chaos-harness' });
      await client.connect();
      this.monitor = client;
      return;
    }
    const conn = await mysql.createConnection({ uri: this.db.url, timezone: 'Z', dateStrings: false });
    this.monitor = conn;
    this.monitorIds = [Number((await this.query<{ id: number }>('SELECT CONNECTION_ID() AS id'))[0].id)];
  }

  /**
   * Round robin over the instances that are up; a connection refused or reset before
   * the answer is tried on the next one, as a load balancer's health check would.
   */
  private async startBalancer(): Promise<void> {
    this.balancer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const attempt = (n: number) => {
          const live = this.up();
          if (!live.length || n > 40) {
            // Every instance down at once: wait a little for one to come back, as a balancer queues.
            if (n <= 40) return void setTimeout(() => attempt(n + 1), 250);
            return void res.writeHead(502).end();
          }
          const target = live[this.rr++ % live.length];
          const out = httpRequest({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          });
          out.on('error', (e: NodeJS.ErrnoException) => {
            // Refused: the instance was not there, so nothing was done; try the next. Otherwise it may have been: 502.
            if (res.headersSent) res.destroy();
            else if (e.code === 'ECONNREFUSED') attempt(n + 1);
            else res.writeHead(502).end();
          });
          out.end(body);
        };
        attempt(1);
      });
    });
    await new Promise<void>((r) => this.balancer.listen(0, '127.0.0.1', r));
    this.publicUrl = `http://127.0.0.1:${(this.balancer.address() as AddressInfo).port}`;
  }
}
