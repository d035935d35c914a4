import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CountryCode } from 'libphonenumber-js';
import {
  ErrorCode,
  type CallerIdStrategy,
  type FieldError,
  type PoolChannel,
  type PoolNumberView,
  type PoolPickView,
  type RingPoolHealth,
  type RingPoolView,
} from '#shared';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/domain-error.js';
import { areaCodeOf, zonesForNumber } from '../../phone/area-codes.js';
import { normalizePhone } from '../../phone/phone-number.js';
import { SettingsService } from '../../settings/settings.service.js';
import {
  answerRateWindows,
  type AnswerRateVerdict,
  chooseNumber,
  type DayUsage,
  isQuarantined,
  judgeAnswerRate,
  localDay,
  type PoolPick,
  capacityReturnsAt,
  sumCounts,
} from './caller-id.js';
import type { PoolNumberDto, RingPoolDto, UpdatePoolNumberDto, UpdateRingPoolDto } from './dto/ring-pools.dto.js';
import type { PoolNumberEntity, RingPoolEntity } from './ring-pool.entity.js';
import { toNumberView, toPoolHealth, toPoolView } from './ring-pool-views.js';
import { RingPoolsRepository } from './ring-pools.repository.js';

export const POOL_DEFAULTS = {
  strategy: 'round-robin' as CallerIdStrategy,
  dailyCallCap: 100,
  dailySmsCap: 200,
  quarantineEnabled: true,
  quarantineMinCalls: 30,
  quarantineRatioPct: 50,
  coolDownHours: 72,
};

/** Who a caller ID is chosen for. */
export interface PoolLead {
  /** E.164. */
  e164: string;
  /** `US-FL`; derived from the area code when null. */
  region: string | null;
}

const HOUR_MS = 3_600_000;

function nameTaken(name: string): DomainError {
  return new DomainError(ErrorCode.Conflict, `name: a ring pool named "${name}" already exists`, [{ field: 'name', message: 'is already taken' }]);
}

/**
 * Ring pools: the caller-ID numbers calls and texts go out from, how one is chosen,
 * per-number daily caps, and quarantine of numbers whose answer rate collapses.
 * "Today" is the local date in the account's default time zone.
 */
@Injectable()
export class RingPoolsService {
  constructor(
    private readonly repo: RingPoolsRepository,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<RingPoolView[]> {
    const pools = await this.repo.pools();
    const numbers = await this.repo.numbers(pools.map((p) => p.id));
    const now = this.clock.now();
    return pools.map((p) => toPoolView(p, numbers, now));
  }

  async exists(id: string): Promise<boolean> {
    return (await this.repo.pools()).some((p) => p.id === id);
  }

  async get(id: string): Promise<RingPoolView> {
    const pool = await this.find(id);
    return toPoolView(pool, await this.repo.numbers([id]), this.clock.now());
  }

  async create(input: RingPoolDto): Promise<RingPoolView> {
    const name = input.name.trim();
    if (!name) throw DomainError.validation('name', 'must not be blank');
    if (await this.repo.findPoolByName(name)) throw nameTaken(name);
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
      // The position of the last number handed out: none yet.
      rrCursor: -1,
      active: input.active ?? true,
      createdAt: now,
      updatedAt: now,
    };
    const numbers = await this.prepareNumbers(pool.id, input.numbers ?? [], 'numbers');
    if (!(await this.repo.insertPool(pool, numbers))) {
      // Lost a race: say which unique value was taken.
      if (await this.repo.findPoolByName(name)) throw nameTaken(name);
      await this.prepareNumbers(pool.id, input.numbers ?? [], 'numbers');
      throw new DomainError(ErrorCode.Conflict, 'A number or the name was taken meanwhile; try again');
    }
    return this.get(pool.id);
  }

