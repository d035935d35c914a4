/**
 * The realtime contract between the server's gateway and the softphone (Socket.IO).
 * Both sides are typed by these maps: `Server<ClientToServerEvents, ServerToClientEvents>`
 * on the server, `Socket<ServerToClientEvents, ClientToServerEvents>` in the browser.
 */

import type { CallUpdate } from './floor.js';

export const AGENT_STATES = ['offline', 'ready', 'reserved', 'on_call', 'wrap_up', 'paused'] as const;
export type AgentState = (typeof AGENT_STATES)[number];
/** States an agent (or a supervisor for them) may choose; the others follow calls and offers. */
export const CHOSEN_AGENT_STATES = ['offline', 'ready', 'paused'] as const;
export type ChosenAgentState = (typeof CHOSEN_AGENT_STATES)[number];

export interface PauseReason {
  code: string;
  label: string;
  /** Minutes after which the pause shows as over its limit; null: no limit. */
  maxMinutes: number | null;
}

export interface AgentRules {
  pauseReasons: PauseReason[];
  /** After a call, the longest wrap-up; at the limit the agent is paused (wrap-up-expired) unless the queue says ready. */
  wrapUpMaxSeconds: number;
  /** Offers the agent's phone left unanswered in a row before they are paused (missed-offers). */
  missedOffersBeforePause: number;
}

/** What the agent asked to happen once the current call's disposition is saved, instead of Ready. */
export const AFTER_CALL_ACTIONS = ['pause', 'sign-off'] as const;
export type AfterCallAction = (typeof AFTER_CALL_ACTIONS)[number];

/**
 * Pause reasons the system sets (not chosen from the rules' list): shown like the others,
 * the agent goes Ready again when back at the desk.
 */
export const SYSTEM_PAUSE_REASONS: Record<string, string> = {
  'wrap-up-expired': 'Wrap-up time ran out',
  'after-call': 'Paused after the call',
  'missed-offers': 'Missed calls',
  'no-heartbeat': 'Softphone not responding',
};


export interface AgentStatusView {
  userId: string;
  name: string;
  state: AgentState;
  /** The pause reason code, or why the system set the state. */
  reason: string | null;
  since: string;
  /** A socket of this agent is connected to some server instance. */
  connected: boolean;
  lastHeartbeatAt: string | null;
  /** No heartbeat for longer than the stale limit: gets no new work. */
  stale: boolean;
  /** Paused or wrapping up for longer than allowed. */
  overLimit: boolean;
  health: SoftphoneHealth | null;
  /** Pause or sign off once the current call's disposition is saved (null: Ready as usual). */
  afterCall: AfterCallAction | null;
}

export interface AgentStateChangeView {
  id: string;
  userId: string;
  from: AgentState;
  to: AgentState;
  reason: string | null;
  actorId: string | null;
  at: string;
  /** How long the agent had been in `from`. */
  durationMs: number;
}

import type { DialCard, QueueStats } from './dialer.js';
import type { SoftphoneHealth } from './softphone-health.js';

export const WORK_KINDS = ['participant_action', 'callback', 'queue_item', 'reply'] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

/** One piece of open work in an agent's inbox. */
export interface WorkItem {
  kind: WorkKind;
  id: string;
  /** The action type (sms, dial, email, task…) or `callback`. */
  type: string;
  leadId: string | null;
  leadName: string | null;
  title: string;
  dueAt: string;
  status: string;
  /** Why it is here: the schedule and step, who booked the callback, or the dial queue. */
  origin: string | null;
  /** A lead the power dialer gave this agent: the card's queue facts. */
  dial?: DialCard;
}

export interface WorkDelivery {
  deliveryId: string;
  item: WorkItem;
  /** 1 for the first send; more when re-sent for want of an acknowledgement. */
  attempt: number;
}

/**
 * Why a handshake was refused, in the `connect_error`'s `data`. `unauthorized`: the token
 * or the user (not retried); `unavailable`: this instance is busy, connect again after
 * about `retryAfterMs` (plus jitter, so a storm of softphones spreads out).
 */
export type HandshakeRefusal = { code: 'unauthorized' } | { code: 'unavailable'; retryAfterMs: number };

export type AckResult = { ok: true } | { ok: false; error: { field?: string; message: string } };

export interface ServerToClientEvents {
  /** New or changed work for this agent: acknowledge with `work:ack`. */
  'work:offered': (delivery: WorkDelivery) => void;
  /** Work no longer this agent's (done, taken by someone else, reassigned). */
  'work:withdrawn': (p: { kind: WorkKind; id: string; reason: string }) => void;
  /** This agent's state changed (by them, a supervisor or the system). */
  'agent:state': (status: AgentStatusView) => void;
  /** To supervisors: one agent's status changed. */
  'supervisor:agent': (status: AgentStatusView) => void;
  /** To supervisors watching a queue: its live figures (at most twice a second). */
  'queue:stats': (stats: QueueStats) => void;
  /** To everyone on a call, whenever it changes: its status, legs and the supervisors on it as they may see them. */
  'call:update': (u: CallUpdate) => void;
  /** To supervisors: a call changed (read the live calls again). */
  'floor:call-changed': (p: { conversationId: string; status: string | null }) => void;
  /** The session is over; the socket is closed after this. */
  'session:ended': (p: { reason: 'expired' | 'revoked' | 'deactivated' }) => void;
}

export interface ClientToServerEvents {
  'work:ack': (p: { deliveryIds: string[] }, reply?: (r: AckResult) => void) => void;
  /** Everything open for this agent now, with its state: after connecting or reconnecting. */
  'inbox:sync': (reply: (r: { items: Array<WorkItem & { deliveryId: string | null }>; status: AgentStatusView }) => void) => void;
  'agent:heartbeat': (p: { health?: SoftphoneHealth }, reply?: (r: AckResult) => void) => void;
  'agent:set-state': (p: { state: ChosenAgentState; reason?: string }, reply: (r: AckResult & { status?: AgentStatusView }) => void) => void;
  /** A fresh access token before the current one expires, so the socket stays open. */
  'session:renew': (p: { token: string }, reply: (r: AckResult & { expiresAt?: string }) => void) => void;
  /** Supervisors: receive `queue:stats` for these queues (replaces the earlier list); the reply holds each one's figures now. */
  'supervisor:watch-queues': (p: { queueIds: string[] }, reply: (r: AckResult & { stats?: QueueStats[] }) => void) => void;
  /** Supervisors: the board of every agent now. */
  'supervisor:agents': (reply: (r: AgentStatusView[]) => void) => void;
}

/** What the server keeps on each socket. */
export interface SocketData {
  userId: string;
  role: string;
  name: string;
  sessionId: string | null;
  /** Access-token expiry, epoch ms. */
  expiresAt: number;
}
