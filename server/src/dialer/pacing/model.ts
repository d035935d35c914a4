/**
 * Predictive pacing, pure: a model of the floor that decides how many calls to place now.
 *
 * Analytic (Erlang-style, not simulation): over the next ring, the answered calls A (the
 * ones waiting now, each ringing call by its chance of still being answered by a person,
 * each new call by the answer rate's upper confidence bound: `answerEstimate`, the queue's
 * rolling rate with the list's and the hour of day's shrunk toward it) meet the free agents F (the
 * ready ones, and each agent in wrap-up or talking by their chance of being free by the
 * time a new call is answered plus the 2-second grace, from the measured talk, wrap and
 * ring-to-answer distributions and the time they have spent so far). A and F are sums of
 * independent Bernoullis, taken as normal: the expected share abandoned is
 * E[(A − F)⁺] / E[A]. The most new calls whose expected share stays under the aim are
 * placed, the aim being the queue's target abandon share with a safety margin, steered by
 * the measured 30-day and today's shares; today's or the last hour's share running above
 * the target brakes it at once, down to one line per ready agent.
 */
import { type Durations, expectedExcess, type RateBounds, type Sample, boundsOf, shrinkToward, wilson } from './estimates.js';

/** A share measured: calls a person answered and, of them, abandoned. */
export interface Share {
  answered: number;
  abandoned: number;
}

export interface AgentNow {
  state: 'ready' | 'on_call' | 'wrap_up';
  /** Seconds in that state so far. */
  seconds: number;
}

export interface FloorNow {
  /** The queue's agents who are ready, talking or wrapping up (others do not take calls). */
  agents: readonly AgentNow[];
  /** Seconds each call placed and not yet answered has rung. */
  ringing: readonly number[];
  /** Calls a person answered that wait for an agent now (each will take one, within 2 s). */
  waiting: number;
  /** Recent ended calls, and of them those a person answered (the rolling rate). */
  recent: Sample;
  /** The same for the calls placed in this hour of day over the last days, and for the list the next leads come from (`key`), when measured. */
  hour?: Sample;
  list?: Sample & { key: string };
  /** Seconds from placing to a person answering, talk seconds, wrap-up seconds (recent). */
  ringToAnswer: Durations;
  talk: Durations;
  wrap: Durations;
  /** The queue's ring time: a call unanswered by then never will be. */
  ringSeconds: number;
  abandon: { thirtyDays: Share; today: Share; lastHour: Share };
  /** Fractions: the queue's target (below the cap) and the legal cap. */
  target: number;
  cap: number;
  maxLinesPerAgent: number;
}

export interface PacingDecision {
  /** New calls to place now. */
  lines: number;
  /** Lines in flight per ready agent after placing them (the dial level). */
  ratio: number;
  /** The model's expected share abandoned of the calls in flight (fraction). */
  predicted: number;
  /** The share it aimed at (fraction). */
  aim: number;
  /** Agents expected free for the next answers (ready, and those about to be). */
  available: number;
  /** The answer rate the lines were placed on (the cautious, upper bound of the estimate). */
  answerRate: number | null;
  /** The answer-rate estimate behind it; null while learning. */
  estimate: AnswerEstimate | null;
  /** True while it holds back below what the aim alone allows (braking, learning). */
  holdingBack: boolean;
  why: string;
}

/** Below this many recent ended calls the answer rate is not trusted: one line per ready agent. */
export const MIN_SAMPLE = 20;
/** The aim is this share of the target, before the measured shares steer it. */
export const SAFETY = 0.8;
/** How strongly the measured shares steer the aim (1: each point of the target the share is below the set point aims that many times higher). */
export const GAIN = 3;
/** The measured shares are steered toward this share of the target. */
export const SET_POINT = 0.8;
/** Shares are steered on once this many answered calls were measured. */
const STEER_30D = 200;
const STEER_TODAY = 100;
/**
 * Today's share brakes as if this many more of today's answered calls had been abandoned:
 * the calls in flight may still bring them. On a small day (a few hundred answers, each
 * abandon a fraction of a point) it brakes before the share reaches the cap; on a large
 * one it hardly counts.
 */
export const TODAY_LOOKAHEAD = 2;

/** The answer rate the pacer dials on: the rolling rate, the list's and the hour's, each shrunk toward the one before by its sample. */
export interface AnswerEstimate extends RateBounds {
  /** Which one weighs most in it: the hour of day's, the list's or the rolling rate. */
  used: 'hour' | 'list' | 'rolling';
  rolling: RateBounds & { calls: number };
  list: (RateBounds & { calls: number; weight: number; key: string }) | null;
  hour: (RateBounds & { calls: number; weight: number }) | null;
}

