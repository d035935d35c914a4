import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../../database/columns.js';

/**
 * An automation attached to a schedule step: a trigger (entering the step after a delay,
 * completing it, or being pending on it for a while, perhaps repeating) and the actions
 * it takes. It belongs to the step by id, so reordering or republishing the schedule
 * keeps it with its step; deleting the step deletes it.
 */
@Entity('step_automations')
@Index('ix_step_automations_step', ['stepId', 'position'])
export class StepAutomationEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'schedule_id' })
  scheduleId: string;

  @RefColumn({ name: 'step_id' })
  stepId: string;

  /** Order among the step's automations. */
  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'varchar', length: 120, nullable: true })
  name: string | null;

  @Column({ type: 'boolean' })
  active: boolean;

  /** enter | complete | pending (also inside `trigger`, kept apart to find a step's automations of a kind). */
  @Column({ name: 'trigger_kind', type: 'varchar', length: 12 })
  triggerKind: string;

  /** JSON AutomationTrigger. */
  @Column({ type: 'text' })
  trigger: string;

  /** JSON [{ type, config }]. */
  @Column({ type: 'text' })
  actions: string;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}

/**
 * One firing of an automation for one stay of a lead on a step (the stay is the step's
 * participant action). Planned when the lead enters (or completes) the step, fired when
 * due by the scan, canceled when the lead moves on. The key makes each firing unique.
 */
@Entity('automation_runs')
@Index('ux_automation_runs_key', ['runKey'], { unique: true })
@Index('ix_automation_runs_due', ['status', 'dueAt'])
@Index('ix_automation_runs_stay', ['participantActionId', 'status'])
@Index('ix_automation_runs_enrollment', ['enrollmentId', 'status'])
export class AutomationRunEntity {
  @IdColumn()
  id: string;

  /** `<automation>:<participant action>:<occurrence>` */
  @Column({ name: 'run_key', type: 'varchar', length: 120 })
  runKey: string;

  @RefColumn({ name: 'automation_id' })
  automationId: string;

  @RefColumn({ name: 'schedule_id' })
  scheduleId: string;

  @RefColumn({ name: 'step_id' })
  stepId: string;

  @RefColumn({ name: 'enrollment_id' })
  enrollmentId: string;

  @RefColumn({ name: 'lead_id' })
  leadId: string;

  @RefColumn({ name: 'participant_action_id' })
  participantActionId: string;

  @Column({ type: 'int' })
  occurrence: number;

  /** The automation's trigger kind when planned: a move to another step cancels enter and pending firings, not complete ones. */
  @Column({ name: 'trigger_kind', type: 'varchar', length: 12 })
  triggerKind: string;

  /** scheduled | firing | fired | failed | canceled */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @InstantColumn({ name: 'due_at' })
  dueAt: Date;

  @InstantColumn({ name: 'fired_at', nullable: true })
  firedAt: Date | null;

  /** JSON: what each action did. */
  @Column({ type: 'text', nullable: true })
  results: string | null;

  @Column({ type: 'text', nullable: true })
  detail: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}

/** A lead's answer to a "Still interested?" link, kept once per stay on the step. */
@Entity('interest_answers')
@Index('ux_interest_answers_stay', ['participantActionId'], { unique: true })
@Index('ix_interest_answers_lead', ['leadId', 'answeredAt'])
export class InterestAnswerEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'lead_id' })
  leadId: string;

  @RefColumn({ name: 'enrollment_id' })
  enrollmentId: string;

  @RefColumn({ name: 'step_id' })
  stepId: string;

  @RefColumn({ name: 'participant_action_id' })
  participantActionId: string;

  /** yes | no */
  @Column({ type: 'varchar', length: 3 })
  answer: string;

  /** What the answer did: none | complete_step | exit */
  @Column({ type: 'varchar', length: 16 })
  effect: string;

  @InstantColumn({ name: 'answered_at' })
  answeredAt: Date;
}
