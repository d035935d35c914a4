import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/**
 * An email that came in (through the signed inbound route or the mailbox poller): a reply
 * to one of ours, a delivery report, or anything else. One row per Message-ID, so a relay
 * that posts the same message again stores it once.
 */
@Entity('email_inbound')
@Index('ux_email_inbound_message_id', ['messageId'], { unique: true })
@Index('ix_email_inbound_lead', ['leadId', 'receivedAt'])
export class EmailInboundEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'lead_id', nullable: true })
  leadId: string | null;

  @Column({ name: 'from_address', type: 'varchar', length: 254 })
  fromAddress: string;

  @Column({ name: 'to_address', type: 'varchar', length: 1000 })
  toAddress: string;

  @Column({ type: 'varchar', length: 300 })
  subject: string;

  /** The plain text, cut at 64 KiB characters. */
  @Column({ type: 'text' })
  body: string;

  /** As written, with its angle brackets (one made from the content when the message has none). */
  @Column({ name: 'message_id', type: 'varchar', length: 300 })
  messageId: string;

  @Column({ name: 'in_reply_to', type: 'varchar', length: 300, nullable: true })
  inReplyTo: string | null;

  @Column({ name: 'references_header', type: 'text', nullable: true })
  referencesHeader: string | null;

  /** The outbound email (`email_messages`) it answers or reports on. */
  @RefColumn({ name: 'matched_email_id', nullable: true })
  matchedEmailId: string | null;

  /** reply | bounce | delivery | other (shared INBOUND_EMAIL_KINDS) */
  @Column({ type: 'varchar', length: 12 })
  kind: string;

  @InstantColumn({ name: 'received_at' })
  receivedAt: Date;
}
