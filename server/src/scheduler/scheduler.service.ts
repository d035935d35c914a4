import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { retryingThroughFaults } from '../database/db-errors.js';
import type { JobEntity } from './job.entity.js';
import { JobsRepository } from './jobs.repository.js';
import { JobWakeups } from './wakeups.js';

export interface JobContext {
  job: JobEntity;
  /** Aborted when the instance shuts down; a handler that stops early gets its job released. */
  signal: AbortSignal;
}

/** Runs one queue's jobs. Throw to fail (retried with backoff, dead after `maxAttempts`). */
export interface JobHandler {
  handle(payload: unknown, ctx: JobContext): Promise<void>;
}

export interface EnqueueOptions {
  dueAt?: Date;
  dedupeKey?: string;
  priority?: number;
  maxAttempts?: number;
  /** Enqueue inside the caller's transaction, so the job exists only if the caller's change commits. */
  em?: EntityManager;
}

export interface SchedulerOptions {
  /** Jobs run at once by this instance. */
  concurrency: number;
  /** Most jobs taken by one claim statement. */
  claimBatch: number;
  leaseMs: number;
  /** How often to look for due work when nothing wakes us sooner. */
  pollMs: number;
  /** Retry delay: base × 2^(failures-1), capped. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  defaultMaxAttempts: number;
}

const TICK = 'scheduler.tick';
const RENEW = 'scheduler.renew-leases';

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  concurrency: 16,
  claimBatch: 200,
  leaseMs: 20_000,
  pollMs: 1_000,
  backoffBaseMs: 5_000,
  backoffMaxMs: 60 * 60_000,
  defaultMaxAttempts: 5,
};

/**
 * The durable scheduler. Due work lives in `scheduled_jobs`; every instance claims
 * batches under a lease (FOR UPDATE SKIP LOCKED, so instances never take the same
 * row), runs them through the queue's handler, and completes or fails them fenced by
 * (id, attempt). It wakes on a timer and, on PostgreSQL, on a NOTIFY sent when work
 * is enqueued due now. Shutdown stops claiming, lets running jobs finish within the
 * grace period, and releases the rest.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly owner = `${hostname().slice(0, 24)}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly running = new Map<string, { job: JobEntity; done: Promise<void>; abort: AbortController }>();
  private options: SchedulerOptions;
  private nextTimer: NodeJS.Timeout | undefined;
  private nextAt = Infinity;
  private polling: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  /** When expired leases were last swept (clock ms). */
  private lastSweep = -Infinity;
  /** Completions waiting for the next batched write. */
  private completions: Array<{ id: string; attempt: number; settle: (done: boolean) => void; fail: (e: unknown) => void }> = [];
  private flushQueued = false;
  /** Completions not yet written: shutdown waits for them. */
  private readonly completing = new Set<Promise<boolean>>();

  constructor(
    private readonly repo: JobsRepository,
    private readonly wakeups: JobWakeups,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
    private readonly registry: SchedulerRegistry,
  ) {
    this.options = { ...DEFAULT_SCHEDULER_OPTIONS, leaseMs: config.schedulerLeaseMs ?? DEFAULT_SCHEDULER_OPTIONS.leaseMs };
  }

  /** Registers the handler for a queue. Call from a module's constructor or onModuleInit. */
  register(queue: string, handler: JobHandler): void {
    if (this.handlers.has(queue)) throw new Error(`a handler for queue "${queue}" is already registered`);
    this.handlers.set(queue, handler);
  }

  queues(): string[] {
    return [...this.handlers.keys()];
  }

  configure(options: Partial<SchedulerOptions>): void {
    this.options = { ...this.options, ...options };
  }

  async enqueue(queue: string, payload: unknown, options: EnqueueOptions = {}): Promise<string | null> {
    const now = this.clock.now();
    const job: JobEntity = {
      id: randomUUID(),
      queue,
      payload: JSON.stringify(payload ?? null),
      dueAt: options.dueAt ?? now,
      status: 'pending',
      priority: options.priority ?? 0,
      attempt: 0,
      failures: 0,
      maxAttempts: options.maxAttempts ?? this.options.defaultMaxAttempts,
      leaseOwner: null,
      leaseUntil: null,
      lastError: null,
      dedupeKey: options.dedupeKey ?? null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    };
    const [id] = await this.repo.insert([job], options.em);
    if (id && job.dueAt <= now) await this.wakeups.notify(options.em);
    return id ?? null;
  }

