import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ErrorCode, type ErrorBody } from '#shared';
import { DomainError } from './domain-error.js';
import { JsonLogger } from './json-logger.js';
import { requestContext } from './request-context.js';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.TooManyAttempts,
  503: ErrorCode.Unavailable,
};

interface BodyParserError {
  type: string;
  status: number;
  expose?: boolean;
  message: string;
  cause?: unknown;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return typeof e === 'object' && e !== null && typeof (e as BodyParserError).type === 'string' && typeof (e as BodyParserError).status === 'number';
}

/** Whether an error means a service the request needs (the database) is unreachable for a moment: a 503 to try again, not a 500. */
export type Unavailable = (exception: unknown) => boolean;

/** Maps every exception to `ErrorBody`. Stack traces go to the log, never to the client. */
export function toErrorBody(exception: unknown, unavailable: Unavailable = () => false): { body: ErrorBody; headers?: Record<string, string> } {
  const requestId = requestContext.get()?.requestId;
  if (exception instanceof DomainError) {
    return {
      body: { statusCode: exception.status, code: exception.code, message: exception.message, fields: exception.fields, details: exception.details, requestId },
      headers: exception.headers,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
    return { body: { statusCode: status, code: CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest), message, requestId } };
  }
  if (isBodyParserError(exception) && exception.status < 500) {
    // A body refused by our own checks before it was parsed carries the DomainError that says why.
    if (exception.cause instanceof DomainError) return toErrorBody(exception.cause, unavailable);
    if (exception.status === 415) return { body: { statusCode: 415, code: ErrorCode.UnsupportedMediaType, message: exception.message, requestId } };
    const code = exception.status === 413 ? ErrorCode.PayloadTooLarge : ErrorCode.BadRequest;
    const message = exception.type === 'entity.parse.failed' ? 'body: malformed JSON' : exception.message;
    return { body: { statusCode: exception.status, code, message, fields: exception.type === 'entity.parse.failed' ? [{ field: 'body', message: 'malformed JSON' }] : undefined, requestId } };
  }
  // The database went away under the request: nothing was half-written (each write is its own transaction); try again shortly.
  if (unavailable(exception)) {
    return { body: { statusCode: HttpStatus.SERVICE_UNAVAILABLE, code: ErrorCode.Unavailable, message: 'The database is unreachable for a moment; try again', requestId }, headers: { 'Retry-After': '1' } };
  }
  return { body: { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: ErrorCode.Internal, message: 'Internal server error', requestId } };
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(
    private readonly logger: JsonLogger,
    private readonly unavailable: Unavailable = () => false,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const { body, headers } = toErrorBody(exception, this.unavailable);
    if (body.statusCode >= 500) {
      const err = exception instanceof Error ? { name: exception.name, message: exception.message, stack: exception.stack } : { value: String(exception) };
      this.logger.event('error', 'http.unhandled', { method: req.method, path: req.originalUrl, err });
    }
    if (res.headersSent) return;
    for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
    res.status(body.statusCode).json(body);
  }
}
