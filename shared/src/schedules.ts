import type { StepAutomationView } from './automations.js';
/** Action types the schedules engine runs; the server refuses to start if one has no handler. */
export const SCHEDULE_ACTION_TYPES = [
  'dial',
  'sms',
  'email',
  'task',
  'callback',
  'wait',
  'choice',
  'add_to_schedule',
  'restart_schedule',
  'modify_lead',
  'opt_out',
  'block',
  'run_group',
] as const;
export type ScheduleActionType = (typeof SCHEDULE_ACTION_TYPES)[number];

export const ACTIVATIONS = ['automatic', 'manual'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const ENROLLMENT_STATUSES = ['active', 'paused', 'completed', 'exited'] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

export const PARTICIPANT_ACTION_STATUSES = ['pending', 'due', 'in_progress', 'completed', 'skipped', 'deferred', 'failed', 'canceled'] as const;
export type ParticipantActionStatus = (typeof PARTICIPANT_ACTION_STATUSES)[number];
/** Statuses of work not finished yet. */
/**
 * What a schedule's delegation field or a step's owner field may name besides a custom
 * field holding a user: the user who made the lead, or the one who changed it last.
 */
export const DELEGATION_LOOKUPS = ['createdBy', 'lastModifiedBy'] as const;
export type DelegationLookup = (typeof DELEGATION_LOOKUPS)[number];

/** When a manual text completes its step: once the carrier took it (`send`) or once delivered. */
export const SMS_COMPLETE_ON = ['send', 'delivery'] as const;

export const OPEN_ACTION_STATUSES: readonly ParticipantActionStatus[] = ['pending', 'due', 'in_progress', 'deferred'];

export type StepTimingView = { kind: 'delay'; amount: number; unit: 'seconds' | 'minutes' | 'hours' | 'days' } | { kind: 'day'; day: number; at: string };

export interface ConditionView {
  field: string;
  op: string;
  value?: unknown;
}

export interface CriteriaView {
  conditions: ConditionView[];
  logic: 'all' | 'any' | 'custom';
  expression?: string | null;
}

export interface ExitCriteriaView {
  onOptOut: boolean;
  onUnsubscribe: boolean;
  onBounce: boolean;
  onReply: boolean;
  onDispositionExit: boolean;
  conditions: CriteriaView | null;
}

export interface ScheduleStepView {
  id: string;
  position: number;
  type: ScheduleActionType | string;
  name: string | null;
  config: Record<string, unknown>;
  timing: StepTimingView;
  window: 'immediate' | 'business_weekdays' | 'business_any_day';
  /** Plain words: "2 days after the previous step, in business hours on weekdays". */
  timingSummary: string;
  activation: Activation;
  criteria: CriteriaView | null;
  criteriaMode: 'hold' | 'skip';
  fieldUpdates: unknown[] | null;
  ownerField: string | null;
  onRefusal: 'hold' | 'skip';
  automations: StepAutomationView[];
}

export const SCHEDULE_TYPES = ['classic', 'smart'] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];

/** How far a schedule is shared: not at all, to look at, or to edit. */
export const SHARE_LEVELS = ['none', 'view', 'edit'] as const;
export type ShareLevel = (typeof SHARE_LEVELS)[number];

/** Who besides its owner may see or edit a schedule. */
export interface ScheduleSharingView {
  /** Every user (who has the schedules.view permission; editing also needs schedules.edit). */
  everyone: ShareLevel;
  /** Particular users, each with their level. */
  users: { userId: string; access: 'view' | 'edit' }[];
}

/** A schedule's owner and sharing after a change. */
export interface ScheduleSharingResult {
  scheduleId: string;
  ownerId: string | null;
  sharing: ScheduleSharingView;
}

/** What the caller may do with a schedule: view it, edit it, or also delete it and change its sharing (its owner, or schedules.manage). */
export type ScheduleAccessLevel = 'view' | 'edit' | 'manage';

export interface ScheduleView {
  id: string;
  name: string;
  description: string | null;
  active: boolean;
  /** classic: the steps in order; smart: at each turn the most relevant step whose conditions the lead meets. */
  type: ScheduleType;
  timezone: string | null;
  businessHours: { start: string; end: string };
  businessDays: number[];
  excludeWeekends: boolean;
  holidays: string[];
  dripPerHour: number | null;
  dripPerDay: number | null;
  dialPoolId: string | null;
  smsPoolId: string | null;
  delegationField: string | null;
  coordinatorId: string | null;
  watcherIds: string[];
  /** Who joins by themselves (entry conditions on lead fields and/or a saved lead view); null: only leads added by hand. */
  audience: { criteria: CriteriaView | null; viewId: string | null } | null;
  /** How often the audience is looked at: hourly (on the hour in the schedule's zone) or daily at `audienceAt` there. */
  audienceEvery: 'hourly' | 'daily';
  audienceAt: string;
  audienceCheckedAt: string | null;
  exitCriteria: ExitCriteriaView;
  allowReenrollment: boolean;
  exclusive: boolean;
  priority: number;
  steps: ScheduleStepView[];
  counts?: Partial<Record<EnrollmentStatus, number>>;
  /** The user who owns the schedule (its creator unless handed over); null for one made by the system. */
  ownerId: string | null;
  sharing: ScheduleSharingView;
  /** What the caller may do with it. */
  access: ScheduleAccessLevel;
  createdAt: string;
  updatedAt: string;
}

