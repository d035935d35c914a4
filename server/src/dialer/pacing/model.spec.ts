import { describe, expect, it } from '@jest/globals';
import { Durations, MIN_SEGMENT, boundsOf, shrinkToward, wilson } from './estimates.js';
import { type AgentNow, type FloorNow, answerEstimate, predictiveLines } from './model.js';

const ready = (n: number): AgentNow[] => Array.from({ length: n }, () => ({ state: 'ready', seconds: 0 }));
const seconds = (n: number, from: number, to: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

/** Ten ready agents, 25% answered over 400 calls, nothing abandoned yet. */
function floor(patch: Partial<FloorNow> = {}): FloorNow {
  return {
    agents: ready(10),
    ringing: [],
    waiting: 0,
    recent: { calls: 400, human: 100 },
    ringToAnswer: new Durations(seconds(100, 3, 15), 8),
    talk: new Durations(seconds(200, 30, 330), 180),
    wrap: new Durations(seconds(200, 5, 25), 15),
    ringSeconds: 20,
    abandon: { thirtyDays: { answered: 0, abandoned: 0 }, today: { answered: 0, abandoned: 0 }, lastHour: { answered: 0, abandoned: 0 } },
    target: 0.025,
    cap: 0.03,
    maxLinesPerAgent: 3,
    ...patch,
  };
}

describe('the pacer’s estimates', () => {
  it('the answer rate’s confidence bounds hold the measured share and shrink as calls are measured', () => {
    const small = wilson(5, 20);
    const large = wilson(250, 1000);
    for (const b of [small, large]) {
      expect(b.low).toBeLessThan(0.25);
      expect(b.high).toBeGreaterThan(0.25);
    }
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 3);
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('how likely a call that has lasted a while ends soon follows the measured durations', () => {
    const talk = new Durations([60, 120, 180, 240], 100);
    expect(talk.endsWithin(0, 70)).toBeCloseTo(0.25, 10);
    // Past three of the four: the last one remains, ending within a minute.
    expect(talk.endsWithin(185, 60)).toBeCloseTo(1, 10);
    expect(talk.endsWithin(0, 0)).toBe(0);
  });
});

describe('predictive pacing on the floor model', () => {
  it('places more lines than ready agents from the answer rate, never more than the line limit per agent', () => {
    const d = predictiveLines(floor());
    expect(d.lines).toBeGreaterThan(10);
    expect(d.lines).toBeLessThanOrEqual(30);
    expect(d.predicted).toBeLessThanOrEqual(d.aim);
    expect(predictiveLines(floor({ recent: { calls: 1000, human: 20 }, maxLinesPerAgent: 2 })).lines).toBe(20);
    // Agents talking a long time count toward the limit; nothing rings past it.
    const talking: AgentNow[] = [...ready(4), ...Array.from({ length: 6 }, () => ({ state: 'on_call' as const, seconds: 400 }))];
    const busy = predictiveLines(floor({ agents: talking, recent: { calls: 1000, human: 20 }, ringing: [1, 1, 1, 1, 1] }));
    expect(busy.lines + 5).toBeLessThanOrEqual(3 * 10);
  });

  it('a small sample dials fewer lines than a large one at the same answer rate', () => {
    const small = predictiveLines(floor({ recent: { calls: 40, human: 10 } }));
    const large = predictiveLines(floor({ recent: { calls: 2000, human: 500 } }));
    expect(small.answerRate as number).toBeGreaterThan(large.answerRate as number);
    expect(small.lines).toBeLessThan(large.lines);
    // Too few calls to trust: one line per ready agent.
    expect(predictiveLines(floor({ recent: { calls: 10, human: 3 } }))).toMatchObject({ lines: 10, ratio: 1, holdingBack: true });
  });

  it('counts agents about to be free, calls already ringing and answered calls waiting', () => {
    const base = predictiveLines(floor()).lines;
    const wrapping: AgentNow[] = [...ready(10), ...Array.from({ length: 5 }, () => ({ state: 'wrap_up' as const, seconds: 20 }))];
    expect(predictiveLines(floor({ agents: wrapping })).lines).toBeGreaterThan(base);
    expect(predictiveLines(floor({ ringing: [1, 1, 1, 1, 1] })).lines).toBeLessThan(base);
    expect(predictiveLines(floor({ waiting: 3 })).lines).toBeLessThan(base);
  });

  it('brakes when today’s or the last hour’s share runs above the target, down to one line per ready agent at the cap', () => {
    const base = predictiveLines(floor());
    const warm = predictiveLines(floor({ abandon: { thirtyDays: { answered: 0, abandoned: 0 }, today: { answered: 1000, abandoned: 27 }, lastHour: { answered: 0, abandoned: 0 } } }));
    expect(warm.lines).toBeLessThan(base.lines);
    expect(warm.holdingBack).toBe(true);
    expect(warm.why).toMatch(/today's abandon share 2\.70% \(27 of 1000, 2\.90% with 2 more\) is above the 2\.50% target/);
    const hot = predictiveLines(floor({ abandon: { thirtyDays: { answered: 0, abandoned: 0 }, today: { answered: 1000, abandoned: 31 }, lastHour: { answered: 0, abandoned: 0 } } }));
    expect(hot).toMatchObject({ lines: 10, ratio: 1 });
    // A small day brakes before its share reaches the cap: 5 of 228 (2.19%) is one line per ready agent, since two more would pass it.
    expect(predictiveLines(floor({ abandon: { thirtyDays: { answered: 0, abandoned: 0 }, today: { answered: 228, abandoned: 5 }, lastHour: { answered: 0, abandoned: 0 } } }))).toMatchObject({ lines: 10, ratio: 1 });
    // A day's first answers are dialed one line per ready agent.
    expect(predictiveLines(floor({ abandon: { thirtyDays: { answered: 0, abandoned: 0 }, today: { answered: 30, abandoned: 0 }, lastHour: { answered: 0, abandoned: 0 } } }))).toMatchObject({ lines: 10, ratio: 1 });
    // The last hour counts on its lower bound: a few unlucky calls do not brake, many do.
    expect(predictiveLines(floor({ abandon: { thirtyDays: { answered: 0, abandoned: 0 }, today: { answered: 0, abandoned: 0 }, lastHour: { answered: 40, abandoned: 2 } } })).lines).toBe(base.lines);
    expect(predictiveLines(floor({ abandon: { thirtyDays: { answered: 0, abandoned: 0 }, today: { answered: 0, abandoned: 0 }, lastHour: { answered: 2000, abandoned: 100 } } }))).toMatchObject({ lines: 10, ratio: 1 });
  });

  it('aims higher while the 30-day share is well under the target, lower above it', () => {
    const under = predictiveLines(floor({ abandon: { thirtyDays: { answered: 10_000, abandoned: 100 }, today: { answered: 0, abandoned: 0 }, lastHour: { answered: 0, abandoned: 0 } } }));
    const over = predictiveLines(floor({ abandon: { thirtyDays: { answered: 10_000, abandoned: 280 }, today: { answered: 0, abandoned: 0 }, lastHour: { answered: 0, abandoned: 0 } } }));
    expect(under.aim).toBeGreaterThan(over.aim);
    expect(under.lines).toBeGreaterThanOrEqual(over.lines);
  });

  it('dials nothing with no agent ready or about to be', () => {
    const talking: AgentNow[] = Array.from({ length: 10 }, () => ({ state: 'on_call' as const, seconds: 5 }));
    expect(predictiveLines(floor({ agents: talking })).lines).toBe(0);
    expect(predictiveLines(floor({ agents: [] })).lines).toBe(0);
  });
});

describe('the answer rate by hour of day and by list', () => {
  const rolling = { calls: 500, human: 125 };
  /** An hour answering 40% over `n` calls. */
  const hourOf = (n: number) => ({ calls: n, human: Math.round(n * 0.4) });

  it('a small hour stays close to the rolling rate; a large one is the hour’s own rate', () => {
    const roll = boundsOf(rolling);
    const tiny = shrinkToward(hourOf(MIN_SEGMENT - 1), roll);
    expect(tiny.weight).toBe(0);
    expect(tiny.high).toBeCloseTo(roll.high, 10);
    const small = shrinkToward(hourOf(40), roll);
    expect(Math.abs(small.rate - roll.rate)).toBeLessThan(Math.abs(small.rate - 0.4));
    const large = shrinkToward(hourOf(10_000), roll);
    expect(large.weight).toBeGreaterThan(0.95);
    expect(large.rate).toBeCloseTo(0.4, 1);
    expect(large.high).toBeCloseTo(wilson(4000, 10_000).high, 2);
  });

  it('the bounds widen as the sample shrinks, and hold the estimate', () => {
    const widths = [10_000, 2000, 400, 80].map((n) => {
      const b = boundsOf(hourOf(n));
      expect(b.low).toBeLessThan(b.rate);
      expect(b.high).toBeGreaterThan(b.rate);
      return b.high - b.low;
    });
    for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeGreaterThan(widths[i - 1]);
  });

  it('says which part it is on, and the pacer places its lines on the estimate’s upper bound', () => {
    expect(answerEstimate({ recent: rolling }).used).toBe('rolling');
    expect(answerEstimate({ recent: rolling, hour: hourOf(50) }).used).toBe('rolling');
    const onHour = answerEstimate({ recent: rolling, hour: hourOf(2000), list: { key: 'pass:1', ...rolling } });
    expect(onHour.used).toBe('hour');
    expect(onHour.rate).toBeGreaterThan(0.37);
    const onList = answerEstimate({ recent: rolling, list: { key: 'pass:2', calls: 1000, human: 100 } });
    expect(onList.used).toBe('list');
    expect(onList.rate).toBeLessThan(0.15);
    const d = predictiveLines(floor({ recent: rolling, hour: hourOf(2000) }));
    expect(d.estimate?.used).toBe('hour');
    expect(d.answerRate).toBeCloseTo(d.estimate?.high ?? 0, 10);
    // The busier hour dials fewer lines than the rolling rate alone would.
    expect(d.lines).toBeLessThan(predictiveLines(floor({ recent: rolling })).lines);
  });

  it('a small sample dials cautiously and says so; no ready agents says so', () => {
    const d = predictiveLines(floor({ recent: { calls: 60, human: 15 } }));
    expect(d.holdingBack).toBe(true);
    expect(d.why).toMatch(/^small sample \(60 calls, rolling\): dialing cautiously/);
    const none = predictiveLines(floor({ agents: [] }));
    expect(none).toMatchObject({ lines: 0, holdingBack: true, why: 'no ready agents' });
  });
});