  async update(id: string, input: UpdateRingPoolDto): Promise<RingPoolView> {
    await this.find(id);
    const { name: rawName, ...rest } = input;
    const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<RingPoolEntity>;
    const patch: Partial<RingPoolEntity> = { ...given, updatedAt: this.clock.now() };
    if (rawName !== undefined) {
      const name = rawName.trim();
      if (!name) throw DomainError.validation('name', 'must not be blank');
      const other = await this.repo.findPoolByName(name);
      if (other && other.id !== id) throw nameTaken(name);
      patch.name = name;
    }
    if (!(await this.repo.updatePool(id, patch))) throw nameTaken(patch.name ?? '');
    return this.get(id);
  }

  /** Deletes a pool that has no numbers (remove them first). */
  async remove(id: string): Promise<void> {
    const outcome = await this.repo.deletePoolIfEmpty(id);
    if (outcome === 'not-found') throw DomainError.notFound('Ring pool');
    if (outcome === 'has-numbers') throw new DomainError(ErrorCode.Conflict, 'The ring pool still has numbers: remove them first');
  }

  /** Adds one or more numbers; a number already in any pool is refused (409) by name. */
  async addNumbers(poolId: string, input: PoolNumberDto[]): Promise<RingPoolView> {
    await this.find(poolId);
    const rows = await this.prepareNumbers(poolId, input, 'numbers');
    const outcome = await this.repo.insertNumbers(poolId, rows);
    if (outcome === 'not-found') throw DomainError.notFound('Ring pool');
    if (outcome === 'duplicate') {
      await this.prepareNumbers(poolId, input, 'numbers'); // names the number taken meanwhile
      throw new DomainError(ErrorCode.Conflict, 'A number was added elsewhere meanwhile; try again');
    }
    return this.get(poolId);
  }

  async updateNumber(poolId: string, numberId: string, input: UpdatePoolNumberDto): Promise<PoolNumberView> {
    const n = await this.findNumber(poolId, numberId);
    const now = this.clock.now();
    const patch: Partial<PoolNumberEntity> = {};
    if (input.voice !== undefined) patch.voice = input.voice;
    if (input.sms !== undefined) patch.sms = input.sms;
    if (input.region !== undefined) patch.region = input.region;
    if (input.carrierSid !== undefined) patch.carrierSid = input.carrierSid;
    if (input.status !== undefined) patch.status = input.status;
    // Lifting a quarantine ends it now; its end and reason stay as the number's record.
    if (input.status === 'active' && (isQuarantined(n, now) || (n.quarantinedUntil && n.quarantinedUntil > now))) patch.quarantinedUntil = now;
    if (Object.keys(patch).length) await this.repo.updateNumber(numberId, patch);
    return toNumberView({ ...n, ...patch }, now);
  }

  async removeNumber(poolId: string, numberId: string): Promise<void> {
    await this.findNumber(poolId, numberId);
    await this.repo.deleteNumber(numberId);
  }

  /** One of our numbers by its E.164 form, with its pool, or null. */
  async numberByE164(e164: string): Promise<{ id: string; poolId: string } | null> {
    const [n] = await this.repo.findNumbersByE164([e164]);
    return n ? { id: n.id, poolId: n.poolId } : null;
  }

  /** The pool a contact uses when its work names none: the oldest active pool with a number for the channel. */
  async defaultPoolId(channel: PoolChannel): Promise<string | null> {
    const pools = (await this.repo.pools()).filter((p) => p.active);
    const numbers = await this.repo.numbers(pools.map((p) => p.id));
    const found = pools.find((p) => numbers.some((n) => n.poolId === p.id && (channel === 'call' ? n.voice : n.sms) && n.status !== 'disabled'));
    return found?.id ?? null;
  }

