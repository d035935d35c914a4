import { createHmac, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ErrorCode } from '#shared';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/domain-error.js';
import { AppConfig } from '../../config/app-config.js';

/** How far the relay's timestamp may stray from our clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** The signature the relay sends: HMAC-SHA256 of `<timestamp>.<raw body>` with EMAIL_INBOUND_SECRET, as `sha256=<hex>`. */
export function inboundSignature(secret: string, timestamp: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** Where the guard leaves the raw body it read and checked, for the handler. */
export const RAW_BODY = Symbol('inbound-email-raw-body');
export type RequestWithRawBody = Request & { [RAW_BODY]?: Buffer };

/**
 * Admits an inbound email post only when `X-Switchboard-Signature` is the HMAC of its
 * timestamp and raw body with EMAIL_INBOUND_SECRET and `X-Switchboard-Timestamp` (unix
 * seconds) is within five minutes of our clock, so a captured post cannot be replayed
 * later. Unsigned, forged or stale → 403 before anything is read or stored; a body over
 * EMAIL_INBOUND_MAX_BYTES → 413. Without a configured secret every post is refused.
 */
@Injectable()
export class InboundSignatureGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithRawBody>();
    const { secret, maxBytes } = this.config.email.inbound;
    const signature = req.header('x-switchboard-signature');
    const timestamp = req.header('x-switchboard-timestamp');
    if (!secret || !signature || !timestamp) throw refuse(req, 'The post is not signed');
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(this.clock.now().getTime() / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
      throw refuse(req, 'The signature is stale: X-Switchboard-Timestamp is more than 5 minutes from now');
    }
    const raw = await readBounded(req, maxBytes);
    const expected = Buffer.from(inboundSignature(secret, timestamp, raw));
    const given = Buffer.from(signature.trim());
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new DomainError(ErrorCode.Forbidden, 'The signature does not match');
    req[RAW_BODY] = raw;
    return true;
  }
}

function refuse(req: Request, message: string): DomainError {
  req.resume(); // discard the body, so the answer reaches the client
  return new DomainError(ErrorCode.Forbidden, message);
}

/** The whole body, or a 413 once it passes `limit` (the rest is read and discarded up to a bound, then the connection is cut). */
function readBounded(req: Request, limit: number): Promise<Buffer> {
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (over) {
        if (bytes > limit * 4) req.destroy();
        return;
      }
      if (bytes > limit) {
        over = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => !over && resolve(Buffer.concat(chunks)));
    req.on('error', (e) => !over && reject(DomainError.validation('body', `the post was interrupted: ${e.message}`)));
    req.on('close', () => !over && !req.readableEnded && reject(DomainError.validation('body', 'the post was interrupted before it ended')));
  });
}

function tooLarge(limit: number): DomainError {
  return new DomainError(ErrorCode.PayloadTooLarge, `body: is larger than ${limit} bytes (EMAIL_INBOUND_MAX_BYTES)`, [{ field: 'body', message: `is larger than ${limit} bytes` }]);
}
