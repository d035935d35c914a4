import { zonesForNumber } from '../../compliance/area-codes.js';
import type { PoolNumberEntity, RingPoolEntity } from './ring-pool.entity.js';

export type PoolChannel = 'call' | 'sms';

export interface DayUsage {
  calls: number;
  answered: number;
  sms: number;
}

export type PoolPick =
  | { ok: true; number: PoolNumberEntity; why: string; rrCursor: number }
  | { ok: false; code: 'POOL_EXHAUSTED' | 'POOL_EMPTY' | 'POOL_INACTIVE'; message: string; numbers: Array<{ e164: string; reason: string }> };

export interface PickInput {
  pool: RingPoolEntity;
  numbers: PoolNumberEntity[];
  usage: Map<string, DayUsage>;
  channel: PoolChannel;
  leadNumber: string;
  leadRegion: string | null;
  now: Date;
}

const NONE: DayUsage = { calls: 0, answered: 0, sms: 0 };

export function areaCode(e164: string): string | null {
  return /^\+1\d{10}$/.test(e164) ? e164.slice(2, 5) : null;
}

/** In a stable order: oldest number first. */
function ordered(numbers: PoolNumberEntity[]): PoolNumberEntity[] {
  return [...numbers].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
}

/** Why a number cannot be used now for the channel, or null when it can. */
export function unusable(n: PoolNumberEntity, pool: RingPoolEntity, usage: DayUsage, channel: PoolChannel, now: Date): string | null {
  if (n.status === 'disabled') return 'disabled';
  if (n.status === 'quarantined' && n.quarantinedUntil && n.quarantinedUntil > now) return `quarantined until ${n.quarantinedUntil.toISOString()}${n.quarantineReason ? ` (${n.quarantineReason})` : ''}`;
  if (channel === 'call' && !n.voice) return 'cannot place calls';
  if (channel === 'sms' && !n.sms) return 'cannot send SMS';
  if (channel === 'call' && usage.calls >= pool.dailyCallCap) return `daily call cap reached (${usage.calls}/${pool.dailyCallCap})`;
  if (channel === 'sms' && usage.sms >= pool.dailySmsCap) return `daily SMS cap reached (${usage.sms}/${pool.dailySmsCap})`;
  return null;
}

function leastUsed(candidates: PoolNumberEntity[], usage: Map<string, DayUsage>, channel: PoolChannel): PoolNumberEntity {
  const used = (n: PoolNumberEntity) => {
    const u = usage.get(n.id) ?? NONE;
    return channel === 'call' ? u.calls : u.sms;
  };
  return [...candidates].sort((a, b) => used(a) - used(b) || (a.lastUsedAt?.getTime() ?? 0) - (b.lastUsedAt?.getTime() ?? 0))[0];
}

/**
 * Chooses the caller ID for one contact. An exhausted pool is an answer, not an
 * exception: it lists why each number could not be used.
 */
export function chooseNumber(input: PickInput): PoolPick {
  const { pool, usage, channel, now } = input;
  const numbers = ordered(input.numbers);
  if (!pool.active) return { ok: false, code: 'POOL_INACTIVE', message: `Ring pool "${pool.name}" is inactive`, numbers: [] };
  if (!numbers.length) return { ok: false, code: 'POOL_EMPTY', message: `Ring pool "${pool.name}" has no numbers`, numbers: [] };
  const reasons = numbers.map((n) => ({ n, reason: unusable(n, pool, usage.get(n.id) ?? NONE, channel, now) }));
  const usable = reasons.filter((r) => r.reason === null).map((r) => r.n);
  if (!usable.length) {
    return {
      ok: false,
      code: 'POOL_EXHAUSTED',
      message: `No number in ring pool "${pool.name}" can ${channel === 'call' ? 'call' : 'text'} now: ${reasons.map((r) => `${r.n.e164} ${r.reason}`).join('; ')}`,
      numbers: reasons.map((r) => ({ e164: r.n.e164, reason: r.reason as string })),
    };
  }
  if (pool.strategy === 'round-robin') {
    // The first usable number after the cursor, wrapping around.
    for (let step = 1; step <= numbers.length; step++) {
      const index = (pool.rrCursor + step) % numbers.length;
      if (usable.includes(numbers[index])) return { ok: true, number: numbers[index], why: `round robin: position ${index + 1} of ${numbers.length}`, rrCursor: index };
    }
  }
  if (pool.strategy === 'local-presence') {
    const code = areaCode(input.leadNumber);
    const sameCode = usable.filter((n) => code && n.areaCode === code);
    if (sameCode.length) return { ok: true, number: leastUsed(sameCode, usage, channel), why: `local presence: same area code ${code}`, rrCursor: pool.rrCursor };
    const region = input.leadRegion ?? zonesForNumber(input.leadNumber)?.region ?? null;
    const sameRegion = usable.filter((n) => region && n.region === region);
    if (sameRegion.length) return { ok: true, number: leastUsed(sameRegion, usage, channel), why: `local presence: same state ${region}`, rrCursor: pool.rrCursor };
    return { ok: true, number: leastUsed(usable, usage, channel), why: 'local presence: no local number, least used today', rrCursor: pool.rrCursor };
  }
  return { ok: true, number: leastUsed(usable, usage, channel), why: 'least used today', rrCursor: pool.rrCursor };
}

export interface AnswerRates {
  recent: { calls: number; answered: number };
  baseline: { calls: number; answered: number };
}

/**
 * Whether a number's answer rate has fallen far below its own baseline — the usual
 * sign that carriers label it as spam. Recent is today and yesterday; the baseline is
 * the 28 days before that. Both need `quarantineMinCalls` calls to be judged.
 */
export function judgeAnswerRate(rates: AnswerRates, pool: Pick<RingPoolEntity, 'quarantineEnabled' | 'quarantineMinCalls' | 'quarantineRatioPct'>): { quarantine: boolean; recentRate: number | null; baselineRate: number | null } {
  const rate = (x: { calls: number; answered: number }) => (x.calls ? x.answered / x.calls : null);
  const recentRate = rate(rates.recent);
  const baselineRate = rate(rates.baseline);
  const enough = rates.recent.calls >= pool.quarantineMinCalls && rates.baseline.calls >= pool.quarantineMinCalls;
  const quarantine = pool.quarantineEnabled && enough && recentRate !== null && baselineRate !== null && recentRate < (baselineRate * pool.quarantineRatioPct) / 100;
  return { quarantine, recentRate, baselineRate };
}