  /**
   * Chooses the caller ID for a contact and counts it against today's cap. In one
   * transaction holding the pool's row lock it re-reads today's usage, chooses,
   * increments the day's counter for the channel and stores the round-robin cursor and
   * the number's last use, so concurrent picks can never both pass a cap.
   * A refusal (`ok: false`) says why each number could not be used; nothing is counted.
   * With `dryRun` nothing is locked or written: which number would be chosen, and why.
   */
  async pick(poolId: string, channel: PoolChannel, lead: PoolLead, at: Date = this.clock.now(), options: { dryRun?: boolean } = {}): Promise<PoolPick> {
    const zone = await this.zone();
    const day = localDay(at, zone);
    const input = { channel, leadNumber: lead.e164, leadRegion: lead.region, now: at };
    // A pool out of capacity says when it comes back, so work can wait for it instead of failing.
    const refusal = (choice: PoolPick & { ok: false }, pool: RingPoolEntity, numbers: PoolNumberEntity[], usage: Map<string, DayUsage>): PoolPick =>
      choice.code === 'POOL_EXHAUSTED' ? { ...choice, availableAt: capacityReturnsAt(numbers, pool, usage, channel, at, zone)?.toISOString() ?? null } : choice;
    if (options.dryRun) {
      const pool = await this.find(poolId);
      const numbers = await this.repo.numbers([poolId]);
      const usage = await this.repo.usage(numbers.map((n) => n.id), day);
      const choice = chooseNumber({ ...input, pool, numbers, usage });
      return choice.ok ? choice : refusal(choice, pool, numbers, usage);
    }
    const result = await this.repo.withPoolLock(poolId, async (locked): Promise<PoolPick> => {
      const usage = await locked.usage(day);
      const choice = chooseNumber({ ...input, pool: locked.pool, numbers: locked.numbers, usage });
      if (!choice.ok) return refusal(choice, locked.pool, locked.numbers, usage);
      await locked.increment(choice.number.id, day, channel === 'call' ? 'calls' : 'sms');
      if (choice.rrCursor !== locked.pool.rrCursor) await locked.updatePool({ rrCursor: choice.rrCursor });
      // A number back from a lapsed quarantine is active again.
      const patch: Partial<PoolNumberEntity> = { lastUsedAt: at, ...(choice.number.status === 'quarantined' ? { status: 'active' } : {}) };
      await locked.updateNumber(choice.number.id, patch);
      return { ...choice, number: { ...choice.number, ...patch } };
    });
    if (!result) throw DomainError.notFound('Ring pool');
    return result;
  }

  /** The dry run behind `POST /ring-pools/:id/pick`: which number would call or text `to` now, and why; nothing is counted. */
  async dryRun(poolId: string, channel: PoolChannel, to: string, region: string | null = null, at: Date = this.clock.now()): Promise<PoolPickView> {
    const settings = await this.settings.get();
    const phone = normalizePhone(to, settings.defaultCountry as CountryCode);
    if (!phone.ok) throw DomainError.validation('to', phone.reason);
    const choice = await this.pick(poolId, channel, { e164: phone.e164, region }, at, { dryRun: true });
    return choice.ok ? { ok: true, number: toNumberView(choice.number, at), why: choice.why } : choice;
  }

  /**
   * A call placed from the number has ended: counts a human answer on the day of `at`,
   * then reviews the number's answer rate (which may quarantine it).
   */
  async recordCallOutcome(numberId: string, answered: boolean, at: Date = this.clock.now()): Promise<AnswerRateVerdict | null> {
    return answered ? this.recordAnswered(numberId, at) : this.review(numberId, at);
  }

  /** Counts one answered call on the day of `at`, then reviews the number. */
  async recordAnswered(numberId: string, at: Date = this.clock.now()): Promise<AnswerRateVerdict | null> {
    if (!(await this.repo.findNumber(numberId))) return null;
    await this.repo.increment(numberId, localDay(at, await this.zone()), 'answered');
    return this.review(numberId, at);
  }

