import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * The unit of work, for services whose change spans several repositories: `run` opens a
 * transaction and hands its manager to the work, which passes it on to each repository
 * method it calls (their last parameter, `em`). Services inject this, never the
 * DataSource; tables are read and written only by their room's repository.
 */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Runs `work` in one transaction; it commits when `work` resolves and rolls back when it throws. */
  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }
}
