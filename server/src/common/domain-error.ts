import { ErrorCode, type FieldError } from '#shared';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  CONTACT_REFUSED: 409,
  POOL_EXHAUSTED: 409,
  CARRIER_ERROR: 502,
  CARRIER_BUSY: 503,
  EMAIL_BOUNCED: 409,
  EMAIL_FAILED: 502,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_REFRESH_TOKEN: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  DISPOSITION_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_ATTEMPTS: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/**
 * An expected failure with a stable code. Services throw these; the exception
 * filter maps the code to an HTTP status (and, later, to a Socket.IO error).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    readonly headers?: Record<string, string>,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return STATUS[this.code];
  }

  static notFound(what: string): DomainError {
    return new DomainError(ErrorCode.NotFound, `${what} not found`);
  }

  static validation(field: string, message: string): DomainError {
    return new DomainError(ErrorCode.ValidationFailed, `${field}: ${message}`, [{ field, message }]);
  }

  /** Every problem found with a request, each naming its field. */
  static invalid(problems: FieldError[]): DomainError {
    return new DomainError(ErrorCode.ValidationFailed, problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
  }
}

export function statusForCode(code: ErrorCode): number {
  return STATUS[code];
}
