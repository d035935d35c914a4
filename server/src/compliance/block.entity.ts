import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/** A blocked number, number prefix or area code. Removal is recorded, not deleted. */
@Entity('blocks')
@Index('ix_blocks_kind_value', ['kind', 'value', 'removedAt'])
export class BlockEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 10 })
  kind: string;

  @Column({ type: 'varchar', length: 20 })
  value: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @Column({ type: 'varchar', length: 16 })
  source: string;

  @RefColumn({ name: 'actor_id', nullable: true })
  actorId: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'removed_at', nullable: true })
  removedAt: Date | null;

  @RefColumn({ name: 'removed_by', nullable: true })
  removedBy: string | null;
}
