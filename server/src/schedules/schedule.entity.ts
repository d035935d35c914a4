import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/**
 * A schedule: an ordered sequence of steps each enrolled lead walks through. JSON
 * settings (holidays, exit criteria) are stored as text so every dialect maps alike.
 */
@Entity('schedules')
@Index('ux_schedules_name', ['nameKey'], { unique: true })
export class ScheduleEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  /** The name lower-cased and trimmed, for uniqueness; cleared (to the id) when deleted. */
  @Column({ name: 'name_key', type: 'varchar', length: 120 })
  nameKey: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'boolean' })
  active: boolean;

  /** classic: the steps in order; smart: at each turn the most relevant step whose conditions the lead meets. */
  @Column({ type: 'varchar', length: 8, default: 'classic' })
  type: string;

  /** IANA zone for business hours and day-N timing; null → the account default. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  timezone: string | null;

  @Column({ name: 'business_start', type: 'varchar', length: 5 })
  businessStart: string;

  @Column({ name: 'business_end', type: 'varchar', length: 5 })
  businessEnd: string;

  /** ISO weekdays, comma-separated (1 = Monday). */
  @Column({ name: 'business_days', type: 'varchar', length: 20 })
  businessDays: string;

  @Column({ name: 'exclude_weekends', type: 'boolean' })
  excludeWeekends: boolean;

  /** JSON array of local dates (yyyy-MM-dd) on which nothing runs. */
  @Column({ type: 'text' })
  holidays: string;

  @Column({ name: 'drip_per_hour', type: 'int', nullable: true })
  dripPerHour: number | null;

  @Column({ name: 'drip_per_day', type: 'int', nullable: true })
  dripPerDay: number | null;

  @RefColumn({ name: 'dial_pool_id', nullable: true })
  dialPoolId: string | null;

  @RefColumn({ name: 'sms_pool_id', nullable: true })
  smsPoolId: string | null;

  /** A custom field on the lead holding the user (id or email) who owns this schedule's work; null → the lead's owner. */
  @Column({ name: 'delegation_field', type: 'varchar', length: 64, nullable: true })
  delegationField: string | null;

  /** JSON: which events end an enrollment, and custom conditions. */
  @Column({ name: 'exit_criteria', type: 'text' })
  exitCriteria: string;

  /**
   * JSON { criteria, viewId }: who joins by themselves. The schedule looks for newly
   * matching leads on its audience interval; null: only leads added by hand run.
   */
  @Column({ type: 'text', nullable: true })
  audience: string | null;

  /** hourly (on the hour in the schedule's zone) or daily (at `audience_at` there). */
  @Column({ name: 'audience_every', type: 'varchar', length: 8, default: 'hourly' })
  audienceEvery: string;

  @Column({ name: 'audience_at', type: 'varchar', length: 5, default: '09:00' })
  audienceAt: string;

  @InstantColumn({ name: 'audience_checked_at', nullable: true })
  audienceCheckedAt: Date | null;

  @Column({ name: 'allow_reenrollment', type: 'boolean' })
  allowReenrollment: boolean;

  /** When true a lead in this schedule may be in no other, and a lead in another may not join. */
  @Column({ type: 'boolean' })
  exclusive: boolean;

  /** Higher runs first when several schedules' work is due at once. */
  @Column({ type: 'int' })
  priority: number;

  /** The user who runs this schedule: gets automation summaries when an automation asks for them. */
  @RefColumn({ name: 'coordinator_id', nullable: true })
  coordinatorId: string | null;

  /** JSON array of user ids who follow the schedule (automation summaries, when asked for). */
  @Column({ name: 'watcher_ids', type: 'varchar', length: 2000, default: '[]' })
  watcherIds: string;

  @RefColumn({ name: 'created_by', nullable: true })
  createdBy: string | null;

  /** The user who owns the schedule: sees, edits and shares it. Its creator unless handed over; null → only schedules.manage. */
  @Index('ix_schedules_owner')
  @RefColumn({ name: 'owner_id', nullable: true })
  ownerId: string | null;

  /** none, view or edit: how far every user may use it besides its owner and the users in schedule_shares. */
  @Column({ name: 'shared_with', type: 'varchar', length: 8, default: 'none' })
  sharedWith: string;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;

  @InstantColumn({ name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}

/** A schedule shared with one user, to view or to edit. */
@Entity('schedule_shares')
@Index('ix_schedule_shares_user', ['userId'])
export class ScheduleShareEntity {
  @PrimaryColumn({ name: 'schedule_id', type: 'varchar', length: 36 })
  scheduleId: string;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  /** view or edit. */
  @Column({ type: 'varchar', length: 8 })
  access: string;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;
}

/** One step of a schedule. Deleted steps are kept (soft) so history still names them. */
@Entity('schedule_steps')
@Index('ix_schedule_steps_schedule', ['scheduleId', 'position'])
export class ScheduleStepEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'schedule_id' })
  scheduleId: string;

  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'varchar', length: 32 })
  type: string;

  @Column({ type: 'varchar', length: 120, nullable: true })
  name: string | null;

  /** JSON: the action type's own settings (template, target schedule, field changes…). */
  @Column({ type: 'text' })
  config: string;

  /** JSON StepTiming. */
  @Column({ type: 'text' })
  timing: string;

  @Column({ name: 'timing_window', type: 'varchar', length: 24 })
  timingWindow: string;

  /** automatic: the engine runs it; manual: it is offered to its owner to do. */
  @Column({ type: 'varchar', length: 12 })
  activation: string;

  /** JSON Criteria, or null for none. */
  @Column({ type: 'text', nullable: true })
  criteria: string | null;

  /** hold: wait until the criteria are met; skip: move on when they are not. */
  @Column({ name: 'criteria_mode', type: 'varchar', length: 8 })
  criteriaMode: string;

  /** JSON LeadChange[] applied to the lead when the action completes. */
  @Column({ name: 'field_updates', type: 'text', nullable: true })
  fieldUpdates: string | null;

  /** A lead field naming this step's owner instead of the schedule's delegation field. */
  @Column({ name: 'owner_field', type: 'varchar', length: 64, nullable: true })
  ownerField: string | null;

  /** When the compliance gate refuses a contact: hold (re-date to the next allowed time) or skip. */
  @Column({ name: 'on_refusal', type: 'varchar', length: 8 })
  onRefusal: string;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;

  @InstantColumn({ name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}

/**
 * A lead in a schedule. `activeKey` is `<schedule>:<lead>` while the enrollment is
 * open and null once it ends: a unique index on it prevents duplicates on every
 * dialect without partial indexes.
 */
@Entity('schedule_enrollments')
@Index('ux_enrollments_active', ['activeKey'], { unique: true })
@Index('ix_enrollments_lead', ['leadId'])
@Index('ix_enrollments_schedule', ['scheduleId', 'status'])
@Index('ix_enrollments_starts', ['scheduleId', 'startsAt'])
export class EnrollmentEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'schedule_id' })
  scheduleId: string;

  @RefColumn({ name: 'lead_id' })
  leadId: string;

  /** active | paused | completed | exited */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @Column({ name: 'active_key', type: 'varchar', length: 80, nullable: true })
  activeKey: string | null;

  @RefColumn({ name: 'current_step_id', nullable: true })
  currentStepId: string | null;

  /** manual | bulk | api | schedule */
  @Column({ type: 'varchar', length: 16 })
  source: string;

  @RefColumn({ name: 'enrolled_by', nullable: true })
  enrolledBy: string | null;

  @InstantColumn({ name: 'enrolled_at' })
  enrolledAt: Date;

  /** When the first step may start: the enrollment time, or a later slot under slow drip. */
  @InstantColumn({ name: 'starts_at' })
  startsAt: Date;

  @Column({ name: 'exit_reason', type: 'varchar', length: 64, nullable: true })
  exitReason: string | null;

  @InstantColumn({ name: 'ended_at', nullable: true })
  endedAt: Date | null;

  @InstantColumn({ name: 'paused_at', nullable: true })
  pausedAt: Date | null;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}

