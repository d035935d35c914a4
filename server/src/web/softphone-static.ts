import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';

const SERVER_PATHS = /^\/(api|health|ready|socket\.io|webhooks)(\/|$)/;

/**
 * Serves the built softphone, with the single-page fallback: any other GET that
 * wants HTML gets index.html so client-side routes survive a reload.
 */
export function softphoneStatic(dir: string) {
  const index = join(dir, 'index.html');
  const files = express.static(dir, { index: false, maxAge: '1h', setHeaders: (res, path) => {
    if (path.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
  } });
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(req.path)) return next();
    files(req, res, () => {
      if (req.accepts('html') && existsSync(index)) {
        res.setHeader('Cache-Control', 'no-cache');
        res.sendFile(index);
        return;
      }
      next();
    });
  };
}
