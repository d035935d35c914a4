import { describe, expect, it } from '@jest/globals';
import { clock, due, utcToZonedInput, withConversation, zonedToUtc } from './format.js';

describe('format', () => {
  it.each([
    [0, '0:00'],
    [75, '1:15'],
    [3725, '1:02:05'],
    [-4, '0:00'],
  ])('clock(%p) is %p', (s, out) => expect(clock(s)).toBe(out));

  it("brings a lead's recent conversations up to date from a call's update: replaced in place, or first, five at most", () => {
    const list = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, status: 'queued' }));
    expect(withConversation(list, { id: 'c', status: 'in-progress' }).map((c) => `${c.id}:${c.status}`)).toEqual(['a:queued', 'b:queued', 'c:in-progress', 'd:queued', 'e:queued']);
    expect(withConversation(list, { id: 'f', status: 'ringing' }).map((c) => c.id)).toEqual(['f', 'a', 'b', 'c', 'd']);
    expect(withConversation([], { id: 'f', status: 'ringing' })).toEqual([{ id: 'f', status: 'ringing' }]);
  });

  it('says when work is due relative to now', () => {
    const now = Date.parse('2026-03-02T17:00:00.000Z');
    expect(due('2026-03-02T17:00:20.000Z', now)).toBe('now');
    expect(due('2026-03-02T17:05:00.000Z', now)).toBe('in 5 min');
    expect(due('2026-03-02T16:48:00.000Z', now)).toBe('12 min ago');
  });

  it.each([
    ['2026-03-03T09:30', 'America/New_York', '2026-03-03T14:30:00.000Z'],
    ['2026-07-03T09:30', 'America/New_York', '2026-07-03T13:30:00.000Z'],
    ['2026-03-08T03:30', 'America/New_York', '2026-03-08T07:30:00.000Z'],
    ['2026-03-03T09:30', 'America/Los_Angeles', '2026-03-03T17:30:00.000Z'],
    ['2026-03-03T09:30', 'Asia/Kolkata', '2026-03-03T04:00:00.000Z'],
  ])('%s in %s is %s', (local, zone, utc) => {
    expect(zonedToUtc(local, zone).toISOString()).toBe(utc);
    expect(utcToZonedInput(new Date(utc), zone)).toBe(local);
  });
});