/** One step's action for one enrolled lead. */
@Entity('participant_actions')
@Index('ix_participant_actions_owner', ['ownerId', 'status', 'dueAt'])
@Index('ix_participant_actions_enrollment', ['enrollmentId'])
@Index('ix_participant_actions_step', ['stepId', 'status'])
@Index('ix_participant_actions_due', ['status', 'dueAt'])
@Index('ix_participant_actions_lead', ['leadId'])
export class ParticipantActionEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'enrollment_id' })
  enrollmentId: string;

  @RefColumn({ name: 'schedule_id' })
  scheduleId: string;

  @RefColumn({ name: 'step_id' })
  stepId: string;

  @RefColumn({ name: 'lead_id' })
  leadId: string;

  @Column({ type: 'varchar', length: 32 })
  type: string;

  @Column({ type: 'varchar', length: 12 })
  activation: string;

  @RefColumn({ name: 'owner_id', nullable: true })
  ownerId: string | null;

  /** pending | due | in_progress | completed | skipped | deferred | failed | canceled */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @InstantColumn({ name: 'due_at' })
  dueAt: Date;

  /** The instant the timing counts from (the previous completion), so an edited timing can be re-applied. */
  @InstantColumn({ name: 'basis_at' })
  basisAt: Date;

  @Column({ type: 'varchar', length: 64, nullable: true })
  outcome: string | null;

  /** Why it is held, skipped or failed; notes from the agent. */
  @Column({ type: 'text', nullable: true })
  detail: string | null;

  @Column({ type: 'int' })
  attempts: number;

  @RefColumn({ name: 'conversation_id', nullable: true })
  conversationId: string | null;

  @InstantColumn({ name: 'started_at', nullable: true })
  startedAt: Date | null;

  @InstantColumn({ name: 'completed_at', nullable: true })
  completedAt: Date | null;

  @RefColumn({ name: 'completed_by', nullable: true })
  completedBy: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}
