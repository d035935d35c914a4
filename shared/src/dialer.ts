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
  ringSeconds?: number;
  previewSeconds?: number;
  machineAction?: 'hangup' | 'voicemail';
  voicemailMessage?: string | null;
  abandonMessage?: string;
  maxLinesPerAgent?: number;
  /** Percent of answered calls, over 30 days (at most 3). */
  abandonCapPct?: number;
  agentIds?: string[];
}

export interface DialQueueView {
  id: string;
  name: string;
  active: boolean;
  mode: DialMode;
  ringPoolId: string | null;
  callingWindow: { start: string; end: string } | null;
  retryRules: RetryRule[];
  ringSeconds: number;
  previewSeconds: number;
  machineAction: 'hangup' | 'voicemail';
  voicemailMessage: string | null;
  abandonMessage: string;
  maxLinesPerAgent: number;
  abandonCapPct: number;
  agentIds: string[];
  createdAt: string;
  updatedAt: string;
}

export type DialItemStatus = 'pending' | 'reserved' | 'dialing' | 'done' | 'canceled';

export interface DialItemView {
  id: string;
  queueId: string;
  leadId: string;
  source: 'list' | 'schedule' | 'callback';
  sourceId: string | null;
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
  callbacks: { due: number; overdue: number };
  actionsByAgent: Array<{ userId: string; due: number; overdue: number }>;
  ringPool: { poolId: string; numbers: number; available: number; quarantined: number; exhausted: number } | null;
}
