import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { JsonLogger } from '../common/json-logger.js';
import { requestContext } from '../common/request-context.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Gives each request an id (the caller's X-Request-Id when well-formed), runs the
 * rest of the request inside that context, echoes the id back, and writes one
 * access-log line when the response finishes.
 */
export function requestIdAndAccessLog(logger: JsonLogger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    const ctx = { requestId } as { requestId: string; userId?: string };
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      requestContext.run(ctx, () =>
        logger.event(res.statusCode >= 500 ? 'error' : 'info', 'http.request', {
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          userId: ctx.userId,
        }),
      );
    });
    requestContext.run(ctx, next);
  };
}
