import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/**
 * A report emailed as CSV every day at a time of the floor's zone to a list of users:
 * which report, its filters and range, who gets it, and the floor day it was last
 * delivered for. An instance sending it holds a short claim (`claimed_by` until
 * `claimed_until`), so two never send the same day at once.
 */
@Entity('report_subscriptions')
@Index('ix_report_subscriptions_due', ['active', 'lastSentFor'])
export class ReportSubscriptionEntity {
  @IdColumn()
  id: string;

  /** One of REPORT_KINDS. */
  @Column({ type: 'varchar', length: 32 })
  report: string;

  @RefColumn({ name: 'queue_id', nullable: true })
  queueId: string | null;

  @RefColumn({ name: 'agent_id', nullable: true })
  agentId: string | null;

  /** day | hour | hour-of-day */
  @Column({ name: 'group_by', type: 'varchar', length: 16 })
  groupBy: string;

  /** yesterday | last-7-days | last-30-days | month-to-date (REPORT_RANGES) */
  @Column({ name: 'range_kind', type: 'varchar', length: 16 })
  range: string;

  /** JSON list of user ids. */
  @Column({ type: 'text' })
  recipients: string;

  /** Minutes after midnight in the floor's zone (07:00 is 420). */
  @Column({ name: 'send_minute', type: 'int', default: 420 })
  sendMinute: number;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @RefColumn({ name: 'created_by' })
  createdBy: string;

  /** The floor day (YYYY-MM-DD) it was last delivered for; null before the first. */
  @Column({ name: 'last_sent_for', type: 'varchar', length: 10, nullable: true })
  lastSentFor: string | null;

  @Column({ name: 'claimed_by', type: 'varchar', length: 64, nullable: true })
  claimedBy: string | null;

  @InstantColumn({ name: 'claimed_until', nullable: true })
  claimedUntil: Date | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}
