import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/**
 * A power-dial queue (campaign): where its leads come from, who takes them, how fast it
 * dials and what it does with each outcome.
 */
@Entity('dial_queues')
export class DialQueueEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 120, unique: true })
  name: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** preview | progressive | power | predictive */
  @Column({ type: 'varchar', length: 16 })
  mode: string;

  @RefColumn({ name: 'ring_pool_id', nullable: true })
  ringPoolId: string | null;

  /** The queue's own calling window in the lead's local time, JSON `{start, end}` or null; narrows the legal window. */
  @Column({ name: 'calling_window', type: 'varchar', length: 64, nullable: true })
  callingWindow: string | null;

  /** JSON: `[{outcome, retryMinutes, maxAttempts}]`. */
  @Column({ name: 'retry_rules', type: 'text' })
  retryRules: string;

  /** How long an unanswered call rings (at least 15 s). */
  @Column({ name: 'ring_seconds', type: 'int' })
  ringSeconds: number;

  /** progressive: seconds the agent sees the lead before it is dialed. */
  @Column({ name: 'preview_seconds', type: 'int' })
  previewSeconds: number;

  /** When a machine answers: `hangup` or `voicemail` (drop the message). */
  @Column({ name: 'machine_action', type: 'varchar', length: 16 })
  machineAction: string;

  /** Spoken text, or an https URL of a recording, left on answering machines. */
  @Column({ name: 'voicemail_message', type: 'text', nullable: true })
  voicemailMessage: string | null;

  /** What a called person hears when no agent is free within two seconds. */
  @Column({ name: 'abandon_message', type: 'text' })
  abandonMessage: string;

  /** predictive: the most lines per ready agent. */
  @Column({ name: 'max_lines_per_agent', type: 'int' })
  maxLinesPerAgent: number;

  /** JSON `[{outcome, code, afterMinutes, maxPasses, intoQueueId}]`: leads brought back after their final outcome; null: none. */
  @Column({ name: 'recycle_rules', type: 'text', nullable: true })
  recycleRules: string | null;
  /** The cap on abandoned calls, in percent of answered calls over 30 days (in hundredths: 300 = 3%). */
  @Column({ name: 'abandon_cap_bp', type: 'int' })
  abandonCapBp: number;

  /** predictive: the 30-day abandon share the pacer aims under, below the legal cap (hundredths of a percent: 250 = 2.5%). */
  @Column({ name: 'target_abandon_bp', type: 'int', default: 250 })
  targetAbandonBp: number;

  /** never | always (from the start of the call) | on-demand (the agent records and pauses) */
  @Column({ name: 'recording_mode', type: 'varchar', length: 12, default: 'never' })
  recordingMode: string;

  /** Where every party must consent: announce (the announcement is played first) | agent-confirms (recording waits for the agent's mark) */
  @Column({ name: 'recording_consent', type: 'varchar', length: 16, default: 'announce' })
  recordingConsent: string;

  /** What the person hears before a recorded call in an all-party state; null: the built-in wording. */
  @Column({ name: 'recording_announcement', type: 'varchar', length: 500, nullable: true })
  recordingAnnouncement: string | null;

  /** Days a recording is kept before it is deleted; null: kept. */
  @Column({ name: 'recording_retention_days', type: 'int', nullable: true })
  recordingRetentionDays: number | null;

  /** At the wrap-up limit the agent is paused (`pause`, nobody is assumed at the desk) or made ready (`ready`). */
  @Column({ name: 'after_wrap_up_limit', type: 'varchar', length: 8, default: 'pause' })
  afterWrapUpLimit: string;
  /** What a held person hears in this queue's calls (a warm transfer, hold, park); null: the server's HOLD_MUSIC_URL, else the carrier's own. */
  @Column({ name: 'hold_music_url', type: 'varchar', length: 500, nullable: true })
  holdMusicUrl: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}

/** Who takes a queue's calls. */
@Entity('dial_queue_agents')
@Index('ix_dial_queue_agents_user', ['userId'])
export class DialQueueAgentEntity {
  @PrimaryColumn({ name: 'queue_id', type: 'varchar', length: 36 })
  queueId: string;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;
}

/** Who supervises a queue: they watch its figures and may listen to, coach and join its live calls. */
@Entity('dial_queue_supervisors')
@Index('ix_dial_queue_supervisors_user', ['userId'])
export class DialQueueSupervisorEntity {
  @PrimaryColumn({ name: 'queue_id', type: 'varchar', length: 36 })
  queueId: string;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;
}

/**
 * One lead waiting in (or worked through) one queue. `active_key` keeps a lead in a
 * queue once at a time; `busy_key` (the lead's id while it is reserved or being dialed,
 * unique across every queue) means no lead is ever dialed twice at once.
 */
