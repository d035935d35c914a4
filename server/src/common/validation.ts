import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidateBy, type ValidationOptions } from 'class-validator';
import { ErrorCode, type FieldError } from '../../../shared/src/index.js';
import { DomainError } from './domain-error.js';
import { isCalendarDate, isIsoDateTime } from './iso-dates.js';

/** Flattens class-validator's tree into `{ field: 'a.b[0].c', message }` pairs. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const key = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
    const messages = Object.values(error.constraints ?? {});
    if (messages.length && error.value === undefined && !error.constraints?.whitelistValidation) {
      // Optional fields skip validation when absent, so an absent field here is a required one.
      out.push({ field: key, message: 'is required' });
      continue;
    }
    for (const message of messages) {
      // class-validator's own messages start with the property name, which `field` already gives.
      const text = message.replace(/^property \S+ should not exist$/, 'is not an allowed field').replace(new RegExp(`^(each value in )?${error.property} `), (_m, each: string | undefined) => each ?? '');
      out.push({ field: key, message: text });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, key));
  }
  return out;
}

/** Global pipe: unknown fields are refused, types converted, every failure named. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      const message = fields.map((f) => `${f.field}: ${f.message}`).join('; ') || 'Request validation failed';
      return new DomainError(ErrorCode.ValidationFailed, message, fields);
    },
  });
}

/**
 * An instant: an ISO 8601 date-time with `Z` or an offset (or a bare date, its UTC
 * midnight), on a real calendar day. Use this, not IsISO8601, for anything that becomes a
 * `Date`: IsISO8601 passes week dates `new Date` cannot read and, without `strict`, 2027-02-30.
 */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isInstant', validator: { validate: (v) => isIsoDateTime(v), defaultMessage: () => 'must be an ISO 8601 date-time with an offset, such as 2026-03-02T15:00:00Z' } }, options);
}

/** As IsInstant, but a time without an offset is allowed too: the service reads it in the lead's zone. */
export function IsLocalOrInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isLocalOrInstant', validator: { validate: (v) => isIsoDateTime(v, { local: true }), defaultMessage: () => 'must be an ISO 8601 date-time, such as 2026-03-02T10:00 (local) or 2026-03-02T15:00:00Z' } }, options);
}

/** A real calendar day as `YYYY-MM-DD`. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isCalendarDate', validator: { validate: (v) => isCalendarDate(v), defaultMessage: () => 'must be a calendar date YYYY-MM-DD' } }, options);
}
