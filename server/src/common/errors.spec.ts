import { describe, expect, it } from '@jest/globals';
import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { ErrorCode } from '#shared';
import { DomainError } from './domain-error.js';
import { toErrorBody } from './exception.filter.js';

describe('toErrorBody', () => {
  it('maps a domain error to its status, code, message and fields', () => {
    const { body, headers } = toErrorBody(new DomainError(ErrorCode.TooManyAttempts, 'slow down', undefined, { 'Retry-After': '5' }));
    expect(body).toEqual({ statusCode: 429, code: 'TOO_MANY_ATTEMPTS', message: 'slow down', fields: undefined, requestId: undefined });
    expect(headers).toEqual({ 'Retry-After': '5' });
    expect(toErrorBody(DomainError.validation('phone', 'is not a valid number')).body).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'phone: is not a valid number',
      fields: [{ field: 'phone', message: 'is not a valid number' }],
    });
  });

  it('maps framework HTTP exceptions to the same shape', () => {
    expect(toErrorBody(new NotFoundException('Cannot GET /api/x')).body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', message: 'Cannot GET /api/x' });
    expect(toErrorBody(new ForbiddenException()).body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
  });

  it('hides everything about an unexpected error', () => {
    const err = new TypeError("Cannot read properties of undefined (reading 'secret')");
    const { body } = toErrorBody(err);
    expect(body).toEqual({ statusCode: 500, code: 'INTERNAL', message: 'Internal server error', requestId: undefined });
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('answers 503 with Retry-After for what the caller says is a service away for a moment, 500 otherwise', () => {
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    const away = (e: unknown) => (e as { code?: string }).code === 'ECONNRESET';
    expect(toErrorBody(lost, away)).toMatchObject({ body: { statusCode: 503, code: 'UNAVAILABLE' }, headers: { 'Retry-After': '1' } });
    expect(toErrorBody(lost).body.statusCode).toBe(500);
  });

  it('treats a server-side body-parser failure as internal', () => {
    const { body } = toErrorBody(Object.assign(new Error('stream broke'), { type: 'stream.not.readable', status: 500 }));
    expect(body.statusCode).toBe(500);
    expect(body.message).toBe('Internal server error');
  });
});
