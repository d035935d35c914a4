import { describe, expect, it } from '@jest/globals';
import type { ValidationError } from '@nestjs/common';
import { flattenValidationErrors } from './validation.js';

describe('flattenValidationErrors', () => {
  it('names nested and array fields with a path, and absent required fields once', () => {
    const errors: ValidationError[] = [
      { property: 'email', value: 'x', constraints: { isEmail: 'must be an email address' }, children: [] },
      { property: 'password', value: undefined, constraints: { isString: 'password must be a string', minLength: 'too short' }, children: [] },
      { property: 'extra', value: 1, constraints: { whitelistValidation: 'property extra should not exist' }, children: [] },
      {
        property: 'steps',
        value: [],
        children: [{ property: '0', value: {}, children: [{ property: 'delay', value: -1, constraints: { min: 'must not be negative' }, children: [] }] }],
      },
    ];
    expect(flattenValidationErrors(errors)).toEqual([
      { field: 'email', message: 'must be an email address' },
      { field: 'password', message: 'is required' },
      { field: 'extra', message: 'is not an allowed field' },
      { field: 'steps[0].delay', message: 'must not be negative' },
    ]);
  });

  it('names unknown keys the client made up, whatever characters they hold', () => {
    const unknown = (property: string): ValidationError => ({ property, value: 1, constraints: { whitelistValidation: `property ${property} should not exist` }, children: [] });
    expect(flattenValidationErrors([unknown('Afm8(3{'), unknown('a b'), unknown('[*')])).toEqual([
      { field: 'Afm8(3{', message: 'is not an allowed field' },
      { field: 'a b', message: 'is not an allowed field' },
      { field: '[*', message: 'is not an allowed field' },
    ]);
  });
});
