import { describe, expect, it } from '@jest/globals';
import { normalizePhone } from './phone-number.js';

describe('normalizePhone', () => {
  it.each([
    ['(415) 555-2671', '+14155552671'],
    ['415.555.2671', '+14155552671'],
    ['+1 415 555 2671', '+14155552671'],
    ['1-415-555-2671', '+14155552671'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+61 2 9374 4000', '+61293744000'],
  ])('%s → %s', (input, e164) => {
    expect(normalizePhone(input)).toMatchObject({ ok: true, e164 });
  });

  it.each([
    ['', 'is empty'],
    ['555-12', 'is too short to be a phone number'],
    ['+1 415 555 2671 0000 11', 'is too long to be a phone number'],
    ['call me maybe', 'is not a phone number'],
    ['(123) 456-7890', 'is not a valid US number'],
    ['+1 555 555 0100', 'is not a valid +1 number'],
  ])('%j is refused: %s', (input, reason) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason });
  });
});
