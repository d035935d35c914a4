import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/** An email sent (by a schedule step, automatic or by its agent): one row per (action, attempt) key, so a retried send is not repeated. */
@Entity('email_messages')
@Index('ux_email_messages_key', ['idempotencyKey'], { unique: true })
@Index('ix_email_messages_lead', ['leadId', 'createdAt'])
@Index('ix_email_messages_action', ['participantActionId'])
@Index('ix_email_messages_message_id', ['messageId'])
@Index('ix_email_messages_to', ['toAddress'])
export class EmailMessageEntity {
  @IdColumn()
  id: string;

  /** The lead it went to; null for an email to one of our users (a scheduled report). */
  @RefColumn({ name: 'lead_id', nullable: true })
  leadId: string | null;

  @Column({ name: 'to_address', type: 'varchar', length: 254 })
  toAddress: string;

  @Column({ name: 'from_address', type: 'varchar', length: 254 })
  fromAddress: string;

  /** JSON list of addresses. */
  @Column({ type: 'text', nullable: true })
  cc: string | null;

  /** JSON list of addresses. */
  @Column({ type: 'text', nullable: true })
  bcc: string | null;

  @Column({ name: 'reply_to', type: 'varchar', length: 254, nullable: true })
  replyTo: string | null;

  /** The agent who sent it (a manual step); null when the engine did. */
  @RefColumn({ name: 'sent_by', nullable: true })
  sentBy: string | null;

  /** The Message-ID this one answers ("as a reply to the previous step"). */
  @Column({ name: 'in_reply_to', type: 'text', nullable: true })
  inReplyTo: string | null;

  /** The References header sent: the thread's Message-IDs, oldest first, space-separated. */
  @Column({ name: 'references_header', type: 'text', nullable: true })
  referencesHeader: string | null;

  /** The Message-ID of the first message of its thread. */
  @Column({ name: 'thread_id', type: 'varchar', length: 300, nullable: true })
  threadId: string | null;

  @Column({ type: 'varchar', length: 300 })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  /** sending | sent | delivered | replied | failed | bounced (shared EMAIL_STATUSES) */
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

  /**
   * When a delivery status notification (RFC 3464, `Action: delivered`, asked for with
   * NOTIFY=SUCCESS) said the lead's mailbox took it. Our own server's 250 is `sentAt`.
   */
  @InstantColumn({ name: 'delivered_at', nullable: true })
  deliveredAt?: Date | null;

  /** The first time the lead opened it (its pixel loaded, or a link clicked). */
  @InstantColumn({ name: 'opened_at', nullable: true })
  openedAt: Date | null;

  /** The first time the lead clicked a link in it. */
  @InstantColumn({ name: 'clicked_at', nullable: true })
  clickedAt: Date | null;

  /** When the lead's first reply to it came in. */
  @InstantColumn({ name: 'replied_at', nullable: true })
  repliedAt?: Date | null;

  /** When a delivery report said it could not be delivered (permanently). */
  @InstantColumn({ name: 'bounced_at', nullable: true })
  bouncedAt?: Date | null;
}
