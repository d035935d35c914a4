import type { AttemptCaps, Channel, Refusal } from '#shared';

export type { AttemptCaps, AttemptCapsByChannel } from '#shared';

/** The stricter of two caps, field by field (a missing cap is no cap). */
export function stricterCaps(a: AttemptCaps, b: AttemptCaps): AttemptCaps {
  const min = (x?: number, y?: number) => (x === undefined ? y : y === undefined ? x : Math.min(x, y));
  return { perDay: min(a.perDay, b.perDay), per24h: min(a.per24h, b.per24h), lifetime: min(a.lifetime, b.lifetime) };
}

export interface AttemptHistory {
  /** Attempt instants within the last 48 hours at least, ascending. */
  recent: Date[];
  lifetime: number;
}

/**
 * Refusals from the attempt caps at `at`. `dayStart`/`nextDayStart` bound the
 * lead's local calendar day containing `at` (computed by the caller in the lead's zone).
 */
export function evaluateAttemptCaps(
  caps: AttemptCaps,
  history: AttemptHistory,
  at: Date,
  day: { start: Date; next: Date },
  channel: Channel,
): Refusal[] {
  const out: Refusal[] = [];
  const t = at.getTime();
  if (caps.lifetime !== undefined && history.lifetime >= caps.lifetime) {
    out.push({ code: 'ATTEMPT_CAP_LIFETIME', message: `${history.lifetime} ${channel} attempts made; the lifetime cap is ${caps.lifetime}`, until: null });
  }
  if (caps.per24h !== undefined) {
    const inWindow = history.recent.filter((d) => d.getTime() > t - 86_400_000 && d.getTime() <= t);
    if (inWindow.length >= caps.per24h) {
      // Allowed again once enough of those attempts are more than 24 h old.
      const lapse = new Date(inWindow[inWindow.length - caps.per24h].getTime() + 86_400_000);
      out.push({ code: 'ATTEMPT_CAP_24H', message: `${inWindow.length} ${channel} attempts in the last 24 hours; the cap is ${caps.per24h}`, until: lapse.toISOString() });
    }
  }
  if (caps.perDay !== undefined) {
    const today = history.recent.filter((d) => d.getTime() >= day.start.getTime() && d.getTime() < day.next.getTime() && d.getTime() <= t).length;
    if (today >= caps.perDay) {
      out.push({ code: 'ATTEMPT_CAP_DAY', message: `${today} ${channel} attempts today (lead's local day); the cap is ${caps.perDay}`, until: day.next.toISOString() });
    }
  }
  return out;
}
