import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Injectable } from '@nestjs/common';
import type { CountryCode } from 'libphonenumber-js';
import {
  ErrorCode,
  type AccessClaims,
  type BlockView,
  type Channel,
  type ConsentOrigin,
  type ConsentRulesView,
  type ConsentScopeView,
  type OptOutChannel,
  type OptOutEntryView,
  type OptOutSource,
} from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { normalizePhone } from '../phone/phone-number.js';
import { SettingsService } from '../settings/settings.service.js';
import type { BlockEntity } from './block.entity.js';
import { DncService } from './dnc.service.js';
import { asLedgerEntry, ComplianceRepository, type LedgerRow } from './compliance.repository.js';
import { ConsentRulesService } from './consent-rules.service.js';
import type { BlockDto, OptOutDto } from './dto/compliance.dto.js';
import { forbidding, inForce, type LedgerKind, type LedgerQuery, reach, type ScopeMode } from './opt-out-ledger.js';
import { LeadDirectory } from './lead-directory.js';
import { areaCodeOf } from '../phone/area-codes.js';
import type { OptOutEntity } from './opt-out.entity.js';
import { DomainEvents } from '../common/domain-events.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Sources that carry the person's own request: their entries are revocations unless said otherwise. */
const PERSON_SOURCES: ReadonlySet<OptOutSource> = new Set(['sms-keyword', 'sms-text', 'review', 'agent', 'disposition', 'unsubscribe-link']);

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
  /** Default: an opt-in is consent; an opt-out from the person's own sources is a revocation, else internal. */
  kind?: LedgerKind;
  origin?: ConsentOrigin | null;
  words?: string | null;
  conversationId?: string | null;
  /** Makes the write happen once: a second write with the same reference returns the first entry. */
  sourceRef?: string | null;
  /** The leads the address belongs to; default: looked up by the address. */
  leadIds?: string[];
  /** An entry the person lifts on purpose: superseded whatever its reach. */
  lifts?: string;
}

/** A ledger write checked and read (`OptOutsService.prepareAppend`), ready to be written. */
export interface PreparedLedgerWrite {
  entry: OptOutEntity;
  leadIds: string[];
  lifts: string | undefined;
  mode: ScopeMode;
}

