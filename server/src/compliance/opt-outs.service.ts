import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CountryCode } from 'libphonenumber-js';
import {
  ErrorCode,
  type AccessClaims,
  type BlockView,
  type Channel,
  type OptOutChannel,
  type OptOutEntryView,
  type OptOutSource,
} from '../../../shared/src/index.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { normalizePhone } from '../leads/phone.js';
import { SettingsService } from '../settings/settings.service.js';
import type { BlockEntity } from './block.entity.js';
import { DncService } from './dnc.service.js';
import { ComplianceRepository } from './compliance.repository.js';
import type { BlockDto, OptOutDto } from './dto/compliance.dto.js';
import { covers, type LedgerEntry } from './opt-out-ledger.js';
import type { OptOutEntity } from './opt-out.entity.js';
import { DomainEvents } from '../common/domain-events.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface AddressInfo {
  address: string;
  type: 'phone' | 'email';
}

export interface LedgerWrite {
  address: string;
  action: 'opt-out' | 'opt-in';
  channel: OptOutChannel;
  scope?: { type: 'schedule' | 'queue'; id: string };
  source: OptOutSource;
  actorId: string | null;
  note?: string | null;
}

export function toOptOutView(e: OptOutEntity): OptOutEntryView {
  return {
    id: e.id,
    address: e.address,
    addressType: e.addressType as 'phone' | 'email',
    action: e.action as 'opt-out' | 'opt-in',
    channel: e.channel as OptOutChannel,
    scope: e.scopeType === 'global' ? { type: 'global' } : { type: e.scopeType as 'schedule' | 'queue', id: e.scopeId },
    source: e.source as OptOutSource,
    actorId: e.actorId,
    note: e.note,
    createdAt: e.createdAt.toISOString(),
    supersededAt: e.supersededAt?.toISOString() ?? null,
    supersededBy: e.supersededBy,
  };
}

export function toBlockView(b: BlockEntity): BlockView {
  return { id: b.id, kind: b.kind as BlockView['kind'], value: b.value, reason: b.reason, source: b.source as OptOutSource, actorId: b.actorId, createdAt: b.createdAt.toISOString() };
}

/** Every prefix of an E.164 number a prefix block could name: "+1", "+14", … up to the whole number less one digit. */
export function numberPrefixes(e164: string): string[] {
  const out: string[] = [];
  for (let i = 2; i < e164.length; i++) out.push(e164.slice(0, i));
  return out;
}

export function areaCodeOf(e164: string): string | null {
  return /^\+1\d{10}$/.test(e164) ? e164.slice(2, 5) : null;
}

