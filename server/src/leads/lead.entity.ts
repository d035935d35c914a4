import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

@Entity('leads')
@Index('ix_leads_created', ['createdAt', 'id'])
@Index('ix_leads_owner', ['ownerId'])
@Index('ix_leads_status', ['status'])
@Index('ix_leads_email', ['email'])
@Index('ix_leads_phone', ['phone'])
@Index('ix_leads_import', ['importId'])
// The search box's prefix indexes. Written by hand per dialect (on Postgres over LOWER(…) with
// the pattern operator class, which the entity cannot say), so the schema sync leaves them be.
@Index('ix_leads_first_name_prefix', { synchronize: false })
@Index('ix_leads_last_name_prefix', { synchronize: false })
@Index('ix_leads_company_prefix', { synchronize: false })
@Index('ix_leads_email_prefix', { synchronize: false })
export class LeadEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'first_name', type: 'varchar', length: 100, nullable: true })
  firstName: string | null;

  @Column({ name: 'last_name', type: 'varchar', length: 100, nullable: true })
  lastName: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  company: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  /** The primary number (E.164), copied from the first entry of lead_phones. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  phone: string | null;

  /** IANA zone set explicitly; when null the zone is derived from the number, else the account default. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  timezone: string | null;

  /** State or province as `CC-SS` (e.g. US-FL); when null it is derived from the number. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  region: string | null;

  @RefColumn({ name: 'owner_id', nullable: true })
  ownerId: string | null;

  @Column({ type: 'varchar', length: 32 })
  status: string;

  /** Values keyed by custom field definition key, stored as JSON text. */
  @Column({ name: 'custom_fields', type: 'text' })
  customFields: string;

  /** Dial this lead ahead of the queue's order (set by a schedule's modify-lead action or an agent). */
  @Column({ name: 'instant_dial', type: 'boolean', default: false })
  instantDial: boolean;

  @InstantColumn({ name: 'last_contacted_at', nullable: true })
  lastContactedAt: Date | null;

  @InstantColumn({ name: 'last_activity_at', nullable: true })
  lastActivityAt: Date | null;

  /** How the lead was last in touch: not_contacted | no_reply | opened_no_reply | replied | incoming_call | outgoing_call | sms. */
  @Column({ name: 'last_contacted_mode', type: 'varchar', length: 20, default: 'not_contacted' })
  lastContactedMode: string;

  @Column({ name: 'last_activity_type', type: 'varchar', length: 32, nullable: true })
  lastActivityType: string | null;

  /** The user who made the lead (by hand, the API or a CSV import); null when the system did. */
  @RefColumn({ name: 'created_by', nullable: true })
  createdBy: string | null;

  /** The user whose change was the lead's last (through the API); null until one changes it. */
  @RefColumn({ name: 'updated_by', nullable: true })
  updatedBy: string | null;

  /**
   * The CSV import that made the lead (lead_imports.id); null when it was made otherwise.
   * A later import that merges into the lead leaves it be: a lead belongs to its first import.
   */
  @RefColumn({ name: 'import_id', nullable: true })
  importId: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;

  @InstantColumn({ name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}

@Entity('lead_phones')
@Index('ix_lead_phones_e164', ['e164'])
@Index('ix_lead_phones_e164_prefix', { synchronize: false })
export class LeadPhoneEntity {
  @PrimaryColumn({ name: 'lead_id', type: 'varchar', length: 36 })
  leadId: string;

  @PrimaryColumn({ type: 'varchar', length: 20 })
  e164: string;

  @Column({ type: 'varchar', length: 16 })
  label: string;

  @Column({ type: 'int' })
  position: number;
}

@Entity('lead_tags')
@Index('ix_lead_tags_tag', ['tag'])
@Index('ix_lead_tags_tag_prefix', { synchronize: false })
export class LeadTagEntity {
  @PrimaryColumn({ name: 'lead_id', type: 'varchar', length: 36 })
  leadId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  tag: string;
}
