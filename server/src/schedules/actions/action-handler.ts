import type { Activation } from '#shared';
import type { LeadRecord } from '../../leads/leads.repository.js';
import type { EnrollmentEntity, ParticipantActionEntity, ScheduleEntity, ScheduleStepEntity } from '../schedule.entity.js';

export interface FieldIssue {
  field: string;
  message: string;
}

/** What a handler may consult while checking a step's settings at save time. */
export interface ValidationContext {
  /** Where this step's config sits, e.g. `steps[2].config`. */
  prefix: string;
  activation: Activation;
  customFieldTypes: Record<string, 'text' | 'number' | 'boolean' | 'date' | 'select'>;
  /** The schedule being saved (null when it is new). */
  scheduleId: string | null;
  scheduleExists(id: string): Promise<boolean>;
}

/** A schedule step being run for one enrolled lead. */
export interface ScheduleRun {
  action: ParticipantActionEntity;
  step: ScheduleStepEntity;
  schedule: ScheduleEntity;
  enrollment: EnrollmentEntity;
}

/** One run of one action: a schedule step for an enrolled lead, or an action of an action group. */
export interface ActionContext {
  lead: LeadRecord;
  config: Record<string, unknown>;
  now: Date;
  /** Ties external side effects to this action, so a re-run after a crash does not repeat them. */
  idempotencyKey: string;
  /** Whom the work is for: the step's owner, or the agent behind a group's trigger. */
  ownerId: string | null;
  /** What caused it, written on the conversations it makes; an automation's firing also says which of its actions this is. */
  cause: { type: 'participant-action' | 'action-run' | 'automation-run'; id: string; action?: number };
  /** Where it runs, for notes ("schedule Renewals", "action group Hot lead"). */
  origin: string;
  /** A compliance refusal: hold until allowed (a schedule step may say so) or skip. */
  onRefusal: 'hold' | 'skip';
  /** The conversation behind it (a group fired by a disposition), if any. */
  conversationId: string | null;
  /** Set when the action is a schedule step; null in an action group. */
  run: ScheduleRun | null;
  /** An earlier run of this action is over, part-way (it failed, or died and its job was taken over after its lease): what it left unfinished may be finished now. */
  resumed?: boolean;
}

/** The context for a schedule step (the engine's runs and the inbox's previews). */
export function stepContext(run: ScheduleRun, lead: LeadRecord, config: Record<string, unknown>, now: Date): ActionContext {
  return {
    lead,
    config,
    now,
    idempotencyKey: `pa:${run.action.id}`,
    ownerId: run.action.ownerId,
    cause: { type: 'participant-action', id: run.action.id },
    origin: `schedule ${run.schedule.name}`,
    onRefusal: run.step.onRefusal === 'hold' ? 'hold' : 'skip',
    conversationId: run.action.conversationId,
    run,
  };
}

/**
 * What became of a run.
 * - completed / skipped / failed: finished; the lead moves to the next step.
 * - held: not now (e.g. outside calling hours); the action re-dates to `until` and runs again.
 * - waiting: started but finishes later (a call in progress, a lead in a dial queue).
 * - exit: the enrollment ends (a choice matched).
 * - restart: the enrollment starts again from the first step.
 */
export type ActionResult =
  | { kind: 'completed'; outcome: string; detail?: string | null; conversationId?: string | null }
  | { kind: 'skipped'; outcome: string; detail?: string | null }
  | { kind: 'failed'; outcome: string; detail: string }
  | { kind: 'held'; until: Date; detail: string }
  | { kind: 'waiting'; outcome: string; detail?: string | null; conversationId?: string | null }
  | { kind: 'exit'; reason: string }
  | { kind: 'restart' };

/** One action type: checks its settings when a schedule or action group is saved and runs them when due. */
export interface ActionHandler {
  readonly type: string;
  /** False for types that only make sense as a schedule step (wait, choice, restart, task). */
  readonly inGroups?: boolean;
  /** The activations this type allows (a task is always done by a person). */
  readonly activations: readonly Activation[];
  /** The channel it contacts the lead on, if any: passes the compliance gate when it runs. */
  readonly channel?: 'call' | 'sms' | 'email';
  validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]>;
  /** Runs an automatic action. */
  run(ctx: ActionContext): Promise<ActionResult>;
  /** In words, what a run would do for this lead (a group's dry run). */
  describe?(ctx: ActionContext): Promise<string>;
  /** What an agent sees for a manual action (e.g. the SMS text rendered for this lead). */
  preview?(ctx: ActionContext): Promise<Record<string, unknown>>;
}
