import type { AfterWrapUpLimit, DialItemView, DialMode, DialQueueView, QueueRecording, RecordingConsent, RecordingMode, RecycleRule, RetryRule } from '#shared';
import type { LocalWindow } from '../compliance/calling-window.js';
import type { DialQueueEntity, DialQueueItemEntity } from './dial-queue.entity.js';

/** What a queue does after each outcome unless told otherwise. An answered call ends the lead's turn. */
export const DEFAULT_RETRY_RULES: RetryRule[] = [
  { outcome: 'no-answer', retryMinutes: 60, maxAttempts: 3 },
  { outcome: 'busy', retryMinutes: 15, maxAttempts: 3 },
  { outcome: 'machine', retryMinutes: 240, maxAttempts: 2 },
  { outcome: 'voicemail', retryMinutes: 1440, maxAttempts: 2 },
  { outcome: 'abandoned', retryMinutes: 30, maxAttempts: 3 },
  { outcome: 'failed', retryMinutes: 60, maxAttempts: 2 },
];

export const DEFAULT_ABANDON_MESSAGE = 'Sorry, all of our agents are busy right now. We will call you back. Goodbye.';

export function retryRulesOf(q: Pick<DialQueueEntity, 'retryRules'>): RetryRule[] {
  return JSON.parse(q.retryRules) as RetryRule[];
}

export function recycleRulesOf(q: Pick<DialQueueEntity, 'recycleRules'>): RecycleRule[] {
  return q.recycleRules ? (JSON.parse(q.recycleRules) as RecycleRule[]) : [];
}

export function callingWindowOf(q: Pick<DialQueueEntity, 'callingWindow'>): LocalWindow | null {
  return q.callingWindow ? (JSON.parse(q.callingWindow) as LocalWindow) : null;
}

/** A queue's recording rule. */
export function recordingOf(q: Pick<DialQueueEntity, 'recordingMode' | 'recordingConsent' | 'recordingAnnouncement' | 'recordingRetentionDays'>): QueueRecording {
  return { mode: q.recordingMode as RecordingMode, consent: q.recordingConsent as RecordingConsent, announcement: q.recordingAnnouncement, retentionDays: q.recordingRetentionDays };
}

export function toQueueView(q: DialQueueEntity, agentIds: string[], supervisorIds: string[]): DialQueueView {
  return {
    id: q.id,
    name: q.name,
    active: q.active,
    mode: q.mode as DialMode,
    ringPoolId: q.ringPoolId,
    callingWindow: callingWindowOf(q),
    retryRules: retryRulesOf(q),
    recycleRules: recycleRulesOf(q),
    ringSeconds: q.ringSeconds,
    previewSeconds: q.previewSeconds,
    machineAction: q.machineAction as 'hangup' | 'voicemail',
    voicemailMessage: q.voicemailMessage,
    abandonMessage: q.abandonMessage,
    maxLinesPerAgent: q.maxLinesPerAgent,
    abandonCapPct: q.abandonCapBp / 100,
    targetAbandonPct: q.targetAbandonBp / 100,
    agentIds: [...agentIds].sort(),
    supervisorIds: [...supervisorIds].sort(),
    recording: recordingOf(q),
    afterWrapUpLimit: q.afterWrapUpLimit as AfterWrapUpLimit,
    holdMusicUrl: q.holdMusicUrl,
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
  };
}

export function toItemView(i: DialQueueItemEntity): DialItemView {
  return {
    id: i.id,
    queueId: i.queueId,
    leadId: i.leadId,
    source: i.source as DialItemView['source'],
    sourceId: i.sourceId,
    pass: i.pass,
    priority: i.priority,
    dueAt: i.dueAt.toISOString(),
    ownerId: i.ownerId,
    status: i.status as DialItemView['status'],
    attempts: i.attempts,
    lastOutcome: i.lastOutcome,
    detail: i.detail,
    agentId: i.agentId,
    conversationId: i.conversationId,
  };
}

/**
 * The list an item's lead came from, for the answer rate by list. A queue's list is its
 * leads (as list penetration counts them); its passes are told apart, a lead recycled or
 * reset for another pass being dialed again: `pass:1` the leads' first pass, `pass:2` the
 * next… Leads a schedule step or a due callback brought are their own lists.
 */
export function listKeyOf(item: Pick<DialQueueItemEntity, 'source' | 'pass'>): string {
  if (item.source === 'schedule' || item.source === 'callback') return item.source;
  return `pass:${Math.min(9999, Math.max(1, item.pass ?? 1))}`;
}
