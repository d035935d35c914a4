import { DateTime } from 'luxon';

/**
 * When step automations fire (pure; the engine calls these with the schedule's zone).
 *
 * - `enter`: when the lead enters the step, after a delay of days + weeks + months added
 *   together (all zero: at once).
 * - `complete`: when the lead completes the step, at once.
 * - `pending`: after the lead has been on the step for a duration; optionally again every
 *   N days, weeks or months, up to a maximum count of firings in all.
 *
 * Calendar arithmetic runs in the schedule's time zone, so "1 month" after 31 January is
 * the last day of February and a day stays a day across a DST change.
 */

export type RepeatUnit = 'days' | 'weeks' | 'months';

export interface DelayParts {
  days?: number;
  weeks?: number;
  months?: number;
}

export type AutomationTrigger =
  | { kind: 'enter'; delay?: DelayParts }
  | { kind: 'complete' }
  | { kind: 'pending'; after: DelayParts; repeat?: { every: number; unit: RepeatUnit; maxTimes: number } | null };

function add(at: Date, d: DelayParts, zone: string): Date {
  return DateTime.fromJSDate(at, { zone })
    .plus({ months: d.months ?? 0, weeks: d.weeks ?? 0, days: d.days ?? 0 })
    .toJSDate();
}

/** When the automation first fires for a lead that entered the step at `enteredAt`; null for `complete` (it fires on the event). */
export function firstFireAt(t: AutomationTrigger, enteredAt: Date, zone: string): Date | null {
  if (t.kind === 'complete') return null;
  if (t.kind === 'enter') return add(enteredAt, t.delay ?? {}, zone);
  return add(enteredAt, t.after, zone);
}

/**
 * After the automation fired `firedTimes` times (the last at `lastFiredAt`), when it fires
 * next; null when it does not repeat or has reached its maximum.
 */
export function nextFireAt(t: AutomationTrigger, lastFiredAt: Date, firedTimes: number, zone: string): Date | null {
  if (t.kind !== 'pending' || !t.repeat) return null;
  if (firedTimes >= t.repeat.maxTimes) return null;
  return add(lastFiredAt, { [t.repeat.unit]: t.repeat.every }, zone);
}

const plural = (n: number, unit: string) => `${n} ${n === 1 ? unit.replace(/s$/, '') : unit}`;

function duration(d: DelayParts): string {
  const parts = (['months', 'weeks', 'days'] as const).filter((u) => (d[u] ?? 0) > 0).map((u) => plural(d[u] as number, u));
  return parts.length ? parts.join(', ') : '';
}

/** The trigger in plain words, as the schedule editor shows it. */
export function describeTrigger(t: AutomationTrigger): string {
  if (t.kind === 'complete') return 'When the lead completes this step';
  if (t.kind === 'enter') {
    const d = duration(t.delay ?? {});
    return d ? `${d} after the lead enters this step` : 'When the lead enters this step';
  }
  const first = `After ${duration(t.after) || 'no time'} on this step`;
  if (!t.repeat) return first;
  const every = t.repeat.every === 1 ? plural(1, t.repeat.unit).replace(/^1 /, '') : plural(t.repeat.every, t.repeat.unit);
  return `${first}. Repeats every ${every}, up to ${plural(t.repeat.maxTimes, 'times')}`;
}

/** Problems with a trigger, named by path (`<prefix>.after.days`…). */
export function validateTrigger(input: unknown, prefix: string): Array<{ field: string; message: string }> {
  const t = input as Record<string, unknown> | null;
  if (!t || typeof t !== 'object') return [{ field: prefix, message: 'must be an object' }];
  const issues: Array<{ field: string; message: string }> = [];
  const checkParts = (v: unknown, at: string, required: boolean) => {
    if (v === undefined && !required) return;
    const d = v as Record<string, unknown> | null;
    if (!d || typeof d !== 'object') return issues.push({ field: at, message: 'must give days, weeks and/or months' });
    for (const [k, n] of Object.entries(d)) {
      if (!['days', 'weeks', 'months'].includes(k)) issues.push({ field: `${at}.${k}`, message: 'must be days, weeks or months' });
      else if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > 3650) issues.push({ field: `${at}.${k}`, message: 'must be a whole number from 0 to 3650' });
    }
    if (required && !(['days', 'weeks', 'months'] as const).some((k) => typeof d[k] === 'number' && (d[k] as number) > 0)) issues.push({ field: at, message: 'must be longer than nothing' });
  };
  if (t.kind === 'enter') checkParts(t.delay, `${prefix}.delay`, false);
  else if (t.kind === 'pending') {
    checkParts(t.after, `${prefix}.after`, true);
    if (t.repeat !== undefined && t.repeat !== null) {
      const r = t.repeat as Record<string, unknown>;
      if (!Number.isInteger(r.every) || (r.every as number) < 1 || (r.every as number) > 365) issues.push({ field: `${prefix}.repeat.every`, message: 'must be a whole number from 1 to 365' });
      if (!['days', 'weeks', 'months'].includes(r.unit as string)) issues.push({ field: `${prefix}.repeat.unit`, message: 'must be days, weeks or months' });
      if (!Number.isInteger(r.maxTimes) || (r.maxTimes as number) < 1 || (r.maxTimes as number) > 100) issues.push({ field: `${prefix}.repeat.maxTimes`, message: 'must be a whole number from 1 to 100' });
    }
  } else if (t.kind !== 'complete') issues.push({ field: `${prefix}.kind`, message: 'must be enter, complete or pending' });
  return issues;
}
