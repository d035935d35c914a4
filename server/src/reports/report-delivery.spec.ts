import { dueDay, minuteOf, rangeFor, timeOf } from './report-delivery.js';

const NY = 'America/New_York';

describe('report delivery times', () => {
  it.each([
    // [now (UTC), send minute, last sent for, due day]
    ['2026-12-02T11:59:00Z', 420, null, null], // 06:59 in New York
    ['2026-12-02T12:00:00Z', 420, null, '2026-12-02'], // 07:00
    ['2026-12-02T12:00:30Z', 420, '2026-12-01', '2026-12-02'],
    ['2026-12-02T12:05:00Z', 420, '2026-12-02', null], // sent already
    ['2026-12-03T04:59:00Z', 420, '2026-12-02', null], // 23:59 the same day
    ['2026-12-03T12:00:00Z', 420, '2026-12-02', '2026-12-03'],
    // Spring forward (8 March 2026: 02:00 → 03:00): 02:30 never shows; due at 03:00, once.
    ['2026-03-08T06:59:00Z', 150, null, null], // 01:59 EST
    ['2026-03-08T07:00:00Z', 150, null, '2026-03-08'], // 03:00 EDT
    // Fall back (1 November 2026: 02:00 → 01:00): 01:30 comes twice; the day is sent after the first.
    ['2026-11-01T05:30:00Z', 90, null, '2026-11-01'], // 01:30 EDT
    ['2026-11-01T06:30:00Z', 90, '2026-11-01', null], // 01:30 EST
    // 07:00 on a DST day is an ordinary 07:00.
    ['2026-03-08T10:59:00Z', 420, null, null],
    ['2026-03-08T11:00:00Z', 420, null, '2026-03-08'],
  ] as const)('at %s (send minute %d, last sent for %s) → %s', (now, minute, last, due) => {
    expect(dueDay(new Date(now), NY, minute, last)).toBe(due);
  });

  it.each([
    ['yesterday', '2026-12-02', '2026-12-01', '2026-12-01'],
    ['last-7-days', '2026-12-02', '2026-11-25', '2026-12-01'],
    ['last-30-days', '2026-12-02', '2026-11-02', '2026-12-01'],
    ['month-to-date', '2026-12-15', '2026-12-01', '2026-12-14'],
    ['month-to-date', '2026-12-01', '2026-11-01', '2026-11-30'],
    ['yesterday', '2027-01-01', '2026-12-31', '2026-12-31'],
  ] as const)('%s delivered on %s covers %s to %s', (range, day, from, to) => {
    expect(rangeFor(range, day)).toEqual({ from, to });
  });

  it('reads and writes HH:MM', () => {
    expect(minuteOf('07:00')).toBe(420);
    expect(minuteOf('23:59')).toBe(1439);
    expect(timeOf(420)).toBe('07:00');
    expect(timeOf(5)).toBe('00:05');
  });
});
