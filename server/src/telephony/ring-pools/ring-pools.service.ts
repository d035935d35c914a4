import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CountryCode } from 'libphonenumber-js';
import { DateTime } from 'luxon';
import {
  ErrorCode,
  type CallerIdStrategy,
  type FieldError,
  type PoolNumberHealth,
  type PoolNumberView,
  type PoolPickView,
  type RingPoolHealth,
  type RingPoolView,
} from '../../../../shared/src/index.js';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/domain-error.js';
import { zonesForNumber } from '../../compliance/area-codes.js';
import { normalizePhone } from '../../leads/phone.js';
import { SettingsService } from '../../settings/settings.service.js';
import { areaCode, chooseNumber, judgeAnswerRate, type PoolChannel, type PoolPick, unusable } from './caller-id.js';
import type { PoolNumberDto, RingPoolDto, UpdatePoolNumberDto, UpdateRingPoolDto } from './ring-pools.dto.js';
import { PoolNumberEntity, RingPoolEntity } from './ring-pool.entity.js';
import { RingPoolsRepository } from './ring-pools.repository.js';

export const POOL_DEFAULTS = { strategy: 'round-robin' as CallerIdStrategy, dailyCallCap: 100, dailySmsCap: 200, quarantineEnabled: true, quarantineMinCalls: 30, quarantineRatioPct: 50, coolDownHours: 72 };

export function toNumberView(n: PoolNumberEntity): PoolNumberView {
  return {
    id: n.id,
    e164: n.e164,
    carrierSid: n.carrierSid,
    voice: n.voice,
    sms: n.sms,
    region: n.region,
    areaCode: n.areaCode,
    status: n.status as PoolNumberView['status'],
    quarantinedUntil: n.quarantinedUntil?.toISOString() ?? null,
    quarantineReason: n.quarantineReason,
    lastUsedAt: n.lastUsedAt?.toISOString() ?? null,
  };
}

function toPoolView(p: RingPoolEntity, numbers: PoolNumberEntity[]): RingPoolView {
  return {
    id: p.id,
    name: p.name,
    strategy: p.strategy as CallerIdStrategy,
    dailyCallCap: p.dailyCallCap,
    dailySmsCap: p.dailySmsCap,
    quarantine: { enabled: p.quarantineEnabled, minCalls: p.quarantineMinCalls, ratioPct: p.quarantineRatioPct, coolDownHours: p.coolDownHours },
    active: p.active,
    numbers: numbers.map(toNumberView),
    createdAt: p.createdAt.toISOString(),
  };
}

