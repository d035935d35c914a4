import { describe, expect, it } from '@jest/globals';
import { isCalendarDate, isIsoDateTime } from './iso-dates.js';

describe('isCalendarDate', () => {
  it.each([
    ['2024-02-29', true],
    ['2026-12-31', true],
    ['2027-02-29', false],
    ['2027-02-30', false],
    ['2027-04-31', false],
    ['2027-13-01', false],
    ['2027-00-10', false],
    ['2027-1-01', false],
    ['0999-01-01', false],
    ['2027-02-28T00:00:00Z', false],
    [20270228, false],
    [null, false],
  ])('%p → %p', (text, ok) => expect(isCalendarDate(text)).toBe(ok));
});

describe('isIsoDateTime', () => {
  it.each([
    ['2027-02-28T12:00:00Z', true],
    ['2027-02-28T12:00Z', true],
    ['2027-02-28T12:00:00.123Z', true],
    ['2027-02-28T12:00:00+05:30', true],
    ['2027-02-28T12:00:00-0500', true],
    ['2027-02-28', true],
    ['2027-02-30T12:00:00Z', false],
    ['2027-02-29T12:00:00Z', false],
    ['2027-02-28T24:00:00Z', false],
    ['2027-02-28T12:60:00Z', false],
    ['2027-02-28T12:00:60Z', false],
    ['2027-02-28T12:00:00+24:00', false],
    ['2027-W05-1', false],
    ['2027-032', false],
    ['+002027-02-28T12:00:00Z', false],
    ['9999-12-31T23:00:00-05:00', false],
    ['2027-02-28T12:00:00', false],
    ['yesterday', false],
    ['', false],
    [{}, false],
  ])('%p → %p', (text, ok) => expect(isIsoDateTime(text)).toBe(ok));

  it('takes a time without an offset only where the caller reads it locally', () => {
    expect(isIsoDateTime('2027-02-28T10:00', { local: true })).toBe(true);
    expect(isIsoDateTime('2027-02-28T10:00:00', { local: true })).toBe(true);
    expect(isIsoDateTime('2027-02-30T10:00', { local: true })).toBe(false);
    expect(isIsoDateTime('2027-02-28T10:00')).toBe(false);
  });
});
