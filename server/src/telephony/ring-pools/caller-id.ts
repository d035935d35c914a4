import { DateTime } from 'luxon';
import type { PoolChannel, PoolPickRefusal } from '#shared';
import { areaCodeOf, zonesForNumber } from '../../phone/area-codes.js';
import type { PoolNumberEntity, RingPoolEntity } from './ring-pool.entity.js';

/*
 * Choosing a caller ID and judging a number's answer rate: pure functions, no Nest, no database.
 */

export type { PoolChannel };

/** One number's counts for one local day. */
export interface DayUsage {
  calls: number;
  answered: number;
  sms: number;
}

export type PoolPick = { ok: true; number: PoolNumberEntity; why: string; rrCursor: number } | PoolPickRefusal;

export interface PickInput {
  pool: RingPoolEntity;
  numbers: PoolNumberEntity[];
  /** Today's usage by number id; a number without an entry has none. */
  usage: Map<string, DayUsage>;
  channel: PoolChannel;
  /** The lead's number, E.164. */
  leadNumber: string;
  /** The lead's region (`US-FL`); derived from the lead's area code when null. */
  leadRegion: string | null;
  now: Date;
}

const NONE: DayUsage = { calls: 0, answered: 0, sms: 0 };

/** Whether a quarantine holds the number back at `now` (one without an end holds until lifted). */
export function isQuarantined(n: Pick<PoolNumberEntity, 'status' | 'quarantinedUntil'>, now: Date): boolean {
  return n.status === 'quarantined' && (n.quarantinedUntil === null || n.quarantinedUntil > now);
}

/** The status as it stands at `now`: a quarantine whose end has passed counts as active. */
export function effectiveStatus(n: Pick<PoolNumberEntity, 'status' | 'quarantinedUntil'>, now: Date): 'active' | 'quarantined' | 'disabled' {
  if (n.status === 'disabled') return 'disabled';
  return isQuarantined(n, now) ? 'quarantined' : 'active';
}

function usedOn(u: DayUsage, channel: PoolChannel): number {
  return channel === 'call' ? u.calls : u.sms;
}

function capFor(pool: Pick<RingPoolEntity, 'dailyCallCap' | 'dailySmsCap'>, channel: PoolChannel): number {
  return channel === 'call' ? pool.dailyCallCap : pool.dailySmsCap;
}

/** Why a number cannot be used now on the channel, or null when it can. */
export function unusable(n: PoolNumberEntity, pool: Pick<RingPoolEntity, 'dailyCallCap' | 'dailySmsCap'>, usage: DayUsage, channel: PoolChannel, now: Date): string | null {
  if (n.status === 'disabled') return 'disabled';
  if (isQuarantined(n, now)) {
    const until = n.quarantinedUntil ? `quarantined until ${n.quarantinedUntil.toISOString()}` : 'quarantined';
    return n.quarantineReason ? `${until} (${n.quarantineReason})` : until;
  }
  if (channel === 'call' && !n.voice) return 'no voice capability';
  if (channel === 'sms' && !n.sms) return 'no SMS capability';
  const used = usedOn(usage, channel);
  const cap = capFor(pool, channel);
  if (used >= cap) return `daily ${channel === 'call' ? 'call' : 'SMS'} cap reached (${used}/${cap})`;
  return null;
}

/** What the number may still send today on the channel (0 when it cannot be used). */
export function remainingToday(n: PoolNumberEntity, pool: Pick<RingPoolEntity, 'dailyCallCap' | 'dailySmsCap'>, usage: DayUsage, channel: PoolChannel, now: Date): number {
  return unusable(n, pool, usage, channel, now) === null ? capFor(pool, channel) - usedOn(usage, channel) : 0;
}

