/** Stable error codes the API returns in `ErrorBody.code`. */
export const ErrorCode = {
  ValidationFailed: 'VALIDATION_FAILED',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  /** A conversation already has a disposition that differs from the one posted (the fields name what differs). */
  DispositionConflict: 'DISPOSITION_CONFLICT',
  InvalidCredentials: 'INVALID_CREDENTIALS',
  TooManyAttempts: 'TOO_MANY_ATTEMPTS',
  InvalidRefreshToken: 'INVALID_REFRESH_TOKEN',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  BadRequest: 'BAD_REQUEST',
  ContactRefused: 'CONTACT_REFUSED',
  PoolExhausted: 'POOL_EXHAUSTED',
  CarrierError: 'CARRIER_ERROR',
  /** The carrier is limiting our requests for now (its 429): the same request later succeeds. */
  CarrierBusy: 'CARRIER_BUSY',
  /** The receiving server refused the email for good (5xx): the address bounced; nothing more is sent to it by this request. */
  EmailBounced: 'EMAIL_BOUNCED',
  /** The email could not be handed to the mail server now (a temporary refusal, a connection failure): the same send may be tried again. */
  EmailFailed: 'EMAIL_FAILED',
  Internal: 'INTERNAL',
  Unavailable: 'UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
