import { Injectable } from '@nestjs/common';
import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { isConnectionLost } from '../database/db-errors.js';
import { JobsRepository } from './jobs.repository.js';

const CHANNEL = 'switchboard_jobs';

/**
 * Wakes schedulers when work is enqueued due now. On PostgreSQL a NOTIFY reaches every
 * instance listening on its own connection; elsewhere (embedded database, MySQL) the
 * scheduler's timer is the only wake-up.
 */
@Injectable()
export class JobWakeups {
  private client: pg.Client | null = null;
  private readonly enabled: boolean;
  private onWake: (() => void) | undefined;
  private closed = true;
  private retry: NodeJS.Timeout | undefined;
  private retries = 0;

  constructor(
    private readonly jobs: JobsRepository,
    private readonly config: AppConfig,
    private readonly logger: JsonLogger,
  ) {
    this.enabled = config.database.kind === 'postgres';
  }

  async listen(onWake: () => void): Promise<void> {
    if (!this.enabled || this.client || !this.config.database.url) return;
    this.closed = false;
    this.onWake = onWake;
    await this.connect();
  }

  /**
   * One listening connection; when the database drops it, it is opened again with a
   * growing pause (the scheduler's timer keeps the work moving meanwhile), and a wake-up
   * is given on reconnect for anything enqueued while it was away.
   */
  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.database.url });
    client.on('error', (e) => this.logger.warn(`scheduler listener: ${e.message}`));
    client.on('notification', () => this.onWake?.());
    client.on('end', () => {
      if (this.client === client) this.client = null;
      if (!this.closed) this.reconnectSoon();
    });
    await client.connect();
    await this.jobs.listenOn(client, CHANNEL);
    if (this.closed) return void client.end().catch(() => undefined);
    this.client = client;
    this.retries = 0;
  }

  private reconnectSoon(): void {
    if (this.retry) return;
    const wait = Math.min(10_000, 250 * 2 ** this.retries++);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.closed || this.client) return;
      this.connect().then(
        () => this.onWake?.(),
        (e: unknown) => {
          this.logger.warn(`scheduler listener: reconnect failed: ${(e as Error).message}`);
          if (!this.closed) this.reconnectSoon();
        },
      );
    }, wait);
    this.retry.unref();
  }

  /**
   * Inside the enqueuer's transaction (`em`), the NOTIFY is delivered when it commits, so
   * nobody wakes for work not yet visible; and it takes no second connection, which on
   * the embedded database would wait for that transaction.
   */
  async notify(em?: EntityManager): Promise<void> {
    if (!this.enabled) return;
    if (em) return this.jobs.notifyChannel(CHANNEL, em);
    // Outside a transaction the work is already stored: a lost wake-up only waits for the next tick.
    await this.jobs.notifyChannel(CHANNEL).catch((e: unknown) => {
      if (!isConnectionLost(e)) throw e;
      this.logger.warn(`scheduler wake-up not sent: ${(e as Error).message}`);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.retry = undefined;
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