/** Ring pools: caller-ID numbers, how one is chosen, daily caps, and quarantine of numbers labelled as spam. */
@Injectable()
export class RingPoolsService {
  constructor(
    private readonly repo: RingPoolsRepository,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<RingPoolView[]> {
    const pools = await this.repo.pools();
    return Promise.all(pools.map(async (p) => toPoolView(p, await this.repo.numbers(p.id))));
  }

  async get(id: string): Promise<RingPoolView> {
    const pool = await this.find(id);
    return toPoolView(pool, await this.repo.numbers(id));
  }

  async create(input: RingPoolDto): Promise<RingPoolView> {
    const name = input.name.trim();
    if (await this.repo.findPoolByName(name)) throw new DomainError(ErrorCode.Conflict, `name: a ring pool named "${name}" exists`, [{ field: 'name', message: 'is already taken' }]);
    const now = this.clock.now();
    const pool: RingPoolEntity = {
      id: randomUUID(),
      name,
      strategy: input.strategy ?? POOL_DEFAULTS.strategy,
      dailyCallCap: input.dailyCallCap ?? POOL_DEFAULTS.dailyCallCap,
      dailySmsCap: input.dailySmsCap ?? POOL_DEFAULTS.dailySmsCap,
      quarantineEnabled: input.quarantineEnabled ?? POOL_DEFAULTS.quarantineEnabled,
      quarantineMinCalls: input.quarantineMinCalls ?? POOL_DEFAULTS.quarantineMinCalls,
      quarantineRatioPct: input.quarantineRatioPct ?? POOL_DEFAULTS.quarantineRatioPct,
      coolDownHours: input.coolDownHours ?? POOL_DEFAULTS.coolDownHours,
      rrCursor: -1,
      active: input.active ?? true,
      createdAt: now,
      updatedAt: now,
    };
    await this.repo.insertPool(pool);
    if (input.numbers?.length) await this.addNumbers(pool.id, input.numbers);
    return this.get(pool.id);
  }

  async update(id: string, input: UpdateRingPoolDto): Promise<RingPoolView> {
    const pool = await this.find(id);
    if (input.name && input.name.trim() !== pool.name) {
      const other = await this.repo.findPoolByName(input.name.trim());
      if (other) throw new DomainError(ErrorCode.Conflict, `name: a ring pool named "${input.name.trim()}" exists`, [{ field: 'name', message: 'is already taken' }]);
    }
    const { name, ...rest } = input;
    await this.repo.updatePool(id, { ...rest, ...(name ? { name: name.trim() } : {}), updatedAt: this.clock.now() });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    await this.find(id);
    if ((await this.repo.numbers(id)).length) throw new DomainError(ErrorCode.Conflict, 'Remove the pool\'s numbers first');
    await this.repo.deletePool(id);
  }

  async addNumbers(poolId: string, input: PoolNumberDto[]): Promise<RingPoolView> {
    await this.find(poolId);
    const settings = await this.settings.get();
    const problems: FieldError[] = [];
    const now = this.clock.now();
    const rows: PoolNumberEntity[] = [];
    input.forEach((n, i) => {
      const p = normalizePhone(n.e164, settings.defaultCountry as CountryCode);
      if (!p.ok) return problems.push({ field: `numbers[${i}].e164`, message: p.reason });
      if (rows.some((r) => r.e164 === p.e164)) return problems.push({ field: `numbers[${i}].e164`, message: `repeats ${p.e164}` });
      rows.push({
        id: randomUUID(),
        poolId,
        e164: p.e164,
        carrierSid: n.carrierSid ?? null,
        voice: n.voice ?? true,
        sms: n.sms ?? true,
        region: n.region ?? zonesForNumber(p.e164)?.region ?? null,
        areaCode: areaCode(p.e164),
        status: 'active',
        quarantinedUntil: null,
        quarantineReason: null,
        lastUsedAt: null,
        // Spaced by a millisecond so round robin keeps the order they were given in.
        createdAt: new Date(now.getTime() + i),
      });
    });
    for (const taken of await this.repo.findNumbersByE164(rows.map((r) => r.e164))) {
      const i = rows.findIndex((r) => r.e164 === taken.e164);
      problems.push({ field: `numbers[${i}].e164`, message: `${taken.e164} is already in a ring pool` });
    }
    if (problems.length) throw new DomainError(problems.some((p) => p.message.includes('already in')) ? ErrorCode.Conflict : ErrorCode.ValidationFailed, problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
    await this.repo.insertNumbers(rows);
    return this.get(poolId);
  }

  async updateNumber(poolId: string, numberId: string, input: UpdatePoolNumberDto): Promise<PoolNumberView> {
    const n = await this.findNumber(poolId, numberId);
    const patch: Partial<PoolNumberEntity> = { ...input };
    if (input.status === 'active') Object.assign(patch, { quarantinedUntil: null, quarantineReason: null });
    await this.repo.updateNumber(numberId, patch);
    return toNumberView({ ...n, ...patch });
  }

  async removeNumber(poolId: string, numberId: string): Promise<void> {
    await this.findNumber(poolId, numberId);
    await this.repo.deleteNumber(numberId);
  }

  /** The pool a contact uses when its work names none: the oldest active pool with a number for the channel. */
  async defaultPoolId(channel: PoolChannel): Promise<string | null> {
    for (const pool of await this.repo.pools()) {
      if (!pool.active) continue;
      if ((await this.repo.numbers(pool.id)).some((n) => (channel === 'call' ? n.voice : n.sms) && n.status !== 'disabled')) return pool.id;
    }
    return null;
  }

  /**
   * Chooses the caller ID and counts it against today's cap, under the pool's row
   * lock, so concurrent picks cannot exceed a cap.
   */
  async pick(poolId: string, channel: PoolChannel, lead: { e164: string; region: string | null }, at: Date = this.clock.now()): Promise<PoolPick> {
    const day = await this.day(at);
    const result = await this.repo.withPoolLock(poolId, async (em, pool, numbers, usage) => {
      const choice = chooseNumber({ pool, numbers, usage: await usage(day), channel, leadNumber: lead.e164, leadRegion: lead.region, now: at });
      if (!choice.ok) return choice;
      await this.repo.increment(choice.number.id, day, channel === 'call' ? 'calls' : 'sms', em);
      await em.getRepository(RingPoolEntity).update({ id: pool.id }, { rrCursor: choice.rrCursor });
      await em.getRepository(PoolNumberEntity).update({ id: choice.number.id }, { lastUsedAt: at });
      return choice;
    });
    if (!result) throw DomainError.notFound('Ring pool');
    return result;
  }

  /** Which number would be chosen now, without counting it. */
  async explain(poolId: string, channel: PoolChannel, to: string): Promise<PoolPickView> {
    const pool = await this.find(poolId);
    const settings = await this.settings.get();
    const p = normalizePhone(to, settings.defaultCountry as CountryCode);
    if (!p.ok) throw DomainError.validation('to', p.reason);
    const numbers = await this.repo.numbers(poolId);
    const now = this.clock.now();
    const choice = chooseNumber({ pool, numbers, usage: await this.repo.usage(numbers.map((n) => n.id), await this.day(now)), channel, leadNumber: p.e164, leadRegion: null, now });
    return choice.ok ? { ok: true, number: toNumberView(choice.number), why: choice.why } : choice;
  }

  /** A call placed from the number ended: count a human answer, then judge the number's answer rate. */
  async recordCallOutcome(numberId: string, answered: boolean, at: Date): Promise<void> {
    const n = await this.repo.findNumber(numberId);
    if (!n) return;
    const day = await this.day(at);
    if (answered) await this.repo.increment(numberId, day, 'answered');
    await this.review(n, at);
  }

  /** Quarantines the number when its recent answer rate fell far below its baseline. */
  async review(n: PoolNumberEntity, at: Date): Promise<boolean> {
    const pool = await this.repo.findPool(n.poolId);
    if (!pool || n.status !== 'active') return false;
    const rates = await this.rates(n.id, at);
    const verdict = judgeAnswerRate(rates, pool);
    if (!verdict.quarantine) return false;
    const pct = (x: number | null) => `${Math.round((x ?? 0) * 100)}%`;
    await this.repo.updateNumber(n.id, {
      status: 'quarantined',
      quarantinedUntil: new Date(at.getTime() + pool.coolDownHours * 3_600_000),
      quarantineReason: `answer rate ${pct(verdict.recentRate)} over the last 2 days against ${pct(verdict.baselineRate)} before`,
    });
    return true;
  }

  async health(poolId: string): Promise<RingPoolHealth> {
    const pool = await this.find(poolId);
    const numbers = await this.repo.numbers(poolId);
    const now = this.clock.now();
    const day = await this.day(now);
    const usage = await this.repo.usage(numbers.map((n) => n.id), day);
    const rows: PoolNumberHealth[] = [];
    const remaining = { calls: 0, sms: 0 };
    for (const n of numbers) {
      const today = usage.get(n.id) ?? { calls: 0, answered: 0, sms: 0 };
      const r = await this.rates(n.id, now);
      const verdict = judgeAnswerRate(r, pool);
      const usable = { call: unusable(n, pool, today, 'call', now), sms: unusable(n, pool, today, 'sms', now) };
      if (!usable.call) remaining.calls += pool.dailyCallCap - today.calls;
      if (!usable.sms) remaining.sms += pool.dailySmsCap - today.sms;
      rows.push({ ...toNumberView(n), today, recentAnswerRate: verdict.recentRate, baselineAnswerRate: verdict.baselineRate, usable });
    }
    return { poolId, day, remainingToday: remaining, numbers: rows };
  }

  private async rates(numberId: string, at: Date) {
    const zone = (await this.settings.get()).defaultTimezone;
    const today = DateTime.fromJSDate(at, { zone });
    const fmt = (d: DateTime) => d.toFormat('yyyy-MM-dd');
    const rows = await this.repo.usageBetween(numberId, fmt(today.minus({ days: 29 })), fmt(today));
    const recentFrom = fmt(today.minus({ days: 1 }));
    const sum = (xs: typeof rows) => xs.reduce((a, u) => ({ calls: a.calls + u.calls, answered: a.answered + u.answered }), { calls: 0, answered: 0 });
    return { recent: sum(rows.filter((u) => u.day >= recentFrom)), baseline: sum(rows.filter((u) => u.day < recentFrom)) };
  }

  /** The account's local date: caps reset at local midnight. */
  private async day(at: Date): Promise<string> {
    const zone = (await this.settings.get()).defaultTimezone;
    return DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd');
  }

  private async find(id: string): Promise<RingPoolEntity> {
    const pool = await this.repo.findPool(id);
    if (!pool) throw DomainError.notFound('Ring pool');
    return pool;
  }

  private async findNumber(poolId: string, numberId: string): Promise<PoolNumberEntity> {
    const n = await this.repo.findNumber(numberId);
    if (!n || n.poolId !== poolId) throw DomainError.notFound('Pool number');
    return n;
  }
}
