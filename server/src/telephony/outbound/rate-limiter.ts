import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { RateLimitEntity } from '../conversations/conversation.entity.js';

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
    @InjectDataSource() private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Reserves the next slot for `name` at `perSecond`, and returns when it is. */
  async reserve(name: string, perSecond: number): Promise<Date> {
    const interval = 1000 / perSecond;
    // The row is made outside the locking transaction: on MySQL, concurrent inserts of one
    // key inside transactions that then lock it deadlock each other.
    await this.ds.getRepository(RateLimitEntity).createQueryBuilder().insert().values({ name, nextSlotAt: this.clock.now() }).orIgnore().execute();
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(RateLimitEntity);
      const now = this.clock.now();
      const row = await repo.createQueryBuilder('r').setLock('pessimistic_write').where('r.name = :name', { name }).getOneOrFail();
      // A next slot more than an hour ahead means the clock stepped back (a corrected
      // system clock): start again from now rather than hold every send for that long.
      const ahead = row.nextSlotAt.getTime() - now.getTime();
      const slot = ahead > 0 && ahead <= MAX_AHEAD_MS ? row.nextSlotAt : now;
      await repo.update({ name }, { nextSlotAt: new Date(slot.getTime() + interval) });
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
