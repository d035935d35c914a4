import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/** An email sent (by a schedule step, for now): one row per (action, attempt) key, so a retried send is not repeated. */
@Entity('email_messages')
@Index('ux_email_messages_key', ['idempotencyKey'], { unique: true })
@Index('ix_email_messages_lead', ['leadId', 'createdAt'])
export class EmailMessageEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'lead_id' })
  leadId: string;

  @Column({ name: 'to_address', type: 'varchar', length: 254 })
  toAddress: string;

  @Column({ name: 'from_address', type: 'varchar', length: 254 })
  fromAddress: string;

  @Column({ type: 'varchar', length: 300 })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  /** sending | sent | failed | bounced */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @Column({ name: 'message_id', type: 'varchar', length: 300, nullable: true })
  messageId: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 120 })
  idempotencyKey: string;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @RefColumn({ name: 'participant_action_id', nullable: true })
  participantActionId: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'sent_at', nullable: true })
  sentAt: Date | null;

  /** The first time the lead opened it (its pixel loaded, or a link clicked). */
  @InstantColumn({ name: 'opened_at', nullable: true })
  openedAt: Date | null;

  /** The first time the lead clicked a link in it. */
  @InstantColumn({ name: 'clicked_at', nullable: true })
  clickedAt: Date | null;
}
