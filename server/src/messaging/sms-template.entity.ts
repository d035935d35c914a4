import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn } from '../database/columns.js';

/** A reusable SMS text with merge fields, offered in the agent's composer. */
@Entity('sms_templates')
@Index('ux_sms_templates_name', ['nameKey'], { unique: true })
export class SmsTemplateEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ name: 'name_key', type: 'varchar', length: 120 })
  nameKey: string;

  @Column({ type: 'text' })
  body: string;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}
