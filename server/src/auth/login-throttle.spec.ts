import { describe, expect, it } from '@jest/globals';
import { afterFailure, closedFor, delayAfter, EMPTY, forgetsAt, retryAfterSeconds, withoutOneFailure, type ThrottlePolicy, type ThrottleState } from './login-throttle.js';

const policy: ThrottlePolicy = { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 900_000, forgetAfterMs: 900_000 };
const T0 = new Date('2026-03-02T15:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** `n` failures, all at T0. */
function failed(n: number, from: ThrottleState = EMPTY, when = T0): ThrottleState {
  let s = from;
  for (let i = 0; i < n; i++) s = afterFailure(s, when, policy);
  return s;
}

describe('login throttle rules', () => {
  it.each([
    [1, 0],
    [4, 0],
    [5, 1000],
    [6, 2000],
    [7, 4000],
    [14, 512_000],
    [15, 900_000],
    [500, 900_000],
  ])('after %i failures the key closes for %i ms', (failures, delay) => {
    expect(delayAfter(failures, policy)).toBe(delay);
    expect(closedFor(failed(failures), T0)).toBe(delay);
  });

  it('the delay runs out: the key opens again exactly when it ends', () => {
    const s = failed(6);
    expect(closedFor(s, at(1999))).toBe(1);
    expect(closedFor(s, at(2000))).toBe(0);
  });

  it('a counter quiet for the forget time after its delay starts again from one', () => {
    const s = failed(7); // closed 4 s
    expect(forgetsAt(s, policy)).toEqual(at(4000 + 900_000));
    expect(afterFailure(s, at(4000 + 899_999), policy).failures).toBe(8);
    expect(afterFailure(s, at(4000 + 900_000), policy)).toEqual({ failures: 1, lastFailureAt: at(904_000), blockedUntil: null });
  });

  it('a persistent guesser waiting out each delay keeps doubling it, never resetting (the cap is shorter than the forget time after it)', () => {
    let s = failed(5);
    let now = T0.getTime();
    for (let i = 0; i < 30; i++) {
      now += closedFor(s, new Date(now));
      s = afterFailure(s, new Date(now), policy);
    }
    expect(s.failures).toBe(35);
    expect(closedFor(s, new Date(now))).toBe(900_000);
  });

  it('taking back a failure counted for a right password lowers the count and the delay', () => {
    expect(withoutOneFailure(failed(1), policy)).toEqual({ failures: 0, lastFailureAt: T0, blockedUntil: null });
    expect(withoutOneFailure(failed(5), policy)).toEqual({ failures: 4, lastFailureAt: T0, blockedUntil: null });
    expect(withoutOneFailure(failed(7), policy)).toEqual({ failures: 6, lastFailureAt: T0, blockedUntil: at(2000) });
    expect(withoutOneFailure(EMPTY, policy)).toEqual(EMPTY);
  });

  it.each([
    [1, 1],
    [1000, 1],
    [1001, 2],
    [597_000, 597],
  ])('%i ms is Retry-After %i', (ms, seconds) => {
    expect(retryAfterSeconds(ms)).toBe(seconds);
  });
});
