import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import type { JsonLogger } from '../common/json-logger.js';
import { createDataSource, dataSourceOptions } from './data-source.js';
import { DatabaseHealth } from './database-health.js';
import { DEPLOYMENT_ID, deploymentIdProvider } from './deployment-id.js';
import { runMigrations } from './migrator.js';

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
          useFactory: () => dataSourceOptions({ kind: config.database.kind, url, poolSize: config.database.poolSize, entities }),
          dataSourceFactory: async () => {
            const ds = await createDataSource({ kind: config.database.kind, url, poolSize: config.database.poolSize, entities });
            await ds.initialize();
            if (config.database.migrate) {
              const applied = await runMigrations(ds);
              for (const m of applied) logger.event('info', 'db.migration.applied', { migration: m.name });
            }
            return ds;
          },
        }),
      ],
      providers: [DatabaseHealth, deploymentIdProvider],
      exports: [DatabaseHealth, DEPLOYMENT_ID],
    };
  }
}
