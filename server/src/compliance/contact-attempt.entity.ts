import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/** One contact attempt (placed call, sent SMS or email), counted by the attempt caps. */
@Entity('contact_attempts')
@Index('ix_contact_attempts_lead_channel_at', ['leadId', 'channel', 'at'])
export class ContactAttemptEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'lead_id' })
  leadId: string;

  @Column({ type: 'varchar', length: 8 })
  channel: string;

  @Column({ type: 'varchar', length: 254 })
  address: string;

  @InstantColumn()
  at: Date;
}

/** A contact the gate refused at the moment it was to be made, with every reason. */
@Entity('contact_refusals')
@Index('ix_contact_refusals_lead_at', ['leadId', 'at'])
@Index('ix_contact_refusals_at', ['at', 'id'])
export class ContactRefusalEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'lead_id' })
  leadId: string;

  @Column({ type: 'varchar', length: 8 })
  channel: string;

  @Column({ type: 'varchar', length: 254, nullable: true })
  address: string | null;

  @InstantColumn()
  at: Date;

  /** The refusal codes, comma-separated, for filtering. */
  @Column({ type: 'varchar', length: 200 })
  codes: string;

  /** The full reasons as JSON text. */
  @Column({ type: 'text' })
  reasons: string;

  @InstantColumn({ name: 'next_allowed_at', nullable: true })
  nextAllowedAt: Date | null;

  /** What tried to make the contact, e.g. `dial`, `sms`, `schedule:<id>`. */
  @Column({ type: 'varchar', length: 80 })
  context: string;
}
