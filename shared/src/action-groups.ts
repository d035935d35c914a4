/** Action groups: reusable, named, ordered bundles of actions, and their runs. */

/** The action that runs another group inside a group or a schedule step. */
export const RUN_GROUP_ACTION = 'run_group';
/** How deep groups may include groups (a group of groups of groups…). */
export const MAX_GROUP_DEPTH = 5;

export const GROUP_TRIGGERS = ['disposition', 'schedule_step', 'keyword', 'manual', 'automation'] as const;
export type GroupTrigger = (typeof GROUP_TRIGGERS)[number];

export interface GroupActionView {
  type: string;
  name: string | null;
  config: Record<string, unknown>;
}

export interface ActionGroupView {
  id: string;
  name: string;
  description: string | null;
  active: boolean;
  actions: GroupActionView[];
  /** Phrases that fire the group when a keyword event's text contains one. */
  keywords: string[];
  createdAt: string;
  updatedAt: string;
}

/** held: an action waits for capacity (caller IDs, the carrier, the calling window) and the run goes on from it then. */
export type GroupRunStatus = 'running' | 'held' | 'completed' | 'failed';
export type GroupStepStatus = 'running' | 'held' | 'completed' | 'skipped' | 'failed';

export interface GroupRunStepView {
  /** Position in the group, nested groups' actions as 2.1, 2.2… */
  path: string;
  groupId: string;
  type: string;
  /** What the action was given (merge fields resolved where the type shows them; secrets never). */
  input: Record<string, unknown>;
  status: GroupStepStatus;
  outcome: string | null;
  detail: string | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface GroupRunView {
  id: string;
  groupId: string;
  key: string;
  trigger: GroupTrigger;
  triggerRef: string | null;
  leadId: string;
  conversationId: string | null;
  enrollmentId: string | null;
  actorId: string | null;
  status: GroupRunStatus;
  startedAt: string;
  finishedAt: string | null;
  steps: GroupRunStepView[];
}

/** A dry run: what each action would do for the lead, done by none. */
export interface GroupPlanStepView {
  path: string;
  groupId: string;
  type: string;
  input: Record<string, unknown>;
  /** What would happen, in words; or why it would not. */
  wouldDo: string;
  /** For contact actions: whether the compliance gate would let it through now. */
  allowed: boolean | null;
}

export interface GroupPlanView {
  groupId: string;
  leadId: string;
  steps: GroupPlanStepView[];
}

export interface KeywordEventResult {
  /** The groups whose phrases the text matched, each queued to run once for this event's subject. */
  matched: Array<{ groupId: string; name: string; keyword: string; runKey: string }>;
}
