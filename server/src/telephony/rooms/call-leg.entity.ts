import { Column, Entity, Index } from 'typeorm';
import type { CallLegRole, MonitorMode } from '#shared';
import { IdColumn, InstantColumn, RefColumn } from '../../database/columns.js';

export type LegRole = CallLegRole;
export type { MonitorMode };
/** dialing: asked of the carrier, not in the room yet; in-room; left; failed: never got there. */
export type LegStatus = 'dialing' | 'in-room' | 'left' | 'failed';

/**
 * One call in a conversation's conference room: every agent call is a room (named after
 * its conversation) that the customer, the agent, supervisors and transfers join. The
 * customer's leg is the conversation's own call; the others are dialed into the room.
 */
@Entity('call_legs')
@Index('ix_call_legs_conversation', ['conversationId', 'createdAt'])
@Index('ux_call_legs_call_sid', ['callSid'], { unique: true })
@Index('ix_call_legs_open', ['status', 'role'])
@Index('ix_call_legs_user', ['userId', 'joinedAt'])
export class CallLegEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'conversation_id' })
  conversationId: string;

  /** The carrier's call sid; null until the carrier took the request. */
  @Column({ name: 'call_sid', type: 'varchar', length: 64, nullable: true })
  callSid: string | null;

  /** The room's sid, once the carrier reported it. */
  @Column({ name: 'conference_sid', type: 'varchar', length: 64, nullable: true })
  conferenceSid: string | null;

  @Column({ type: 'varchar', length: 16 })
  role: LegRole;

  /** The agent or supervisor on this leg; null for the customer and outside numbers. */
  @RefColumn({ name: 'user_id', nullable: true })
  userId: string | null;

  /** The number or phone identity dialed. */
  @Column({ type: 'varchar', length: 64 })
  address: string;

  /** A monitoring supervisor's mode. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  mode: MonitorMode | null;

  @Column({ type: 'varchar', length: 12 })
  status: LegStatus;

  @Column({ type: 'boolean' })
  muted: boolean;

  @Column({ type: 'boolean' })
  held: boolean;

  @InstantColumn({ name: 'joined_at', nullable: true })
  joinedAt: Date | null;

  @InstantColumn({ name: 'left_at', nullable: true })
  leftAt: Date | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}

/**
 * What happened on a call, in order, for its history and the audit trail: who joined
 * and left the room, who held the call when, monitoring sessions and their modes,
 * transfers and who owns the call.
 */
@Entity('call_events')
@Index('ix_call_events_conversation', ['conversationId', 'at'])
export class CallEventEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'conversation_id' })
  conversationId: string;

  @RefColumn({ name: 'leg_id', nullable: true })
  legId: string | null;

  /** joined | left | held | resumed | muted | unmuted | monitor-started | monitor-mode | monitor-ended | … */
  @Column({ type: 'varchar', length: 24 })
  kind: string;

  /** The user who made it happen; null when the carrier or the far end did. */
  @RefColumn({ name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  detail: string | null;

  @InstantColumn({ name: 'at' })
  at: Date;
}
