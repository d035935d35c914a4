import type { DataSource, QueryRunner } from 'typeorm';
import { isConnectionLost } from './db-errors.js';

/**
 * One connection of the pool kept for statements that must not wait behind the rest of
 * the pool's queue (the dialer's burst of reservations while the agents' own state
 * changes are still queued). Statements on it run one after another; a lost connection is
 * dropped, the statement goes through the pool, and the next one opens it again. Outside a
 * transaction only.
 */
export class DedicatedConnection {
  private runner: Promise<QueryRunner> | null = null;
  private closed = false;

  constructor(private readonly ds: DataSource) {}

  async query(sql: string, params: unknown[]): Promise<unknown> {
    if (this.closed) return this.ds.query(sql, params);
    let runner: QueryRunner;
    try {
      runner = await this.open();
    } catch {
      return this.ds.query(sql, params);
    }
    try {
      return await runner.query(sql, params);
    } catch (e) {
      if (!isConnectionLost(e)) throw e;
      await this.drop(runner);
      return this.ds.query(sql, params);
    }
  }

  /** Gives the connection back to the pool (before the pool closes); later statements go through the pool. */
  async close(): Promise<void> {
    this.closed = true;
    const runner = await this.runner?.catch(() => null);
    this.runner = null;
    if (runner) await runner.release().catch(() => undefined);
  }

  private open(): Promise<QueryRunner> {
    this.runner ??= (async () => {
      const runner = this.ds.createQueryRunner();
      await runner.connect();
      return runner;
    })().catch((e: unknown) => {
      this.runner = null;
      throw e;
    });
    return this.runner;
  }

  private async drop(runner: QueryRunner): Promise<void> {
    if (this.runner && (await this.runner.catch(() => null)) === runner) this.runner = null;
    await runner.release().catch(() => undefined);
  }
}
