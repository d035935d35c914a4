import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';

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

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly config: AppConfig,
    private readonly logger: JsonLogger,
  ) {
    this.enabled = config.database.kind === 'postgres';
  }

  async listen(onWake: () => void): Promise<void> {
    if (!this.enabled || this.client || !this.config.database.url) return;
    const client = new pg.Client({ connectionString: this.config.database.url });
    client.on('error', (e) => this.logger.warn(`scheduler listener: ${e.message}`));
    client.on('notification', () => onWake());
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  /**
   * Inside the enqueuer's transaction (`em`), the NOTIFY is delivered when it commits, so
   * nobody wakes for work not yet visible; and it takes no second connection, which on
   * the embedded database would wait for that transaction.
   */
  async notify(em?: EntityManager): Promise<void> {
    if (!this.enabled) return;
    await (em ?? this.ds.manager).query(`NOTIFY ${CHANNEL}`);
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
