import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns.js';

/** An account-wide custom field: its key, label and type, so filters and merge fields know it. */
@Entity('custom_field_definitions')
export class CustomFieldDefinitionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key: string;

  @Column({ type: 'varchar', length: 120 })
  label: string;

  @Column({ type: 'varchar', length: 16 })
  type: string;

  /** For `select` fields: the allowed values, as JSON text. */
  @Column({ type: 'text', nullable: true })
  options: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;
}
