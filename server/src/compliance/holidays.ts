import { DateTime } from 'luxon';

/** A day on which calling may be barred: everywhere, or only in some regions. */
export interface HolidayRule {
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
  name: string;
  /** Regions it applies to (e.g. US-LA); undefined means every region. */
  regions?: string[];
  /** Bars calls everywhere it applies, whatever the region's own rule. */
  noCalls?: boolean;
}

function nthWeekday(year: number, month: number, weekday: number, n: number): DateTime {
  let d = DateTime.utc(year, month, 1);
  while (d.weekday !== weekday) d = d.plus({ days: 1 });
  return d.plus({ weeks: n - 1 });
}

function lastWeekday(year: number, month: number, weekday: number): DateTime {
  let d = DateTime.utc(year, month, 1).endOf('month').startOf('day');
  while (d.weekday !== weekday) d = d.minus({ days: 1 });
  return d;
}

/** Saturday holidays are observed on Friday, Sunday ones on Monday. */
function observed(d: DateTime): DateTime {
  if (d.weekday === 6) return d.minus({ days: 1 });
  if (d.weekday === 7) return d.plus({ days: 1 });
  return d;
}

/** US federal holidays of a year, on their observed dates. */
export function usFederalHolidays(year: number): HolidayRule[] {
  const fixed = (m: number, d: number) => observed(DateTime.utc(year, m, d));
  const list: Array<[string, DateTime]> = [
    ["New Year's Day", fixed(1, 1)],
    ['Martin Luther King Jr. Day', nthWeekday(year, 1, 1, 3)],
    ["Washington's Birthday", nthWeekday(year, 2, 1, 3)],
    ['Memorial Day', lastWeekday(year, 5, 1)],
    ['Juneteenth', fixed(6, 19)],
    ['Independence Day', fixed(7, 4)],
    ['Labor Day', nthWeekday(year, 9, 1, 1)],
    ['Columbus Day', nthWeekday(year, 10, 1, 2)],
    ['Veterans Day', fixed(11, 11)],
    ['Thanksgiving Day', nthWeekday(year, 11, 4, 4)],
    ['Christmas Day', fixed(12, 25)],
  ];
  return list.map(([name, d]) => ({ date: d.toISODate()!, name }));
}
