/** The live floor: supervisors on live calls, the call's legs, and the floor's rules. */
import type { ConversationView } from './conversations.js';

/** How a supervisor is on a call: heard by nobody, by the agent only (coaching), or by both. */
export const MONITOR_MODES = ['listen', 'whisper', 'barge'] as const;
export type MonitorMode = (typeof MONITOR_MODES)[number];

/** Who is on a call with what part: the person called (or calling), their agent, a supervisor, someone brought in. */
export type CallLegRole = 'customer' | 'agent' | 'monitor' | 'transfer' | 'third-party';

export interface CallLegView {
  id: string;
  role: CallLegRole;
  userId: string | null;
  /** The user's name, for legs of our own people. */
  name: string | null;
  mode: MonitorMode | null;
  /** dialing, in-room, left, failed */
  status: string;
  muted: boolean;
  held: boolean;
  joinedAt: string | null;
  leftAt: string | null;
}

/** A supervisor on a call, as the agent and the board see them. */
export interface CallMonitor {
  userId: string;
  name: string;
  mode: MonitorMode;
}

/** A call live with its agent now, as the supervisors' board lists it. */
export interface LiveCallView {
  conversationId: string;
  leadId: string | null;
  leadName: string | null;
  agentId: string;
  agentName: string;
  queueId: string | null;
  queueName: string | null;
  /** When the agent joined the call. */
  since: string;
  /** Seconds since then, on the server's clock. */
  talkSeconds: number;
  held: boolean;
  monitors: CallMonitor[];
}

/**
 * A call as it is now, pushed over the socket (`call:update`) to everyone on it whenever
 * the carrier or the floor changes it: its status, its legs, and the supervisors on it as
 * the receiver may see them. The call panel follows these instead of asking.
 */
export interface CallUpdate {
  conversationId: string;
  /** The conversation as `GET /api/conversations/:id` shows it (without its event log). */
  conversation: ConversationView;
  legs: CallLegView[];
  monitors: CallMonitor[];
  /** Where the call's recording stands (null when it is not known). */
  recording: CallRecordingState | null;
}

/** The call an agent's screen should show now: one their phone is on, or the last they held, ended and still owed a disposition. */
export interface MyCall {
  conversationId: string;
  leadName: string | null;
  phase: 'live' | 'wrap-up';
}

export interface FloorRules {
  /** Agents are not told when a supervisor only listens (coaching and barging are always shown: the agent hears them). */
  hideSilentMonitoring: boolean;
}

export const DEFAULT_FLOOR_RULES: FloorRules = { hideSilentMonitoring: false };

/** cold: the agent leaves at once; warm: the person waits on hold while the agent talks to the target, then hands over; three-way: everyone together. */
export const TRANSFER_TYPES = ['cold', 'warm', 'three-way'] as const;
export type TransferType = (typeof TRANSFER_TYPES)[number];

/** Whom a call goes to: an agent, the longest-ready agent of a queue, or an outside number (checked by the compliance gate). */
export type TransferTarget = { agentId: string } | { queueId: string } | { number: string };

/** Whom an agent may pass a call to now: agents with their state, and queues with how many of their agents are ready. */
export interface TransferTargets {
  agents: Array<{ userId: string; name: string; state: string }>;
  queues: Array<{ id: string; name: string; ready: number }>;
}

/** What the agent does with the call's recording: start it, mark the person's consent (and start it), pause, resume, stop. */
export const RECORDING_ACTIONS = ['start', 'consent', 'pause', 'resume', 'stop'] as const;
export type RecordingAction = (typeof RECORDING_ACTIONS)[number];

export interface CallRecordingView {
  id: string;
  /** recording | paused | stopping | completed | deleted */
  status: string;
  /** one-party | announced | agent-confirmed */
  consent: string;
  startedBy: string | null;
  durationSeconds: number | null;
  url: string | null;
  createdAt: string;
  deleteAfter: string | null;
  deletedAt: string | null;
}

/**
 * Where a call's recording stands, for the call panel: `never` (its queue does not
 * record), `off` (the agent may start one), `waiting-consent` (the person's state wants
 * every party's consent: the agent asks, then marks it), `recording`, `paused`,
 * `stopping` (the carrier is finishing it).
 */
export type CallRecordingStateName = 'never' | 'off' | 'waiting-consent' | 'recording' | 'paused' | 'stopping';

export interface CallRecordingState {
  state: CallRecordingStateName;
  /** The queue's rule: never, always, on-demand; null for a call no queue placed (recorded on demand). */
  mode: 'never' | 'always' | 'on-demand' | null;
  /** Where every party must consent (or the state is unknown): whose law; null where one party may record. */
  allParty: { name: string; citation: string } | null;
  /** The recording under way, else the call's latest one (its `consent` says whether it was announced). */
  current: CallRecordingView | null;
}
