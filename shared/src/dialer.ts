import type { SoftphoneHealth } from './softphone-health.js';

/** Power-dial queues: what the API and the softphone exchange about them. */

export const DIAL_MODES = ['preview', 'progressive', 'power', 'predictive'] as const;
export type DialMode = (typeof DIAL_MODES)[number];

/** How a queue's call ended, as the retry rules and the figures see it. */
export const DIAL_OUTCOMES = ['answered', 'abandoned', 'voicemail', 'machine', 'no-answer', 'busy', 'failed', 'canceled'] as const;
export type DialOutcome = (typeof DIAL_OUTCOMES)[number];

/** After an outcome: try again after `retryMinutes`, while the lead has had fewer than `maxAttempts` calls from this queue. */
export interface RetryRule {
  outcome: DialOutcome;
  retryMinutes: number;
  maxAttempts: number;
}

export interface DialQueueInput {
  name: string;
  active?: boolean;
  mode: DialMode;
  ringPoolId?: string | null;
  /** The queue's own hours in the lead's local time; the legal window still applies. */
  callingWindow?: { start: string; end: string } | null;
  retryRules?: RetryRule[];
  recycleRules?: Array<Omit<RecycleRule, 'code' | 'intoQueueId'> & { code?: string | null; intoQueueId?: string | null }>;
  ringSeconds?: number;
  previewSeconds?: number;
  machineAction?: 'hangup' | 'voicemail';
  voicemailMessage?: string | null;
  abandonMessage?: string;
  maxLinesPerAgent?: number;
  /** Percent of answered calls, over 30 days (at most 3). */
  abandonCapPct?: number;
  /** predictive: the 30-day abandon share the pacer aims under, percent (below the cap; default 2.5). */
  targetAbandonPct?: number;
  agentIds?: string[];
  /** Supervisors (and admins) who may listen to, coach and join the queue's live calls. */
  supervisorIds?: string[];
  recording?: Partial<QueueRecording>;
  /** What happens to an agent still wrapping up at the wrap-up limit (default pause). */
  afterWrapUpLimit?: AfterWrapUpLimit;
  /** What a held person hears in the queue's calls (http or https); null: the server's hold music. */
  holdMusicUrl?: string | null;
}

export const AFTER_WRAP_UP_LIMITS = ['pause', 'ready'] as const;
/** At the wrap-up limit: `pause` (reason wrap-up-expired: nobody is assumed at the desk) or `ready`. */
export type AfterWrapUpLimit = (typeof AFTER_WRAP_UP_LIMITS)[number];

export const RECORDING_MODES = ['never', 'always', 'on-demand'] as const;
export type RecordingMode = (typeof RECORDING_MODES)[number];
export const RECORDING_CONSENTS = ['announce', 'agent-confirms'] as const;
export type RecordingConsent = (typeof RECORDING_CONSENTS)[number];

/** How a queue's calls are recorded. Where every party must consent, `consent` says how it is had. */
export interface QueueRecording {
  mode: RecordingMode;
  /** announce: the person hears the announcement first; agent-confirms: recording waits until the agent marks the person's consent. */
  consent: RecordingConsent;
  /** The announcement; null: the built-in wording. */
  announcement: string | null;
  /** Days a recording is kept; null: kept. */
  retentionDays: number | null;
}

/** What a recycling rule reacts to: a final call outcome, a disposition that asked for a callback, or one disposition code. */
export const RECYCLE_OUTCOMES = ['no-answer', 'busy', 'machine', 'voicemail', 'abandoned', 'failed', 'callback', 'disposition'] as const;
export type RecycleOutcome = (typeof RECYCLE_OUTCOMES)[number];

/** Brings a lead whose turn ended back after `afterMinutes`, into this queue or another, up to `maxPasses` passes in all. */
export interface RecycleRule {
  outcome: RecycleOutcome;
  /** With `disposition`: the code it reacts to. */
  code: string | null;
  afterMinutes: number;
  maxPasses: number;
  /** null: the same queue. */
  intoQueueId: string | null;
}

