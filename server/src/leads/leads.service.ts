import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CountryCode } from 'libphonenumber-js';
import {
  ErrorCode,
  type AccessClaims,
  type CustomFieldDefinition,
  type CustomFieldValue,
  type FieldError,
  type LeadStatus,
  type LeadView,
  type Page,
  type PhoneLabel,
} from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { isValidTimezone } from '../common/timezones.js';
import { effectiveZones } from '../phone/zones.js';
import { type AccountSettings, SettingsService } from '../settings/settings.service.js';
import { UsersRepository } from '../users/users.repository.js';
import type { CustomFieldDefinitionEntity } from './custom-field.entity.js';
import type { BulkUpdateLeadsDto, CreateLeadDto, CustomFieldDto, FindLeadsQuery, ListLeadsQuery, UpdateLeadDto } from './dto/lead.dto.js';
import { leadFindOf } from './lead-find.js';
import type { LeadEntity } from './lead.entity.js';
import { type LeadCursor, type LeadFilter, type LeadRecord, LeadsRepository } from './leads.repository.js';
import { normalizePhone } from '../phone/phone-number.js';
import { isCalendarDate } from '../common/iso-dates.js';

const CUSTOM_FIELDS_MAX_BYTES = 16_384;
/** The shape every custom field key has (the definition's DTO checks it on creation). */
const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,63}$/;

export function encodeCursor(c: LeadCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt.toISOString(), c.id])).toString('base64url');
}

export function decodeCursor(s: string): LeadCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (Number.isNaN(createdAt.getTime()) || typeof id !== 'string' || id.length > 36) throw new Error('bad');
    return { createdAt, id };
  } catch {
    throw DomainError.validation('cursor', 'is not a cursor this API returned');
  }
}

