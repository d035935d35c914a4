import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RequestMethod } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { AllExceptionsFilter, toErrorBody } from './common/exception.filter.js';
import { JsonLogger } from './common/json-logger.js';
import { createValidationPipe } from './common/validation.js';
import { AppConfig } from './config/app-config.js';
import { isConnectionLost } from './database/db-errors.js';
import { bodyParsers, queryLimits } from './web/body-limits.js';
import { requestIdAndAccessLog } from './web/http-pipeline.js';
import { MediaTypeInterceptor } from './web/media-types.js';
import { softphoneStatic } from './web/softphone-static.js';

/** Where the built softphone lives: SOFTPHONE_DIR, else dist/softphone beside the server build. */
function softphoneDir(config: AppConfig): string | undefined {
  if (config.softphoneDir) return resolve(config.softphoneDir);
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../softphone'), resolve(here, '../../dist/softphone')];
  return candidates.find((dir) => existsSync(resolve(dir, 'index.html')));
}

/**
 * Everything about the HTTP surface that is not a route: shared by main.ts and
 * the tests so both run the same pipeline.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.disable('x-powered-by');
  app.use(requestIdAndAccessLog(logger));
  // The application is created without Nest's default parsers: these are the only ones.
  app.use(queryLimits());
  for (const parser of bodyParsers()) app.use(parser);
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, credentials: true });

  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalInterceptors(new MediaTypeInterceptor(app.get(Reflector)));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(logger, isConnectionLost));

  const doc = new DocumentBuilder()
    .setTitle('Switchboard API')
    .setDescription('Leads, compliance, telephony, schedules and the power dialer. Errors are `{statusCode, code, message, fields?}`.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'api/docs/openapi.json' });

  const dir = softphoneDir(config);
  if (dir) app.use(softphoneStatic(dir));

  // Errors raised by Express middleware before Nest routes (e.g. a malformed JSON body).
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const { body } = toErrorBody(err, isConnectionLost);
    if (body.statusCode >= 500) logger.event('error', 'http.middleware.error', { err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) });
    res.status(body.statusCode).json(body);
  });
}