/** How much of a queue's list has been worked: each lead counted once, where its turn stands now. */
export interface ListPenetrationView {
  /** null: an import's leads counted across every queue they were added to. */
  queueId: string | null;
  /** Only the leads this CSV import made; null: every lead of the queue. */
  importId: string | null;
  leads: number;
  /** Waiting: never dialed yet (first pass), and waiting for a retry or a further pass. */
  neverDialed: number;
  waitingAgain: number;
  /** Reserved for an agent or being dialed now. */
  inProgress: number;
  /** Leads a person answered at least once. */
  contacted: number;
  /** Finished with a person on the line, by the disposition the call got (`none` when none yet). */
  byDisposition: Record<string, number>;
  /** Finished without reaching anyone, retries used up, by the last outcome. */
  attemptsUsedUp: Record<string, number>;
  /** Taken out of the queue by hand, or canceled with what they came from. */
  removed: number;
  /** No longer eligible: the gate will never let them through again, by reason (opted out, blocked, attempt cap, …). */
  ineligible: number;
  ineligibleBy: Record<string, number>;
  /** Leads by the calls made to them in this queue (all passes). */
  dialsPerLead: Array<{ calls: number; leads: number }>;
  /** Nothing left to dial: no lead waiting or being worked. */
  burnt: boolean;
}

/** How much of a CSV import's leads has been worked, per queue they were added to and in all. */
export interface ImportPenetrationView {
  importId: string;
  filename: string;
  /** The import's leads: those in some queue, and the live ones never queued. */
  leads: number;
  /** Live leads of the import never added to any queue. */
  neverQueued: number;
  /** Per queue the import's leads were added to, by queue name: each lead once per queue. */
  queues: Array<ListPenetrationView & { queueName: string }>;
  /** Over every queue (`queueId` null): each lead once, where its newest turn stands (one still waiting or being worked first). */
  total: ListPenetrationView;
}

/** What a list reset brings back (a preview, or what it did). */
export interface QueueResetView {
  preview: boolean;
  /** Leads brought back (or that would be). */
  leads: number;
  byOutcome: Record<string, number>;
  /** Leads left out, by why (opted out, blocked, on a do-not-call list, deleted, already waiting). */
  excluded: Record<string, number>;
}

