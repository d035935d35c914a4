import type { AnswerRateView, PacingShareView, QueuePacing, RateBoundsView } from '#shared';
import type { AnswerRates } from '../dialer/dial-calls.repository.js';
import type { PacingDecision } from '../dialer/pacing/model.js';
import type { RateBounds } from '../dialer/pacing/estimates.js';

/** A fraction in percent with two decimals. */
const pct = (f: number) => Math.round(f * 10_000) / 100;

function shareView(r: AnswerRates): PacingShareView {
  return { answered: r.answered, abandoned: r.abandoned, actualPct: r.answered ? pct(r.abandoned / r.answered) : 0, predictedPct: r.predictedBp == null || !r.predictedCalls ? null : Math.round(r.predictedBp) / 100 };
}

const boundsView = (b: RateBounds & { calls: number }): RateBoundsView => ({ calls: b.calls, ratePct: pct(b.rate), lowPct: pct(b.low), highPct: pct(b.high) });

/**
 * The supervisor's pacing tile from the pacer's last decision (its estimate, prediction and
 * why, as the model worked them out) and the shares measured over today, the last hour and
 * 30 days (with the share predicted when their calls were placed). Only formatting here.
 */
export function pacingView(
  d: PacingDecision & { target: number; cap: number; at: Date },
  shares: { today: AnswerRates; lastHour: AnswerRates; thirtyDays: AnswerRates },
  now: { ringing: number; ready: number },
): QueuePacing {
  const e = d.estimate;
  const answerRate: AnswerRateView | null = e
    ? {
        used: e.used,
        ratePct: pct(e.rate),
        lowPct: pct(e.low),
        highPct: pct(e.high),
        dialedOnPct: pct(d.answerRate ?? e.high),
        rolling: boundsView(e.rolling),
        hour: e.hour ? { ...boundsView(e.hour), weight: Math.round(e.hour.weight * 100) / 100 } : null,
        list: e.list ? { ...boundsView(e.list), weight: Math.round(e.list.weight * 100) / 100, key: e.list.key } : null,
      }
    : null;
  return {
    at: d.at.toISOString(),
    level: Math.round(d.ratio * 100) / 100,
    inFlightPerReady: Math.round((now.ready ? now.ringing / now.ready : now.ringing) * 100) / 100,
    predictedPct: pct(d.predicted),
    targetPct: pct(d.target),
    capPct: pct(d.cap),
    abandon: { today: shareView(shares.today), lastHour: shareView(shares.lastHour), thirtyDays: shareView(shares.thirtyDays) },
    answerRate,
    holdingBack: d.holdingBack,
    why: d.why,
  };
}
