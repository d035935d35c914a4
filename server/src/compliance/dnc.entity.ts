import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, RefColumn } from '../database/columns.js';

/**
 * A do-not-call list loaded from a file (a national or state registry extract, an
 * internal suppression list). Its numbers sit in `dnc_numbers`, keyed by the number's
 * E.164 digits as a bigint so ten million of them stay compact and a lookup is one
 * primary-key probe. A list blocks from the moment its numbers are loaded until it
 * is removed; a list still loading already blocks what it has.
 */
@Entity('dnc_lists')
export class DncListEntity {
  @PrimaryGeneratedColumn('increment', { type: 'int' })
  id: number;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  /** loading | active | failed | removed */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ name: 'number_count', type: 'int', default: 0 })
  numberCount: number;

  @Column({ name: 'lines_read', type: 'int', default: 0 })
  linesRead: number;

  @Column({ name: 'invalid_count', type: 'int', default: 0 })
  invalidCount: number;

  @Column({ name: 'duplicate_count', type: 'int', default: 0 })
  duplicateCount: number;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error: string | null;

  @RefColumn({ name: 'created_by', nullable: true })
  createdBy: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;

  @InstantColumn({ name: 'removed_at', nullable: true })
  removedAt: Date | null;

  @RefColumn({ name: 'removed_by', nullable: true })
  removedBy: string | null;
}

@Entity('dnc_numbers')
@Index('ix_dnc_numbers_list', ['listId'])
export class DncNumberEntity {
  /** The E.164 number's digits (without the +), e.g. 12125550123. */
  @PrimaryColumn({ type: 'bigint' })
  number: string;

  @PrimaryColumn({ name: 'list_id', type: 'int' })
  listId: number;
}
