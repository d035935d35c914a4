import { applyDecorators, type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiConsumes } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { ErrorCode } from '#shared';
import { DomainError } from '../common/domain-error.js';

export const ACCEPTS_KEY = 'http:accepts';

/** What a route reads when it does not say: everything under /api speaks JSON. */
export const DEFAULT_BODY_TYPES: readonly string[] = ['application/json'];

/**
 * The body types a route reads (on the handler or its controller), in place of JSON.
 * Also what the OpenAPI document says it consumes, so the two cannot drift apart.
 */
export const Accepts = (...types: string[]) => applyDecorators(SetMetadata(ACCEPTS_KEY, types), ApiConsumes(...types));

/** A request carries a body when it says so: a length above zero, or a chunked transfer. */
export function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) && length > 0;
}

/** `text/csv; charset=utf-8` → `text/csv`. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * 415 for a body of a type the route does not read. Without this an XML or plain-text
 * body reached validation unparsed and came back as a misleading "email: is required".
 * Runs after the guards, so a caller who may not use the route learns nothing of it.
 */
@Injectable()
export class MediaTypeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      if (hasBody(req)) {
        const accepted = this.reflector.getAllAndOverride<string[] | undefined>(ACCEPTS_KEY, [context.getHandler(), context.getClass()]) ?? DEFAULT_BODY_TYPES;
        const type = mediaType(req.headers['content-type']);
        if (!accepted.includes(type)) {
          req.resume(); // discard what is still coming, so the answer reaches the client
          const list = accepted.length > 1 ? `${accepted.slice(0, -1).join(', ')} or ${accepted[accepted.length - 1]}` : accepted[0];
          throw new DomainError(ErrorCode.UnsupportedMediaType, `Content-Type: this route reads ${list} (got ${type || 'none'})`, [{ field: 'Content-Type', message: `must be ${list}` }]);
        }
      }
    }
    return next.handle();
  }
}
