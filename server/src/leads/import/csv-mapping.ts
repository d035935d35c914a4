import type { CountryCode } from 'libphonenumber-js';
import {
  DEDUPE_MODES,
  IMPORT_FIELDS,
  LEAD_STATUSES,
  type CustomFieldDefinition,
  type CustomFieldValue,
  type FieldError,
  type ImportSettings,
  type ImportTarget,
} from '#shared';
import { isValidTimezone } from '../../common/timezones.js';
import { checkCustomValue } from '../leads.service.js';
import { normalizePhone } from '../../phone/phone-number.js';

/** Header spellings (lower-cased, letters and digits only) that suggest a target. */
const SYNONYMS: Record<string, ImportTarget> = {
  firstname: 'firstName',
  first: 'firstName',
  givenname: 'firstName',
  fname: 'firstName',
  lastname: 'lastName',
  last: 'lastName',
  surname: 'lastName',
  familyname: 'lastName',
  lname: 'lastName',
  name: 'fullName',
  fullname: 'fullName',
  contactname: 'fullName',
  company: 'company',
  companyname: 'company',
  organization: 'company',
  organisation: 'company',
  business: 'company',
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  phone: 'phone',
  phonenumber: 'phone',
  telephone: 'phone',
  tel: 'phone',
  number: 'phone',
  mobile: 'phone:mobile',
  mobilephone: 'phone:mobile',
  cell: 'phone:mobile',
  cellphone: 'phone:mobile',
  homephone: 'phone:home',
  home: 'phone:home',
  workphone: 'phone:work',
  officephone: 'phone:work',
  work: 'phone:work',
  otherphone: 'phone:other',
  timezone: 'timezone',
  tz: 'timezone',
  zone: 'timezone',
  state: 'region',
  region: 'region',
  province: 'region',
  status: 'status',
  owner: 'owner',
  owneremail: 'owner',
  agent: 'owner',
  assignedto: 'owner',
  tags: 'tags',
  tag: 'tags',
  labels: 'tags',
};

/** Targets a column may be mapped to only once. Phone columns add numbers in column order. */
const SINGLE = new Set<string>(IMPORT_FIELDS.filter((f) => !f.startsWith('phone')));

