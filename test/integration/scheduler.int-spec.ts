import { SchedulerRegistry } from '@nestjs/schedule';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { JsonLogger } from '../../server/src/common/json-logger.js';
import { createDataSource } from '../../server/src/database/data-source.js';
import { ENTITIES } from '../../server/src/entities.js';
import { JobEntity } from '../../server/src/scheduler/job.entity.js';
import { JobsRepository, TypeormJobsRepository } from '../../server/src/scheduler/jobs.repository.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { JobWakeups } from '../../server/src/scheduler/wakeups.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

describe('durable scheduler', () => {
  let t: TestApp;
  let scheduler: SchedulerService;
  let other: SchedulerService;
  let otherDs: DataSource;
  const seen: Array<{ id: string; owner: string; payload: unknown }> = [];

  beforeAll(async () => {
    t = await createTestApp();
    scheduler = t.get(SchedulerService);
    // A second instance on its own connections to the same database, as another server would be.
    otherDs = await createDataSource({ kind: t.db.kind, url: t.db.url, poolSize: 4, entities: ENTITIES });
    await otherDs.initialize();
    const logger = new JsonLogger('silent');
    other = new SchedulerService(new TypeormJobsRepository(otherDs), new JobWakeups(new TypeormJobsRepository(otherDs), t.config, logger), t.config, t.clock, logger, new SchedulerRegistry());
    for (const s of [scheduler, other]) {
      s.register('test.record', {
        handle: async (payload, { job }) => {
          await new Promise((r) => setTimeout(r, 2));
          seen.push({ id: job.id, owner: s.owner, payload });
        },
      });
      s.configure({ concurrency: 8, backoffBaseMs: 5_000 });
    }
  });
  afterAll(async () => {
    await otherDs?.destroy();
    await t?.close();
  });

  const job = (id: string) => t.dataSource.getRepository(JobEntity).findOneByOrFail({ id });
  /** Another instance whose handler for `queue` runs until the instance stops it; `running` once it has begun. */
  const stoppingInstance = (queue: string) => {
    const logger = new JsonLogger('silent');
    const stopping = new SchedulerService(new TypeormJobsRepository(otherDs), new JobWakeups(new TypeormJobsRepository(otherDs), t.config, logger), t.config, t.clock, logger, new SchedulerRegistry());
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    stopping.register(queue, {
      handle: (_p, { signal }) =>
        new Promise<void>((resolve) => {
          started();
          signal.addEventListener('abort', () => resolve());
        }),
    });
    return { stopping, running };
  };

  it('runs a due job once with its payload; a dedupe key admits one job; future work waits', async () => {
    seen.length = 0;
    const id = await scheduler.enqueue('test.record', { hello: 'world' }, { dedupeKey: 'greeting-1' });
    expect(await scheduler.enqueue('test.record', { hello: 'again' }, { dedupeKey: 'greeting-1' })).toBeNull();
    const later = await scheduler.enqueue('test.record', { later: true }, { dueAt: new Date(t.clock.now().getTime() + 60_000) });
    expect(await scheduler.runDue()).toBe(1);
    expect(seen).toEqual([{ id, owner: scheduler.owner, payload: { hello: 'world' } }]);
    expect(await job(id as string)).toMatchObject({ status: 'done', attempt: 1, failures: 0, leaseOwner: null });
    expect(await scheduler.runDue()).toBe(0);
    t.clock.advance(60_000);
    expect(await scheduler.runDue()).toBe(1);
    expect((await job(later as string)).status).toBe('done');
  });

  it('two instances claim disjoint work and together run every job exactly once', async () => {
    seen.length = 0;
    // Each job waits until both instances are running one, so both take part.
    const owners = new Set<string>();
    let together!: () => void;
    const both = new Promise<void>((r) => (together = r));
    for (const s of [scheduler, other]) {
      s.register('test.together', {
        handle: async (payload, { job }) => {
          owners.add(s.owner);
          if (owners.size === 2) together();
          await Promise.race([both, new Promise((r) => setTimeout(r, 5_000))]);
          seen.push({ id: job.id, owner: s.owner, payload });
        },
      });
    }
    const ids = new Set<string>();
    for (let i = 0; i < 120; i++) ids.add((await scheduler.enqueue('test.together', { i })) as string);
    // Both keep claiming until nothing is left, at the same time.
    const drain = async (s: SchedulerService) => {
      while ((await s.runDue()) > 0) {
        /* next round */
      }
    };
    await Promise.all([drain(scheduler), drain(other)]);
    const ran = seen.map((s) => s.id);
    expect(ran.length).toBe(120);
    expect(new Set(ran)).toEqual(ids);
    expect(new Set(seen.map((s) => s.owner))).toEqual(new Set([scheduler.owner, other.owner]));
    expect(await t.dataSource.getRepository(JobEntity).countBy({ status: 'done', queue: 'test.together' })).toBe(120);
  });

  it("a crashed worker's job is re-claimed after its lease, and the stale worker's completion changes nothing", async () => {
    seen.length = 0;
    const id = (await scheduler.enqueue('test.record', { crash: true })) as string;
    const repo = t.get(JobsRepository);
    const now = t.clock.now();
    const [claimed] = await repo.claim({ owner: 'dead-instance', now, leaseUntil: new Date(now.getTime() + 60_000), limit: 5, queues: ['test.record'] });
    expect(claimed).toMatchObject({ id, attempt: 1, status: 'running', leaseOwner: 'dead-instance' });
    expect(await scheduler.runDue()).toBe(0); // leased: nobody else takes it
    t.clock.advance(60_001);
    expect(await other.runDue()).toBe(1);
    expect(seen).toEqual([{ id, owner: other.owner, payload: { crash: true } }]);
    expect(await repo.complete(id, 1, t.clock.now())).toBe(false);
    expect(await repo.completeMany([{ id, attempt: 1 }], t.clock.now())).toEqual(new Set());
    expect(await job(id)).toMatchObject({ status: 'done', attempt: 2 });
  });

  it('a live instance keeps a long job by heartbeat past its lease; a dead one\'s work is taken over once the 20 s lease lapses', async () => {
    const lease = t.config.schedulerLeaseMs;
    expect(lease).toBe(20_000);
    let finish!: () => void;
    const held = new Promise<void>((r) => (finish = r));
    const ran: string[] = [];
    scheduler.register('test.long', { handle: async (_p, { job }) => { ran.push(`${scheduler.owner}:${job.id}`); await held; } });
    other.register('test.long', { handle: async (_p, { job }) => { ran.push(`${other.owner}:${job.id}`); } });
    const id = (await scheduler.enqueue('test.long', {}))!;
    const running = scheduler.runDue();
    while (!ran.length) await new Promise((r) => setImmediate(r));
    // Three heartbeats over twice the lease: the other instance never gets the job.
    for (let i = 0; i < 3; i++) {
      t.clock.advance(lease * 0.66);
      await scheduler.heartbeat();
      expect(await other.runDue()).toBe(0);
    }
    finish();
    await running;
    expect(await job(id)).toMatchObject({ status: 'done', attempt: 1 });

    // A dead instance's claim: taken over just after its lease, not before.
    const dead = (await scheduler.enqueue('test.long', {}))!;
    const now = t.clock.now();
    await t.get(JobsRepository).claim({ owner: 'dead-instance', now, leaseUntil: new Date(now.getTime() + lease), limit: 1, queues: ['test.long'] });
    t.clock.advance(lease - 1_000);
    expect(await other.runDue()).toBe(0);
    t.clock.advance(6_000);
    expect(await other.runDue()).toBe(1);
    expect(ran).toContain(`${other.owner}:${dead}`);
    expect(await job(dead)).toMatchObject({ status: 'done', attempt: 2 });
  });

  it('claims the earliest due first and, among work due at once, the higher priority; batch completion is fenced per claim', async () => {
    const repo = t.get(JobsRepository);
    const at = t.clock.now();
    const early = (await scheduler.enqueue('test.order', {}, { dueAt: new Date(at.getTime() - 1_000), priority: -5 })) as string;
    const low = (await scheduler.enqueue('test.order', {}, { priority: 1 })) as string;
    const high = (await scheduler.enqueue('test.order', {}, { priority: 9 })) as string;
    await scheduler.enqueue('test.order', {}, { dueAt: new Date(at.getTime() + 1_000), priority: 100 });
    const claimed = await repo.claim({ owner: 'orderer', now: at, leaseUntil: new Date(at.getTime() + 60_000), limit: 10, queues: ['test.order'] });
    expect(claimed.map((j) => j.id)).toEqual([early, high, low]);
    expect(claimed.every((j) => j.status === 'running' && j.attempt === 1 && j.leaseOwner === 'orderer' && j.dueAt instanceof Date)).toBe(true);
    // One stale fence among good ones: only the good ones complete.
    const done = await repo.completeMany([{ id: early, attempt: 1 }, { id: high, attempt: 7 }, { id: low, attempt: 1 }], at);
    expect(done).toEqual(new Set([early, low]));
    expect(await job(high)).toMatchObject({ status: 'running', attempt: 1 });
    expect(await job(low)).toMatchObject({ status: 'done', leaseOwner: null });
    expect(await repo.complete(high, 1, at)).toBe(true);
  });

  it('retries with backoff, parks a job as dead after its attempts, and an admin retries it', async () => {
    let fail = true;
    scheduler.register('test.flaky', {
      handle: async () => {
        if (fail) throw new Error('the webhook answered 503');
      },
    });
    const id = (await scheduler.enqueue('test.flaky', {}, { maxAttempts: 2 })) as string;
    const t0 = t.clock.now().getTime();
    await scheduler.runDue();
    expect(await job(id)).toMatchObject({ status: 'pending', failures: 1, attempt: 1, lastError: 'the webhook answered 503' });
    expect((await job(id)).dueAt.getTime()).toBe(t0 + 5_000);
    expect(await scheduler.runDue()).toBe(0);
    t.clock.advance(5_000);
    await scheduler.runDue();
    expect(await job(id)).toMatchObject({ status: 'dead', failures: 2, attempt: 2 });

    const admin = await signIn(t, 'admin');
    const dead = (await t.http.get('/api/scheduler/jobs?status=dead').set(admin.auth).expect(200)).body as Array<{ id: string; lastError: string }>;
    expect(dead.map((d) => d.id)).toContain(id);
    const agent = await signIn(t, 'agent');
    await t.http.post(`/api/scheduler/jobs/${id}/retry`).set(agent.auth).expect(403);
    fail = false;
    expect((await t.http.post(`/api/scheduler/jobs/${id}/retry`).set(admin.auth).expect(200)).body).toMatchObject({ status: 'pending', failures: 0 });
    await t.http.post(`/api/scheduler/jobs/${id}/retry`).set(admin.auth).expect(409);
    await scheduler.runDue();
    expect(await job(id)).toMatchObject({ status: 'done', attempt: 3 });
  });

  it('shutdown releases a job it cannot finish in time, without counting a failure', async () => {
    const { stopping, running } = stoppingInstance('test.slow');
    const id = (await scheduler.enqueue('test.slow', {})) as string;
    await stopping.start();
    await running;
    expect((await job(id)).status).toBe('running');
    await stopping.stop(50);
    expect(await job(id)).toMatchObject({ status: 'pending', failures: 0, leaseOwner: null });
  });

  it('work released at shutdown is taken by another instance at once, not after its lease', async () => {
    const { stopping, running } = stoppingInstance('test.handback');
    const finishedBy: string[] = [];
    scheduler.register('test.handback', { handle: async () => void finishedBy.push(scheduler.owner) });
    const id = (await scheduler.enqueue('test.handback', {})) as string;
    await stopping.start();
    await running;
    expect(await job(id)).toMatchObject({ status: 'running', leaseOwner: stopping.owner });
    const stoppedAt = Date.now();
    await stopping.stop(100);
    expect(Date.now() - stoppedAt).toBeLessThan(t.config.shutdownTimeoutMs);
    // The clock has not moved: a job left to its lease could not be claimed now.
    while ((await scheduler.runDue()) > 0);
    expect(await job(id)).toMatchObject({ status: 'done', failures: 0 });
    expect(finishedBy).toEqual([scheduler.owner]);
  });

  it('ticks through @nestjs/schedule and wakes for work due before the next tick', async () => {
    const logger = new JsonLogger('silent');
    const registry = new SchedulerRegistry();
    const waking = new SchedulerService(new TypeormJobsRepository(otherDs), new JobWakeups(new TypeormJobsRepository(otherDs), t.config, logger), t.config, t.clock, logger, registry);
    let ran!: (at: number) => void;
    const done = new Promise<number>((r) => (ran = r));
    waking.register('test.soon', { handle: async () => ran(Date.now()) });
    // A tick far away: only the next-due timer can run the job in time.
    waking.configure({ pollMs: 60_000 });
    await scheduler.enqueue('test.soon', {}, { dueAt: new Date(t.clock.now().getTime() + 300) });
    await waking.start();
    try {
      expect(registry.getIntervals().filter((n) => n.startsWith('scheduler.'))).toHaveLength(2);
      const t0 = Date.now();
      t.clock.advance(300);
      const at = await Promise.race([done, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('not woken within 3 s')), 3_000))]);
      expect(at - t0).toBeLessThan(3_000);
    } finally {
      await waking.stop(50);
    }
    expect(registry.getIntervals().filter((n) => n.startsWith('scheduler.'))).toHaveLength(0);
  });
  it('a cluster-wide lock lets one instance at a time run once-per-cluster work', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const first = scheduler.once('nightly', 60_000, () => {
      holding();
      return hold.then(() => 'first');
    });
    await held; // the first instance holds the lock and is running
    expect(await other.once('nightly', 60_000, async () => 'second')).toBeNull();
    release();
    expect(await first).toBe('first');
    expect(await other.once('nightly', 60_000, async () => 'second')).toBe('second');
  });
});
