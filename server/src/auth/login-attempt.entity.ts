import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn } from '../database/columns.js';

/** A failed login, kept for the rate limiter's sliding window (shared by every instance). */
@Entity('login_failures')
@Index('ix_login_failures_email_at', ['email', 'at'])
@Index('ix_login_failures_ip_at', ['ip', 'at'])
export class LoginFailureEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 64 })
  ip: string;

  @InstantColumn()
  at: Date;
}
