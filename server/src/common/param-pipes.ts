import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DomainError } from './domain-error.js';

/** The largest id a 32-bit integer column holds: a larger one could only fail in the database. */
const MAX_INT_ID = 2_147_483_647;

/** Which parameter failed, as the route names it (`@Param('id', …)` → `id`). */
const nameOf = (meta: ArgumentMetadata) => meta.data ?? meta.type;

/**
 * A route parameter that must be a UUID. Nest's own pipe says only "uuid is expected";
 * this one names the parameter, as every other validation error names its field:
 * `400 id: must be a UUID`, with `fields: [{ field: 'id', … }]`.
 */
@Injectable()
export class UuidParamPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, meta: ArgumentMetadata): string {
    if (typeof value === 'string' && isUUID(value, 'all')) return value;
    throw DomainError.validation(nameOf(meta), 'must be a UUID');
  }
}

/** A route parameter that must be a positive whole number id, named when it is not. */
@Injectable()
export class IntParamPipe implements PipeTransform<unknown, number> {
  transform(value: unknown, meta: ArgumentMetadata): number {
    // The global ValidationPipe runs first and has already made a number of it (`+value`).
    const text = typeof value === 'number' || typeof value === 'string' ? String(value) : '';
    const n = /^[0-9]{1,10}$/.test(text) ? Number(text) : NaN;
    if (Number.isInteger(n) && n >= 1 && n <= MAX_INT_ID) return n;
    throw DomainError.validation(nameOf(meta), 'must be a positive whole number');
  }
}
