import { DateTime } from 'luxon';
import type { ReportRange } from '#shared';

/** `HH:MM` as minutes after midnight. */
export const minuteOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
/** Minutes after midnight as `HH:MM`. */
export const timeOf = (minute: number): string => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** The floor's day at `now` (YYYY-MM-DD) and the minutes of it gone by on the wall clock. */
export function floorNow(now: Date, zone: string): { day: string; minute: number } {
  const local = DateTime.fromJSDate(now, { zone });
  return { day: local.toFormat('yyyy-MM-dd'), minute: local.hour * 60 + local.minute };
}

/**
 * The floor day a subscription is due for at `now`, or null: due once its time of day has
 * come on the floor's wall clock and it was not delivered for that day yet. Read on the wall
 * clock, a time the spring change skips (02:30) falls due at the first minute after it, and a
 * time the autumn change repeats is delivered the first time only (the day is then sent).
 */
export function dueDay(now: Date, zone: string, sendMinute: number, lastSentFor: string | null): string | null {
  const { day, minute } = floorNow(now, zone);
  if (minute < sendMinute) return null;
  return lastSentFor !== null && lastSentFor >= day ? null : day;
}

/**
 * The floor days a report delivered on `day` covers: yesterday; the 7 or 30 days before
 * today; or the month of yesterday up to yesterday (on the 1st, the whole month before).
 */
export function rangeFor(range: ReportRange, day: string): { from: string; to: string } {
  const today = DateTime.fromISO(day, { zone: 'UTC' });
  const yesterday = today.minus({ days: 1 });
  const f = (d: DateTime) => d.toFormat('yyyy-MM-dd');
  switch (range) {
    case 'yesterday':
      return { from: f(yesterday), to: f(yesterday) };
    case 'last-7-days':
      return { from: f(today.minus({ days: 7 })), to: f(yesterday) };
    case 'last-30-days':
      return { from: f(today.minus({ days: 30 })), to: f(yesterday) };
    case 'month-to-date':
      return { from: f(yesterday.startOf('month')), to: f(yesterday) };
  }
}