@Entity('dial_queue_items')
// Created by migration as (queue_id, status, callback_first DESC, priority DESC, due_at): the reservation's exact order.
@Index('ix_dial_queue_items_next', ['queueId', 'status', 'callbackFirst', 'priority', 'dueAt'])
@Index('ix_dial_queue_items_lead', ['leadId'])
@Index('ix_dial_queue_items_recycle', ['queueId', 'status', 'recycledAt', 'updatedAt'])
export class DialQueueItemEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'queue_id' })
  queueId: string;

  @RefColumn({ name: 'lead_id' })
  leadId: string;

  /** list | schedule | callback */
  @Column({ type: 'varchar', length: 12 })
  source: string;

  /** The participant action or callback it came from. */
  @RefColumn({ name: 'source_id', nullable: true })
  sourceId: string | null;

  /** 1 for due callbacks: they go first. */
  @Column({ name: 'callback_first', type: 'smallint', default: 0 })
  callbackFirst: number;

  @Column({ type: 'int', default: 0 })
  priority: number;

  @InstantColumn({ name: 'due_at' })
  dueAt: Date;

  /** Only this agent may take it (a callback's owner); null: anyone on the queue. */
  @RefColumn({ name: 'owner_id', nullable: true })
  ownerId: string | null;

  /** pending | reserved | dialing | done | canceled */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'last_outcome', type: 'varchar', length: 24, nullable: true })
  lastOutcome: string | null;

  /** Why it waits or ended (a compliance refusal, a retry rule…). */
  @Column({ type: 'varchar', length: 300, nullable: true })
  detail: string | null;

  @RefColumn({ name: 'agent_id', nullable: true })
  agentId: string | null;

  @InstantColumn({ name: 'reserved_at', nullable: true })
  reservedAt: Date | null;

  @RefColumn({ name: 'conversation_id', nullable: true })
  conversationId: string | null;

  /** When the compliance gate last let it through while it waited (the pacer checks the head of the queue ahead of agents). */
  @InstantColumn({ name: 'checked_at', nullable: true })
  checkedAt: Date | null;

  /** Which pass through the queue's lists this is (1 the first; a recycled or reset lead's next item one more). */
  @Column({ type: 'int', default: 1 })
  pass: number;
  /** The disposition the lead's call got, and whether it asked for a callback (recycling rules read them). */
  @Column({ type: 'varchar', length: 40, nullable: true })
  disposition: string | null;
  @Column({ name: 'callback_requested', type: 'boolean', default: false })
  callbackRequested: boolean;
  /** A lead the gate will never let through again: the refusal's codes, comma-separated (OPTED_OUT, BLOCKED, …). */
  @Column({ name: 'refusal_codes', type: 'varchar', length: 120, nullable: true })
  refusalCodes: string | null;
  /** When this finished item was brought back for another pass (or judged never to be). */
  @InstantColumn({ name: 'recycled_at', nullable: true })
  recycledAt: Date | null;
  @Column({ name: 'active_key', type: 'varchar', length: 80, nullable: true, unique: true })
  activeKey: string | null;

  @Column({ name: 'busy_key', type: 'varchar', length: 36, nullable: true, unique: true })
  busyKey: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}

/** Every call a queue placed, for pacing and the supervisors' figures. */
@Entity('dial_calls')
@Index('ix_dial_calls_queue_placed', ['queueId', 'placedAt'])
// The report rollup reads the calls of recent hours across every queue.
@Index('ix_dial_calls_placed', ['placedAt'])
// The answer rate by list reads a queue's recent calls of one list.
@Index('ix_dial_calls_queue_list', ['queueId', 'listKey', 'placedAt'])
export class DialCallEntity {
  /** The Conversation's id. */
  @PrimaryColumn({ name: 'conversation_id', type: 'varchar', length: 36 })
  conversationId: string;

  @RefColumn({ name: 'queue_id' })
  queueId: string;

  @RefColumn({ name: 'item_id' })
  itemId: string;

  @RefColumn({ name: 'lead_id' })
  leadId: string;

  /** The agent reserved for it (power, preview), or bridged to it (predictive). */
  @RefColumn({ name: 'agent_id', nullable: true })
  agentId: string | null;

  @InstantColumn({ name: 'placed_at' })
  placedAt: Date;

  @InstantColumn({ name: 'answered_at', nullable: true })
  answeredAt: Date | null;

  @InstantColumn({ name: 'bridged_at', nullable: true })
  bridgedAt: Date | null;

  @InstantColumn({ name: 'ended_at', nullable: true })
  endedAt: Date | null;

  /** A person answered (not a machine). */
  @Column({ type: 'boolean', default: false })
  human: boolean;

  /** answered | abandoned | voicemail | machine | no-answer | busy | failed | canceled; null while live. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome: string | null;

  @Column({ name: 'talk_seconds', type: 'int', nullable: true })
  talkSeconds: number | null;

  /** The list the lead came from (`listKeyOf`: `pass:1`, `pass:2`…, `schedule`, `callback`); null on calls placed before lists were kept. */
  @Column({ name: 'list_key', type: 'varchar', length: 16, nullable: true })
  listKey?: string | null;

  /** predictive: the abandon share (basis points) the pacer expected of the calls in flight when it placed this one. */
  @Column({ name: 'predicted_bp', type: 'int', nullable: true })
  predictedBp?: number | null;
}
