import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../../database/columns.js';

/** A pool of caller-ID numbers that calls or texts go out from, with how a number is chosen. */
@Entity('ring_pools')
@Index('ux_ring_pools_name', ['name'], { unique: true })
export class RingPoolEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** round-robin | least-used | local-presence */
  @Column({ type: 'varchar', length: 16 })
  strategy: string;

  /** Calls a number may place per local day. */
  @Column({ name: 'daily_call_cap', type: 'int' })
  dailyCallCap: number;

  /** Texts a number may send per local day. */
  @Column({ name: 'daily_sms_cap', type: 'int' })
  dailySmsCap: number;

  @Column({ name: 'quarantine_enabled', type: 'boolean' })
  quarantineEnabled: boolean;

  /** Calls in the recent window before a number's answer rate is judged. */
  @Column({ name: 'quarantine_min_calls', type: 'int' })
  quarantineMinCalls: number;

  /** Quarantine when the recent answer rate falls below this share of the number's baseline (percent). */
  @Column({ name: 'quarantine_ratio_pct', type: 'int' })
  quarantineRatioPct: number;

  @Column({ name: 'cool_down_hours', type: 'int' })
  coolDownHours: number;

  /** Position of the last number handed out by round robin. */
  @Column({ name: 'rr_cursor', type: 'int', default: 0 })
  rrCursor: number;

  @Column({ type: 'boolean' })
  active: boolean;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}

/** A number in a pool. A number belongs to one pool. */
@Entity('pool_numbers')
@Index('ux_pool_numbers_e164', ['e164'], { unique: true })
@Index('ix_pool_numbers_pool', ['poolId', 'status'])
export class PoolNumberEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'pool_id' })
  poolId: string;

  @Column({ type: 'varchar', length: 20 })
  e164: string;

  /** The carrier's id for the number (a Twilio PN… sid). */
  @Column({ name: 'carrier_sid', type: 'varchar', length: 64, nullable: true })
  carrierSid: string | null;

  @Column({ type: 'boolean' })
  voice: boolean;

  @Column({ type: 'boolean' })
  sms: boolean;

  /** `US-FL`; derived from the area code when not given. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  region: string | null;

  @Column({ name: 'area_code', type: 'varchar', length: 3, nullable: true })
  areaCode: string | null;

  /** active | quarantined | disabled */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  @InstantColumn({ name: 'quarantined_until', nullable: true })
  quarantinedUntil: Date | null;

  @Column({ name: 'quarantine_reason', type: 'varchar', length: 300, nullable: true })
  quarantineReason: string | null;

  @InstantColumn({ name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;
}

/** Per number per local day: calls placed and answered, texts sent. */
@Entity('pool_number_usage')
export class PoolNumberUsageEntity {
  @PrimaryColumn({ name: 'number_id', type: 'varchar', length: 36 })
  numberId: string;

  /** The account's local date, YYYY-MM-DD. */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  day: string;

  @Column({ type: 'int', default: 0 })
  calls: number;

  @Column({ type: 'int', default: 0 })
  answered: number;

  @Column({ type: 'int', default: 0 })
  sms: number;
}