export interface EnrollmentView {
  id: string;
  scheduleId: string;
  leadId: string;
  status: EnrollmentStatus;
  currentStepId: string | null;
  source: string;
  enrolledBy: string | null;
  enrolledAt: string;
  startsAt: string;
  exitReason: string | null;
  endedAt: string | null;
  pausedAt: string | null;
}

export interface EnrollResult {
  enrolled: EnrollmentView[];
  /** Leads not enrolled, each with why. */
  refused: Array<{ leadId: string; reason: string }>;
}

export interface ParticipantActionView {
  id: string;
  enrollmentId: string;
  scheduleId: string;
  stepId: string;
  leadId: string;
  type: string;
  activation: Activation;
  ownerId: string | null;
  status: ParticipantActionStatus;
  dueAt: string;
  outcome: string | null;
  detail: string | null;
  attempts: number;
  conversationId: string | null;
  startedAt: string | null;
  completedAt: string | null;
  completedBy: string | null;
  createdAt: string;
}

export const CALLBACK_STATUSES = ['scheduled', 'due', 'escalated', 'taken', 'completed', 'canceled'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];
export const CALLBACK_ORIGINS = ['agent', 'disposition', 'schedule', 'action-group'] as const;
export type CallbackOrigin = (typeof CALLBACK_ORIGINS)[number];

export interface CallbackView {
  id: string;
  leadId: string;
  /** UTC instant. */
  dueAt: string;
  /** The same instant in the lead's local time, with its zone. */
  dueLocal: { time: string; zone: string };
  ownerId: string | null;
  queueId: string | null;
  note: string | null;
  origin: CallbackOrigin;
  status: CallbackStatus;
  escalateAfterMinutes: number;
  becameDueAt: string | null;
  escalatedAt: string | null;
  takenBy: string | null;
  takenAt: string | null;
  completedAt: string | null;
  outcome: string | null;
  heldReason: string | null;
  overdue: boolean;
  createdBy: string | null;
  createdAt: string;
}

/** A saved lead view: a named filter of the leads list. */
export interface LeadViewView {
  id: string;
  name: string;
  filter: { q?: string; status?: string[]; ownerId?: string; tag?: string; field?: string };
  createdAt: string;
}

/** What one look at a schedule's audience did. */
export interface AudienceRunResult {
  matched: number;
  enrolled: number;
  refused: Array<{ leadId: string; reason: string }>;
}

export const REPLY_CHANNELS = ['sms', 'email'] as const;
export type ReplyChannel = (typeof REPLY_CHANNELS)[number];
export const REPLY_STATUSES = ['open', 'answered', 'dismissed'] as const;
export type ReplyStatus = (typeof REPLY_STATUSES)[number];

/** A lead wrote to us (an inbound text or email): work until someone answers or dismisses it. */
export interface ReplyView {
  id: string;
  leadId: string;
  leadName: string | null;
  channel: ReplyChannel;
  /** The inbound text's conversation, or the inbound email's row. */
  refId: string;
  /** Whom it is for; null: anyone available. */
  ownerId: string | null;
  ownerName: string | null;
  receivedAt: string;
  /** Minutes since it came in, by the server's clock. */
  ageMinutes: number;
  status: ReplyStatus;
  /** Who answered or dismissed it, and when. */
  answeredBy: string | null;
  answeredAt: string | null;
  overdue: boolean;
}

/** One step's figures in a schedule's report. */
export interface ScheduleStepReport {
  stepId: string;
  position: number;
  type: string;
  name: string | null;
  /** Actions of the step created in the range. */
  actions: number;
  completed: number;
  /** Completed, by outcome (sent, answered, done…). */
  completedBy: Record<string, number>;
  skipped: number;
  /** Skipped, by why. */
  skippedBy: Record<string, number>;
  failed: number;
  canceled: number;
  /** Waiting now (pending, deferred, due or in progress). */
  open: number;
  /** Of those, due before now and not yet done. */
  overdue: number;
}

/** A schedule's report over a range of the floor's days. */
export interface ScheduleReportView {
  scheduleId: string;
  name: string;
  from: string;
  to: string;
  zone: string;
  /** Leads enrolled in the range. */
  enrolled: number;
  /** Enrollments active or paused now. */
  active: number;
  /** Ended in the range: at the last step, or by an exit criterion (by reason). */
  completed: number;
  exited: number;
  exitsBy: Record<string, number>;
  /** Replies (texts, emails) from leads while enrolled, received in the range. */
  replies: number;
  steps: ScheduleStepReport[];
}