/** Oldest first (by createdAt, then id): the order round robin walks and ties fall back to. */
export function stableOrder(numbers: PoolNumberEntity[]): PoolNumberEntity[] {
  return [...numbers].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Fewest uses today on the channel; ties go to the number used longest ago (never used first), then to the stable order. */
function leastUsed(candidates: PoolNumberEntity[], usage: Map<string, DayUsage>, channel: PoolChannel): { number: PoolNumberEntity; used: number } {
  const used = (n: PoolNumberEntity) => usedOn(usage.get(n.id) ?? NONE, channel);
  const last = (n: PoolNumberEntity) => n.lastUsedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  // Array.prototype.sort is stable, and `candidates` is in the stable order.
  const [number] = [...candidates].sort((a, b) => used(a) - used(b) || (last(a) === last(b) ? 0 : last(a) < last(b) ? -1 : 1));
  return { number, used: used(number) };
}

function usedToday(used: number, channel: PoolChannel): string {
  return channel === 'call' ? `${used} call${used === 1 ? '' : 's'} today` : `${used} text${used === 1 ? '' : 's'} today`;
}

/**
 * Chooses the caller ID for one contact.
 *
 * A number is eligible when it is active (or its quarantine has ended), can use the
 * channel, and is under the pool's daily cap for the channel. Then:
 * - round-robin: the next eligible number after `pool.rrCursor` in the stable order,
 *   wrapping around; the result carries the new cursor;
 * - least-used: the fewest uses today on the channel, ties by oldest `lastUsedAt`, then order;
 * - local-presence: the least used number with the lead's area code, else with the lead's
 *   region (derived from its area code when not given), else the least used of the pool.
 *
 * A pool with no eligible number is an answer, not an exception: it lists why each
 * number could not be used.
 */
export function chooseNumber(input: PickInput): PoolPick {
  const { pool, usage, channel, now } = input;
  if (!pool.active) return { ok: false, code: 'POOL_INACTIVE', message: `Ring pool "${pool.name}" is inactive`, numbers: [] };
  const numbers = stableOrder(input.numbers);
  if (!numbers.length) return { ok: false, code: 'POOL_EMPTY', message: `Ring pool "${pool.name}" has no numbers`, numbers: [] };

  const verdicts = numbers.map((n) => ({ n, reason: unusable(n, pool, usage.get(n.id) ?? NONE, channel, now) }));
  const eligible = new Set(verdicts.filter((v) => v.reason === null).map((v) => v.n));
  if (!eligible.size) {
    const listed = verdicts.map((v) => ({ e164: v.n.e164, reason: v.reason ?? '' }));
    return {
      ok: false,
      code: 'POOL_EXHAUSTED',
      message: `No number in ring pool "${pool.name}" can ${channel === 'call' ? 'call' : 'text'} now: ${listed.map((x) => `${x.e164} ${x.reason}`).join('; ')}`,
      numbers: listed,
    };
  }
  const candidates = numbers.filter((n) => eligible.has(n));

  switch (pool.strategy) {
    case 'round-robin': {
      const size = numbers.length;
      // A fresh pool's cursor is -1, so its first pick is the first number.
      const start = ((pool.rrCursor % size) + size) % size;
      for (let step = 1; step <= size; step++) {
        const index = (start + step) % size;
        if (eligible.has(numbers[index])) {
          const skipped = step - 1;
          return {
            ok: true,
            number: numbers[index],
            why: `round robin: number ${index + 1} of ${size}${skipped ? ` (${skipped} unusable skipped)` : ''}`,
            rrCursor: index,
          };
        }
      }
      break; // unreachable: some number is eligible
    }
    case 'local-presence': {
      const code = areaCodeOf(input.leadNumber);
      const sameCode = code ? candidates.filter((n) => n.areaCode === code) : [];
      if (sameCode.length) return { ok: true, number: leastUsed(sameCode, usage, channel).number, why: `local presence: same area code ${code}`, rrCursor: pool.rrCursor };
      const region = input.leadRegion ?? zonesForNumber(input.leadNumber)?.region ?? null;
      const sameRegion = region ? candidates.filter((n) => n.region === region) : [];
      if (sameRegion.length) return { ok: true, number: leastUsed(sameRegion, usage, channel).number, why: `local presence: same region ${region}`, rrCursor: pool.rrCursor };
      const fallback = leastUsed(candidates, usage, channel);
      const missing = [code && `area code ${code}`, region].filter(Boolean).join(' or ') || "the lead's area";
      return { ok: true, number: fallback.number, why: `local presence: no usable number in ${missing}; least used (${usedToday(fallback.used, channel)})`, rrCursor: pool.rrCursor };
    }
  }
  const least = leastUsed(candidates, usage, channel);
  return { ok: true, number: least.number, why: `least used: ${usedToday(least.used, channel)}`, rrCursor: pool.rrCursor };
}

/** Days of the recent answer-rate window: today and yesterday. */
export const RECENT_DAYS = 2;
/** Days of the baseline window: the 28 days before the recent window. */
export const BASELINE_DAYS = 28;

export interface DaySpan {
  from: string;
  to: string;
}

/** The account's local date of an instant, `YYYY-MM-DD`: caps and usage rows count by it. */
/**
 * When a pool that cannot be used now can be used again without anyone acting: the
 * earliest of the next local day (for a number at its daily cap) and a quarantine's end.
 * Null when every number is out for good (disabled, without the channel, quarantined
 * with no end) — then waiting would not help.
 */
export function capacityReturnsAt(numbers: PoolNumberEntity[], pool: Pick<RingPoolEntity, 'dailyCallCap' | 'dailySmsCap'>, usage: Map<string, DayUsage>, channel: PoolChannel, now: Date, zone: string): Date | null {
  const tomorrow = DateTime.fromJSDate(now, { zone }).plus({ days: 1 }).startOf('day').toJSDate();
  let soonest: Date | null = null;
  for (const n of numbers) {
    if (n.status === 'disabled' || (channel === 'call' && !n.voice) || (channel === 'sms' && !n.sms)) continue;
    let back: Date | null = null;
    if (isQuarantined(n, now)) back = n.quarantinedUntil;
    else if (usedOn(usage.get(n.id) ?? NONE, channel) >= capFor(pool, channel)) back = tomorrow;
    if (back && (!soonest || back < soonest)) soonest = back;
  }
  return soonest;
}

export function localDay(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd');
}

/**
 * The windows a number's answer rate is judged over, as local days (inclusive):
 * recent = today and yesterday; baseline = the 28 days before that.
 */
export function answerRateWindows(at: Date, zone: string): { today: string; recent: DaySpan; baseline: DaySpan } {
  const today = DateTime.fromJSDate(at, { zone }).startOf('day');
  const day = (back: number) => today.minus({ days: back }).toFormat('yyyy-MM-dd');
  return {
    today: day(0),
    recent: { from: day(RECENT_DAYS - 1), to: day(0) },
    baseline: { from: day(RECENT_DAYS + BASELINE_DAYS - 1), to: day(RECENT_DAYS) },
  };
}

export interface CallCounts {
  calls: number;
  answered: number;
}

/** Calls and answers summed over usage rows. */
export function sumCounts(rows: Array<{ calls: number; answered: number }>): CallCounts {
  return rows.reduce((a, u) => ({ calls: a.calls + u.calls, answered: a.answered + u.answered }), { calls: 0, answered: 0 });
}

export interface AnswerRateVerdict {
  quarantine: boolean;
  recentRate: number | null;
  baselineRate: number | null;
  /** Why, either way, in words (the quarantine reason when `quarantine`). */
  reason: string;
}

const pct = (rate: number) => `${Math.round(rate * 100)}%`;
const rateOf = (x: CallCounts) => (x.calls > 0 ? x.answered / x.calls : null);

/**
 * Whether a number's answer rate has collapsed against its own baseline — the usual
 * sign that carriers label it as spam. Recent is today and yesterday; the baseline is
 * the 28 days before that (see `answerRateWindows`). Quarantine when quarantine is
 * enabled, both windows hold at least `quarantineMinCalls` calls, and the recent rate
 * is below `quarantineRatioPct` percent of the baseline rate.
 */
export function judgeAnswerRate(input: { recent: CallCounts; baseline: CallCounts; pool: Pick<RingPoolEntity, 'quarantineEnabled' | 'quarantineMinCalls' | 'quarantineRatioPct'> }): AnswerRateVerdict {
  const { recent, baseline, pool } = input;
  const recentRate = rateOf(recent);
  const baselineRate = rateOf(baseline);
  const no = (reason: string): AnswerRateVerdict => ({ quarantine: false, recentRate, baselineRate, reason });
  if (!pool.quarantineEnabled) return no('quarantine is disabled for the pool');
  if (recent.calls < pool.quarantineMinCalls) return no(`too few recent calls to judge (${recent.calls} of ${pool.quarantineMinCalls})`);
  if (baseline.calls < pool.quarantineMinCalls) return no(`too few baseline calls to judge (${baseline.calls} of ${pool.quarantineMinCalls})`);
  // Both windows have calls here, so both rates are numbers.
  const r = recentRate as number;
  const b = baselineRate as number;
  // recent < baseline × ratio / 100, in whole numbers so an exact edge is not lost to rounding.
  const below = recent.answered * baseline.calls * 100 < baseline.answered * recent.calls * pool.quarantineRatioPct;
  const figures = `answer rate ${pct(r)} (${recent.answered}/${recent.calls}) today and yesterday against ${pct(b)} (${baseline.answered}/${baseline.calls}) over the ${BASELINE_DAYS} days before`;
  if (below) return { quarantine: true, recentRate, baselineRate, reason: `${figures}: below ${pool.quarantineRatioPct}% of the baseline` };
  return no(`${figures}: not below ${pool.quarantineRatioPct}% of the baseline`);
}
