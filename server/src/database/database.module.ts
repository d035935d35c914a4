import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import type { JsonLogger } from '../common/json-logger.js';
import { createDataSource, dataSourceOptions } from './data-source.js';
import { DatabaseHealth } from './database-health.js';
import { DEPLOYMENT_ID, deploymentIdProvider } from './deployment-id.js';
import { runMigrations } from './migrator.js';
import { Transactions } from './transactions.js';

@Global()
@Module({})
export class DatabaseModule {
  /**
   * Connects through TypeORM and, unless DATABASE_MIGRATE=false, applies pending
   * migrations before any other module sees the DataSource. `entities`: every table the
   * app maps, from the composition root.
   */
  static forRoot(config: AppConfig, logger: JsonLogger, entities: NonNullable<DataSourceOptions['entities']>): DynamicModule {
    const url = config.database.url;
    if (!url) throw new Error('The database URL is not known yet (embedded database not started)');
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          // One try here: the start as a whole is tried again while the database is away (server.ts), and a failed migration fails at once.
          useFactory: () => ({ ...dataSourceOptions({ kind: config.database.kind, url, poolSize: config.database.poolSize, entities }), retryAttempts: 1 }),
          dataSourceFactory: async () => {
            const ds = await createDataSource({ kind: config.database.kind, url, poolSize: config.database.poolSize, entities });
            try {
              await ds.initialize();
              if (config.database.migrate) {
                const applied = await runMigrations(ds);
                for (const m of applied) logger.event('info', 'db.migration.applied', { migration: m.name });
              }
            } catch (e) {
              // A start that is tried again must not leave this attempt's pool behind.
              if (ds.isInitialized) await ds.destroy().catch(() => undefined);
              else await ds.driver.disconnect().catch(() => undefined);
              throw e;
            }
            return ds;
          },
        }),
      ],
      providers: [DatabaseHealth, deploymentIdProvider, Transactions],
      exports: [DatabaseHealth, DEPLOYMENT_ID, Transactions],
    };
  }
}
