import { describe, expect, it } from '@jest/globals';
import { type BusinessCalendar, computeDueAt, describeTiming, nextAllowedTime, type StepTiming, type TimingWindow, validateCalendar, validateTiming } from './timing.js';

const NY: BusinessCalendar = { timezone: 'America/New_York', hours: { start: '09:00', end: '17:00' }, days: [1, 2, 3, 4, 5], excludeWeekends: false, holidays: [] };
const due = (timing: StepTiming, window: TimingWindow, previousAt: string, calendar: Partial<BusinessCalendar> = {}, anchorAt = previousAt) =>
  computeDueAt({ timing, window, previousAt: new Date(previousAt), anchorAt: new Date(anchorAt), calendar: { ...NY, ...calendar } }).toISOString();

describe('step timing', () => {
  // 2026-03-02 is a Monday; US clocks go forward 2026-03-08 and back 2026-11-01.
  it.each([
    ['30 seconds', { kind: 'delay', amount: 30, unit: 'seconds' }, '2026-03-02T17:00:00.000Z', '2026-03-02T17:00:30.000Z'],
    ['15 minutes', { kind: 'delay', amount: 15, unit: 'minutes' }, '2026-03-02T17:00:00.000Z', '2026-03-02T17:15:00.000Z'],
    ['no delay', { kind: 'delay', amount: 0, unit: 'hours' }, '2026-03-02T17:00:00.000Z', '2026-03-02T17:00:00.000Z'],
    ['6 hours into the night', { kind: 'delay', amount: 6, unit: 'hours' }, '2026-03-02T22:00:00.000Z', '2026-03-03T04:00:00.000Z'],
    ['1 day across spring-forward keeps 09:00 local', { kind: 'delay', amount: 1, unit: 'days' }, '2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z'],
    ['24 hours across spring-forward is absolute', { kind: 'delay', amount: 24, unit: 'hours' }, '2026-03-07T14:00:00.000Z', '2026-03-08T14:00:00.000Z'],
    ['1 day across fall-back keeps 09:00 local', { kind: 'delay', amount: 1, unit: 'days' }, '2026-10-31T13:00:00.000Z', '2026-11-01T14:00:00.000Z'],
    ['day 3 at 10:00 from a Monday afternoon', { kind: 'day', day: 3, at: '10:00' }, '2026-03-02T20:00:00.000Z', '2026-03-04T15:00:00.000Z'],
    ['day 1 at 10:00 already past: never before the previous step', { kind: 'day', day: 1, at: '10:00' }, '2026-03-02T20:00:00.000Z', '2026-03-02T20:00:00.000Z'],
  ] as const)('immediate, %s', (_name, timing, previous, expected) => {
    expect(due(timing as StepTiming, 'immediate', previous)).toBe(expected);
  });

  it.each([
    ['before hours → the start', '2026-03-02T12:00:00.000Z', '2026-03-02T14:00:00.000Z'],
    ['inside hours stays', '2026-03-02T17:00:00.000Z', '2026-03-02T17:00:00.000Z'],
    ['at the end exactly → next day', '2026-03-02T22:00:00.000Z', '2026-03-03T14:00:00.000Z'],
    ['after hours → next day', '2026-03-03T01:00:00.000Z', '2026-03-03T14:00:00.000Z'],
    ['Friday evening → Monday', '2026-03-06T23:00:00.000Z', '2026-03-09T13:00:00.000Z'],
    ['Saturday → Monday (after spring-forward: 09:00 EDT)', '2026-03-07T17:00:00.000Z', '2026-03-09T13:00:00.000Z'],
  ])('business hours on weekdays: %s', (_name, at, expected) => {
    expect(nextAllowedTime(new Date(at), 'business_weekdays', NY).toISOString()).toBe(expected);
  });

  it('a holiday Monday moves to Tuesday', () => {
    expect(nextAllowedTime(new Date('2026-03-02T15:00:00.000Z'), 'business_weekdays', { ...NY, holidays: ['2026-03-02'] }).toISOString()).toBe('2026-03-03T14:00:00.000Z');
    expect(nextAllowedTime(new Date('2026-03-02T15:00:00.000Z'), 'immediate', { ...NY, holidays: ['2026-03-02'] }).toISOString()).toBe('2026-03-03T14:00:00.000Z');
  });

  it('business hours any day keeps Saturday, unless weekends are excluded', () => {
    expect(nextAllowedTime(new Date('2026-03-07T16:00:00.000Z'), 'business_any_day', NY).toISOString()).toBe('2026-03-07T16:00:00.000Z');
    expect(nextAllowedTime(new Date('2026-03-07T16:00:00.000Z'), 'business_any_day', { ...NY, excludeWeekends: true }).toISOString()).toBe('2026-03-09T13:00:00.000Z');
    expect(nextAllowedTime(new Date('2026-03-07T16:00:00.000Z'), 'immediate', { ...NY, excludeWeekends: true }).toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });

  it('business days narrower than the week are honoured', () => {
    // Tuesday and Thursday only: Monday noon → Tuesday 09:00.
    expect(nextAllowedTime(new Date('2026-03-02T17:00:00.000Z'), 'business_weekdays', { ...NY, days: [2, 4] }).toISOString()).toBe('2026-03-03T14:00:00.000Z');
  });

  it('with weekends excluded, day delays and day N count weekdays', () => {
    // Thursday 12:00 + 2 days → Monday 12:00.
    expect(due({ kind: 'delay', amount: 2, unit: 'days' }, 'immediate', '2026-03-05T17:00:00.000Z', { excludeWeekends: true })).toBe('2026-03-09T16:00:00.000Z');
    // Enrolled on a Saturday: day 1 is Monday, day 2 Tuesday.
    expect(due({ kind: 'day', day: 2, at: '10:00' }, 'immediate', '2026-03-07T17:00:00.000Z', { excludeWeekends: true })).toBe('2026-03-10T14:00:00.000Z');
  });

  it('day N at a local time in zones far from UTC', () => {
    const anchor = '2026-03-02T17:00:00.000Z'; // Monday 22:30 in Kolkata, Tuesday 06:00 in Auckland
    expect(due({ kind: 'day', day: 2, at: '09:30' }, 'immediate', anchor, { timezone: 'Asia/Kolkata' })).toBe('2026-03-03T04:00:00.000Z');
    expect(due({ kind: 'day', day: 2, at: '09:30' }, 'immediate', anchor, { timezone: 'Pacific/Auckland' })).toBe('2026-03-03T20:30:00.000Z');
  });

  it('a calendar with no business day throws rather than loop forever', () => {
    expect(() => nextAllowedTime(new Date('2026-03-02T17:00:00.000Z'), 'business_weekdays', { ...NY, days: [6, 7] })).toThrow(/no allowed time/);
  });

  it.each([
    [{ kind: 'delay', amount: -1, unit: 'minutes' }, 'immediate', 'timing.amount', /not be negative/],
    [{ kind: 'delay', amount: 1, unit: 'weeks' }, 'immediate', 'timing.unit', /one of/],
    [{ kind: 'delay', amount: 1.5, unit: 'days' }, 'immediate', 'timing.amount', /whole number/],
    [{ kind: 'day', day: 0, at: '09:00' }, 'immediate', 'timing.day', /1 to 366/],
    [{ kind: 'day', day: 2, at: '9am' }, 'immediate', 'timing.at', /HH:mm/],
    [{ kind: 'soon' }, 'immediate', 'timing.kind', /delay or day/],
    [{ kind: 'delay', amount: 1, unit: 'hours' }, 'whenever', 'window', /one of/],
  ])('validateTiming %j %s names %s', (timing, window, field, message) => {
    const issues = validateTiming(timing, window);
    expect(issues.find((i) => i.field === field)?.message).toMatch(message);
  });

  it('validateCalendar names each bad field', () => {
    const issues = validateCalendar({ timezone: 'Mars/Olympus', hours: { start: '17:00', end: '09:00' }, days: [1, 1], excludeWeekends: false, holidays: ['2026-02-30'] });
    expect(issues.map((i) => i.field).sort()).toEqual(['businessDays', 'businessHours.end', 'holidays', 'timezone']);
    expect(validateCalendar(NY)).toEqual([]);
  });

  it('describes timing in words', () => {
    expect(describeTiming({ kind: 'delay', amount: 1, unit: 'days' }, 'business_weekdays')).toBe('1 day after the previous step, in business hours on weekdays');
    expect(describeTiming({ kind: 'day', day: 3, at: '10:00' }, 'immediate')).toBe('Day 3 at 10:00, at any hour');
  });
});
