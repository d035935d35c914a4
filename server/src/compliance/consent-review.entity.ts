import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/**
 * A message that may be a revocation, waiting for a supervisor. While it is open the
 * gate holds contact with the address (on the channel the words named, or every
 * channel), so doubt never means contact.
 */
@Entity('consent_reviews')
@Index('ix_consent_reviews_address', ['address', 'status'])
@Index('ix_consent_reviews_status', ['status', 'createdAt'])
@Index('ux_consent_reviews_source_ref', ['sourceRef'], { unique: true })
export class ConsentReviewEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 254 })
  address: string;

  @RefColumn({ name: 'lead_id', nullable: true })
  leadId: string | null;

  @RefColumn({ name: 'conversation_id', nullable: true })
  conversationId: string | null;

  /** How the message came: sms, email, call. */
  @Column({ type: 'varchar', length: 8 })
  origin: string;

  @Column({ type: 'varchar', length: 500 })
  words: string;

  /** Which rule of the recogniser matched, and why it was unsure. */
  @Column({ type: 'varchar', length: 200 })
  matched: string;

  /** The channel the words named (call, sms, email), or all. */
  @Column({ type: 'varchar', length: 8 })
  channel: string;

  /** open, revocation (confirmed: a ledger entry was written), not-revocation. */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ name: 'source_ref', type: 'varchar', length: 120, nullable: true })
  sourceRef: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'decided_at', nullable: true })
  decidedAt: Date | null;

  @RefColumn({ name: 'decided_by', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decision_note', type: 'varchar', length: 500, nullable: true })
  decisionNote: string | null;

  @RefColumn({ name: 'entry_id', nullable: true })
  entryId: string | null;
}
