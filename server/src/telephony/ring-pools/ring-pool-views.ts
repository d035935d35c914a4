import type { AnswerWindowView, CallerIdStrategy, PoolNumberHealth, PoolNumberView, RingPoolHealth, RingPoolView } from '#shared';
import { type CallCounts, type DaySpan, type DayUsage, effectiveStatus, remainingToday, sumCounts, unusable } from './caller-id.js';
import type { PoolNumberEntity, PoolNumberUsageEntity, RingPoolEntity } from './ring-pool.entity.js';

const NO_USAGE: DayUsage = { calls: 0, answered: 0, sms: 0 };

/** How pools, their numbers and their health read over the API; the status shown is the one in force at `now`. */
export function toNumberView(n: PoolNumberEntity, now: Date): PoolNumberView {
  return {
    id: n.id,
    e164: n.e164,
    carrierSid: n.carrierSid,
    voice: n.voice,
    sms: n.sms,
    region: n.region,
    areaCode: n.areaCode,
    status: effectiveStatus(n, now),
    quarantinedUntil: n.quarantinedUntil?.toISOString() ?? null,
    quarantineReason: n.quarantineReason,
    lastUsedAt: n.lastUsedAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
  };
}

export function toPoolView(p: RingPoolEntity, numbers: PoolNumberEntity[], now: Date): RingPoolView {
  return {
    id: p.id,
    name: p.name,
    strategy: p.strategy as CallerIdStrategy,
    dailyCallCap: p.dailyCallCap,
    dailySmsCap: p.dailySmsCap,
    quarantine: { enabled: p.quarantineEnabled, minCalls: p.quarantineMinCalls, ratioPct: p.quarantineRatioPct, coolDownHours: p.coolDownHours },
    active: p.active,
    numbers: numbers.filter((n) => n.poolId === p.id).map((n) => toNumberView(n, now)),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

function windowView(span: DaySpan, c: CallCounts): AnswerWindowView {
  return { ...span, ...c, rate: c.calls ? c.answered / c.calls : null };
}

/**
 * Per number: status, today's use against the caps, recent and baseline answer rates;
 * and what the pool can still send today. `rows` are the numbers' usage over both windows.
 */
export function toPoolHealth(poolId: string, pool: RingPoolEntity, numbers: PoolNumberEntity[], rows: PoolNumberUsageEntity[], windows: { today: string; recent: DaySpan; baseline: DaySpan }, at: Date): RingPoolHealth {
  const remaining = { calls: 0, sms: 0 };
  const out: PoolNumberHealth[] = numbers.map((n) => {
    const mine = rows.filter((u) => u.numberId === n.id);
    const todayRow = mine.find((u) => u.day === windows.today);
    const today = todayRow ? { calls: todayRow.calls, answered: todayRow.answered, sms: todayRow.sms } : { ...NO_USAGE };
    const left = { calls: remainingToday(n, pool, today, 'call', at), sms: remainingToday(n, pool, today, 'sms', at) };
    remaining.calls += left.calls;
    remaining.sms += left.sms;
    return {
      ...toNumberView(n, at),
      today,
      remaining: left,
      recent: windowView(windows.recent, sumCounts(mine.filter((u) => u.day >= windows.recent.from))),
      baseline: windowView(windows.baseline, sumCounts(mine.filter((u) => u.day <= windows.baseline.to))),
      usable: { call: unusable(n, pool, today, 'call', at), sms: unusable(n, pool, today, 'sms', at) },
    };
  });
  return { poolId, day: windows.today, caps: { calls: pool.dailyCallCap, sms: pool.dailySmsCap }, remainingToday: remaining, numbers: out };
}
