/**
 * The Conversation state machine. Carrier callbacks arrive late, twice, or out of
 * order; a status only ever moves forward, a final status never changes, and a late
 * callback may still fill in a timestamp that is missing.
 */

export const CALL_STATUSES = ['initiating', 'queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export const SMS_STATUSES = ['initiating', 'queued', 'accepted', 'sending', 'sent', 'received', 'delivered', 'undelivered', 'failed', 'canceled'] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

const CALL_RANK: Record<CallStatus, number> = {
  initiating: 0,
  queued: 1,
  initiated: 2,
  ringing: 3,
  'in-progress': 4,
  completed: 9,
  busy: 9,
  'no-answer': 9,
  failed: 9,
  canceled: 9,
};

const SMS_RANK: Record<SmsStatus, number> = {
  initiating: 0,
  queued: 1,
  accepted: 1,
  sending: 2,
  sent: 3,
  received: 9,
  delivered: 9,
  undelivered: 9,
  failed: 9,
  canceled: 9,
};

export const FINAL_RANK = 9;

export function statusRank(channel: 'call' | 'sms', status: string): number | undefined {
  return channel === 'call' ? CALL_RANK[status as CallStatus] : SMS_RANK[status as SmsStatus];
}

export function isFinal(channel: 'call' | 'sms', status: string): boolean {
  return statusRank(channel, status) === FINAL_RANK;
}

export interface ConversationTimes {
  status: string;
  ringingAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  durationSeconds: number | null;
  answeredBy: string | null;
}

export interface StatusEvent {
  status: string;
  /** When the carrier says it happened (else when it was received). */
  at: Date;
  durationSeconds?: number | null;
  answeredBy?: string | null;
}

export interface Transition {
  /** The status moved forward. */
  advanced: boolean;
  /** Fields to write (empty when the event changes nothing). */
  patch: Partial<ConversationTimes>;
}

/**
 * What an event does to a conversation: advance the status when it ranks higher,
 * and fill timestamps the event implies that are still empty. A final status is
 * never replaced (a second, conflicting final event changes nothing); a late event
 * only fills timestamps still missing. Unknown statuses change nothing.
 */
export function transition(channel: 'call' | 'sms', current: ConversationTimes, event: StatusEvent): Transition {
  const from = statusRank(channel, current.status) ?? 0;
  const to = statusRank(channel, event.status);
  const patch: Partial<ConversationTimes> = {};
  if (to === undefined) return { advanced: false, patch };
  const advanced = to > from;
  if (advanced) patch.status = event.status;

  if (channel === 'call') {
    const s = event.status as CallStatus;
    if (s === 'ringing' && !current.ringingAt) patch.ringingAt = event.at;
    if (s === 'in-progress' && !current.answeredAt) patch.answeredAt = event.at;
    if (s === 'completed' && !current.answeredAt && (event.durationSeconds ?? 0) > 0) {
      // Answered but the in-progress callback never came: the carrier's duration says when.
      patch.answeredAt = new Date(event.at.getTime() - (event.durationSeconds ?? 0) * 1000);
    }
    if (event.answeredBy && !current.answeredBy) patch.answeredBy = event.answeredBy;
  }
  if (to === FINAL_RANK && (advanced || from < FINAL_RANK)) {
    if (!current.endedAt) patch.endedAt = event.at;
    if (current.durationSeconds === null) {
      patch.durationSeconds = channel === 'call' ? (event.status === 'completed' ? (event.durationSeconds ?? 0) : 0) : null;
    }
  }
  return { advanced, patch };
}
