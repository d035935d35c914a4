import { createHash, randomBytes } from 'node:crypto';

/**
 * Ids that never repeat, as the carrier's never do: every sid and webhook idempotency
 * token starts from this carrier's instance part (random for each start of the process
 * unless given), so restarts and instances sharing a database never meet the same one.
 */
export class CarrierIds {
  readonly instance: string;
  private sidSeq = 0;
  private deliverySeq = 0;

  constructor(instance?: string) {
    if (instance !== undefined && !/^[0-9a-f]{16}$/.test(instance)) throw new Error('instance: 16 lower-case hex digits');
    this.instance = instance ?? randomBytes(8).toString('hex');
  }

  /** The prefix, this carrier's instance part, then a counter: 32 hex digits after the prefix. */
  sid(prefix: string): string {
    const n = ++this.sidSeq;
    return `${prefix}${this.instance}${n.toString(16).padStart(16, '0')}`;
  }

  /** One token for each webhook, kept across its retries. */
  idempotencyToken(): string {
    return createHash('sha256').update(`${this.instance}:${this.deliverySeq++}`).digest('hex').slice(0, 32);
  }
}
