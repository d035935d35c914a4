import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../../database/columns.js';

/**
 * One call or one text, inbound or outbound. Its status only moves forward
 * (see conversation-state.ts); times and duration come from the carrier.
 */
@Entity('conversations')
@Index('ux_conversations_provider_sid', ['providerSid'], { unique: true })
@Index('ux_conversations_idempotency', ['idempotencyKey'], { unique: true })
@Index('ix_conversations_lead', ['leadId', 'createdAt'])
@Index('ix_conversations_agent', ['agentId', 'createdAt'])
@Index('ix_conversations_open', ['status', 'createdAt'])
@Index('ix_conversations_created', ['createdAt'])
export class ConversationEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'lead_id', nullable: true })
  leadId: string | null;

  @RefColumn({ name: 'agent_id', nullable: true })
  agentId: string | null;

  /** call | sms */
  @Column({ type: 'varchar', length: 8 })
  channel: string;

  /** outbound | inbound */
  @Column({ type: 'varchar', length: 8 })
  direction: string;

  @Column({ name: 'from_number', type: 'varchar', length: 20 })
  fromNumber: string;

  @Column({ name: 'to_number', type: 'varchar', length: 20 })
  toNumber: string;

  /** The carrier's call or message sid; null until the carrier accepted it. */
  @Column({ name: 'provider_sid', type: 'varchar', length: 64, nullable: true })
  providerSid: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  /** Text of an SMS. */
  @Column({ type: 'text', nullable: true })
  body: string | null;

  /** human | machine_start | machine_end_beep | fax | unknown (answering-machine detection) */
  @Column({ name: 'answered_by', type: 'varchar', length: 24, nullable: true })
  answeredBy: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'ringing_at', nullable: true })
  ringingAt: Date | null;

  @InstantColumn({ name: 'answered_at', nullable: true })
  answeredAt: Date | null;

  @InstantColumn({ name: 'ended_at', nullable: true })
  endedAt: Date | null;

  @Column({ name: 'duration_seconds', type: 'int', nullable: true })
  durationSeconds: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  disposition: string | null;

  @RefColumn({ name: 'disposition_by', nullable: true })
  dispositionBy: string | null;

  @InstantColumn({ name: 'disposition_at', nullable: true })
  dispositionAt: Date | null;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @Column({ name: 'recording_url', type: 'varchar', length: 500, nullable: true })
  recordingUrl: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 16, nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'varchar', length: 300, nullable: true })
  errorMessage: string | null;

  @RefColumn({ name: 'pool_id', nullable: true })
  poolId: string | null;

  @RefColumn({ name: 'pool_number_id', nullable: true })
  poolNumberId: string | null;

  /** What caused it: participant-action | queue-item | callback | manual | inbound */
  @Column({ name: 'cause_type', type: 'varchar', length: 24, nullable: true })
  causeType: string | null;

  @Column({ name: 'cause_id', type: 'varchar', length: 64, nullable: true })
  causeId: string | null;

  /** Ties the contact to one attempt of one piece of work, so a retry never contacts twice. */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 120, nullable: true })
  idempotencyKey: string | null;

  /** Seconds the person was held, over every hold that has ended (the call ending ends an open one). */
  @Column({ name: 'hold_seconds', type: 'int', default: 0 })
  holdSeconds?: number;

  /** When the open hold began; null while the person is not held. */
  @InstantColumn({ name: 'held_since', nullable: true })
  heldSince?: Date | null;

  /** Highest carrier callback sequence number applied. */
  @Column({ name: 'last_sequence', type: 'int', default: -1 })
  lastSequence: number;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}

/** Every status callback received for a conversation, applied or not, for the audit trail. */
@Entity('conversation_events')
@Index('ix_conversation_events_conversation', ['conversationId', 'receivedAt'])
export class ConversationEventEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'conversation_id' })
  conversationId: string;

  @Column({ type: 'varchar', length: 24 })
  status: string;

  @Column({ type: 'int', nullable: true })
  sequence: number | null;

  /** Whether it moved the conversation forward. */
  @Column({ type: 'boolean' })
  applied: boolean;

  @Column({ type: 'varchar', length: 16 })
  source: string;

  @Column({ type: 'text' })
  payload: string;

  @InstantColumn({ name: 'received_at' })
  receivedAt: Date;
}

/** A shared pacing slot: the earliest instant the next outbound request may go (calls per second per account). */
@Entity('rate_limits')
export class RateLimitEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  name: string;

  @InstantColumn({ name: 'next_slot_at' })
  nextSlotAt: Date;
}
