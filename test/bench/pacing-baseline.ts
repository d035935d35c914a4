/**
 * The predictive pacer as it was before the floor model (kept for the pacing benchmark,
 * which runs it beside today's through the same simulated floor): how many lines to have
 * ringing for the agents about to be free, from the measured answer rate, so that the
 * expected (binomial) share of answered calls that find no agent stays under a third of
 * the abandon cap.
 */

export interface PacingInput {
  /** Agents ready now. */
  ready: number;
  /** Agents on a call that has already lasted the queue's average talk time: likely free within a ring. */
  finishing: number;
  /** Calls placed and not yet answered or ended (they will find agents too). */
  ringing: number;
  /** Calls a person answered that are waiting for an agent now (each will take one). */
  waiting: number;
  /** Recent calls' share answered by a person; null when too few calls were measured. */
  answerRate: number | null;
  /** Abandoned over answered, rolling 30 days and today (fractions). */
  abandon30d: number;
  abandonToday: number;
  /** Answered calls today (today's rate means little on a handful). */
  answeredToday: number;
  /** The cap as a fraction (0.03). */
  cap: number;
  maxLinesPerAgent: number;
}

export interface PacingDecision {
  /** New calls to place now. */
  lines: number;
  /** Lines per available agent in flight after placing them. */
  ratio: number;
  why: string;
}

/** P(X = k) for X ~ Binomial(n, p), for every k, computed in log space. */
function binomial(n: number, p: number): number[] {
  const out = new Array<number>(n + 1).fill(0);
  if (p <= 0) {
    out[0] = 1;
    return out;
  }
  if (p >= 1) {
    out[n] = 1;
    return out;
  }
  const lp = Math.log(p);
  const lq = Math.log(1 - p);
  let logC = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logC += Math.log((n - k + 1) / k);
    out[k] = Math.exp(logC + k * lp + (n - k) * lq);
  }
  return out;
}

/** Of the calls answered when `lines` ring for `agents`, the expected share that finds nobody. */
export function expectedAbandonShare(lines: number, p: number, agents: number): number {
  if (lines <= 0 || p <= 0) return 0;
  const dist = binomial(lines, p);
  let over = 0;
  for (let k = agents + 1; k <= lines; k++) over += (k - agents) * dist[k];
  return over / (lines * p);
}


export function predictiveLines(i: PacingInput): PacingDecision {
  // The measured abandon rate steers everything: at the cap (30 days, or today on enough calls) no over-dialing at all.
  const worst = Math.max(i.abandon30d, i.answeredToday >= 30 ? i.abandonToday : 0);
  // Agents about to finish count (half of them) only while the rate is comfortably low; answered calls already waiting take agents first.
  const agents = i.ready + (worst < i.cap / 2 ? Math.floor(i.finishing / 2) : 0) - i.waiting;
  if (i.ready <= 0 || agents <= 0) return { lines: 0, ratio: 0, why: i.ready <= 0 ? 'no agent is ready' : 'answered calls are waiting for the ready agents' };
  const oneEach = Math.max(0, agents - i.ringing);
  if (i.answerRate === null) return { lines: oneEach, ratio: 1, why: 'learning the answer rate: one line per agent' };
  if (worst >= i.cap) return { lines: oneEach, ratio: 1, why: `abandon rate ${(worst * 100).toFixed(2)}% is at the ${(i.cap * 100).toFixed(1)}% cap: one line per agent` };
  // Aim at a third of the cap (the model ignores that answers bunch up), less as the measured rate climbs.
  const target = (i.cap / 3) * Math.min(1, (i.cap - worst) / (i.cap * 0.5));
  const p = Math.min(1, Math.max(0.01, i.answerRate));
  const most = Math.max(agents, Math.floor(agents * i.maxLinesPerAgent));
  let inFlight = Math.max(agents, i.ringing);
  while (inFlight + 1 <= most && expectedAbandonShare(inFlight + 1, p, agents) <= target) inFlight++;
  const lines = Math.max(0, inFlight - i.ringing);
  return { lines, ratio: agents ? inFlight / agents : 0, why: `answer rate ${(p * 100).toFixed(0)}%, target abandon ${(target * 100).toFixed(2)}%: ${inFlight} lines for ${agents} agents` };
}
