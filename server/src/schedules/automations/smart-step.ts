import type { LastContactedMode } from '#shared';
import { type Criteria, evaluateCriteria, type LeadFacts } from '../criteria.js';

/** A step a smart schedule may run next. */
export interface SmartCandidate {
  id: string;
  position: number;
  /** What the lead's behaviour and fields must show; null: a fallback for anyone. */
  criteria: Criteria | null;
}

/**
 * A smart schedule's next step for a lead: among the steps whose conditions hold now,
 * the most specific (the most conditions) wins, then the earliest; a step without
 * conditions is taken only when no conditional step matches. Null when nothing fits.
 */
export function pickSmartStep(candidates: readonly SmartCandidate[], facts: LeadFacts, now: Date): SmartCandidate | null {
  const matching = candidates.filter((c) => !c.criteria || !c.criteria.conditions.length || evaluateCriteria(c.criteria, facts, now));
  const weight = (c: SmartCandidate) => c.criteria?.conditions.length ?? 0;
  return [...matching].sort((a, b) => weight(b) - weight(a) || a.position - b.position)[0] ?? null;
}

export type { LastContactedMode };

export interface ActivityEvent {
  type: 'email_sent' | 'email_opened' | 'email_clicked' | 'email_replied' | 'sms_sent' | 'sms_received' | 'call_out' | 'call_in';
  at: Date;
}

/**
 * The lead's last-contacted mode from their activity: a reply (an email answered or a
 * text received) after our last outreach is "replied"; otherwise the latest contact
 * decides — a call in or out, a text, or an email opened (or clicked) or not.
 */
export function lastContactedMode(events: readonly ActivityEvent[]): LastContactedMode {
  if (!events.length) return 'not_contacted';
  const sorted = [...events].sort((a, b) => a.at.getTime() - b.at.getTime());
  const latest = sorted[sorted.length - 1];
  if (latest.type === 'email_replied' || latest.type === 'sms_received') return 'replied';
  if (latest.type === 'call_in') return 'incoming_call';
  if (latest.type === 'call_out') return 'outgoing_call';
  if (latest.type === 'sms_sent') return 'sms';
  // The latest is an email or what the lead did with one: opened (or clicked) since the last send?
  const lastSend = [...sorted].reverse().find((e) => e.type === 'email_sent');
  const opened = sorted.some((e) => (e.type === 'email_opened' || e.type === 'email_clicked') && (!lastSend || e.at >= lastSend.at));
  return opened ? 'opened_no_reply' : 'no_reply';
}

