import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/**
 * One piece of work pushed to one agent's screen, until they acknowledge it. Unacknowledged
 * deliveries are sent again; withdrawn ones were taken back (done, reassigned, taken by
 * someone else). One row per (user, kind, item): offering again resets it.
 */
@Entity('work_deliveries')
@Index('ux_work_deliveries_item_user', ['kind', 'itemId', 'userId'], { unique: true })
@Index('ix_work_deliveries_user_open', ['userId', 'ackedAt', 'withdrawnAt'])
export class WorkDeliveryEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'user_id' })
  userId: string;

  /** participant_action | callback */
  @Column({ type: 'varchar', length: 24 })
  kind: string;

  @RefColumn({ name: 'item_id' })
  itemId: string;

  /** The WorkItem as sent, JSON. */
  @Column({ type: 'text' })
  payload: string;

  @Column({ type: 'int', default: 1 })
  attempts: number;

  @InstantColumn({ name: 'offered_at' })
  offeredAt: Date;

  @InstantColumn({ name: 'sent_at' })
  sentAt: Date;

  @InstantColumn({ name: 'acked_at', nullable: true })
  ackedAt: Date | null;

  @InstantColumn({ name: 'withdrawn_at', nullable: true })
  withdrawnAt: Date | null;
}
