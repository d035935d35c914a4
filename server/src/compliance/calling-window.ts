import { DateTime } from 'luxon';
import { US_CALLING_RULES } from './data/us-calling-rules.js';
import type { CallingRulesData, LocalWindow, Weekday } from './calling-rules-data.js';
import { type HolidayRule, usFederalHolidays } from './holidays.js';

export type { CallingRulesData, LocalWindow, RegionRule, Weekday } from './calling-rules-data.js';

export interface CallingRules extends CallingRulesData {
  holidays: HolidayRule[];
}

export interface WindowRefusal {
  code: 'OUTSIDE_HOURS' | 'NO_CALL_DAY' | 'HOLIDAY';
  message: string;
}

export interface WindowDecision {
  allowed: boolean;
  reasons: WindowRefusal[];
  nextAllowedAt: Date | null;
}

/** The shipped rules plus US federal holidays for the given years. */
export function loadDefaultCallingRules(years: number[]): CallingRules {
  return { ...structuredClone(US_CALLING_RULES), holidays: years.flatMap(usFederalHolidays) };
}

const DAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** Intersects windows; null when they do not overlap. */
function intersect(a: LocalWindow, b: LocalWindow): LocalWindow | null {
  const start = minutes(a.start) >= minutes(b.start) ? a.start : b.start;
  const end = minutes(a.end) <= minutes(b.end) ? a.end : b.end;
  return minutes(start) < minutes(end) ? { start, end } : null;
}

type DayPlan = { window: LocalWindow | null; refusal?: 'NO_CALL_DAY' | 'HOLIDAY'; holiday?: string; label: string };

/**
 * The window on one local date. A region rule replaces the default window only
 * where it is stricter: it is intersected with the default, so shipped or edited
 * state data can never widen the federal hours. Schedule and queue windows narrow further.
 */
function planFor(date: DateTime, region: string | null | undefined, rules: CallingRules, narrowTo: LocalWindow[]): DayPlan {
  const rule = region ? rules.regions[region] : undefined;
  const label = rule ? region! : 'default';
  const iso = date.toISODate()!;
  const holiday = rules.holidays.find((h) => h.date === iso && (!h.regions || (region && h.regions.includes(region))) && (h.noCalls || rule?.noCallOnHolidays));
  if (holiday) return { window: null, refusal: 'HOLIDAY', holiday: holiday.name, label };
  let window: LocalWindow | null = rules.defaultWindow;
  if (rule) {
    const weekday = date.weekday as Weekday;
    const own = rule.days && weekday in rule.days ? rule.days[weekday]! : (rule.window ?? rules.defaultWindow);
    if (own === null) return { window: null, refusal: 'NO_CALL_DAY', label };
    window = intersect(window, own);
  }
  for (const n of narrowTo) window = window && intersect(window, n);
  return { window, label };
}

/**
 * The instant a local wall time falls at. A time skipped by the spring-forward gap
 * moves to the first instant after the gap; a time that occurs twice in the autumn
 * is taken at its first occurrence.
 */
function instant(date: DateTime, hhmm: string): number {
  const m = minutes(hhmm);
  const wall = date.set({ hour: Math.floor(m / 60), minute: m % 60, second: 0, millisecond: 0 });
  if (wall.hour * 60 + wall.minute !== m) {
    // In the gap: the first valid minute after it.
    let probe = date.set({ hour: Math.floor(m / 60), minute: 0, second: 0, millisecond: 0 });
    while (probe.hour * 60 + probe.minute < m && probe.day === date.day) probe = probe.plus({ minutes: 1 });
    return probe.toMillis();
  }
  const earlier = wall.minus({ hours: 1 });
  // The same wall time an hour earlier in absolute time means the first of two occurrences.
  if (earlier.hour === wall.hour && earlier.minute === wall.minute && earlier.day === wall.day) return earlier.toMillis();
  return wall.toMillis();
}

interface Interval {
  start: number;
  end: number;
}

/** Allowed intervals (UTC ms) in one zone over the local dates from `from` for `days` days. */
function intervals(zone: string, from: DateTime, days: number, region: string | null | undefined, rules: CallingRules, narrowTo: LocalWindow[]): Interval[] {
  const out: Interval[] = [];
  for (let i = 0; i < days; i++) {
    const date = from.plus({ days: i });
    const plan = planFor(date, region, rules, narrowTo);
    if (!plan.window) continue;
    const start = instant(date, plan.window.start);
    const end = plan.window.end === '24:00' ? date.plus({ days: 1 }).startOf('day').toMillis() : instant(date, plan.window.end);
    if (start < end) out.push({ start, end });
  }
  return out;
}

function intersectAll(lists: Interval[][]): Interval[] {
  return lists.reduce((acc, list) => {
    const out: Interval[] = [];
    for (const a of acc) for (const b of list) {
      const s = Math.max(a.start, b.start);
      const e = Math.min(a.end, b.end);
      if (s < e) out.push({ start: s, end: e });
    }
    return out.sort((x, y) => x.start - y.start);
  });
}

/**
 * Whether a call or text may be made at `at` to someone in `zones` (all of them,
 * when the zone is uncertain), why not, and the earliest instant it may.
 */
