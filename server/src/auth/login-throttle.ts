/**
 * Sign-in throttling as pure functions of a counter's state and the time, so the rules are
 * table-tested and the service only reads, decides and writes.
 *
 * A counter holds the failures of one key (an account from one network, or one network
 * across every account). The first `freeFailures` cost nothing; from then on each failure
 * closes the key for a delay that doubles (1 s, 2 s, 4 s … up to `maxDelayMs`). A counter
 * untouched for `forgetAfterMs` after its delay ended starts again from zero.
 */

export interface ThrottlePolicy {
  /** Failures allowed before any delay. */
  freeFailures: number;
  /** The delay after the last free failure; each further one doubles it… */
  baseDelayMs: number;
  /** …up to this. */
  maxDelayMs: number;
  /** Quiet time, after the delay ends, that wipes the counter. */
  forgetAfterMs: number;
}

export interface ThrottleState {
  failures: number;
  lastFailureAt: Date | null;
  /** Attempts before this instant are answered 429 without a look at the password. */
  blockedUntil: Date | null;
}

export const EMPTY: ThrottleState = { failures: 0, lastFailureAt: null, blockedUntil: null };

/** How long the key stays closed after its `failures`-th failure (0: it stays open). */
export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 40);
  return Math.min(policy.baseDelayMs * 2 ** doublings, policy.maxDelayMs);
}

/** Milliseconds until the key opens again; 0 when it is open. */
export function closedFor(state: ThrottleState, now: Date): number {
  return state.blockedUntil ? Math.max(0, state.blockedUntil.getTime() - now.getTime()) : 0;
}

/** When the counter may be dropped: that long after its last failure or its delay, whichever is later. */
export function forgetsAt(state: ThrottleState, policy: ThrottlePolicy): Date {
  const last = Math.max(state.lastFailureAt?.getTime() ?? 0, state.blockedUntil?.getTime() ?? 0);
  return new Date(last + policy.forgetAfterMs);
}

/** The counter after one more failure at `now` (counting from zero again if it was forgotten). */
export function afterFailure(state: ThrottleState, now: Date, policy: ThrottlePolicy): ThrottleState {
  const forgotten = !state.lastFailureAt || now.getTime() >= forgetsAt(state, policy).getTime();
  const failures = forgotten ? 1 : state.failures + 1;
  const delay = delayAfter(failures, policy);
  return { failures, lastFailureAt: now, blockedUntil: delay ? new Date(now.getTime() + delay) : null };
}

/**
 * The counter with one failure taken back: an attempt is counted before its password is
 * checked (so a burst of parallel guesses cannot all pass an open key), and given back
 * when the password was right. The delay is the one the remaining failures call for,
 * from the latest attempt.
 */
export function withoutOneFailure(state: ThrottleState, policy: ThrottlePolicy): ThrottleState {
  const failures = Math.max(0, state.failures - 1);
  const delay = delayAfter(failures, policy);
  return { failures, lastFailureAt: state.lastFailureAt, blockedUntil: delay && state.lastFailureAt ? new Date(state.lastFailureAt.getTime() + delay) : null };
}

/** Whole seconds for Retry-After: at least 1, rounded up, so a client that waits that long is let in. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
