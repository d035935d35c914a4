import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/** One disposition in a catalogue: account-wide, or a queue's or a schedule's own. */
@Entity('dispositions')
@Index('ux_dispositions_scope_code', ['scopeType', 'scopeId', 'code'], { unique: true })
export class DispositionEntity {
  @IdColumn()
  id: string;

  /** account | queue | schedule */
  @Column({ name: 'scope_type', type: 'varchar', length: 12 })
  scopeType: string;

  /** The queue or schedule; '' for account-wide. */
  @Column({ name: 'scope_id', type: 'varchar', length: 36 })
  scopeId: string;

  @Column({ type: 'varchar', length: 40 })
  code: string;

  @Column({ type: 'varchar', length: 80 })
  label: string;

  @Column({ type: 'boolean', default: false })
  contacted: boolean;

  @Column({ name: 'human_answered', type: 'boolean', default: false })
  humanAnswered: boolean;

  @Column({ type: 'boolean', default: false })
  success: boolean;

  @Column({ name: 'do_not_call', type: 'boolean', default: false })
  doNotCall: boolean;

  @Column({ type: 'boolean', default: false })
  callback: boolean;

  @Column({ name: 'exit_schedule', type: 'boolean', default: false })
  exitSchedule: boolean;

  @Column({ type: 'boolean', default: false })
  final: boolean;

  @RefColumn({ name: 'action_group_id', nullable: true })
  actionGroupId: string | null;

  @Column({ name: 'callback_delay_minutes', type: 'int', nullable: true })
  callbackDelayMinutes: number | null;

  @Column({ type: 'int', default: 0 })
  position: number;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}

/** Every disposition set on a conversation, and each change of it: who, when, from what, and its effects. */
@Entity('disposition_changes')
@Index('ix_disposition_changes_conversation', ['conversationId', 'at'])
// The report rollup finds the calls whose disposition changed since it last ran.
@Index('ix_disposition_changes_at', ['at'])
export class DispositionChangeEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'conversation_id' })
  conversationId: string;

  @Column({ name: 'from_code', type: 'varchar', length: 40, nullable: true })
  fromCode: string | null;

  @Column({ name: 'to_code', type: 'varchar', length: 40 })
  toCode: string;

  @RefColumn({ name: 'actor_id', nullable: true })
  actorId: string | null;

  @InstantColumn()
  at: Date;

  /** JSON list of what it set off. */
  @Column({ type: 'text' })
  effects: string;

  /**
   * JSON of what was posted, as resolved ({ code, notes, callbackAt: the instant booked }):
   * a repeat is compared with it (the same: the same answer; different: a conflict). Null on older rows.
   */
  @Column({ type: 'text', nullable: true })
  content: string | null;
}