/** The opt-out ledger and the block list: writes with provenance, and lookups for the gate. */
@Injectable()
export class OptOutsService {
  constructor(
    private readonly repo: ComplianceRepository,
    private readonly dnc: DncService,
    private readonly settings: SettingsService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  /** Normalises a phone number or email; throws a 400 naming `field` when it is neither. */
  async parseAddress(raw: string, field = 'address'): Promise<AddressInfo> {
    const text = raw.trim();
    if (text.includes('@')) {
      if (!EMAIL.test(text)) throw DomainError.validation(field, 'is not an email address');
      return { address: text.toLowerCase(), type: 'email' };
    }
    const country = (await this.settings.get()).defaultCountry as CountryCode;
    const phone = normalizePhone(text, country);
    if (!phone.ok) throw DomainError.validation(field, phone.reason);
    return { address: phone.e164, type: 'phone' };
  }

  async write(input: LedgerWrite): Promise<OptOutEntryView> {
    const info = input.address.startsWith('+') || input.address.includes('@') ? { address: input.address, type: input.address.includes('@') ? 'email' : 'phone' } : await this.parseAddress(input.address);
    const entry: OptOutEntity = {
      id: randomUUID(),
      address: info.address,
      addressType: info.type,
      action: input.action,
      channel: input.channel,
      scopeType: input.scope?.type ?? 'global',
      scopeId: input.scope?.id ?? '',
      source: input.source,
      actorId: input.actorId,
      note: input.note ?? null,
      createdAt: this.clock.now(),
      supersededAt: null,
      supersededBy: null,
    };
    await this.repo.appendLedger(entry);
    // Whatever the source (keyword, link, agent, API, disposition): schedules exit, the dialer forgets earlier checks.
    if (entry.action === 'opt-out') await this.events.emit('address.opted-out', { address: entry.address, channel: entry.channel, source: entry.source, at: entry.createdAt });
    return toOptOutView(entry);
  }

  async record(dto: OptOutDto, action: 'opt-out' | 'opt-in', actor: AccessClaims): Promise<OptOutEntryView> {
    const info = await this.parseAddress(dto.address);
    if (info.type === 'email' && (dto.channel === 'call' || dto.channel === 'sms')) {
      throw DomainError.validation('channel', `an email address can only be opted out of email or all`);
    }
    if (info.type === 'phone' && dto.channel === 'email') throw DomainError.validation('channel', 'a phone number cannot be opted out of email');
    const scopeType = dto.scopeType ?? 'global';
    if (scopeType !== 'global' && !dto.scopeId) throw DomainError.validation('scopeId', `is required when scopeType is ${scopeType}`);
    if (scopeType === 'global' && dto.scopeId) throw DomainError.validation('scopeId', 'is only allowed with a schedule or queue scope');
    return this.write({
      address: info.address,
      action,
      channel: dto.channel,
      scope: scopeType === 'global' ? undefined : { type: scopeType, id: dto.scopeId! },
      source: actor.role === 'agent' ? 'agent' : 'api',
      actorId: actor.sub,
      note: dto.note,
    });
  }

  /** Lifts one entry by appending the opt-in that supersedes it. */
  async lift(id: string, actor: AccessClaims): Promise<OptOutEntryView> {
    const entry = await this.repo.findLedgerEntry(id);
    if (!entry) throw DomainError.notFound('Opt-out entry');
    if (entry.supersededAt || entry.action !== 'opt-out') throw new DomainError(ErrorCode.Conflict, 'This entry is no longer an active opt-out');
    return this.write({
      address: entry.address,
      action: 'opt-in',
      channel: entry.channel as OptOutChannel,
      scope: entry.scopeType === 'global' ? undefined : { type: entry.scopeType as 'schedule' | 'queue', id: entry.scopeId },
      source: 'api',
      actorId: actor.sub,
      note: `lifts ${entry.id}`,
    });
  }

  async history(raw: string): Promise<OptOutEntryView[]> {
    const { address } = await this.parseAddress(raw);
    return (await this.repo.ledgerHistory(address)).map(toOptOutView);
  }

  async listActive(limit: number, offset: number): Promise<OptOutEntryView[]> {
    return (await this.repo.listActiveOptOuts(limit, offset)).map(toOptOutView);
  }

  /** Active opt-outs that forbid `channel` for any of `addresses` in `scope`. */
  async optOutsCovering(addresses: string[], channel: Channel, scope?: { type: 'schedule' | 'queue'; id: string }): Promise<OptOutEntryView[]> {
    const active = await this.repo.activeLedger(addresses);
    return active.filter((e) => covers(e as LedgerEntry, channel, scope)).map(toOptOutView);
  }

  /** Which of these channels an opt-out covers for any of the addresses: one read of the ledger. */
  async coveredChannels(addresses: string[], channels: Channel[], scope?: { type: 'schedule' | 'queue'; id: string }): Promise<Set<Channel>> {
    if (!addresses.length) return new Set();
    const active = await this.repo.activeLedger(addresses);
    return new Set(channels.filter((c) => active.some((e) => covers(e as LedgerEntry, c, scope))));
  }

  async addBlock(dto: BlockDto, actor: AccessClaims): Promise<BlockView> {
    const value = await this.blockValue(dto.kind, dto.value);
    if (await this.repo.findActiveBlock(dto.kind, value)) {
      throw new DomainError(ErrorCode.Conflict, `value: ${value} is already blocked`, [{ field: 'value', message: 'is already blocked' }]);
    }
    return this.insertBlock(dto.kind, value, dto.reason ?? null, actor.role === 'agent' ? 'agent' : 'api', actor.sub);
  }

  /** Blocks an E.164 number on behalf of automation (a schedule step); already blocked is fine. */
  async blockNumber(e164: string, reason: string | null, source: string, actorId: string | null): Promise<BlockView> {
    const existing = await this.repo.findActiveBlock('number', e164);
    if (existing) return toBlockView(existing);
    return this.insertBlock('number', e164, reason, source, actorId);
  }

  private async insertBlock(kind: BlockEntity['kind'], value: string, reason: string | null, source: string, actorId: string | null): Promise<BlockView> {
    const block: BlockEntity = { id: randomUUID(), kind, value, reason, source, actorId, createdAt: this.clock.now(), removedAt: null, removedBy: null };
    await this.repo.insertBlock(block);
    return toBlockView(block);
  }

  async removeBlock(id: string, actor: AccessClaims): Promise<void> {
    if (!(await this.repo.removeBlock(id, this.clock.now(), actor.sub))) throw DomainError.notFound('Block');
  }

  async listBlocks(limit: number, offset: number): Promise<BlockView[]> {
    return (await this.repo.listBlocks(limit, offset)).map(toBlockView);
  }

  /** Active blocks that stop calls and texts to `e164`. */
  /** Blocks that cover the number: exact, prefix, area code, and do-not-call lists holding it. */
  async blocksFor(e164: string): Promise<BlockView[]> {
    const [blocks, lists] = await Promise.all([this.repo.blocksMatching(e164, numberPrefixes(e164), areaCodeOf(e164)), this.dnc.listsFor(e164)]);
    return [
      ...blocks.map(toBlockView),
      ...lists.map((l): BlockView => ({ id: `dnc-list:${l.id}`, kind: 'dnc-list', value: e164, reason: `on DNC list "${l.name}"`, source: 'import', actorId: null, createdAt: l.createdAt.toISOString() })),
    ];
  }

  private async blockValue(kind: string, raw: string): Promise<string> {
    const text = raw.trim();
    if (kind === 'number') return (await this.parseAddress(text, 'value')).address;
    if (kind === 'prefix') {
      const digits = text.replace(/[\s().-]/g, '');
      if (!/^\+\d{1,14}$/.test(digits)) throw DomainError.validation('value', 'a prefix is + followed by 1 to 14 digits, e.g. +1900');
      return digits;
    }
    if (!/^[2-9]\d{2}$/.test(text)) throw DomainError.validation('value', 'an area code is three digits, e.g. 900');
    return text;
  }
}
