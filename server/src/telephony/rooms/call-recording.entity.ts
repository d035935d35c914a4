import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../../database/columns.js';

/**
 * A recording of a call, kept with its conversation: started from the beginning by the
 * queue's rule or by the agent, paused for card numbers, and deleted at the carrier and
 * here when the queue's retention runs out.
 */
@Entity('call_recordings')
@Index('ux_call_recordings_sid', ['recordingSid'], { unique: true })
@Index('ix_call_recordings_conversation', ['conversationId', 'createdAt'])
@Index('ix_call_recordings_delete', ['deleteAfter'])
export class CallRecordingEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'conversation_id' })
  conversationId: string;

  /** The carrier's recording sid. */
  @Column({ name: 'recording_sid', type: 'varchar', length: 64 })
  recordingSid: string;

  /** The call it records (the person's). */
  @Column({ name: 'call_sid', type: 'varchar', length: 64 })
  callSid: string;

  /** recording | paused | completed | deleted */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  url: string | null;

  @Column({ name: 'duration_seconds', type: 'int', nullable: true })
  durationSeconds: number | null;

  /** Who started it; null when the queue's rule did. */
  @RefColumn({ name: 'started_by', nullable: true })
  startedBy: string | null;

  /** How consent was had: one-party (the state allows it), announced, or confirmed by the agent. */
  @Column({ type: 'varchar', length: 16 })
  consent: string;

  @InstantColumn({ name: 'delete_after', nullable: true })
  deleteAfter: Date | null;

  @InstantColumn({ name: 'deleted_at', nullable: true })
  deletedAt: Date | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}