/**
 * The answer-rate estimate: the rolling rate of the queue's last calls; the list's rate
 * shrunk toward it; the hour of day's shrunk toward that (`shrinkToward`: by sample size, so
 * a small hour or list stays close to the broader rate and a large one is its own). The
 * pacer places lines on the result's upper bound: more answers expected means fewer lines,
 * so a wide bound (a small sample) dials cautiously. `used` names the part weighing most:
 * the hour when its weight is at least half, else the list when its is, else the rolling rate.
 */
export function answerEstimate(f: Pick<FloorNow, 'recent' | 'hour' | 'list'>): AnswerEstimate {
  const rolling = { ...boundsOf(f.recent), calls: f.recent.calls };
  const list = f.list ? { ...shrinkToward(f.list, rolling), calls: f.list.calls, key: f.list.key } : null;
  const base: RateBounds = list ?? rolling;
  const hour = f.hour ? { ...shrinkToward(f.hour, base), calls: f.hour.calls } : null;
  const top: RateBounds = hour ?? base;
  const used = hour && hour.weight >= 0.5 ? 'hour' : list && list.weight >= 0.5 ? 'list' : 'rolling';
  return { rate: top.rate, low: top.low, high: top.high, used, rolling, list, hour };
}

/** The upper bound above the estimate by more than this: a small sample, dialed cautiously (about 200 calls at 25%). */
export const SMALL_SAMPLE_MARGIN = 0.05;

const pct = (f: number) => `${(f * 100).toFixed(2)}%`;
const shareOf = (s: Share) => (s.answered ? s.abandoned / s.answered : 0);
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** The aim before braking, steered by how far the measured shares are from the target. */
export function aimOf(f: Pick<FloorNow, 'abandon' | 'target' | 'cap'>): number {
  // Steered toward a share a little under the target, so the model's own error (answers bunch up) settles below it.
  const setPoint = f.target * SET_POINT;
  // Until enough calls were answered to steer on, half the aim: the model's optimism is not yet corrected.
  let steer = f.abandon.thirtyDays.answered >= STEER_30D || f.abandon.today.answered >= STEER_TODAY ? 1 : 0.5;
  if (f.abandon.thirtyDays.answered >= STEER_30D) steer = clamp(1 + (GAIN * (setPoint - shareOf(f.abandon.thirtyDays))) / f.target, 0.25, 2);
  if (f.abandon.today.answered >= STEER_TODAY) steer = Math.min(steer, clamp(1 + (GAIN * (setPoint - shareOf(f.abandon.today))) / f.target, 0.25, 2));
  return Math.min(f.cap * 0.9, f.target * SAFETY * steer);
}

/**
 * How hot today's and the last hour's shares run: 0 at or under the target, 1 at the cap
 * (then one line per ready agent). The last hour counts on its lower confidence bound, so
 * a few unlucky calls do not stop the floor; today with `TODAY_LOOKAHEAD` more abandons
 * than measured, so a day's first answers are dialed one line per ready agent and a small
 * day stops short of the cap.
 */
export function brakeOf(f: Pick<FloorNow, 'abandon' | 'target' | 'cap'>): { level: number; why: string } {
  const span = Math.max(1e-6, f.cap - f.target);
  const t = f.abandon.today;
  const today = t.answered ? Math.min(1, (t.abandoned + TODAY_LOOKAHEAD) / t.answered) : 0;
  const hour = wilson(f.abandon.lastHour.abandoned, f.abandon.lastHour.answered).low;
  const hot = Math.max(today, hour);
  if (hot <= f.target) return { level: 0, why: '' };
  const level = clamp((hot - f.target) / span, 0, 1);
  const why = today >= hour
    ? `today's abandon share ${pct(shareOf(t))} (${t.abandoned} of ${t.answered}, ${pct(today)} with ${TODAY_LOOKAHEAD} more) is above the ${pct(f.target)} target`
    : `the last hour's abandon share ${pct(hour)} is above the ${pct(f.target)} target`;
  return { level, why };
}

/** Chances of being free by the next answer, by state and whole second in it, for one set of distributions (a pass over many agents looks each up once). */
const freeTables = new WeakMap<Durations, { wrap: Durations; ring: Durations; table: Map<number, number> }>();
function freeTable(f: FloorNow): Map<number, number> {
  const hit = freeTables.get(f.talk);
  if (hit && hit.wrap === f.wrap && hit.ring === f.ringToAnswer) return hit.table;
  const table = new Map<number, number>();
  freeTables.set(f.talk, { wrap: f.wrap, ring: f.ringToAnswer, table });
  return table;
}

