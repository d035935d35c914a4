/**
 * Dates and date-times as clients send them, checked against the calendar. JavaScript's
 * `Date` rolls an impossible day over (2027-02-30 becomes March 2) and reads a time
 * without an offset in the server's own zone, so neither is left to it.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Years both databases store in an instant column (MySQL's DATETIME starts at 1000). */
const FIRST_YEAR = 1000;
const LAST_YEAR = 9999;

/** A day that exists: 2024-02-29 does, 2027-02-29 and 2027-02-30 do not. */
function realDay(year: number, month: number, day: number): boolean {
  if (year < FIRST_YEAR || year > LAST_YEAR) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** `YYYY-MM-DD` naming a real calendar day. */
export function isCalendarDate(text: unknown): text is string {
  const m = typeof text === 'string' ? DATE.exec(text) : null;
  return !!m && realDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

export interface DateTimeRules {
  /** A time without an offset is allowed (the caller reads it in a zone of its choosing). */
  local?: boolean;
}

/**
 * An ISO 8601 date-time on a real day with every part in range: `2026-03-02T15:00:00Z`,
 * `…T10:00-05:00`, seconds and fractions optional; a bare `YYYY-MM-DD` means its midnight
 * (UTC, as `Date` reads it, unless the caller reads it locally). A time needs an offset
 * unless `local` is allowed.
 */
export function isIsoDateTime(text: unknown, rules: DateTimeRules = {}): text is string {
  if (isCalendarDate(text)) return true;
  const m = typeof text === 'string' ? DATE_TIME.exec(text) : null;
  if (!m || !realDay(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return false;
  const offset = m[7];
  if (!offset) return rules.local === true;
  if (offset.toUpperCase() !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(-2)) > 59)) return false;
  const year = new Date(text as string).getUTCFullYear();
  return year >= FIRST_YEAR && year <= LAST_YEAR;
}
