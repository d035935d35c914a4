import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isConnectionLost } from '../../server/src/database/db-errors.js';
import { DedicatedConnection } from '../../server/src/database/dedicated-connection.js';
import { JobEntity } from '../../server/src/scheduler/job.entity.js';
import { JobsRepository } from '../../server/src/scheduler/jobs.repository.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { JobWakeups } from '../../server/src/scheduler/wakeups.js';
import { JsonLogger } from '../../server/src/common/json-logger.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { signIn } from '../support/factories.js';
import { TcpProxy } from '../support/tcp-proxy.js';

/**
 * The database drops the app's connections (a restart, a failover, a pooler, an
 * operator): the connections are cut in a TCP proxy between the app and its database,
 * and on the servers by the database itself as well — `pg_terminate_backend` on
 * PostgreSQL, `KILL CONNECTION` on MariaDB — on this test's own database only. Nothing
 * may end the process, no work may be lost, and requests after the fault are served again.
 */
describe('database connection loss', () => {
  let t: TestApp;
  let db: ScratchDatabase;
  let proxy: TcpProxy;
  let scheduler: SchedulerService;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  let kill: () => Promise<number>;
  let behaviour: 'kill-then-throw' | 'kill-then-succeed' = 'kill-then-throw';
  const ran: string[] = [];

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    db = await createScratchDatabase(undefined, undefined, { migrated: true });
    const target = new URL(db.url);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || (db.kind === 'mysql' ? 3306 : 5432)));
    t = await createTestApp({ database: { ...db, url: TcpProxy.via(db.url, proxy.port) } });
    scheduler = t.get(SchedulerService);
    // The killer runs on a connection of its own, outside the app's pool and the proxy.
    kill = async () => {
      const cut = proxy.cut();
      if (db.kind === 'pglite') return cut;
      return cut + (await killOnServer());
    };
    const killOnServer = async () => {
      if (db.kind === 'mysql') {
        const { createConnection } = await import('mysql2/promise');
        const conn = await createConnection(db.url);
        try {
          const [rows] = await conn.query('SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()');
          for (const r of rows as Array<{ id: number }>) await conn.query(`KILL CONNECTION ${Number(r.id)}`).catch(() => undefined);
          return (rows as unknown[]).length;
        } finally {
          await conn.end();
        }
      }
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const res = await client.query('SELECT pg_terminate_backend(pid) AS gone FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
        return res.rowCount ?? 0;
      } finally {
        await client.end();
      }
    };
    scheduler.register('test.fault', {
      handle: async (_payload, { job }) => {
        ran.push(job.id);
        // The database goes away under the work and comes back a moment later.
        expect(await kill()).toBeGreaterThan(0);
        outage(400);
        if (behaviour === 'kill-then-throw') throw new Error('the work failed while the database was away');
      },
    });
    scheduler.configure({ backoffBaseMs: 1_000 });
  });
  /** No new connection is taken for `ms`, as while a database restarts. */
  const outage = (ms: number) => {
    proxy.hold();
    setTimeout(() => proxy.restore(), ms);
  };
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await t?.close();
    await proxy?.close();
    await db?.drop();
  });

  const job = (id: string) => t.dataSource.getRepository(JobEntity).findOneByOrFail({ id });

  it('a job that fails while the database is away has its failure written when it is back, and is run again', async () => {
    behaviour = 'kill-then-throw';
    const id = (await scheduler.enqueue('test.fault', {}))!;
    await expect(scheduler.runDue()).resolves.toBe(1);
    expect(await job(id)).toMatchObject({ status: 'pending', failures: 1, leaseOwner: null, lastError: 'the work failed while the database was away' });
    expect(rejections).toEqual([]);
  });

  it('a job done while the database is away has its completion written when it is back, once', async () => {
    behaviour = 'kill-then-succeed';
    const id = (await scheduler.enqueue('test.fault', {}))!;
    await expect(scheduler.runDue()).resolves.toBe(1);
    expect(await job(id)).toMatchObject({ status: 'done', attempt: 1, failures: 0 });
    expect(ran.filter((r) => r === id)).toHaveLength(1);
    expect(rejections).toEqual([]);
  });

  it('a transaction whose connection dies between two of its statements fails as a lost connection (so it is retried, or answered 503), not as an unknown error', async () => {
    const failure = await t.dataSource
      .transaction(async (em) => {
        await em.query('SELECT 1');
        expect(await kill()).toBeGreaterThan(0);
        // The driver hears of it while the transaction sits between statements.
        for (let i = 0; i < 100 && !em.queryRunner?.isReleased; i++) await new Promise((r) => setTimeout(r, 10));
        await em.query('SELECT 1');
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(Error);
    expect(isConnectionLost(failure)).toBe(true);
    // And the pool serves the next statement on a fresh connection.
    await expect(t.dataSource.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    expect(rejections).toEqual([]);
  });

  it('a dedicated connection that dies answers its statement through the pool, and opens again for the next', async () => {
    const lane = new DedicatedConnection(t.dataSource);
    try {
      await expect(lane.query('SELECT 1 AS one', [])).resolves.toEqual([{ one: 1 }]);
      expect(await kill()).toBeGreaterThan(0);
      // The kill is heard by the driver on the next statement at the latest.
      const after = await lane.query('SELECT 2 AS two', []);
      expect(after).toEqual([{ two: 2 }]);
      await expect(lane.query('SELECT 3 AS three', [])).resolves.toEqual([{ three: 3 }]);
      expect(rejections).toEqual([]);
    } finally {
      await lane.close();
    }
    // Closed, it goes through the pool.
    await expect(lane.query('SELECT 4 AS four', [])).resolves.toEqual([{ four: 4 }]);
  });

  it('a request while the database is away gets a 503 asking to try again, never a 500; served again when it is back, and /ready says so', async () => {
    const admin = await signIn(t, 'admin');
    await t.http.get('/api/leads').set(admin.auth).expect(200);
    expect(await kill()).toBeGreaterThan(0);
    proxy.hold();
    const away = await t.http.get('/api/leads').set(admin.auth);
    expect(away.status).toBe(503);
    expect(away.headers['retry-after']).toBe('1');
    expect(away.body).toMatchObject({ statusCode: 503, code: expect.any(String), message: expect.stringContaining('try again') });
    expect(JSON.stringify(away.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    expect((await t.http.get('/ready')).status).toBe(503);
    proxy.restore();
    await t.http.get('/api/leads').set(admin.auth).expect(200);
    await t.http.get('/ready').expect(200);
    expect(rejections).toEqual([]);
  });

  it('the wake-up listener comes back after its connection is killed, and a NOTIFY reaches it again (PostgreSQL server; elsewhere the timer wakes and a NOTIFY never throws)', async () => {
    const wakeups = new JobWakeups(t.get(JobsRepository), t.config, new JsonLogger('silent'));
    let woke = 0;
    await wakeups.listen(() => woke++);
    try {
      if (db.kind !== 'postgres') {
        await wakeups.notify();
        expect(woke).toBe(0);
        return;
      }
      await wakeups.notify();
      for (let i = 0; i < 200 && woke === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(woke).toBeGreaterThan(0);
      expect(await kill()).toBeGreaterThan(0);
      const before = woke;
      // Reconnects on its own; each NOTIFY after that wakes it.
      for (let i = 0; i < 300 && woke <= before + 1; i++) {
        await wakeups.notify();
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(woke).toBeGreaterThan(before + 1);
    } finally {
      await wakeups.close();
    }
  });
});