export interface DialQueueView {
  id: string;
  name: string;
  active: boolean;
  mode: DialMode;
  ringPoolId: string | null;
  callingWindow: { start: string; end: string } | null;
  retryRules: RetryRule[];
  recycleRules: RecycleRule[];
  ringSeconds: number;
  previewSeconds: number;
  machineAction: 'hangup' | 'voicemail';
  voicemailMessage: string | null;
  abandonMessage: string;
  maxLinesPerAgent: number;
  abandonCapPct: number;
  targetAbandonPct: number;
  agentIds: string[];
  supervisorIds: string[];
  recording: QueueRecording;
  afterWrapUpLimit: AfterWrapUpLimit;
  holdMusicUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export type DialItemStatus = 'pending' | 'reserved' | 'dialing' | 'done' | 'canceled';

export interface DialItemView {
  id: string;
  queueId: string;
  leadId: string;
  source: 'list' | 'schedule' | 'callback' | 'recycle';
  sourceId: string | null;
  /** Its pass through the queue's lists (1 the first). */
  pass: number;
  priority: number;
  dueAt: string;
  ownerId: string | null;
  status: DialItemStatus;
  attempts: number;
  lastOutcome: string | null;
  detail: string | null;
  agentId: string | null;
  conversationId: string | null;
}

/** What the agent's lead card says about a lead the dialer gave them. */
export interface DialCard {
  queueId: string;
  queueName: string;
  mode: DialMode;
  /** Why this lead now: a due callback, its priority, how long it has waited, earlier attempts. */
  reason: string;
  attempts: number;
  /** progressive: when it will be dialed unless the agent skips it. */
  autoDialAt: string | null;
  conversationId: string | null;
}

/** A queue's recent activity for the supervisor's charts. */
export interface QueueActivity {
  queueId: string;
  /** The last hour minute by minute, oldest first: calls placed and calls connected to an agent. */
  minutes: Array<{ at: string; dials: number; connects: number }>;
  /** Today's calls by disposition (account zone's day); undisposed calls as null. */
  dispositions: Array<{ code: string | null; count: number }>;
}

/** An abandon share over a period: measured (of the calls a person answered) and as the pacer predicted it when placing the period's calls (their mean; null when none carried a prediction). */
export interface PacingShareView {
  answered: number;
  abandoned: number;
  actualPct: number;
  predictedPct: number | null;
}

/** An answer rate with its (one-sided 95%) bounds, in percent. */
export interface RateBoundsView {
  calls: number;
  ratePct: number;
  lowPct: number;
  highPct: number;
}

/** The answer-rate estimate predictive pacing dials on. */
export interface AnswerRateView {
  /** Which part weighs most in it: this hour of day's rate, the next leads' list's, or the queue's rolling rate. */
  used: 'hour' | 'list' | 'rolling';
  ratePct: number;
  lowPct: number;
  highPct: number;
  /** The rate the lines were placed on: the estimate's upper bound (more answers expected, fewer lines). */
  dialedOnPct: number;
  rolling: RateBoundsView;
  /** `weight`: the part's share in the blend (0–1), by its sample size. */
  hour: (RateBoundsView & { weight: number }) | null;
  /** `key`: `pass:1`, `pass:2`… (a pass through the queue's list), `schedule` or `callback`. */
  list: (RateBoundsView & { weight: number; key: string }) | null;
}

/** A predictive queue's pacing, for the supervisor's tile. */
export interface QueuePacing {
  /** When the pacer decided. */
  at: string;
  /** Dial level: lines in flight per ready agent after the pacer's last pass. */
  level: number;
  /** Calls ringing now per ready agent (the calls ringing when no agent is ready). */
  inFlightPerReady: number;
  /** The abandon share the model expects of the calls in flight. */
  predictedPct: number;
  targetPct: number;
  capPct: number;
  abandon: { today: PacingShareView; lastHour: PacingShareView; thirtyDays: PacingShareView };
  /** null while the pacer is still learning the answer rate. */
  answerRate: AnswerRateView | null;
  holdingBack: boolean;
  /** Why it holds back (braking, a small sample, no ready agents) or what it placed. */
  why: string;
}

/** One queue's live figures, pushed to supervisors at most twice a second. */
export interface QueueStats {
  queueId: string;
  name: string;
  mode: DialMode;
  at: string;
  eligibleNow: number;
  /** Agents of the queue by state, each with how long they have been in it. */
  agents: Array<{ userId: string; name: string; state: string; reason: string | null; seconds: number; stale: boolean; /** The lead reserved for or on a call with them in this queue. */ lead: string | null; health: SoftphoneHealth | null }>;
  agentsByState: Record<string, number>;
  callsRinging: number;
  callsInProgress: number;
  today: { dials: number; connects: number; connectRatePct: number; avgTalkSeconds: number; avgWrapSeconds: number; abandoned: number; abandonRatePct: number };
  abandonRate30dPct: number;
  abandonCapPct: number;
  /** Lines per ready agent the predictive pacer is using now. */
  pacingRatio: number;
  /** predictive: the pacer's last decision and what it was decided on; null otherwise or before its first pass. */
  pacing: QueuePacing | null;
  callbacks: { due: number; overdue: number };
  actionsByAgent: Array<{ userId: string; due: number; overdue: number }>;
  ringPool: { poolId: string; numbers: number; available: number; quarantined: number; exhausted: number } | null;
}
