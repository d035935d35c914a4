import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/** A saved lead view: a named filter of the leads list, usable as a schedule's audience. */
@Entity('lead_views')
@Index('ux_lead_views_name', ['nameKey'], { unique: true })
export class LeadViewEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ name: 'name_key', type: 'varchar', length: 120 })
  nameKey: string;

  /** JSON: { q, status[], ownerId, tag, field } as the leads list filters. */
  @Column({ type: 'text' })
  filter: string;

  @RefColumn({ name: 'created_by', nullable: true })
  createdBy: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}
