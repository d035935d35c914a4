import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn } from '../database/columns.js';

/**
 * A unit of due work. Claimed in batches with FOR UPDATE SKIP LOCKED under a lease;
 * `attempt` counts claims and fences completion (a worker whose lease lapsed and whose
 * job was claimed again changes nothing); `failures` counts toward `max_attempts`.
 */
@Entity('scheduled_jobs')
// Created by migration with priority descending: the claim's exact order.
@Index('ix_scheduled_jobs_claim', ['status', 'dueAt', 'priority'])
@Index('ix_scheduled_jobs_lease', ['status', 'leaseUntil'])
@Index('ux_scheduled_jobs_dedupe', ['dedupeKey'], { unique: true })
export class JobEntity {
  @IdColumn()
  id: string;

  /** The handler's name, e.g. `schedule.action` or `callback.due`. */
  @Column({ type: 'varchar', length: 48 })
  queue: string;

  @Column({ type: 'text' })
  payload: string;

  @InstantColumn({ name: 'due_at' })
  dueAt: Date;

  /** pending | running | done | dead | canceled */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @Column({ type: 'int', default: 0 })
  priority: number;

  /** Claims so far; the fencing token of the current claim. */
  @Column({ type: 'int', default: 0 })
  attempt: number;

  @Column({ type: 'int', default: 0 })
  failures: number;

  @Column({ name: 'max_attempts', type: 'int' })
  maxAttempts: number;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner: string | null;

  @InstantColumn({ name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError: string | null;

  /** At most one job per key (e.g. one per participant action and attempt). */
  @Column({ name: 'dedupe_key', type: 'varchar', length: 160, nullable: true })
  dedupeKey: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;

  @InstantColumn({ name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}

/** A named lock held by one instance until it lapses: for work that must run once per cluster. */
@Entity('cluster_locks')
export class ClusterLockEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 64 })
  owner: string;

  @InstantColumn({ name: 'held_until' })
  heldUntil: Date;
}
