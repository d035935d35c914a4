import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { US_ZONES, zonesForNumber } from '../phone/area-codes.js';
import { evaluateCallingWindow, loadDefaultCallingRules, type LocalWindow } from './calling-window.js';
import { usFederalHolidays } from './holidays.js';

const rules = loadDefaultCallingRules([2026, 2027]);
const check = (at: string, zones: string[], region?: string, narrowTo?: LocalWindow[]) => evaluateCallingWindow({ at: new Date(at), zones, region, rules, narrowTo });

describe('calling window', () => {
  // Monday 2 March 2026 (standard time everywhere in the US).
  it.each([
    ['America/New_York', '2026-03-02T12:59:00Z', false, '2026-03-02T13:00:00.000Z'],
    ['America/New_York', '2026-03-02T13:00:00Z', true, '2026-03-02T13:00:00.000Z'],
    ['America/New_York', '2026-03-03T01:59:00Z', true, '2026-03-03T01:59:00.000Z'],
    ['America/New_York', '2026-03-03T02:00:00Z', false, '2026-03-03T13:00:00.000Z'],
    ['America/Chicago', '2026-03-02T13:30:00Z', false, '2026-03-02T14:00:00.000Z'],
    ['America/Denver', '2026-03-02T15:00:00Z', true, '2026-03-02T15:00:00.000Z'],
    ['America/Phoenix', '2026-03-02T14:59:00Z', false, '2026-03-02T15:00:00.000Z'],
    ['America/Los_Angeles', '2026-03-03T05:00:00Z', false, '2026-03-03T16:00:00.000Z'],
    ['America/Anchorage', '2026-03-02T17:00:00Z', true, '2026-03-02T17:00:00.000Z'],
    ['America/Adak', '2026-03-02T17:59:00Z', false, '2026-03-02T18:00:00.000Z'],
    ['Pacific/Honolulu', '2026-03-02T18:00:00Z', true, '2026-03-02T18:00:00.000Z'],
    ['America/Puerto_Rico', '2026-03-03T01:00:00Z', false, '2026-03-03T12:00:00.000Z'],
    ['Pacific/Guam', '2026-03-02T21:59:00Z', false, '2026-03-02T22:00:00.000Z'],
    ['Pacific/Pago_Pago', '2026-03-02T19:00:00Z', true, '2026-03-02T19:00:00.000Z'],
  ])('%s at %s: allowed %s, next %s', (zone, at, allowed, next) => {
    const d = check(at, [zone]);
    expect(d.allowed).toBe(allowed);
    expect(d.nextAllowedAt?.toISOString()).toBe(next);
    if (!allowed) expect(d.reasons[0].code).toBe('OUTSIDE_HOURS');
  });

  it('spring forward: a window opening inside the skipped hour opens when the gap ends', () => {
    // 8 March 2026, New York: 02:00 EST jumps to 03:00 EDT (07:00Z).
    const early = { ...rules, defaultWindow: { start: '02:30', end: '21:00' } };
    const d = evaluateCallingWindow({ at: new Date('2026-03-08T06:30:00Z'), zones: ['America/New_York'], rules: early });
    expect(d.allowed).toBe(false);
    expect(d.nextAllowedAt?.toISOString()).toBe('2026-03-08T07:00:00.000Z');
    // 08:00 EDT on that day is 12:00Z, not 13:00Z.
    expect(check('2026-03-08T11:59:00Z', ['America/New_York']).nextAllowedAt?.toISOString()).toBe('2026-03-08T12:00:00.000Z');
  });

  it('fall back: a window ending in the repeated hour ends at its first occurrence', () => {
    // 1 November 2026, New York: 01:00–02:00 EDT repeats as 01:00–02:00 EST. 01:30 EDT = 05:30Z.
    const narrow = [{ start: '00:00', end: '01:30' }];
    expect(check('2026-11-01T05:29:00Z', ['America/New_York'], undefined, narrow).allowed).toBe(false); // 00:00-01:30 is outside 08:00-21:00 anyway
    const late = check('2026-11-01T05:29:00Z', ['America/New_York'], undefined, [{ start: '08:00', end: '21:00' }]);
    expect(late.nextAllowedAt?.toISOString()).toBe('2026-11-01T13:00:00.000Z'); // 08:00 EST
    // 21:00 EST on 1 Nov is 02:00Z on the 2nd.
    expect(check('2026-11-02T01:59:00Z', ['America/New_York']).allowed).toBe(true);
    expect(check('2026-11-02T02:00:00Z', ['America/New_York']).allowed).toBe(false);
  });

  it('an uncertain zone: allowed only when the window is open in every candidate', () => {
    // 13:30Z = 08:30 in New York but 07:30 in Chicago.
    const d = check('2026-03-02T13:30:00Z', ['America/Chicago', 'America/New_York']);
    expect(d.allowed).toBe(false);
    expect(d.nextAllowedAt?.toISOString()).toBe('2026-03-02T14:00:00.000Z');
    // Unknown zone: all US zones. Open in New York at 14:00Z (09:00) but not in Honolulu (04:00).
    const unknown = check('2026-03-02T14:00:00Z', [...US_ZONES]);
    expect(unknown.allowed).toBe(false);
    expect(unknown.nextAllowedAt?.toISOString()).toBe('2026-03-02T18:00:00.000Z'); // 08:00 in Honolulu and Adak (UTC-10)
  });

  it('state overrides: Florida stops at 20:00, Texas opens at noon on Sundays, Rhode Island never on Sundays', () => {
    expect(check('2026-03-03T01:30:00Z', ['America/New_York'], 'US-FL')).toMatchObject({ allowed: false });
    expect(check('2026-03-03T01:30:00Z', ['America/New_York'], 'US-NY')).toMatchObject({ allowed: true });
    // Sunday 1 March 2026, 10:00 in Chicago = 16:00Z.
    const tx = check('2026-03-01T16:00:00Z', ['America/Chicago'], 'US-TX');
    expect(tx.allowed).toBe(false);
    expect(tx.nextAllowedAt?.toISOString()).toBe('2026-03-01T18:00:00.000Z');
    const ri = check('2026-03-01T16:00:00Z', ['America/New_York'], 'US-RI');
    expect(ri.reasons[0].code).toBe('NO_CALL_DAY');
    expect(ri.nextAllowedAt?.toISOString()).toBe('2026-03-02T14:00:00.000Z'); // Monday 09:00 EST
  });

  it('holidays by the lead\'s local date, for regions that bar holiday calls', () => {
    // 26 Dec 2026 03:00Z is still Christmas evening (22:00 EST 25 Dec), and inside 8-21? No: 22:00. Use 20:00 EST = 01:00Z.
    const ut = check('2026-12-26T01:00:00Z', ['America/Denver'], 'US-UT'); // 18:00 MST on 25 Dec
    expect(ut.reasons.map((r) => r.code)).toEqual(['HOLIDAY']);
    expect(ut.reasons[0].message).toContain('Christmas Day');
    expect(check('2026-12-26T01:00:00Z', ['America/Denver'], 'US-CO').allowed).toBe(true);
  });

  it('a schedule may narrow the window but never widen it', () => {
    expect(check('2026-03-02T14:30:00Z', ['America/New_York'], undefined, [{ start: '10:00', end: '16:00' }]).allowed).toBe(false);
    expect(check('2026-03-02T15:30:00Z', ['America/New_York'], undefined, [{ start: '10:00', end: '16:00' }]).allowed).toBe(true);
    expect(check('2026-03-02T12:00:00Z', ['America/New_York'], undefined, [{ start: '06:00', end: '23:00' }]).allowed).toBe(false);
  });

  it('federal holidays fall on their observed dates', () => {
    const y2026 = Object.fromEntries(usFederalHolidays(2026).map((h) => [h.name, h.date]));
    expect(y2026).toMatchObject({
      "New Year's Day": '2026-01-01',
      'Martin Luther King Jr. Day': '2026-01-19',
      'Memorial Day': '2026-05-25',
      'Independence Day': '2026-07-03',
      'Thanksgiving Day': '2026-11-26',
      'Christmas Day': '2026-12-25',
    });
    expect(Object.fromEntries(usFederalHolidays(2027).map((h) => [h.name, h.date]))).toMatchObject({ 'Christmas Day': '2027-12-24', Juneteenth: '2027-06-18' });
  });

  const zone = fc.constantFrom('America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'Pacific/Honolulu', 'America/Anchorage');
  const instant = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') }).map((n) => new Date(n));
  const region = fc.constantFrom(undefined, 'US-FL', 'US-TX', 'US-RI', 'US-UT', 'US-NY');

  it('property: nextAllowedAt is allowed, not before `at`, and nothing between them is', () => {
    fc.assert(
      fc.property(instant, fc.array(zone, { minLength: 1, maxLength: 3 }), region, fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 5, maxLength: 5 }), (at, zones, reg, samples) => {
        const d = evaluateCallingWindow({ at, zones, region: reg, rules });
        if (d.allowed) return expect(d.nextAllowedAt).toEqual(at);
        expect(d.nextAllowedAt).not.toBeNull();
        const next = d.nextAllowedAt!.getTime();
        expect(next).toBeGreaterThan(at.getTime());
        expect(evaluateCallingWindow({ at: d.nextAllowedAt!, zones, region: reg, rules }).allowed).toBe(true);
        for (const s of samples) {
          const probe = at.getTime() + Math.floor(((next - at.getTime()) * s) / 1_000_001);
          expect(evaluateCallingWindow({ at: new Date(probe), zones, region: reg, rules }).allowed).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: allowed across several zones means allowed in each; narrowing never turns a refusal into an allowance', () => {
    fc.assert(
      fc.property(instant, fc.array(zone, { minLength: 1, maxLength: 3 }), region, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 24 }), (at, zones, reg, s, len) => {
        const all = evaluateCallingWindow({ at, zones, region: reg, rules });
        if (all.allowed) for (const z of zones) expect(evaluateCallingWindow({ at, zones: [z], region: reg, rules }).allowed).toBe(true);
        const end = Math.min(24, s + len);
        const narrow = { start: `${String(s).padStart(2, '0')}:00`, end: `${String(end).padStart(2, '0')}:00` };
        if (!all.allowed) expect(evaluateCallingWindow({ at, zones, region: reg, rules, narrowTo: [narrow] }).allowed).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('zonesForNumber', () => {
  it.each([
    ['+12125550100', 'US-NY', ['America/New_York']],
    ['+18085550100', 'US-HI', ['Pacific/Honolulu']],
    ['+14165550100', 'CA-ON', ['America/Toronto']],
    ['+18505550100', 'US-FL', ['America/Chicago', 'America/New_York']],
    ['+17875550100', 'US-PR', ['America/Puerto_Rico']],
  ])('%s → %s %j', (n, region, zones) => {
    expect(zonesForNumber(n)).toEqual({ region, zones, source: 'area-code' });
  });

  it('unknown area codes and numbers outside North America give null', () => {
    expect(zonesForNumber('+15555550100')).toBeNull();
    expect(zonesForNumber('+442079460958')).toBeNull();
  });

  it('every zone in the table is a real zone', () => {
    for (const z of US_ZONES) expect(() => new Intl.DateTimeFormat('en-US', { timeZone: z })).not.toThrow();
  });
});
