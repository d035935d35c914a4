import { describe, expect, it } from '@jest/globals';
import { expectedAbandonShare, type PacingInput, predictiveLines } from './pacing.js';

const base: PacingInput = { ready: 10, finishing: 0, ringing: 0, waiting: 0, answerRate: 0.25, abandon30d: 0, abandonToday: 0, answeredToday: 0, cap: 0.03, maxLinesPerAgent: 4 };

describe('predictive pacing', () => {
  it('the expected abandon share grows with the lines and is zero when there are no more lines than agents', () => {
    expect(expectedAbandonShare(5, 0.5, 5)).toBe(0);
    const a = expectedAbandonShare(20, 0.25, 5);
    const b = expectedAbandonShare(30, 0.25, 5);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
    // Every call answered and one agent short of the lines: a fifth of the answered calls find nobody.
    expect(expectedAbandonShare(5, 1, 4)).toBeCloseTo(0.2, 10);
  });

  it('dials more lines than agents from the answer rate, keeping the expected abandon share under a third of the cap', () => {
    const d = predictiveLines(base);
    expect(d.lines).toBeGreaterThan(10);
    expect(d.lines).toBeLessThanOrEqual(40);
    expect(expectedAbandonShare(d.lines, 0.25, 10)).toBeLessThanOrEqual(0.01);
    expect(expectedAbandonShare(d.lines + 1, 0.25, 10)).toBeGreaterThan(0.01);
  });

  it('a lower answer rate means more lines; the per-agent maximum caps them', () => {
    const low = predictiveLines({ ...base, answerRate: 0.1 });
    const high = predictiveLines({ ...base, answerRate: 0.4 });
    expect(low.lines).toBeGreaterThan(high.lines);
    expect(predictiveLines({ ...base, answerRate: 0.02, maxLinesPerAgent: 2 }).lines).toBe(20);
  });

  it('counts the calls already ringing and the agents about to finish', () => {
    const idle = predictiveLines(base);
    expect(predictiveLines({ ...base, ringing: 5 }).lines).toBe(idle.lines - 5);
    expect(predictiveLines({ ...base, finishing: 4 }).lines).toBeGreaterThan(idle.lines);
  });

  it('one line per agent while learning the rate, and once the measured abandon rate reaches the cap', () => {
    expect(predictiveLines({ ...base, answerRate: null })).toMatchObject({ lines: 10, ratio: 1 });
    expect(predictiveLines({ ...base, abandon30d: 0.031 })).toMatchObject({ lines: 10, ratio: 1 });
    // Today's rate counts only on enough answered calls.
    expect(predictiveLines({ ...base, abandonToday: 0.2, answeredToday: 5 }).lines).toBe(idle(base));
    expect(predictiveLines({ ...base, abandonToday: 0.2, answeredToday: 50 })).toMatchObject({ lines: 10 });
    // Nearing the cap, the pacer backs off.
    expect(predictiveLines({ ...base, abandon30d: 0.025 }).lines).toBeLessThan(predictiveLines(base).lines);
  });

  it('dials nothing without a ready agent, or while answered calls wait for the ready ones', () => {
    expect(predictiveLines({ ...base, ready: 0, finishing: 6 }).lines).toBe(0);
    expect(predictiveLines({ ...base, ready: 2, waiting: 2 }).lines).toBe(0);
    expect(predictiveLines({ ...base, waiting: 3 }).lines).toBe(predictiveLines({ ...base, ready: 7 }).lines);
  });

  it('agents about to finish count only while the abandon rate is well under the cap', () => {
    expect(predictiveLines({ ...base, finishing: 4 }).lines).toBeGreaterThan(predictiveLines(base).lines);
    expect(predictiveLines({ ...base, finishing: 4, abandon30d: 0.02 }).lines).toBe(predictiveLines({ ...base, abandon30d: 0.02 }).lines);
  });
});

function idle(i: PacingInput): number {
  return predictiveLines(i).lines;
}