@Injectable()
export class LeadsService {
  constructor(
    private readonly leads: LeadsRepository,
    private readonly users: UsersRepository,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  /** `authorId`: the user making it (its Created By and first Last Modified By); none when the system does. */
  async create(input: CreateLeadDto, authorId: string | null = null): Promise<LeadView> {
    const settings = await this.settings.get();
    const problems: FieldError[] = [];
    const phones = this.normalizePhones(input.phones ?? [], settings, problems);
    if (!phones.length && !input.email) problems.push({ field: 'phones', message: 'a lead needs a phone number or an email' });
    const customFields = await this.checkCustomFields(input.customFields ?? {}, problems);
    await this.checkCommon(input, problems);
    if (problems.length) throw this.invalid(problems);

    const now = this.clock.now();
    const lead: LeadEntity = {
      id: randomUUID(),
      firstName: input.firstName || null,
      lastName: input.lastName || null,
      company: input.company || null,
      email: input.email ? input.email.toLowerCase() : null,
      phone: phones[0]?.e164 ?? null,
      timezone: input.timezone || null,
      region: input.region || null,
      ownerId: input.ownerId || null,
      status: input.status ?? 'new',
      customFields: JSON.stringify(customFields),
      instantDial: false,
      lastContactedAt: null,
      lastContactedMode: 'not_contacted',
      lastActivityAt: null,
      lastActivityType: null,
      createdBy: authorId,
      updatedBy: authorId,
      importId: null,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    const record: LeadRecord = { lead, phones, tags: [...new Set(input.tags ?? [])] };
    await this.leads.insert(record);
    return this.view(record, settings);
  }

  async get(id: string, actor: AccessClaims): Promise<LeadView> {
    const record = await this.visible(id, actor);
    return this.view(record, await this.settings.get());
  }

  async update(id: string, input: UpdateLeadDto, actor: AccessClaims): Promise<LeadView> {
    const record = await this.visible(id, actor);
    const settings = await this.settings.get();
    const problems: FieldError[] = [];
    const phones = input.phones ? this.normalizePhones(input.phones, settings, problems) : undefined;
    const customFields = input.customFields ? await this.checkCustomFields(input.customFields, problems) : undefined;
    await this.checkCommon(input, problems);
    const lead = { ...record.lead };
    if (input.firstName !== undefined) lead.firstName = input.firstName || null;
    if (input.lastName !== undefined) lead.lastName = input.lastName || null;
    if (input.company !== undefined) lead.company = input.company || null;
    if (input.email !== undefined) lead.email = input.email ? input.email.toLowerCase() : null;
    if (input.timezone !== undefined) lead.timezone = input.timezone || null;
    if (input.region !== undefined) lead.region = input.region || null;
    if (input.ownerId !== undefined) lead.ownerId = input.ownerId || null;
    if (input.status !== undefined) lead.status = input.status;
    if (phones) lead.phone = phones[0]?.e164 ?? null;
    if (customFields) lead.customFields = JSON.stringify({ ...this.parseCustom(record.lead.customFields), ...customFields });
    if (!lead.phone && !lead.email) problems.push({ field: 'phones', message: 'a lead needs a phone number or an email' });
    if (problems.length) throw this.invalid(problems);
    lead.updatedAt = this.clock.now();
    lead.updatedBy = actor.sub;
    const tags = input.tags ? [...new Set(input.tags)] : undefined;
    await this.leads.update({ lead, phones, tags });
    await this.events.emit('lead.updated', { leadId: lead.id, actorId: actor.sub, at: lead.updatedAt });
    return this.view({ lead, phones: phones ?? record.phones, tags: tags ?? record.tags }, settings);
  }

  async list(query: ListLeadsQuery, actor: AccessClaims): Promise<Page<LeadView>> {
    const settings = await this.settings.get();
    const filter: LeadFilter = { text: query.q?.trim() || undefined, statuses: query.status, ownerId: query.ownerId, tag: query.tag };
    if (actor.role === 'agent') {
      if (query.ownerId && query.ownerId !== actor.sub) throw new DomainError(ErrorCode.Forbidden, 'Agents see only their own leads');
      filter.ownerId = actor.sub;
    }
    if (query.phone) {
      const p = normalizePhone(query.phone, settings.defaultCountry as CountryCode);
      if (!p.ok) throw DomainError.validation('phone', p.reason);
      filter.phone = p.e164;
    }
    if (query.field) {
      const i = query.field.indexOf(':');
      const key = query.field.slice(0, i);
      if (!(await this.leads.findCustomField(key))) throw DomainError.validation('field', `"${key}" is not a defined custom field`);
      filter.customField = { key, value: query.field.slice(i + 1) };
    }
    const limit = query.limit ?? 50;
    const rows = await this.leads.search(filter, query.cursor ? decodeCursor(query.cursor) : null, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.view(r, settings)),
      nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.lead.createdAt, id: last.lead.id }) : null,
    };
  }

  /** The agent's search box: prefix matches across names, company, email, tags and numbers (agents: their own leads). */
  async find(query: FindLeadsQuery, actor: AccessClaims): Promise<{ items: LeadView[] }> {
    const settings = await this.settings.get();
    const find = leadFindOf(query.q, settings.defaultCountry as CountryCode);
    if (!find) return { items: [] };
    const rows = await this.leads.find(find, actor.role === 'agent' ? actor.sub : null, query.limit ?? 20);
    return { items: rows.map((r) => this.view(r, settings)) };
  }

  /** One change to many leads by `actor`, who becomes each one's last modifier; each is announced as changed (delegation follows). */
  async bulkUpdate(input: BulkUpdateLeadsDto, actorId: string): Promise<{ updated: number }> {
    if (input.status === undefined && input.ownerId === undefined && !input.addTags?.length && !input.removeTags?.length) {
      throw DomainError.validation('status', 'name at least one change: status, ownerId, addTags or removeTags');
    }
    const problems: FieldError[] = [];
    await this.checkCommon({ ownerId: input.ownerId }, problems);
    if (problems.length) throw this.invalid(problems);
    const at = this.clock.now();
    const updated = await this.leads.bulkUpdate([...new Set(input.ids)], {
      status: input.status,
      ownerId: input.ownerId,
      addTags: input.addTags,
      removeTags: input.removeTags,
      updatedAt: at,
      updatedBy: actorId,
    });
    for (const leadId of updated) await this.events.emit('lead.updated', { leadId, actorId, at });
    return { updated: updated.length };
  }

  async bulkDelete(ids: string[]): Promise<{ deleted: number }> {
    return { deleted: await this.leads.softDelete([...new Set(ids)], this.clock.now()) };
  }

  async remove(id: string): Promise<void> {
    if (!(await this.leads.softDelete([id], this.clock.now()))) throw DomainError.notFound('Lead');
  }

  async listCustomFields(): Promise<CustomFieldDefinition[]> {
    return (await this.leads.listCustomFields()).map(toDefinition);
  }

  async createCustomField(input: CustomFieldDto): Promise<CustomFieldDefinition> {
    if (input.type === 'select' && !input.options?.length) throw DomainError.validation('options', 'a select field needs options');
    if (input.type !== 'select' && input.options) throw DomainError.validation('options', 'only select fields have options');
    if (await this.leads.findCustomField(input.key)) {
      throw new DomainError(ErrorCode.Conflict, `key: "${input.key}" is already defined`, [{ field: 'key', message: 'is already defined' }]);
    }
    const def = { key: input.key, label: input.label, type: input.type, options: input.options ? JSON.stringify(input.options) : null, createdAt: this.clock.now() };
    await this.leads.insertCustomField(def);
    return toDefinition(def);
  }

  async deleteCustomField(key: string): Promise<void> {
    // A key no definition can have (a NUL byte, which Postgres refuses outright) is simply not one.
    if (!CUSTOM_FIELD_KEY.test(key) || !(await this.leads.deleteCustomField(key))) throw DomainError.notFound('Custom field');
  }

  private async visible(id: string, actor: AccessClaims): Promise<LeadRecord> {
    const record = await this.leads.findById(id);
    // An agent is told "not found" for another agent's lead, not that it exists.
    if (!record || (actor.role === 'agent' && record.lead.ownerId !== actor.sub)) throw DomainError.notFound('Lead');
    return record;
  }

  private normalizePhones(input: Array<{ number: string; label?: PhoneLabel }>, settings: AccountSettings, problems: FieldError[]) {
    const out: Array<{ e164: string; label: string }> = [];
    input.forEach((p, i) => {
      const r = normalizePhone(p.number, settings.defaultCountry as CountryCode);
      if (!r.ok) problems.push({ field: `phones[${i}].number`, message: r.reason });
      else if (out.some((o) => o.e164 === r.e164)) problems.push({ field: `phones[${i}].number`, message: `repeats ${r.e164}` });
      else out.push({ e164: r.e164, label: p.label ?? 'mobile' });
    });
    return out;
  }

  private async checkCommon(input: { timezone?: string | null; ownerId?: string | null }, problems: FieldError[]): Promise<void> {
    if (input.timezone && !isValidTimezone(input.timezone)) problems.push({ field: 'timezone', message: 'is not a known IANA time zone' });
    if (input.ownerId) {
      const owner = await this.users.findById(input.ownerId);
      if (!owner || !owner.active) problems.push({ field: 'ownerId', message: 'is not an active user' });
    }
  }

  private async checkCustomFields(values: Record<string, unknown>, problems: FieldError[]): Promise<Record<string, CustomFieldValue>> {
    // No values, nothing to check: most leads come without any, and the definitions cost a query.
    if (!Object.keys(values).length) return {};
    const defs = new Map((await this.leads.listCustomFields()).map((d) => [d.key, toDefinition(d)]));
    const out: Record<string, CustomFieldValue> = {};
    for (const [key, value] of Object.entries(values)) {
      const field = `customFields.${key}`;
      const def = defs.get(key);
      if (!def) {
        problems.push({ field, message: 'is not a defined custom field' });
        continue;
      }
      const problem = checkCustomValue(def, value);
      if (problem) problems.push({ field, message: problem });
      else out[key] = value as CustomFieldValue;
    }
    if (JSON.stringify(out).length > CUSTOM_FIELDS_MAX_BYTES) problems.push({ field: 'customFields', message: `must be under ${CUSTOM_FIELDS_MAX_BYTES} bytes` });
    return out;
  }

  private invalid(problems: FieldError[]): DomainError {
    return new DomainError(ErrorCode.ValidationFailed, problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
  }

  private parseCustom(json: string): Record<string, CustomFieldValue> {
    try {
      return JSON.parse(json) as Record<string, CustomFieldValue>;
    } catch {
      return {};
    }
  }

  private view(r: LeadRecord, settings: AccountSettings): LeadView {
    const l = r.lead;
    const tz = effectiveZones(l, settings);
    return {
      id: l.id,
      firstName: l.firstName,
      lastName: l.lastName,
      company: l.company,
      email: l.email,
      phones: r.phones.map((p) => ({ number: p.e164, label: p.label as PhoneLabel })),
      timezone: l.timezone,
      effectiveTimezones: tz.zones,
      timezoneSource: tz.source,
      region: tz.region,
      ownerId: l.ownerId,
      status: l.status as LeadStatus,
      tags: r.tags,
      customFields: this.parseCustom(l.customFields),
      lastContactedAt: l.lastContactedAt?.toISOString() ?? null,
      lastContactedMode: l.lastContactedMode as LeadView['lastContactedMode'],
      lastActivityAt: l.lastActivityAt?.toISOString() ?? null,
      lastActivityType: l.lastActivityType,
      instantDial: l.instantDial,
      createdBy: l.createdBy ?? null,
      updatedBy: l.updatedBy ?? null,
      importId: l.importId ?? null,
      createdAt: l.createdAt.toISOString(),
      updatedAt: l.updatedAt.toISOString(),
    };
  }
}

function toDefinition(d: CustomFieldDefinitionEntity): CustomFieldDefinition {
  return { key: d.key, label: d.label, type: d.type as CustomFieldDefinition['type'], ...(d.options ? { options: JSON.parse(d.options) as string[] } : {}) };
}

/** Returns why `value` does not fit the field's type, or null. Null clears a field. */
export function checkCustomValue(def: CustomFieldDefinition, value: unknown): string | null {
  if (value === null) return null;
  switch (def.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 2000 ? null : 'must be text of at most 2000 characters';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'date':
      return isCalendarDate(value) ? null : 'must be a date as YYYY-MM-DD';
    case 'select':
      return typeof value === 'string' && (def.options ?? []).includes(value) ? null : `must be one of ${(def.options ?? []).join(', ')}`;
  }
}
