import { describe, expect, it } from '@jest/globals';
import { dncDigits } from './dnc-digits.js';

describe('dncDigits', () => {
  it.each([
    ['2125550123', '12125550123'],
    ['212,5550123', '12125550123'],
    ['(212) 555-0123', '12125550123'],
    ['1-212-555-0123', '12125550123'],
    ['+1 212 555 0123', '12125550123'],
    ['+44 20 7946 0018', '442079460018'],
    ['1125550123', null],
    ['2121550123', null],
    ['555-0123', null],
    ['+1 112 555 0123', null],
    ['+12345', null],
    ['', null],
    ['phone', null],
  ])('%s → %s', (raw, want) => {
    expect(dncDigits(raw)).toBe(want);
  });
});
