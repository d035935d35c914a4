import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/**
 * The opt-out ledger. Entries are never deleted: a newer entry for the same address,
 * channel and scope supersedes the older one, so the history shows who changed what when.
 */
@Entity('opt_outs')
@Index('ix_opt_outs_address_active', ['address', 'supersededAt'])
export class OptOutEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 254 })
  address: string;

  @Column({ name: 'address_type', type: 'varchar', length: 8 })
  addressType: string;

  @Column({ type: 'varchar', length: 8 })
  action: string;

  @Column({ type: 'varchar', length: 8 })
  channel: string;

  @Column({ name: 'scope_type', type: 'varchar', length: 12 })
  scopeType: string;

  @Column({ name: 'scope_id', type: 'varchar', length: 36 })
  scopeId: string;

  @Column({ type: 'varchar', length: 16 })
  source: string;

  @RefColumn({ name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'superseded_at', nullable: true })
  supersededAt: Date | null;

  @RefColumn({ name: 'superseded_by', nullable: true })
  supersededBy: string | null;
}
