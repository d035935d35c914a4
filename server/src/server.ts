import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureApp } from './app.factory.js';
import { AppModule } from './app.module.js';
import { JsonLogger } from './common/json-logger.js';
import { guardProcess } from './common/process-guards.js';
import { AppConfig, loadConfig } from './config/app-config.js';
import { isConnectionLost } from './database/db-errors.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';

/** Nest's listen hands its arguments on to the HTTP server's `listen`; its types name only port and host. */
type ListenWithBacklog = (port: number, host: string, backlog: number) => Promise<unknown>;

export interface RunningServer {
  app: NestExpressApplication;
  config: AppConfig;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts Switchboard: validates the environment, starts the embedded database
 * when no DATABASE_URL is given, boots Nest (migrations run first) and listens.
 */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  let config = loadConfig(env);
  const logger = new JsonLogger(config.logLevel);
  const unguard = guardProcess(logger);
  let embedded: EmbeddedPostgres | undefined;
  if (config.database.kind === 'pglite') {
    embedded = await EmbeddedPostgres.start({ dataDir: config.database.pgliteDataDir, maxConnections: config.database.poolSize + 2 });
    config = new AppConfig({ ...config, database: { ...config.database, url: embedded.url } });
    logger.event('info', 'db.embedded.started', { dataDir: config.database.pgliteDataDir });
  }
  let app: NestExpressApplication;
  try {
    app = await bootWaitingForDatabase(config, logger);
  } catch (e) {
    unguard();
    await embedded?.stop();
    throw e;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.publicUrl ?? `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.event('info', 'server.stopping', {});
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref());
      await Promise.race([app.close(), timeout]);
      await embedded?.stop();
      logger.event('info', 'server.stopped', {});
      unguard();
    })());
  return { app, config, url, stop };
}

/**
 * Boots Nest and listens. A database that is down, restarting or dropping connections while
 * the instance starts (migrations, the first admin, the demo data) does not end the process:
 * the half-built app is closed and the start tried again, with pauses growing to five
 * seconds, for up to START_DATABASE_WAIT_MS. Any other failure ends the start at once.
 */
async function bootWaitingForDatabase(config: AppConfig, logger: JsonLogger): Promise<NestExpressApplication> {
  const giveUpAt = Date.now() + config.startDatabaseWaitMs;
  for (let attempt = 1; ; attempt++) {
    let app: NestExpressApplication | undefined;
    try {
      // configureApp() installs the body parsers, with their limits; Nest's defaults would not have them.
      app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), { logger, bodyParser: false, abortOnError: false });
      configureApp(app, config);
      // With the kernel's queue of pending connections as long as configured: a reconnect
      // storm past the runtime's default (511) has its connections dropped and retried by TCP
      // seconds later.
      await (app.listen.bind(app) as unknown as ListenWithBacklog)(config.port, config.host, config.listenBacklog);
      return app;
    } catch (e) {
      await app?.close().catch(() => undefined);
      if (!isConnectionLost(e) || Date.now() >= giveUpAt) throw e;
      const pauseMs = Math.min(5_000, 250 * 2 ** Math.min(attempt - 1, 5));
      logger.event('warn', 'server.start.database-unavailable', { attempt, retryInMs: pauseMs, err: { name: (e as Error).name, message: (e as Error).message } });
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
}
