import { describe, expect, it } from '@jest/globals';
import { type AutomationTrigger, describeTrigger, firstFireAt, nextFireAt, validateTrigger } from './automation-timing.js';

const NY = 'America/New_York';
const at = (iso: string) => new Date(iso);

describe('step automation timing', () => {
  it.each<[string, AutomationTrigger, string, string | null]>([
    ['enter with no delay fires at once', { kind: 'enter' }, '2026-03-02T15:00:00.000Z', '2026-03-02T15:00:00.000Z'],
    ['enter: days + weeks + months add up', { kind: 'enter', delay: { days: 2, weeks: 1, months: 1 } }, '2026-01-10T15:00:00.000Z', '2026-02-19T15:00:00.000Z'],
    ['a month after 31 January is the end of February', { kind: 'enter', delay: { months: 1 } }, '2026-01-31T15:00:00.000Z', '2026-02-28T15:00:00.000Z'],
    ['a day stays a wall-clock day across the spring DST change', { kind: 'pending', after: { days: 1 } }, '2026-03-07T15:00:00.000Z', '2026-03-08T14:00:00.000Z'],
    ['complete fires on the event, not on a clock', { kind: 'complete' }, '2026-03-02T15:00:00.000Z', null],
  ])('%s', (_name, trigger, entered, expected) => {
    expect(firstFireAt(trigger, at(entered), NY)?.toISOString() ?? null).toBe(expected);
  });

  it('repeats every N units up to the maximum count, counted from the last firing', () => {
    const t: AutomationTrigger = { kind: 'pending', after: { weeks: 1 }, repeat: { every: 3, unit: 'weeks', maxTimes: 4 } };
    const fired: string[] = [];
    let last = firstFireAt(t, at('2026-01-05T14:00:00.000Z'), NY);
    let times = 0;
    while (last) {
      fired.push(last.toISOString().slice(0, 10));
      times++;
      last = nextFireAt(t, last, times, NY);
    }
    expect(fired).toEqual(['2026-01-12', '2026-02-02', '2026-02-23', '2026-03-16']);
    expect(nextFireAt({ kind: 'pending', after: { days: 1 } }, at('2026-01-05T14:00:00.000Z'), 1, NY)).toBeNull();
    expect(nextFireAt({ kind: 'enter' }, at('2026-01-05T14:00:00.000Z'), 1, NY)).toBeNull();
  });

  it.each<[AutomationTrigger, string]>([
    [{ kind: 'enter' }, 'When the lead enters this step'],
    [{ kind: 'enter', delay: { days: 2, weeks: 1 } }, '1 week, 2 days after the lead enters this step'],
    [{ kind: 'complete' }, 'When the lead completes this step'],
    [{ kind: 'pending', after: { days: 3 } }, 'After 3 days on this step'],
    [{ kind: 'pending', after: { weeks: 2 }, repeat: { every: 3, unit: 'weeks', maxTimes: 4 } }, 'After 2 weeks on this step. Repeats every 3 weeks, up to 4 times'],
    [{ kind: 'pending', after: { months: 1 }, repeat: { every: 1, unit: 'months', maxTimes: 1 } }, 'After 1 month on this step. Repeats every month, up to 1 time'],
  ])('describes %j as "%s"', (t, text) => {
    expect(describeTrigger(t)).toBe(text);
  });

  it('names each problem of a bad trigger', () => {
    expect(validateTrigger({ kind: 'later' }, 'automations[0].trigger')).toEqual([{ field: 'automations[0].trigger.kind', message: 'must be enter, complete or pending' }]);
    expect(validateTrigger({ kind: 'pending', after: { days: 0, hours: 2 }, repeat: { every: 0, unit: 'years', maxTimes: 0 } }, 't').map((i) => i.field)).toEqual(['t.after.hours', 't.after', 't.repeat.every', 't.repeat.unit', 't.repeat.maxTimes']);
    expect(validateTrigger({ kind: 'enter', delay: { days: -1 } }, 't')).toEqual([{ field: 't.delay.days', message: 'must be a whole number from 0 to 3650' }]);
    expect(validateTrigger({ kind: 'complete' }, 't')).toEqual([]);
  });
});
