/** One stretch of an agent in one state: from `start` to `end` (ms since the epoch). */
export interface StatePeriod {
  agentId: string;
  state: string;
  /** The pause's reason code ('' for none, and for every other state). */
  reason: string;
  start: number;
  end: number;
}

export interface StateHour {
  hour: Date;
  agentId: string;
  state: string;
  reason: string;
  seconds: number;
}

const HOUR = 3_600_000;

/** The UTC hour an instant falls in. */
export function hourOf(ms: number): number {
  return Math.floor(ms / HOUR) * HOUR;
}

/**
 * The seconds of each period that fall within [from, to), split at every UTC hour and
 * summed per (hour, agent, state, reason). Offline time is not kept. Pure.
 */
export function stateHours(periods: Iterable<StatePeriod>, from: number, to: number): StateHour[] {
  const sums = new Map<string, StateHour & { ms: number }>();
  for (const p of periods) {
    if (p.state === 'offline') continue;
    let t = Math.max(p.start, from);
    const end = Math.min(p.end, to);
    while (t < end) {
      const h = hourOf(t);
      const next = Math.min(end, h + HOUR);
      const key = `${h}|${p.agentId}|${p.state}|${p.reason}`;
      let row = sums.get(key);
      if (!row) sums.set(key, (row = { hour: new Date(h), agentId: p.agentId, state: p.state, reason: p.reason, seconds: 0, ms: 0 }));
      row.ms += next - t;
      t = next;
    }
  }
  return [...sums.values()].map(({ ms, ...row }) => ({ ...row, seconds: Math.round(ms / 1000) }));
}
