import { DateTime } from 'luxon';

/**
 * When a schedule step's action falls due. Pure: every instant comes in as an argument.
 *
 * 1. The base time:
 *    - a delay in seconds, minutes or hours is an absolute duration after the previous
 *      action completed (for the first step: the enrollment's start);
 *    - a delay in days keeps the local wall-clock time N calendar days later in the
 *      schedule's zone (09:00 stays 09:00 across a DST change); with `excludeWeekends`
 *      only Monday–Friday count (one day after a Friday is the Monday);
 *    - "day N at HH:mm": day 1 is the local date the enrollment started (with
 *      `excludeWeekends`, counted in weekdays, and a weekend start counts from Monday),
 *      never earlier than the previous action.
 * 2. Then the window (`nextAllowedTime`): holidays, and weekends when excluded, are never
 *    allowed (the time moves to the start of business hours on the next allowed day);
 *    `immediate` otherwise stands; `business_weekdays` keeps to business hours on the
 *    schedule's business days that are weekdays; `business_any_day` to business hours on
 *    any day of the week.
 */
export const DELAY_UNITS = ['seconds', 'minutes', 'hours', 'days'] as const;
export type DelayUnit = (typeof DELAY_UNITS)[number];
export const TIMING_WINDOWS = ['immediate', 'business_weekdays', 'business_any_day'] as const;
export type TimingWindow = (typeof TIMING_WINDOWS)[number];
export type StepTiming = { kind: 'delay'; amount: number; unit: DelayUnit } | { kind: 'day'; day: number; at: string };

export interface BusinessCalendar {
  timezone: string;
  hours: { start: string; end: string };
  /** ISO weekdays (1 = Monday … 7 = Sunday). */
  days: number[];
  excludeWeekends: boolean;
  /** Local dates (yyyy-MM-dd) on which nothing runs. */
  holidays: string[];
}

export interface DueInput {
  timing: StepTiming;
  window: TimingWindow;
  previousAt: Date;
  anchorAt: Date;
  calendar: BusinessCalendar;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const MAX_SECONDS: Record<DelayUnit, number> = { seconds: 31_622_400, minutes: 527_040, hours: 8_784, days: 366 };
const UNIT_MS: Record<Exclude<DelayUnit, 'days'>, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000 };
const SEARCH_DAYS = 400;

const weekend = (d: DateTime) => d.weekday >= 6;
const hm = (s: string) => s.split(':').map(Number) as [number, number];

