import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/** A named, ordered bundle of actions (any registered type, other groups included). */
@Entity('action_groups')
@Index('ux_action_groups_name', ['nameKey'], { unique: true })
export class ActionGroupEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  /** The name folded for uniqueness. */
  @Column({ name: 'name_key', type: 'varchar', length: 120 })
  nameKey: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** JSON: [{ type, name, config }] in order. */
  @Column({ type: 'text' })
  actions: string;

  /** JSON: phrases that fire the group from a keyword event. */
  @Column({ type: 'text' })
  keywords: string;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}

/**
 * One run of a group for one trigger and subject. `run_key` (group, trigger, what fired
 * it, conversation or enrollment) is unique: the same trigger again finds this run.
 */
@Entity('action_group_runs')
@Index('ux_action_group_runs_key', ['runKey'], { unique: true })
@Index('ix_action_group_runs_group', ['groupId', 'startedAt'])
@Index('ix_action_group_runs_lead', ['leadId', 'startedAt'])
export class ActionGroupRunEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'group_id' })
  groupId: string;

  @Column({ name: 'run_key', type: 'varchar', length: 255 })
  runKey: string;

  /** disposition | schedule_step | keyword | manual */
  @Column({ type: 'varchar', length: 16 })
  trigger: string;

  /** The disposition code, participant action, phrase or caller's key. */
  @Column({ name: 'trigger_ref', type: 'varchar', length: 200, nullable: true })
  triggerRef: string | null;

  @RefColumn({ name: 'lead_id' })
  leadId: string;

  @RefColumn({ name: 'conversation_id', nullable: true })
  conversationId: string | null;

  @RefColumn({ name: 'enrollment_id', nullable: true })
  enrollmentId: string | null;

  @RefColumn({ name: 'actor_id', nullable: true })
  actorId: string | null;

  /** running | completed | failed */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @InstantColumn({ name: 'started_at' })
  startedAt: Date;

  @InstantColumn({ name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}

/** The audit trail of a run: one row per action, written before it runs and after. */
@Entity('action_group_run_steps')
@Index('ux_action_group_run_steps_path', ['runId', 'path'], { unique: true })
export class ActionGroupRunStepEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'run_id' })
  runId: string;

  /** 1, 2, 2.1 (the first action of the group included at 2)… */
  @Column({ type: 'varchar', length: 64 })
  path: string;

  @RefColumn({ name: 'group_id' })
  groupId: string;

  @Column({ type: 'varchar', length: 32 })
  type: string;

  /** JSON: what the action was given, secrets left out. */
  @Column({ type: 'text' })
  input: string;

  /** running | completed | skipped | failed */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  outcome: string | null;

  @Column({ type: 'text', nullable: true })
  detail: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @InstantColumn({ name: 'started_at' })
  startedAt: Date;

  @InstantColumn({ name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs: number | null;
}