export function evaluateCallingWindow(input: { at: Date; zones: string[]; region?: string | null; rules: CallingRules; narrowTo?: LocalWindow[] }): WindowDecision {
  const { at, zones, region, rules } = input;
  const narrowTo = input.narrowTo ?? [];
  const t = at.getTime();
  const reasons: WindowRefusal[] = [];
  for (const zone of zones) {
    const local = DateTime.fromMillis(t, { zone });
    const plan = planFor(local, region, rules, narrowTo);
    const hhmm = local.toFormat('HH:mm');
    if (plan.refusal === 'HOLIDAY') {
      reasons.push({ code: 'HOLIDAY', message: `It is ${plan.holiday} in ${zone}; no calls on holidays (${plan.label})` });
    } else if (plan.refusal === 'NO_CALL_DAY') {
      reasons.push({ code: 'NO_CALL_DAY', message: `It is ${DAY_NAMES[local.weekday]} in ${zone}; no calls on ${DAY_NAMES[local.weekday]}s (${plan.label})` });
    } else if (!plan.window) {
      reasons.push({ code: 'OUTSIDE_HOURS', message: `No calling window is left on ${local.toISODate()} in ${zone} once narrowed` });
    } else {
      const today = intervals(zone, local.startOf('day'), 1, region, rules, narrowTo)[0];
      if (!today || t < today.start || t >= today.end) {
        reasons.push({ code: 'OUTSIDE_HOURS', message: `It is ${hhmm} in ${zone}; calls are allowed ${plan.window.start}–${plan.window.end} (${plan.label})` });
      }
    }
  }
  if (!reasons.length) return { allowed: true, reasons, nextAllowedAt: at };
  // Look a few days ahead first, and further only when nothing opens (holidays, no-call days).
  let next: Interval | undefined;
  for (const days of [3, 10, 40, 370]) {
    const lists = zones.map((zone) => intervals(zone, DateTime.fromMillis(t, { zone }).startOf('day').minus({ days: 1 }), days, region, rules, narrowTo));
    next = intersectAll(lists).find((iv) => iv.end > t);
    if (next) break;
  }
  const unique = reasons.filter((r, i) => reasons.findIndex((o) => o.message === r.message) === i);
  return { allowed: false, reasons: unique, nextAllowedAt: next ? new Date(Math.max(t, next.start)) : null };
}

const HHMM = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const REGION_KEY = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;

/** Checks edited rules; returns one `{field, message}` per problem (empty when valid). */
export function validateCallingRules(input: unknown): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const window = (v: unknown, field: string) => {
    if (!isObj(v)) return problems.push({ field, message: 'must be {start, end}' });
    for (const k of ['start', 'end'] as const) {
      if (typeof v[k] !== 'string' || !HHMM.test(v[k] as string)) problems.push({ field: `${field}.${k}`, message: 'must be a time HH:mm' });
    }
    if (typeof v.start === 'string' && typeof v.end === 'string' && HHMM.test(v.start) && HHMM.test(v.end) && minutes(v.start) >= minutes(v.end)) {
      problems.push({ field, message: 'must end after it starts' });
    }
  };
  if (!isObj(input)) return [{ field: 'body', message: 'must be an object' }];
  window(input.defaultWindow, 'defaultWindow');
  if (!isObj(input.regions)) problems.push({ field: 'regions', message: 'must be an object keyed by region (e.g. US-FL)' });
  else {
    for (const [key, rule] of Object.entries(input.regions)) {
      const f = `regions.${key}`;
      if (!REGION_KEY.test(key)) problems.push({ field: f, message: 'is not a region code like US-FL' });
      if (!isObj(rule)) {
        problems.push({ field: f, message: 'must be an object' });
        continue;
      }
      if (typeof rule.label !== 'string' || !rule.label) problems.push({ field: `${f}.label`, message: 'is required' });
      if (rule.window !== undefined) window(rule.window, `${f}.window`);
      if (rule.days !== undefined) {
        if (!isObj(rule.days)) problems.push({ field: `${f}.days`, message: 'must be an object keyed by weekday 1-7' });
        else
          for (const [d, w] of Object.entries(rule.days)) {
            if (!/^[1-7]$/.test(d)) problems.push({ field: `${f}.days.${d}`, message: 'is not a weekday 1 (Monday) to 7 (Sunday)' });
            else if (w !== null) window(w, `${f}.days.${d}`);
          }
      }
      for (const cap of ['maxCallsPer24h', 'maxCallsPerDay'] as const) {
        const v = rule[cap];
        if (v !== undefined && (!Number.isInteger(v) || (v as number) < 1)) problems.push({ field: `${f}.${cap}`, message: 'must be a whole number of at least 1' });
      }
      if (rule.noCallOnHolidays !== undefined && typeof rule.noCallOnHolidays !== 'boolean') problems.push({ field: `${f}.noCallOnHolidays`, message: 'must be true or false' });
    }
  }
  if (!Array.isArray(input.holidays)) problems.push({ field: 'holidays', message: 'must be a list' });
  else
    input.holidays.forEach((h, i) => {
      const f = `holidays[${i}]`;
      if (!isObj(h)) return problems.push({ field: f, message: 'must be {date, name}' });
      if (typeof h.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(h.date) || !DateTime.fromISO(h.date).isValid) problems.push({ field: `${f}.date`, message: 'must be a date YYYY-MM-DD' });
      if (typeof h.name !== 'string' || !h.name) problems.push({ field: `${f}.name`, message: 'is required' });
    });
  return problems;
}
