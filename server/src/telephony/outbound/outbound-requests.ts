import { randomUUID } from 'node:crypto';
import type { GateOptions } from '../../compliance/contact-policy.js';
import type { LeadRecord } from '../../leads/leads.repository.js';
import type { ConversationEntity } from '../conversations/conversation.entity.js';

/** What callers ask of the outbound path: a call or a text to a lead, and the blank row each starts from. */
export interface ContactRequest {
  leadId: string;
  /**
   * The lead's record as read a moment ago for this very contact (the dialer's reservation
   * asked the gate with it): it is not read again. The gate is still asked now.
   */
  lead?: LeadRecord;
  /** The agent the call is bridged to (and who owns the conversation). */
  agentId?: string | null;
  /** The pool to take the caller ID from; default: the first active pool that can. */
  poolId?: string | null;
  /** One of the lead's numbers; default: its primary number. */
  to?: string;
  /** What caused the contact, for the record. */
  cause: { type: 'participant-action' | 'action-run' | 'automation-run' | 'queue-item' | 'callback' | 'manual'; id?: string | null };
  /**
   * Ties the contact to one attempt of one piece of work (e.g. `action:<id>:<attempt>`).
   * Asking again with the same key returns the first contact instead of making another.
   */
  idempotencyKey?: string;
  /** A schedule's or queue's scope and narrower window for the compliance gate. */
  gate?: Pick<GateOptions, 'scope' | 'narrowTo'>;
}

export interface CallRequest extends ContactRequest {
  machineDetection?: boolean;
  ringSeconds?: number;
}

export interface SmsRequest extends ContactRequest {
  body: string;
  /**
   * The caller runs after an earlier attempt under the same key ended (it failed, or died
   * and its lease lapsed): a text that attempt left without an answer from the carrier is
   * finished rather than returned as it is.
   */
  resumeUnfinished?: boolean;
  /** The person who pressed send (an agent's own text, not a schedule's): `lead.texted` names them. */
  sentBy?: string | null;
}

/** A Conversation row with nothing set but its id, status and times. */
export function blankConversation(now: Date): ConversationEntity {
  return {
    id: randomUUID(),
    leadId: null,
    agentId: null,
    channel: 'sms',
    direction: 'outbound',
    fromNumber: '',
    toNumber: '',
    providerSid: null,
    status: 'initiating',
    body: null,
    answeredBy: null,
    createdAt: now,
    ringingAt: null,
    answeredAt: null,
    endedAt: null,
    durationSeconds: null,
    disposition: null,
    dispositionBy: null,
    dispositionAt: null,
    notes: null,
    recordingUrl: null,
    errorCode: null,
    errorMessage: null,
    poolId: null,
    poolNumberId: null,
    causeType: null,
    causeId: null,
    idempotencyKey: null,
    lastSequence: -1,
    updatedAt: now,
  };
}
