/** Stable error codes the API returns in `ErrorBody.code`. */
export const ErrorCode = {
  ValidationFailed: 'VALIDATION_FAILED',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
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
  Internal: 'INTERNAL',
  Unavailable: 'UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
