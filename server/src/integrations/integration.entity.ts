import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/**
 * A configured outside service (webhook signing, data append, S3, FTP, a CRM): settings
 * in the clear, secrets sealed with the secrets key and never returned by the API.
 */
@Entity('integrations')
@Index('ux_integrations_name', ['nameKey'], { unique: true })
export class IntegrationEntity {
  @IdColumn()
  id: string;

  /** webhook | data_append | s3 | ftp | keap | zoho */
  @Column({ type: 'varchar', length: 16 })
  kind: string;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ name: 'name_key', type: 'varchar', length: 120 })
  nameKey: string;

  /** JSON. */
  @Column({ type: 'text' })
  settings: string;

  /** JSON of the secret fields, sealed (`SecretBox`). */
  @Column({ type: 'text' })
  secrets: string;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}

/** A lead's record at an outside service (a CRM contact), so later pushes update it. */
@Entity('integration_links')
@Index('ux_integration_links_lead', ['integrationId', 'leadId'], { unique: true })
export class IntegrationLinkEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'integration_id' })
  integrationId: string;

  @RefColumn({ name: 'lead_id' })
  leadId: string;

  @Column({ name: 'external_id', type: 'varchar', length: 100 })
  externalId: string;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}