export function toOptOutView(e: LedgerRow, mode: ScopeMode, inForceNow = e.action === 'opt-out' && !e.supersededAt): OptOutEntryView {
  return {
    id: e.id,
    address: e.address,
    addressType: e.addressType as 'phone' | 'email',
    action: e.action as 'opt-out' | 'opt-in',
    channel: e.channel as OptOutChannel,
    scope: e.scopeType === 'global' ? { type: 'global' } : { type: e.scopeType as 'schedule' | 'queue', id: e.scopeId },
    source: e.source as OptOutSource,
    kind: e.kind as LedgerKind,
    origin: e.origin as ConsentOrigin | null,
    words: e.words,
    conversationId: e.conversationId,
    scopeRule: e.scopeRule,
    reach: reach(asLedgerEntry(e), mode),
    inForce: inForceNow,
    leadIds: e.leadIds,
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

/** The person a contact is for: their lead and every address of theirs we know. */
export interface ContactSubject {
  address: string;
  leadId?: string | null;
  leadAddresses?: Array<string | null | undefined>;
}

/** The opt-out ledger and the block list: writes with provenance, and lookups for the gate. */
@Injectable()
export class OptOutsService {
  constructor(
    private readonly repo: ComplianceRepository,
    private readonly dnc: DncService,
    private readonly settings: SettingsService,
    private readonly consent: ConsentRulesService,
    private readonly leads: LeadDirectory,
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

  /** The leads an address belongs to now. */
  leadsOf(address: string): Promise<string[]> {
    return address.includes('@') ? this.leads.findLeadIdsByEmail(address) : this.leads.findLeadIdsByPhone(address);
  }

  async write(input: LedgerWrite): Promise<OptOutEntryView> {
    return (await this.append(input)).entry;
  }

  /**
   * Appends to the ledger and says whether this call wrote it (a retried request with the
   * same `sourceRef` finds its entry). The scope in force is recorded with the entry, and
   * honoured from this moment: the gate reads the ledger at each contact.
   */
  async append(input: LedgerWrite): Promise<{ entry: OptOutEntryView; created: boolean }> {
    return this.appendPrepared(await this.prepareAppend(input));
  }

  /**
   * `append` inside the caller's transaction `em`, from what `prepareAppend` read before it
   * began: the entry is written with the rest of the caller's change, or not at all. The
   * opt-out is announced once `em` commits.
   */
  async appendIn(em: EntityManager, prepared: PreparedLedgerWrite): Promise<{ entry: OptOutEntryView; created: boolean }> {
    return this.appendPrepared(prepared, em);
  }

  /** Everything an append reads (the address, the scope in force, the person's leads), before anything is written. */
  async prepareAppend(input: LedgerWrite): Promise<PreparedLedgerWrite> {
    const info = input.address.startsWith('+') || input.address.includes('@') ? { address: input.address.toLowerCase(), type: input.address.includes('@') ? 'email' : 'phone' } : await this.parseAddress(input.address);
    const now = this.clock.now();
    const kind: LedgerKind = input.kind ?? (input.action === 'opt-in' ? 'consent' : PERSON_SOURCES.has(input.source) ? 'revocation' : 'internal');
    const scope = await this.consent.scope(now);
    const entry: OptOutEntity = {
      id: randomUUID(),
      address: info.address,
      addressType: info.type,
      action: input.action,
      kind,
      channel: input.channel,
      scopeType: input.scope?.type ?? 'global',
      scopeId: input.scope?.id ?? '',
      source: input.source,
      origin: input.origin ?? null,
      words: input.words ? input.words.slice(0, 500) : null,
      conversationId: input.conversationId ?? null,
      scopeRule: kind === 'revocation' ? `${scope.mode === 'all' ? 'every channel and campaign' : 'per channel'}: ${scope.basis}`.slice(0, 160) : null,
      sourceRef: input.sourceRef ?? null,
      actorId: input.actorId,
      note: input.note ? input.note.slice(0, 500) : null,
      createdAt: now,
      supersededAt: null,
      supersededBy: null,
    };
    const leadIds = [...new Set(input.leadIds ?? (await this.leadsOf(info.address)))].sort();
    return { entry, leadIds, lifts: input.lifts, mode: scope.mode };
  }

  private async appendPrepared(p: PreparedLedgerWrite, em?: EntityManager): Promise<{ entry: OptOutEntryView; created: boolean }> {
    const { row, created } = await this.repo.appendLedger(p.entry, p.leadIds, p.lifts, em);
    const view = toOptOutView(row, p.mode);
    // Whatever the source (keyword, link, agent, API, disposition): schedules exit, the dialer forgets earlier checks.
    if (created && row.action === 'opt-out') {
      const event = { address: row.address, channel: view.reach.channels[0], source: row.source, leadIds: view.reach.addresses === 'the person' ? row.leadIds : [], at: row.createdAt };
      if (em) this.events.emitAfterCommit(em, 'address.opted-out', event);
      else await this.events.emit('address.opted-out', event);
    }
    return { entry: view, created };
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
    if (action === 'opt-in' && dto.kind && dto.kind !== 'consent') throw DomainError.validation('kind', 'an opt-in is consent');
    if (action === 'opt-out' && dto.kind === 'consent') throw DomainError.validation('kind', 'an opt-out is a revocation or internal');
    return this.write({
      address: info.address,
      action,
      channel: dto.channel,
      scope: scopeType === 'global' ? undefined : { type: scopeType, id: dto.scopeId! },
      source: actor.role === 'agent' ? 'agent' : 'api',
      // Through the API an opt-out is the person's request unless the caller says it is the floor's own.
      kind: action === 'opt-in' ? 'consent' : (dto.kind ?? 'revocation'),
      origin: dto.origin ?? (action === 'opt-out' ? 'api' : null),
      words: dto.words,
      conversationId: dto.conversationId,
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
      leadIds: entry.leadIds,
      lifts: entry.id,
    });
  }

  async history(raw: string): Promise<OptOutEntryView[]> {
    const { address } = await this.parseAddress(raw);
    const mode = (await this.consent.scope()).mode;
    const rows = await this.repo.ledgerHistory(address);
    const active = rows.filter((r) => !r.supersededAt).map(asLedgerEntry);
    return rows.map((e) => toOptOutView(e, mode, !e.supersededAt && inForce(asLedgerEntry(e), active, mode)));
  }

  /** Opt-outs in force, newest first (those a later opt-in lifted on every channel they reach are left out). */
  async listActive(limit: number, offset: number): Promise<OptOutEntryView[]> {
    const mode = (await this.consent.scope()).mode;
    const rows = await this.repo.listActiveOptOuts(limit, offset);
    const others = (await this.repo.activeLedgerFor([...new Set(rows.map((r) => r.address))])).map(asLedgerEntry);
    return rows.filter((r) => inForce(asLedgerEntry(r), others.filter((o) => o.address === r.address), mode)).map((e) => toOptOutView(e, mode, true));
  }

  /** Every entry written in [from, to), oldest first, a page at a time. */
  async between(from: Date, to: Date, limit: number, after?: { createdAt: Date; id: string }): Promise<OptOutEntryView[]> {
    const mode = (await this.consent.scope()).mode;
    return (await this.repo.ledgerBetween(from, to, limit, after)).map((e) => toOptOutView(e, mode));
  }

  /**
   * The active opt-outs that forbid contacting `subject` on `channel` in `scope` at `at`,
   * under the scope of revocations in force then, and that scope.
   */
  async forbiddingFor(subject: ContactSubject, channel: Channel, scope?: { type: 'schedule' | 'queue'; id: string }, at: Date = this.clock.now(), rules?: ConsentRulesView): Promise<{ entries: OptOutEntryView[]; consentScope: ConsentScopeView }> {
    const leadAddresses = [...new Set([subject.address, ...(subject.leadAddresses ?? [])].filter((a): a is string => !!a))];
    const [consentScope, rows] = await Promise.all([this.consent.scope(at, rules), this.repo.activeLedgerFor(leadAddresses, subject.leadId)]);
    const q: LedgerQuery = { address: subject.address, channel, scope, leadId: subject.leadId ?? undefined, leadAddresses };
    const byId = new Map(rows.map((r) => [r.id, r]));
    const entries = forbidding(rows.map(asLedgerEntry), q, consentScope.mode).map((e) => toOptOutView(byId.get(e.id)!, consentScope.mode));
    return { entries, consentScope };
  }

  /** Active opt-outs that forbid `channel` for `address` in `scope` (the address alone, no person). */
  async optOutsCovering(addresses: string[], channel: Channel, scope?: { type: 'schedule' | 'queue'; id: string }): Promise<OptOutEntryView[]> {
    const out = new Map<string, OptOutEntryView>();
    for (const address of addresses) for (const e of (await this.forbiddingFor({ address }, channel, scope)).entries) out.set(e.id, e);
    return [...out.values()];
  }

  /** Which of these channels an opt-out covers for any of the lead's addresses: one read of the ledger. */
  async coveredChannels(addresses: string[], channels: Channel[], scope?: { type: 'schedule' | 'queue'; id: string }, leadId?: string | null): Promise<Set<Channel>> {
    if (!addresses.length && !leadId) return new Set();
    const [consentScope, rows] = await Promise.all([this.consent.scope(), this.repo.activeLedgerFor(addresses, leadId)]);
    const entries = rows.map(asLedgerEntry);
    const covered = new Set<Channel>();
    for (const channel of channels) {
      // Each channel to the addresses it reaches: texts and calls to numbers, email to the address.
      for (const address of addresses.filter((a) => a.includes('@') === (channel === 'email'))) {
        if (forbidding(entries, { address, channel, scope, leadId: leadId ?? undefined, leadAddresses: addresses }, consentScope.mode).length) covered.add(channel);
      }
    }
    return covered;
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
