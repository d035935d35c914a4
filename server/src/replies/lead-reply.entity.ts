import { Column, Entity, Index, Unique } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/**
 * A lead wrote to us (an inbound text or email that is not a keyword): work for a person
 * until someone answers it (texts the lead after it) or dismisses it. One row per thing
 * written (`channel`, `ref_id`), so a webhook's retry makes no second one.
 */
@Entity('lead_replies')
@Unique('uq_lead_replies_ref', ['channel', 'refId'])
@Index('ix_lead_replies_owner', ['ownerId', 'status', 'receivedAt'])
@Index('ix_lead_replies_open', ['status', 'receivedAt'])
@Index('ix_lead_replies_lead', ['leadId', 'status'])
export class LeadReplyEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'lead_id' })
  leadId: string;

  /** sms | email */
  @Column({ type: 'varchar', length: 8 })
  channel: string;

  /** The inbound text's conversation, or the inbound email's row. */
  @RefColumn({ name: 'ref_id' })
  refId: string;

  /** Whom it is for (the lead's owner, or the owner of the schedule step whose message it answers); null: anyone available. */
  @RefColumn({ name: 'owner_id', nullable: true })
  ownerId: string | null;

  @InstantColumn({ name: 'received_at' })
  receivedAt: Date;

  /** open | answered | dismissed */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @RefColumn({ name: 'answered_by', nullable: true })
  answeredBy: string | null;

  @InstantColumn({ name: 'answered_at', nullable: true })
  answeredAt: Date | null;
}
