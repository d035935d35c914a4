/** Step automations: what happens around a schedule step, apart from the step itself. */

export const AUTOMATION_TRIGGER_KINDS = ['enter', 'complete', 'pending'] as const;
export type AutomationTriggerKind = (typeof AUTOMATION_TRIGGER_KINDS)[number];

/** The actions an automation may take, in order. */
export const AUTOMATION_ACTION_TYPES = ['notify', 'add_tags', 'remove_tags', 'mark_inactive', 'remove_from_schedule', 'archive_lead', 'add_to_schedule', 'run_group'] as const;
export type AutomationActionType = (typeof AUTOMATION_ACTION_TYPES)[number];

export interface DelayPartsView {
  days?: number;
  weeks?: number;
  months?: number;
}

export type AutomationTriggerView =
  | { kind: 'enter'; delay?: DelayPartsView }
  | { kind: 'complete' }
  | { kind: 'pending'; after: DelayPartsView; repeat?: { every: number; unit: 'days' | 'weeks' | 'months'; maxTimes: number } | null };

export interface AutomationActionView {
  type: AutomationActionType;
  config: Record<string, unknown>;
}

export interface StepAutomationView {
  id: string;
  name: string | null;
  active: boolean;
  trigger: AutomationTriggerView;
  /** Plain words: "After 2 weeks on this step. Repeats every 3 weeks, up to 4 times". */
  triggerSummary: string;
  actions: AutomationActionView[];
}

export const AUTOMATION_RUN_STATUSES = ['scheduled', 'firing', 'fired', 'failed', 'canceled'] as const;
export type AutomationRunStatus = (typeof AUTOMATION_RUN_STATUSES)[number];

/** One firing of an automation for one lead's stay on a step. */
export interface AutomationRunView {
  id: string;
  automationId: string;
  scheduleId: string;
  stepId: string;
  enrollmentId: string;
  leadId: string;
  /** The participant action that is the lead's stay on the step. */
  participantActionId: string;
  /** 1 for the first firing, 2 for the first repeat… */
  occurrence: number;
  status: AutomationRunStatus;
  dueAt: string;
  firedAt: string | null;
  /** What each action did, in order. */
  results: Array<{ type: string; status: 'completed' | 'skipped' | 'failed'; outcome: string; detail: string | null }>;
  detail: string | null;
}

export const INTEREST_ANSWERS = ['yes', 'no'] as const;
export type InterestAnswer = (typeof INTEREST_ANSWERS)[number];
/** What a "Still interested?" answer does to the schedule. */
export const INTEREST_EFFECTS = ['none', 'complete_step', 'exit'] as const;
export type InterestEffect = (typeof INTEREST_EFFECTS)[number];

/** The answer to a "Still interested?" link, as the lead's page shows it. */
export interface InterestOutcome {
  status: 'recorded' | 'already_answered' | 'already_advanced' | 'expired' | 'invalid';
  answer: InterestAnswer | null;
  message: string;
}