  /**
   * Judges the number's answer rate — today and yesterday against the 28 days before —
   * and quarantines it for the pool's cool-down when it has collapsed. Null when the
   * number is not judged: unknown, disabled, quarantined, or back from a quarantine so
   * recently that the recent window still holds days from before its return.
   */
  async review(numberId: string, at: Date = this.clock.now()): Promise<AnswerRateVerdict | null> {
    const n = await this.repo.findNumber(numberId);
    if (!n || n.status === 'disabled' || isQuarantined(n, at)) return null;
    const pool = await this.repo.findPool(n.poolId);
    if (!pool) return null;
    const zone = await this.zone();
    const windows = answerRateWindows(at, zone);
    if (n.quarantinedUntil && localDay(n.quarantinedUntil, zone) >= windows.recent.from) return null;
    const rows = await this.repo.usageBetween([n.id], windows.baseline.from, windows.recent.to);
    const verdict = judgeAnswerRate({
      recent: sumCounts(rows.filter((u) => u.day >= windows.recent.from)),
      baseline: sumCounts(rows.filter((u) => u.day <= windows.baseline.to)),
      pool,
    });
    if (verdict.quarantine) {
      await this.repo.updateNumber(n.id, {
        status: 'quarantined',
        quarantinedUntil: new Date(at.getTime() + pool.coolDownHours * HOUR_MS),
        quarantineReason: verdict.reason.slice(0, 300),
      });
    }
    return verdict;
  }

  /** Per number: status, today's use against the caps, recent and baseline answer rates; and what the pool can still send today. */
  async health(poolId: string, at: Date = this.clock.now()): Promise<RingPoolHealth> {
    const pool = await this.find(poolId);
    const numbers = await this.repo.numbers([poolId]);
    const windows = answerRateWindows(at, await this.zone());
    const rows = await this.repo.usageBetween(numbers.map((n) => n.id), windows.baseline.from, windows.recent.to);
    return toPoolHealth(poolId, pool, numbers, rows, windows, at);
  }

  /**
   * Normalises and checks numbers to add: a bad number is a 400 naming its field; a
   * number repeated in the input or already in a pool is a 409 naming the number.
   */
  private async prepareNumbers(poolId: string, input: PoolNumberDto[], field: string): Promise<PoolNumberEntity[]> {
    if (!input.length) return [];
    const settings = await this.settings.get();
    const now = this.clock.now();
    const invalid: FieldError[] = [];
    const taken: FieldError[] = [];
    const rows: PoolNumberEntity[] = [];
    const fieldOf = new Map<string, string>();
    input.forEach((n, i) => {
      const at = `${field}[${i}].e164`;
      const p = normalizePhone(n.e164, settings.defaultCountry as CountryCode);
      if (!p.ok) return void invalid.push({ field: at, message: p.reason });
      if (fieldOf.has(p.e164)) return void invalid.push({ field: at, message: `repeats ${p.e164}` });
      fieldOf.set(p.e164, at);
      rows.push({
        id: randomUUID(),
        poolId,
        e164: p.e164,
        carrierSid: n.carrierSid ?? null,
        voice: n.voice ?? true,
        sms: n.sms ?? true,
        region: n.region ?? zonesForNumber(p.e164)?.region ?? null,
        areaCode: areaCodeOf(p.e164),
        status: 'active',
        quarantinedUntil: null,
        quarantineReason: null,
        lastUsedAt: null,
        // A millisecond apart, so the stable order (and round robin) keeps the order given.
        createdAt: new Date(now.getTime() + i),
      });
    });
    if (invalid.length) throw new DomainError(ErrorCode.ValidationFailed, invalid.map((p) => `${p.field}: ${p.message}`).join('; '), invalid);
    for (const existing of await this.repo.findNumbersByE164(rows.map((r) => r.e164))) {
      taken.push({ field: fieldOf.get(existing.e164) ?? field, message: `${existing.e164} is already in a ring pool` });
    }
    if (taken.length) throw new DomainError(ErrorCode.Conflict, taken.map((p) => `${p.field}: ${p.message}`).join('; '), taken);
    return rows;
  }

  private async zone(): Promise<string> {
    return (await this.settings.get()).defaultTimezone;
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
