import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { RateLimitEntity } from '../conversations/conversation.entity.js';

/** Persistence port for the shared pacing slots of outbound requests (`rate_limits`). */
export abstract class RateLimitsRepository {
  /** Makes the slot row of `name`, next slot `at`, unless it exists. Run it outside the locking transaction. */
  abstract ensureSlot(name: string, at: Date): Promise<void>;
  /** The next free slot of `name`, its row locked (FOR UPDATE) until `em`'s transaction ends; the row must exist. */
  abstract lockNextSlot(name: string, em: EntityManager): Promise<Date>;
  /** Moves the next free slot of `name` to `at`. */
  abstract setNextSlot(name: string, at: Date, em?: EntityManager): Promise<void>;
}

@Injectable()
export class TypeormRateLimitsRepository extends RateLimitsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  async ensureSlot(name: string, at: Date): Promise<void> {
    await this.ds.getRepository(RateLimitEntity).createQueryBuilder().insert().values({ name, nextSlotAt: at }).orIgnore().execute();
  }

  async lockNextSlot(name: string, em: EntityManager): Promise<Date> {
    const row = await em.getRepository(RateLimitEntity).createQueryBuilder('r').setLock('pessimistic_write').where('r.name = :name', { name }).getOneOrFail();
    return row.nextSlotAt;
  }

  async setNextSlot(name: string, at: Date, em?: EntityManager): Promise<void> {
    await (em ?? this.ds.manager).getRepository(RateLimitEntity).update({ name }, { nextSlotAt: at });
  }
}