/** The model's parts for the next ring: answers expected (mean, variance) without new calls, and free agents. */
export function floorModel(f: FloorNow, p: number) {
  // A new call is answered after R seconds (R as measured) and needs an agent free by R + 2.
  const horizons = [0.25, 0.5, 0.75].map((q) => f.ringToAnswer.quantile(q) + 2);
  const wraps = [0.25, 0.5, 0.75].map((q) => f.wrap.quantile(q));
  const table = freeTable(f);
  let ready = 0;
  let freeMean = 0;
  let freeVar = 0;
  for (const a of f.agents) {
    if (a.state === 'ready') {
      ready++;
      continue;
    }
    const key = (a.state === 'wrap_up' ? 1 : 0) + 2 * Math.floor(a.seconds);
    let q = table.get(key);
    if (q === undefined) {
      q = 0;
      for (const h of horizons) {
        if (a.state === 'wrap_up') q += f.wrap.endsWithin(a.seconds, h);
        else for (const w of wraps) q += f.talk.endsWithin(a.seconds, h - w) / wraps.length;
      }
      q /= horizons.length;
      table.set(key, q);
    }
    freeMean += q;
    freeVar += q * (1 - q);
  }
  let answerMean = f.waiting;
  let answerVar = 0;
  for (const s of f.ringing) {
    if (s >= f.ringSeconds) continue;
    const r = f.ringToAnswer.cdf(s);
    const q = (p * (1 - r)) / Math.max(1e-9, 1 - p * r);
    answerMean += q;
    answerVar += q * (1 - q);
  }
  return { ready, freeMean: ready + freeMean, freeVar, answerMean, answerVar };
}

/** The expected share abandoned with `n` new calls placed on top of the model's parts. */
export function expectedShare(m: ReturnType<typeof floorModel>, p: number, n: number): number {
  const mean = m.answerMean + n * p;
  if (mean <= 0) return 0;
  const sd = Math.sqrt(m.answerVar + n * p * (1 - p) + m.freeVar);
  return expectedExcess(mean - m.freeMean, sd) / mean;
}

/** Agents ready, wrapping up, or talking longer than the average call. */
export function aboutToBeFree(f: Pick<FloorNow, 'agents' | 'talk'>): number {
  let n = 0;
  for (const a of f.agents) if (a.state !== 'on_call' || a.seconds >= f.talk.mean) n++;
  return n;
}

export function predictiveLines(f: FloorNow): PacingDecision {
  const ready = f.agents.filter((a) => a.state === 'ready').length;
  const inFlight = f.ringing.length;
  const oneEach = Math.max(0, ready - f.waiting - inFlight);
  const flat = (why: string, answerRate: number | null, aim: number, predicted = 0): PacingDecision => ({
    lines: oneEach,
    ratio: ready ? (inFlight + oneEach) / ready : 0,
    predicted,
    aim,
    available: ready,
    answerRate,
    estimate: null,
    holdingBack: true,
    why,
  });
  if (f.recent.calls < MIN_SAMPLE) return flat(`learning the answer rate (${f.recent.calls} of ${MIN_SAMPLE} calls measured): one line per ready agent`, null, 0);
  const estimate = answerEstimate(f);
  const p = clamp(estimate.high, 0.01, 1);
  const brake = brakeOf(f);
  const aim = aimOf(f) * (1 - brake.level);
  if (brake.level >= 1) return { ...flat(`braking: ${brake.why} and at the cap: one line per ready agent`, p, 0), estimate };

  const m = floorModel(f, p);
  const available = Math.max(0, m.freeMean - f.waiting);
  // The line limit counts the agents ready or about to be: wrapping up, or talking longer than the average call.
  const most = f.maxLinesPerAgent * Math.max(0, aboutToBeFree(f) - f.waiting);
  let n = 0;
  while (inFlight + n + 1 <= most && expectedShare(m, p, n + 1) <= aim) n++;
  // Never fewer than one line per ready agent while the model allows any: an idle agent with nothing ringing is the worst case.
  if (n < oneEach && expectedShare(m, p, oneEach) <= Math.max(aim, f.target)) n = oneEach;
  const predicted = expectedShare(m, p, n);
  const capped = inFlight + n >= most && most > 0;
  const small = estimate.high - estimate.rate > SMALL_SAMPLE_MARGIN;
  const measured = estimate.used === 'hour' ? estimate.hour : estimate.used === 'list' ? estimate.list : estimate.rolling;
  const why = brake.level > 0
    ? `braking: ${brake.why}; aiming at ${pct(aim)}`
    : ready === 0 && n === 0
      ? 'no ready agents'
      : small
        ? `small sample (${measured?.calls ?? 0} calls, ${estimate.used}): dialing cautiously on an answer rate of ${(p * 100).toFixed(0)}% (measured ${(estimate.rate * 100).toFixed(0)}%)`
        : capped
          ? `at the limit of ${f.maxLinesPerAgent} lines per agent ready or about to be`
          : `answer rate ≤ ${(p * 100).toFixed(0)}% (${estimate.used}), ${available.toFixed(1)} agents free within a ring: ${inFlight + n} lines, expected abandons ${pct(predicted)} (aim ${pct(aim)}, target ${pct(f.target)})`;
  return { lines: n, ratio: ready ? (inFlight + n) / ready : inFlight + n, predicted, aim, available, answerRate: p, estimate, holdingBack: brake.level > 0 || small || (ready === 0 && n === 0), why };
}
