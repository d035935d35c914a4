import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { getMetadataStorage, ValidateBy, type ValidationOptions } from 'class-validator';
import { ErrorCode, type FieldError } from '#shared';
import { DomainError } from './domain-error.js';
import { isCalendarDate, isIsoDateTime } from './iso-dates.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
      // The property is the client's own key when it is an unknown one: escaped, or `a(` would be a broken pattern (a 500).
      const text = message.replace(/^property [^]+ should not exist$/, 'is not an allowed field').replace(new RegExp(`^(each value in )?${escapeRegExp(error.property)} `), (_m, each: string | undefined) => each ?? '');
      out.push({ field: key, message: text });
    }
    // A loop, not push(...): spreading a list of many thousand errors overflows the stack.
    if (error.children?.length) for (const child of flattenValidationErrors(error.children, key)) out.push(child);
  }
  return out;
}

/** Enough to fix a form by; a body with thousands of bad entries would otherwise answer with megabytes. */
const MAX_REPORTED_FIELDS = 50;

/** The properties a DTO declares (those with a validation decorator): what the whitelist keeps. */
const declared = new WeakMap<object, Set<string> | null>();
function declaredKeys(metatype: unknown): Set<string> | null {
  if (typeof metatype !== 'function') return null;
  if (!declared.has(metatype)) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(metatype, '', false, false);
    declared.set(metatype, metadata.length ? new Set(metadata.map((m) => m.propertyName)) : null);
  }
  return declared.get(metatype) ?? null;
}

/**
 * The house pipe, cheap on hostile input before class-transformer sees it:
 * - a body that is a list where the route takes an object is refused: turned into one DTO
 *   per element and validated, a 300 kB list of zeros took seconds of the only thread;
 * - a key the DTO does not declare keeps its name (it is refused by name, as before) but
 *   not its value, which would be copied through in full first: a 100,000-entry list under
 *   an unknown key cost 700 ms at the sign-in, before any password was checked.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && Array.isArray(value) && metadata.metatype !== Array) throw DomainError.validation('body', 'must be a JSON object');
    const keys = metadata.type === 'body' || metadata.type === 'query' ? declaredKeys(metadata.metatype) : null;
    if (keys && value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((k) => !keys.has(k))) {
      value = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keys.has(k) ? v : null]));
    }
    return super.transform(value, metadata);
  }
}

/** Global pipe: unknown fields are refused, types converted, every failure named. */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => {
      const all = flattenValidationErrors(errors);
      const fields = all.slice(0, MAX_REPORTED_FIELDS);
      const more = all.length > fields.length ? `; and ${all.length - fields.length} more` : '';
      const message = fields.map((f) => `${f.field}: ${f.message}`).join('; ') + more || 'Request validation failed';
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
