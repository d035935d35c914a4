import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CALL_STATUSES, type ConversationTimes, isFinal, transition } from './conversation-state.js';

const fresh = (): ConversationTimes => ({ status: 'queued', ringingAt: null, answeredAt: null, endedAt: null, durationSeconds: null, answeredBy: null });
const at = (s: number) => new Date(Date.UTC(2026, 2, 2, 15, 0, s));

function apply(c: ConversationTimes, status: string, s: number, extra: { durationSeconds?: number; answeredBy?: string } = {}): ConversationTimes {
  return { ...c, ...transition('call', c, { status, at: at(s), ...extra }).patch };
}

describe('conversation state machine', () => {
  it('walks a call forward and takes the duration from the carrier', () => {
    let c = fresh();
    c = apply(c, 'initiated', 1);
    c = apply(c, 'ringing', 2);
    c = apply(c, 'in-progress', 10, { answeredBy: 'human' });
    c = apply(c, 'completed', 70, { durationSeconds: 60 });
    expect(c).toEqual({ status: 'completed', ringingAt: at(2), answeredAt: at(10), endedAt: at(70), durationSeconds: 60, answeredBy: 'human' });
  });

  it('ignores a duplicate and never moves back; a late ringing still fills its time', () => {
    let c = apply(fresh(), 'in-progress', 10);
    expect(transition('call', c, { status: 'in-progress', at: at(11) })).toEqual({ advanced: false, patch: {} });
    c = apply(c, 'completed', 40, { durationSeconds: 30 });
    c = apply(c, 'ringing', 2);
    expect(c).toMatchObject({ status: 'completed', ringingAt: at(2), answeredAt: at(10), endedAt: at(40), durationSeconds: 30 });
    expect(transition('call', c, { status: 'busy', at: at(50) })).toEqual({ advanced: false, patch: {} });
  });

  it('a final status that is not completed has zero duration; unanswered calls have no answer time', () => {
    const c = apply(apply(fresh(), 'ringing', 2), 'no-answer', 32);
    expect(c).toMatchObject({ status: 'no-answer', answeredAt: null, endedAt: at(32), durationSeconds: 0 });
  });

  it('a completed call whose in-progress callback was lost gets its answer time from the duration', () => {
    expect(apply(fresh(), 'completed', 100, { durationSeconds: 45 })).toMatchObject({ status: 'completed', answeredAt: at(55), durationSeconds: 45 });
  });

  it('whatever the order and repetition of callbacks, the result is the one the forward order gives', () => {
    const events = [
      { status: 'initiated', s: 1 },
      { status: 'ringing', s: 2 },
      { status: 'in-progress', s: 10 },
      { status: 'completed', s: 70, durationSeconds: 60 },
    ];
    const forward = events.reduce((c, e) => apply(c, e.status, e.s, e), fresh());
    // Every event at least once, some repeated, in any order.
    const orders = fc
      .array(fc.integer({ min: 0, max: 3 }), { maxLength: 8 })
      .chain((extra) => {
        const all = [0, 1, 2, 3, ...extra];
        return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
      });
    fc.assert(
      fc.property(orders, (order) => {
        const result = order.reduce((c, i) => apply(c, events[i].status, events[i].s, events[i]), fresh());
        expect(result).toEqual(forward);
      }),
      { numRuns: 200 },
    );
  });

  it('knows which statuses are final', () => {
    expect(CALL_STATUSES.filter((s) => isFinal('call', s))).toEqual(['completed', 'busy', 'no-answer', 'failed', 'canceled']);
  });
});
