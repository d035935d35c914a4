import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { Transactions } from '../../database/transactions.js';
import { RateLimitsRepository } from './rate-limits.repository.js';

/**
 * Paces outbound requests to the carrier per account, across every server instance:
 * each request reserves the next free slot in a shared row (locked while it is
 * moved on by one interval) and waits for it. Requests are spaced at the carrier's
 * rate, so none is ever queued there silently.
 */
const MAX_AHEAD_MS = 60 * 60_000;

@Injectable()
export class OutboundRateLimiter {
  constructor(
    private readonly slots: RateLimitsRepository,
    private readonly tx: Transactions,
    private readonly clock: Clock,
  ) {}

  /** Reserves the next slot for `name` at `perSecond`, and returns when it is. */
  async reserve(name: string, perSecond: number): Promise<Date> {
    const interval = 1000 / perSecond;
    // The row is made outside the locking transaction: on MySQL, concurrent inserts of one
    // key inside transactions that then lock it deadlock each other.
    await this.slots.ensureSlot(name, this.clock.now());
    return this.tx.run(async (em) => {
      const now = this.clock.now();
      const nextSlotAt = await this.slots.lockNextSlot(name, em);
      // A next slot more than an hour ahead means the clock stepped back (a corrected
      // system clock): start again from now rather than hold every send for that long.
      const ahead = nextSlotAt.getTime() - now.getTime();
      const slot = ahead > 0 && ahead <= MAX_AHEAD_MS ? nextSlotAt : now;
      await this.slots.setNextSlot(name, new Date(slot.getTime() + interval), em);
      return slot;
    });
  }

  /** Reserves a slot and waits until it comes. */
  async acquire(name: string, perSecond: number): Promise<void> {
    const slot = await this.reserve(name, perSecond);
    const wait = slot.getTime() - this.clock.now().getTime();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
