import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns.js';

/**
 * One sign-in throttle counter, shared by every instance and kept across restarts: the
 * failures of one account from one network, or (account '') of one network across every
 * account. See `login-throttle.ts` for the rules.
 */
@Entity('login_throttles')
@Index('ix_login_throttles_forget_at', ['forgetAt'])
export class LoginThrottleEntity {
  /** The client's network: an IPv4 address, or an IPv6 /64 (`client-network.ts`). */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  address: string;

  /**
   * The account tried, as the SHA-256 (hex) of its lower-cased email, or '' for the
   * network's own counter. A digest, not the email: plain ASCII compares the same under
   * every collation (MySQL's would take two different emails for one key), and the table
   * keeps no list of the addresses people typed.
   */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  account: string;

  @Column({ type: 'int' })
  failures: number;

  @InstantColumn({ name: 'last_failure_at', nullable: true })
  lastFailureAt: Date | null;

  @InstantColumn({ name: 'blocked_until', nullable: true })
  blockedUntil: Date | null;

  /** When the counter may be deleted (it would read as zero by then). */
  @InstantColumn({ name: 'forget_at' })
  forgetAt: Date;
}