function atLocal(day: DateTime, time: string): DateTime {
  const [hour, minute] = hm(time);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

/** Adds `n` days, or `n` weekdays when weekends are excluded (landing on a weekday). */
function plusDays(t: DateTime, n: number, weekdaysOnly: boolean): DateTime {
  if (!weekdaysOnly) return t.plus({ days: n });
  let d = t;
  let left = n;
  while (left > 0) {
    d = d.plus({ days: 1 });
    if (!weekend(d)) left--;
  }
  while (weekend(d)) d = d.plus({ days: 1 });
  return d;
}

export function computeDueAt(input: DueInput): Date {
  const { timing, calendar } = input;
  const zone = calendar.timezone;
  let base: DateTime;
  if (timing.kind === 'delay') {
    const prev = DateTime.fromJSDate(input.previousAt, { zone });
    base = timing.unit === 'days' ? plusDays(prev, timing.amount, calendar.excludeWeekends) : prev.plus({ milliseconds: timing.amount * UNIT_MS[timing.unit] });
  } else {
    let day1 = DateTime.fromJSDate(input.anchorAt, { zone }).startOf('day');
    if (calendar.excludeWeekends) while (weekend(day1)) day1 = day1.plus({ days: 1 });
    base = atLocal(plusDays(day1, timing.day - 1, calendar.excludeWeekends), timing.at);
    if (base.toMillis() < input.previousAt.getTime()) base = DateTime.fromJSDate(input.previousAt, { zone });
  }
  return nextAllowedTime(base.toJSDate(), input.window, calendar);
}

/** The first instant at or after `at` that the window allows. */
export function nextAllowedTime(at: Date, window: TimingWindow, calendar: BusinessCalendar): Date {
  const zone = calendar.timezone;
  const holidays = new Set(calendar.holidays);
  const t = DateTime.fromJSDate(at, { zone });
  const allowedDay = (d: DateTime) => {
    if (holidays.has(d.toISODate() as string)) return false;
    if (calendar.excludeWeekends && weekend(d)) return false;
    if (window === 'business_weekdays') return !weekend(d) && calendar.days.includes(d.weekday);
    return true;
  };
  for (let i = 0; i <= SEARCH_DAYS; i++) {
    const day = t.startOf('day').plus({ days: i });
    if (!allowedDay(day)) continue;
    const start = atLocal(day, calendar.hours.start);
    if (window === 'immediate') return i === 0 ? t.toJSDate() : start.toJSDate();
    if (i > 0 || t < start) return start.toJSDate();
    if (t < atLocal(day, calendar.hours.end)) return t.toJSDate();
  }
  throw new Error(`no allowed time within ${SEARCH_DAYS} days`);
}

type Issue = { field: string; message: string };

export function validateTiming(timing: unknown, window: unknown): Issue[] {
  const issues: Issue[] = [];
  if (!(TIMING_WINDOWS as readonly unknown[]).includes(window)) issues.push({ field: 'window', message: `must be one of ${TIMING_WINDOWS.join(', ')}` });
  const t = timing as Record<string, unknown> | null;
  if (!t || typeof t !== 'object') return [...issues, { field: 'timing', message: 'must be an object' }];
  if (t.kind === 'delay') {
    const unit = t.unit as DelayUnit;
    if (!(DELAY_UNITS as readonly unknown[]).includes(unit)) issues.push({ field: 'timing.unit', message: `must be one of ${DELAY_UNITS.join(', ')}` });
    if (typeof t.amount !== 'number' || !Number.isFinite(t.amount)) issues.push({ field: 'timing.amount', message: 'must be a number' });
    else if (t.amount < 0) issues.push({ field: 'timing.amount', message: 'must not be negative' });
    else if ((DELAY_UNITS as readonly unknown[]).includes(unit) && t.amount > MAX_SECONDS[unit]) issues.push({ field: 'timing.amount', message: `must be at most ${MAX_SECONDS[unit]} ${unit} (a year)` });
    else if (unit === 'days' && !Number.isInteger(t.amount)) issues.push({ field: 'timing.amount', message: 'must be a whole number of days' });
  } else if (t.kind === 'day') {
    if (!Number.isInteger(t.day) || (t.day as number) < 1 || (t.day as number) > 366) issues.push({ field: 'timing.day', message: 'must be a whole number from 1 to 366' });
    if (typeof t.at !== 'string' || !HHMM.test(t.at)) issues.push({ field: 'timing.at', message: 'must be a time HH:mm' });
  } else {
    issues.push({ field: 'timing.kind', message: 'must be delay or day' });
  }
  return issues;
}

export function validateCalendar(c: unknown): Issue[] {
  const issues: Issue[] = [];
  const cal = c as Partial<BusinessCalendar> | null;
  if (!cal || typeof cal !== 'object') return [{ field: 'calendar', message: 'must be an object' }];
  if (typeof cal.timezone !== 'string' || !DateTime.local().setZone(cal.timezone).isValid) issues.push({ field: 'timezone', message: `unknown time zone ${String(cal.timezone)}` });
  const start = cal.hours?.start;
  const end = cal.hours?.end;
  if (typeof start !== 'string' || !HHMM.test(start)) issues.push({ field: 'businessHours.start', message: 'must be HH:mm' });
  if (typeof end !== 'string' || !HHMM.test(end)) issues.push({ field: 'businessHours.end', message: 'must be HH:mm' });
  else if (typeof start === 'string' && HHMM.test(start) && start >= end) issues.push({ field: 'businessHours.end', message: 'must be after the start' });
  const days = cal.days;
  if (!Array.isArray(days) || !days.length || days.some((d) => !Number.isInteger(d) || d < 1 || d > 7) || new Set(days).size !== days.length) {
    issues.push({ field: 'businessDays', message: 'must list distinct days 1 (Monday) to 7 (Sunday), at least one' });
  }
  for (const h of cal.holidays ?? []) if (!DateTime.fromISO(String(h)).isValid || !/^\d{4}-\d{2}-\d{2}$/.test(String(h))) issues.push({ field: 'holidays', message: `${String(h)} is not a date yyyy-MM-dd` });
  return issues;
}

const WINDOW_WORDS: Record<TimingWindow, string> = { immediate: 'at any hour', business_weekdays: 'in business hours on weekdays', business_any_day: 'in business hours, any day' };

export function describeTiming(timing: StepTiming, window: TimingWindow): string {
  if (timing.kind === 'day') return `Day ${timing.day} at ${timing.at}, ${WINDOW_WORDS[window]}`;
  if (!timing.amount) return `Right after the previous step, ${WINDOW_WORDS[window]}`;
  const unit = timing.amount === 1 ? timing.unit.slice(0, -1) : timing.unit;
  return `${timing.amount} ${unit} after the previous step, ${WINDOW_WORDS[window]}`;
}
