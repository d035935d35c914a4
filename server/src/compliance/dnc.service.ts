import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { CountryCode } from 'libphonenumber-js';
import { ErrorCode, type AccessClaims, type DncListView, type DncLoadView } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { normalizePhone } from '../phone/phone-number.js';
import { SettingsService } from '../settings/settings.service.js';
import { DncIndex } from './dnc-index.js';
import { dncDigits } from '../phone/dnc-digits.js';
import type { DncListEntity } from './dnc.entity.js';
import { DncRepository } from './dnc.repository.js';

export const DNC_BATCH = 10_000;
const INVALID_SAMPLES = 100;

export function toDncListView(l: DncListEntity): DncListView {
  return {
    id: l.id,
    name: l.name,
    description: l.description,
    status: l.status as DncListView['status'],
    numberCount: l.numberCount,
    linesRead: l.linesRead,
    invalidCount: l.invalidCount,
    duplicateCount: l.duplicateCount,
    error: l.error,
    createdBy: l.createdBy,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
    removedAt: l.removedAt?.toISOString() ?? null,
  };
}

/**
 * Do-not-call lists of millions of numbers: loaded from a streamed text file in
 * batches, looked up by the compliance gate, and used to scrub whole lead lists.
 */
@Injectable()
export class DncService {
  private readonly index: DncIndex;

  constructor(
    private readonly repo: DncRepository,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {
    this.index = new DncIndex(repo);
  }

  /** Builds the in-memory scrub index now rather than on the next scrub. */
  warmIndex(): Promise<void> {
    return this.index.warm();
  }

  async createList(input: { name: string; description?: string }, actor: AccessClaims | null): Promise<DncListView> {
    const now = this.clock.now();
    const list = await this.repo.createList({
      name: input.name.trim(),
      description: input.description?.trim() || null,
      status: 'loading',
      numberCount: 0,
      linesRead: 0,
      invalidCount: 0,
      duplicateCount: 0,
      error: null,
      createdBy: actor?.sub ?? null,
      createdAt: now,
      updatedAt: now,
      removedAt: null,
      removedBy: null,
    });
    return toDncListView(list);
  }

  async lists(): Promise<DncListView[]> {
    return (await this.repo.lists()).map(toDncListView);
  }

  async get(id: number): Promise<DncListView> {
    return toDncListView(await this.find(id));
  }

  /**
   * Streams a file of numbers (one per line, in any common format) into the list.
   * Numbers block as soon as their batch is in: if the load fails half way, what was
   * loaded keeps blocking — for do-not-call, blocking too much is the safe failure.
   * Loading the same file again adds nothing and counts the duplicates.
   */
  async load(id: number, body: Readable): Promise<DncLoadView> {
    const list = await this.find(id);
    if (list.status === 'removed') throw new DomainError(ErrorCode.Conflict, 'This list was removed; create a new one');
    const counts = { numberCount: list.numberCount, linesRead: list.linesRead, invalidCount: list.invalidCount, duplicateCount: list.duplicateCount };
    await this.repo.updateList(id, { status: 'loading', error: null, updatedAt: this.clock.now() });
    const invalid: DncLoadView['invalid'] = [];
    let batch: string[] = [];
    let line = 0;
    let headerSeen = false;
    const flush = async () => {
      if (!batch.length) return;
      const added = await this.repo.insertNumbers(id, batch);
      counts.numberCount += added;
      counts.duplicateCount += batch.length - added;
      batch = [];
      await this.repo.updateList(id, { ...counts, updatedAt: this.clock.now() });
      this.index.invalidate(); // they block from now on
    };
    try {
      for await (const raw of createInterface({ input: body, crlfDelay: Infinity })) {
        line++;
        counts.linesRead++;
        const text = (line === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
        if (!text || text.startsWith('#')) continue;
        if (!headerSeen && !/\d/.test(text)) {
          headerSeen = true; // a header line such as "phone"
          continue;
        }
        headerSeen = true;
        const digits = dncDigits(text);
        if (!digits) {
          counts.invalidCount++;
          if (invalid.length < INVALID_SAMPLES) invalid.push({ line, value: text.slice(0, 60), reason: 'is not a phone number' });
          continue;
        }
        batch.push(digits);
        if (batch.length >= DNC_BATCH) await flush();
      }
      await flush();
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      await this.repo.updateList(id, { ...counts, status: 'failed', error: message.slice(0, 1000), updatedAt: this.clock.now() });
      throw new DomainError(ErrorCode.BadRequest, `The load stopped at line ${line}: ${message}; the numbers loaded so far stay on the list`);
    }
    await this.repo.updateList(id, { ...counts, status: 'active', updatedAt: this.clock.now() });
    this.index.invalidate();
    return { ...(await this.get(id)), invalid };
  }

  async remove(id: number, actor: AccessClaims): Promise<void> {
    const list = await this.find(id);
    if (list.status === 'removed') return;
    const now = this.clock.now();
    await this.repo.updateList(id, { status: 'removed', removedAt: now, removedBy: actor.sub, updatedAt: now });
    this.index.invalidate();
    while ((await this.repo.deleteNumbers(id, 50_000)) > 0) {
      /* next batch */
    }
  }

  /** The lists that hold an E.164 number. */
  async lookup(e164: string): Promise<Array<{ id: number; name: string }>> {
    return (await this.listsFor(e164)).map(({ id, name }) => ({ id, name }));
  }

  /** The lists holding the number, for the gate: from the index when it is current (see DncIndex.lookup), else the database. */
  async listsFor(e164: string): Promise<Array<{ id: number; name: string; createdAt: Date }>> {
    const digits = dncDigits(e164);
    if (!digits) return [];
    return this.index.lookup(digits) ?? this.repo.listsContaining(digits);
  }

  async check(raw: string): Promise<{ number: string; blocked: boolean; lists: Array<{ id: number; name: string }> }> {
    const settings = await this.settings.get();
    const p = normalizePhone(raw, settings.defaultCountry as CountryCode);
    if (!p.ok) throw DomainError.validation('number', p.reason);
    const lists = await this.lookup(p.e164);
    return { number: p.e164, blocked: lists.length > 0, lists };
  }

  /** Which of the numbers are on a do-not-call list; numbers that cannot be read are reported by index. */
  async scrub(numbers: string[]): Promise<{ checked: number; blocked: string[]; invalid: Array<{ index: number; value: string; reason: string }> }> {
    const invalid: Array<{ index: number; value: string; reason: string }> = [];
    const byDigits = new Map<string, string>();
    numbers.forEach((n, index) => {
      const d = dncDigits(n);
      if (!d) invalid.push({ index, value: n.slice(0, 60), reason: 'is not a phone number' });
      else byDigits.set(d, `+${d}`);
    });
    const digits = [...byDigits.keys()];
    const hits = (await this.index.scrub(digits)) ?? (await this.repo.scrub(digits));
    return { checked: numbers.length, blocked: [...hits].map((d) => `+${d}`), invalid };
  }

  private async find(id: number): Promise<DncListEntity> {
    const list = await this.repo.findList(id);
    if (!list) throw DomainError.notFound('DNC list');
    return list;
  }
}