const US_STATES = new Set(
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP'.split(' '),
);
const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;
const TAG = /^[a-z0-9][a-z0-9 _:.-]{0,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_TEXT: Record<string, number> = { firstName: 100, lastName: 100, company: 200, email: 254 };

const squash = (h: string): string => h.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A mapping guessed from the header names: known spellings, then custom field keys and labels. */
export function suggestColumns(headers: string[], customFields: CustomFieldDefinition[]): Record<string, ImportTarget> {
  const out: Record<string, ImportTarget> = {};
  const used = new Set<string>();
  for (const header of headers) {
    const key = squash(header);
    const custom = customFields.find((d) => squash(d.key) === key || squash(d.label) === key);
    const target: ImportTarget | undefined = SYNONYMS[key] ?? (custom ? `custom:${custom.key}` : undefined);
    if (!target || (SINGLE.has(target) && used.has(target)) || (target.startsWith('custom:') && used.has(target))) continue;
    used.add(target);
    out[header] = target;
  }
  return out;
}

/** Checks an import's settings against the file's headers; returns every problem, by field. */
export function checkSettings(headers: string[], settings: ImportSettings, customFields: CustomFieldDefinition[]): FieldError[] {
  const problems: FieldError[] = [];
  const known = new Set(headers);
  const seen = new Map<string, string>();
  const customKeys = new Set(customFields.map((d) => d.key));
  for (const [header, target] of Object.entries(settings.columns ?? {})) {
    const field = `columns.${header}`;
    if (!known.has(header)) problems.push({ field, message: `is not a column of this file (columns: ${headers.join(', ')})` });
    if (typeof target !== 'string') {
      problems.push({ field, message: 'must be a lead field name' });
      continue;
    }
    if (target.startsWith('custom:')) {
      if (!customKeys.has(target.slice(7))) problems.push({ field, message: `"${target.slice(7)}" is not a defined custom field` });
    } else if (!(IMPORT_FIELDS as readonly string[]).includes(target)) {
      problems.push({ field, message: `"${target}" is not a lead field; use one of ${IMPORT_FIELDS.join(', ')} or custom:<key>` });
      continue;
    }
    const single = SINGLE.has(target) || target.startsWith('custom:');
    const earlier = seen.get(target);
    if (single && earlier !== undefined) problems.push({ field, message: `"${target}" is already mapped from column "${earlier}"` });
    seen.set(target, header);
  }
  const targets = new Set(Object.values(settings.columns ?? {}));
  if (![...targets].some((t) => t === 'email' || t.startsWith('phone'))) {
    problems.push({ field: 'columns', message: 'map at least one column to phone or email' });
  }
  if ((targets.has('fullName') && (targets.has('firstName') || targets.has('lastName')))) {
    problems.push({ field: 'columns', message: 'map either fullName or firstName/lastName, not both' });
  }
  if (!(DEDUPE_MODES as readonly string[]).includes(settings.dedupe)) {
    problems.push({ field: 'dedupe', message: `must be one of ${DEDUPE_MODES.join(', ')}` });
  }
  return problems;
}

/** A row turned into lead fields. Only fields whose cells held a value are present; defaults are not applied. */
export interface ImportedRow {
  firstName?: string;
  lastName?: string;
  company?: string;
  email?: string;
  phones: Array<{ e164: string; label: string }>;
  timezone?: string;
  region?: string;
  status?: string;
  ownerId?: string;
  tags: string[];
  customFields: Record<string, CustomFieldValue>;
}

export interface RowIssue {
  column: string | null;
  reason: string;
  value: string | null;
}

export interface RowContext {
  headers: string[];
  settings: ImportSettings;
  defaultCountry: string;
  customFields: Map<string, CustomFieldDefinition>;
  /** Active users by lower-cased email and by id, for the owner column. */
  owners: Map<string, string>;
}

/** Reads one CSV record (already checked to have the header's width) into lead fields, or says why not. */
export function readRow(record: string[], ctx: RowContext): { ok: true; row: ImportedRow } | { ok: false; issues: RowIssue[] } {
  const row: ImportedRow = { phones: [], tags: [], customFields: {} };
  const issues: RowIssue[] = [];
  const bad = (column: string, reason: string, value: string) => issues.push({ column, reason, value: value.slice(0, 200) });
  ctx.headers.forEach((header, i) => {
    const target = ctx.settings.columns[header];
    const value = (record[i] ?? '').trim();
    if (!target || value === '') return;
    if (target in MAX_TEXT && value.length > MAX_TEXT[target]) return bad(header, `is longer than ${MAX_TEXT[target]} characters`, value);
    switch (target) {
      case 'firstName':
      case 'lastName':
      case 'company':
        row[target] = value;
        return;
      case 'fullName': {
        if (value.length > 201) return bad(header, 'is longer than 201 characters', value);
        const parts = value.split(/\s+/);
        row.firstName = parts.length > 1 ? parts.slice(0, -1).join(' ') : value;
        if (parts.length > 1) row.lastName = parts[parts.length - 1];
        if ((row.firstName?.length ?? 0) > 100) return bad(header, 'has a first name longer than 100 characters', value);
        return;
      }
      case 'email':
        if (!EMAIL.test(value)) return bad(header, 'is not an email address', value);
        row.email = value.toLowerCase();
        return;
      case 'timezone':
        if (!isValidTimezone(value)) return bad(header, 'is not a known IANA time zone (e.g. America/Chicago)', value);
        row.timezone = value;
        return;
      case 'region': {
        const upper = value.toUpperCase();
        const region = US_STATES.has(upper) ? `US-${upper}` : upper;
        if (!REGION.test(region)) return bad(header, 'is not a state code (FL or US-FL)', value);
        row.region = region;
        return;
      }
      case 'status': {
        const status = value.toLowerCase();
        if (!(LEAD_STATUSES as readonly string[]).includes(status)) return bad(header, `must be one of ${LEAD_STATUSES.join(', ')}`, value);
        row.status = status;
        return;
      }
      case 'owner': {
        const id = ctx.owners.get(value.toLowerCase()) ?? ctx.owners.get(value);
        if (!id) return bad(header, 'is not the email or id of an active user', value);
        row.ownerId = id;
        return;
      }
      case 'tags': {
        const tags = value.split(/[;,|]/).map((t) => t.trim().toLowerCase()).filter(Boolean);
        const wrong = tags.find((t) => !TAG.test(t));
        if (wrong !== undefined) return bad(header, `"${wrong}" is not a valid tag (1-64 lowercase letters, digits, spaces or _:.-)`, value);
        row.tags.push(...tags);
        return;
      }
      default:
        break;
    }
    if (target.startsWith('phone')) {
      const r = normalizePhone(value, ctx.defaultCountry as CountryCode);
      if (!r.ok) return bad(header, r.reason, value);
      if (!row.phones.some((p) => p.e164 === r.e164)) row.phones.push({ e164: r.e164, label: target === 'phone' ? 'mobile' : target.slice(6) });
      return;
    }
    const key = target.slice(7);
    const def = ctx.customFields.get(key);
    if (!def) return bad(header, `"${key}" is not a defined custom field`, value);
    const converted = convertCustom(def, value);
    const problem = converted === undefined ? null : checkCustomValue(def, converted);
    if (converted === undefined || problem) return bad(header, problem ?? describeType(def), value);
    row.customFields[key] = converted;
  });
  if (!issues.length && !row.phones.length && !row.email) issues.push({ column: null, reason: 'has no phone number and no email', value: null });
  if (issues.length) return { ok: false, issues };
  row.tags = [...new Set(row.tags)];
  return { ok: true, row };
}

/** Turns a cell into the custom field's type; undefined when it cannot be. */
function convertCustom(def: CustomFieldDefinition, value: string): CustomFieldValue | undefined {
  switch (def.type) {
    case 'text':
      return value;
    case 'number': {
      const n = Number(value.replace(/[,\s]/g, ''));
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean': {
      const v = value.toLowerCase();
      if (['true', 'yes', 'y', '1'].includes(v)) return true;
      if (['false', 'no', 'n', '0'].includes(v)) return false;
      return undefined;
    }
    case 'date': {
      if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
      const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
      return us ? `${us[3]}-${us[1].padStart(2, '0')}-${us[2].padStart(2, '0')}` : undefined;
    }
    case 'select':
      return (def.options ?? []).find((o) => o.toLowerCase() === value.toLowerCase()) ?? value;
  }
}

function describeType(def: CustomFieldDefinition): string {
  switch (def.type) {
    case 'number':
      return 'must be a number';
    case 'boolean':
      return 'must be true/false, yes/no or 1/0';
    case 'date':
      return 'must be a date as YYYY-MM-DD or MM/DD/YYYY';
    default:
      return `does not fit the ${def.type} field "${def.key}"`;
  }
}

/**
 * The line a record starts on, from the line csv-parse reports it ending on and the
 * line breaks inside its quoted fields.
 */
export function startLine(endLine: number, record: string[]): number {
  let breaks = 0;
  for (const cell of record) {
    const m = cell.match(/\r\n|\n|\r/g);
    if (m) breaks += m.length;
  }
  return endLine - breaks;
}