  /** Cancels the pending job with this dedupe key (one whose work was done another way); whether there was one. */
  async cancel(dedupeKey: string): Promise<boolean> {
    return this.repo.cancel(dedupeKey, this.clock.now());
  }

  async onApplicationBootstrap(): Promise<void> {
    // Tests drive the scheduler by hand (`runDue`) against their fixed clock.
    if (this.config.env === 'test') return;
    await this.start();
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.wakeups.listen(() => this.poke());
    // The tick and the lease renewal live in @nestjs/schedule's registry, beside any other timed work.
    const tick = setInterval(() => this.poke(), this.options.pollMs);
    const renew = setInterval(() => void this.heartbeat(), Math.max(1000, Math.floor(this.options.leaseMs / 3)));
    tick.unref();
    renew.unref();
    this.registry.addInterval(`${TICK}:${this.owner}`, tick);
    this.registry.addInterval(`${RENEW}:${this.owner}`, renew);
    this.poke();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop(this.config.shutdownTimeoutMs);
  }

  /** Stops claiming, waits up to `graceMs` for running jobs, then releases what is left. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    for (const name of [`${TICK}:${this.owner}`, `${RENEW}:${this.owner}`]) {
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    }
    clearTimeout(this.nextTimer);
    this.nextAt = Infinity;
    await this.wakeups.close();
    await this.polling;
    const pending = [...this.running.values()];
    if (pending.length) {
      await Promise.race([Promise.allSettled(pending.map((r) => r.done)), new Promise((r) => setTimeout(r, graceMs).unref())]);
    }
    const released = this.running.size;
    for (const r of this.running.values()) {
      r.abort.abort();
      await this.repo.release(r.job.id, r.job.attempt, this.clock.now()).catch(() => undefined);
    }
    this.running.clear();
    // The other instances take the released work at once, not at their next tick.
    if (released) await this.wakeups.notify().catch(() => undefined);
    await Promise.allSettled([...this.completing]);
  }

  /** Asks for a claim round soon; rounds never overlap. */
  poke(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = this.round()
      .catch((e: unknown) => this.logger.warn(`scheduler: ${(e as Error).message}`))
      .finally(() => {
        this.polling = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.poke();
        }
      });
  }

  /**
   * One claim round, awaiting the jobs it started: what tests and the benchmark call.
   * Returns how many jobs ran.
   */
  async runDue(): Promise<number> {
    const started = await this.claimAndStart();
    await Promise.allSettled(started.map((s) => s.done));
    return started.length;
  }

  private async round(): Promise<void> {
    // Keep claiming while there is room and work.
    for (;;) {
      const started = await this.claimAndStart();
      if (this.stopped) return;
      if (!started.length) return this.wakeAtNextDue();
      if (this.running.size >= this.options.concurrency) return;
    }
  }

  /**
   * Work due later than now wakes us when it falls due rather than at the next tick,
   * so a job due in 300 ms is claimed within a few ms of its time, not up to a tick late.
   * Work enqueued later by another instance is caught by NOTIFY (due now) or the tick.
   */
  private async wakeAtNextDue(): Promise<void> {
    const next = await this.repo.nextDueAt(this.queues());
    if (!next || this.stopped) return;
    const wait = next.getTime() - this.clock.now().getTime();
    if (wait >= this.options.pollMs) return;
    const at = Date.now() + Math.max(0, wait);
    if (at >= this.nextAt) return;
    clearTimeout(this.nextTimer);
    this.nextAt = at;
    this.nextTimer = setTimeout(() => {
      this.nextAt = Infinity;
      this.poke();
    }, Math.max(0, wait));
    this.nextTimer.unref();
  }

  private async claimAndStart(): Promise<Array<{ done: Promise<void> }>> {
    const now = this.clock.now();
    // A lapsed lease means a dead worker, which is rare: sweep for them a few times per lease, not every claim.
    const sweepEvery = Math.min(5_000, this.options.leaseMs / 4);
    if (Math.abs(now.getTime() - this.lastSweep) >= sweepEvery) {
      this.lastSweep = now.getTime();
      await this.repo.reclaimExpired(now);
    }
    const room = Math.min(this.options.claimBatch, this.options.concurrency - this.running.size);
    if (room < 1) return [];
    const jobs = await this.repo.claim({ owner: this.owner, now, leaseUntil: new Date(now.getTime() + this.options.leaseMs), limit: room, queues: this.queues() });
    return jobs.map((job) => {
      const abort = new AbortController();
      const done = this.execute(job, abort.signal).finally(() => this.freeSlot(job.id));
      this.running.set(job.id, { job, done, abort });
      return { done };
    });
  }

  private async execute(job: JobEntity, signal: AbortSignal): Promise<void> {
    const handler = this.handlers.get(job.queue);
    try {
      if (!handler) throw new Error(`no handler for queue "${job.queue}"`);
      await handler.handle(JSON.parse(job.payload) as unknown, { job, signal });
      if (signal.aborted) return; // released by stop()
      // The work is done: its slot takes the next claim while the completion is written.
      const completed = this.complete(job);
      this.freeSlot(job.id);
      const written = await completed.catch((err: unknown) => {
        // The work is done but its completion could not be written: the lease brings it back, and handlers are idempotent.
        this.logger.warn(`scheduler: job ${job.id} attempt ${job.attempt} finished but its completion could not be written (${(err as Error).message}); it is left to its lease`);
        return true;
      });
      if (!written) {
        this.logger.warn(`scheduler: job ${job.id} attempt ${job.attempt} finished after losing its claim; its completion was discarded`);
      }
    } catch (e) {
      if (signal.aborted) return;
      const now = this.clock.now();
      const failures = job.failures + 1;
      const dead = failures >= job.maxAttempts;
      const delay = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** (failures - 1));
      // A failure that could not be written leaves the job to its lease: another claim runs it again.
      await retryingThroughFaults(() => this.repo.fail(job.id, job.attempt, { status: dead ? 'dead' : 'pending', dueAt: dead ? job.dueAt : new Date(now.getTime() + delay), error: (e as Error).message ?? String(e), now })).catch((err: unknown) =>
        this.logger.warn(`scheduler: job ${job.id} attempt ${job.attempt} failed (${(e as Error).message}) and the failure could not be written (${(err as Error).message}); it is left to its lease`),
      );
    }
  }

  /** Refills once half the slots are free: claims stay batches rather than one row per finished job. */
  private freeSlot(id: string): void {
    if (this.running.delete(id) && !this.stopped && this.running.size <= this.options.concurrency / 2) this.poke();
  }

  /**
   * Completions made in the same turn of the event loop go to the database as one
   * statement, each still fenced by its own (id, attempt).
   */
  private complete(job: JobEntity): Promise<boolean> {
    const written = new Promise<boolean>((settle, fail) => {
      this.completions.push({ id: job.id, attempt: job.attempt, settle, fail });
      if (this.flushQueued) return;
      this.flushQueued = true;
      setImmediate(() => void this.flushCompletions());
    });
    this.completing.add(written);
    void written.catch(() => undefined).finally(() => this.completing.delete(written));
    return written;
  }

  private async flushCompletions(): Promise<void> {
    this.flushQueued = false;
    while (this.completions.length) {
      const batch = this.completions.splice(0, 1000);
      try {
        const done = await retryingThroughFaults(() => this.repo.completeMany(batch, this.clock.now()));
        for (const c of batch) c.settle(done.has(c.id));
      } catch (e) {
        for (const c of batch) c.fail(e);
      }
    }
  }

  /**
   * Renews the lease of every job this instance runs: called every third of the lease,
   * so a live instance keeps its work however long it takes, and a dead one's is taken
   * over once its lease (SCHEDULER_LEASE_MS, 20 s by default) lapses.
   */
  async heartbeat(): Promise<void> {
    const ids = [...this.running.keys()];
    if (!ids.length) return;
    await this.repo.extendLease(ids, this.owner, new Date(this.clock.now().getTime() + this.options.leaseMs)).catch(() => undefined);
  }

  /** Runs `fn` only if this instance holds the cluster-wide lock `name` (for once-per-cluster work). */
  async once<T>(name: string, ttlMs: number, fn: () => Promise<T>): Promise<T | null> {
    const now = this.clock.now();
    if (!(await this.repo.tryLock(name, this.owner, now, new Date(now.getTime() + ttlMs)))) return null;
    try {
      return await fn();
    } finally {
      await this.repo.unlock(name, this.owner);
    }
  }
}
