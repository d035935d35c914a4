import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/**
 * A promise to call a lead back. The due time is a UTC instant (shown in the lead's
 * local time); when due it goes to its owner, and if nobody takes it within
 * `escalateAfterMinutes` it escalates to anyone on the queue.
 */
@Entity('callbacks')
@Index('ix_callbacks_due', ['status', 'dueAt'])
@Index('ix_callbacks_owner', ['ownerId', 'status', 'dueAt'])
@Index('ix_callbacks_lead', ['leadId'])
export class CallbackEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'lead_id' })
  leadId: string;

  @InstantColumn({ name: 'due_at' })
  dueAt: Date;

  /** The agent it is for; null → anyone on the queue. */
  @RefColumn({ name: 'owner_id', nullable: true })
  ownerId: string | null;

  @RefColumn({ name: 'queue_id', nullable: true })
  queueId: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  /** agent | disposition | schedule */
  @Column({ type: 'varchar', length: 16 })
  origin: string;

  /** scheduled | due | escalated | taken | completed | canceled */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @Column({ name: 'escalate_after_minutes', type: 'int' })
  escalateAfterMinutes: number;

  @InstantColumn({ name: 'became_due_at', nullable: true })
  becameDueAt: Date | null;

  @InstantColumn({ name: 'escalated_at', nullable: true })
  escalatedAt: Date | null;

  @RefColumn({ name: 'taken_by', nullable: true })
  takenBy: string | null;

  @InstantColumn({ name: 'taken_at', nullable: true })
  takenAt: Date | null;

  @InstantColumn({ name: 'completed_at', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  outcome: string | null;

  /** The latest compliance hold: why it could not go out when due. */
  @Column({ name: 'held_reason', type: 'text', nullable: true })
  heldReason: string | null;

  @RefColumn({ name: 'created_by', nullable: true })
  createdBy: string | null;

  @RefColumn({ name: 'enrollment_id', nullable: true })
  enrollmentId: string | null;

  @RefColumn({ name: 'conversation_id', nullable: true })
  conversationId: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}
