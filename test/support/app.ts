import type { INestApplication, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { configureApp } from '../../server/src/app.factory.js';
import { AppModule } from '../../server/src/app.module.js';
import { Clock, FixedClock } from '../../server/src/common/clock.js';
import { JsonLogger } from '../../server/src/common/json-logger.js';
import { loadConfig, type AppConfig } from '../../server/src/config/app-config.js';
import { createScratchDatabase, type ScratchDatabase } from './databases.js';

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface TestApp {
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  config: AppConfig;
  clock: FixedClock;
  db: ScratchDatabase;
  dataSource: DataSource;
  get<T>(token: Type<T> | (abstract new (...args: never[]) => T) | string | symbol): T;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  now?: string;
  /** Extra controllers mounted for the test (e.g. to probe guards). */
  controllers?: Type<unknown>[];
  /** The wall clock instead of a fixed one (benchmarks that measure real delays). */
  realClock?: boolean;
  /** Another instance on this database (left for its owner to drop), as a second server would be. */
  database?: ScratchDatabase;
  /**
   * Providers replaced for fault injection: e.g. a real repository subclassed to fail on
   * purpose (never a stand-in for our own database).
   */
  overrides?: Array<{ token: Type<unknown> | (abstract new (...args: never[]) => unknown) | symbol; useFactory: (...deps: never[]) => unknown; inject?: Array<Type<unknown> | (abstract new (...args: never[]) => unknown) | symbol | string> }>;
}

/**
 * The whole application on a database of its own (PGlite, Postgres or MySQL,
 * from the jest project), with a fixed clock and the same HTTP pipeline as production.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const shared = options.database;
  const db = shared ?? (await createScratchDatabase(undefined, undefined, { migrated: true }));
  let app: INestApplication | undefined;
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      JWT_SECRET: TEST_JWT_SECRET,
      SEED_DEMO: 'false',
      DATABASE_POOL_SIZE: '5',
      // The local peers tests stand up for outside services listen here; egress tests set their own list.
      EGRESS_ALLOW: '127.0.0.1',
      // The test sockets do not retry a refused handshake as the softphone does, and a busy
      // test machine (the embedded database runs in this process) lags now and then: tests
      // of admission set their own limits.
      REALTIME_MAX_LAG_MS: '60000',
      ...options.env,
    });
    const logger = new JsonLogger(config.logLevel);
    const clock = new FixedClock(options.now ?? '2026-03-02T15:00:00.000Z');
    if (options.realClock) clock.now = () => new Date();
    const builder = Test.createTestingModule({
      imports: [AppModule.forRoot(config, logger)],
      controllers: options.controllers ?? [],
    })
      .overrideProvider(Clock)
      .useValue(clock);
    for (const o of options.overrides ?? []) builder.overrideProvider(o.token).useFactory({ factory: o.useFactory as (...args: unknown[]) => unknown, inject: (o.inject ?? []) as Array<Type<unknown> | symbol | string> });
    const moduleRef = await builder.compile();
    const nest = moduleRef.createNestApplication<NestExpressApplication>({ logger, bodyParser: false });
    app = nest;
    configureApp(nest, config);
    await nest.init();
    const dataSource = nest.get(DataSource);
    return {
      app: nest,
      http: request(nest.getHttpServer()),
      config,
      clock,
      db,
      dataSource,
      get: <T>(token: Type<T> | (abstract new (...args: never[]) => T) | string | symbol) => nest.get<T>(token as Type<T>),
      close: async () => {
        await nest.close();
        if (!shared) await db.drop();
      },
    };
  } catch (e) {
    await app?.close().catch(() => undefined);
    if (!shared) await db.drop();
    throw e;
  }
}
