import { LEAD_STATUSES } from '#shared';
import type { LeadRecord } from '../leads/leads.repository.js';
import { isCalendarDate } from '../common/iso-dates.js';

/**
 * Changes a schedule makes to a lead: the modify-lead action and a step's field
 * updates on completion. Pure: `applyLeadChanges` returns the new record (or null when
 * nothing changed) and the caller writes it in its own transaction.
 */
export type LeadChange =
  | { op: 'set'; field: string; value: string | number | boolean | null }
  | { op: 'increment'; field: string; by?: number }
  | { op: 'clear'; field: string }
  | { op: 'add_tag'; tag: string }
  | { op: 'remove_tag'; tag: string }
  | { op: 'instant_dial'; value: boolean };

export const LEAD_CHANGE_OPS = ['set', 'increment', 'clear', 'add_tag', 'remove_tag', 'instant_dial'] as const;

/** Standard lead fields a change may set or clear. */
const SETTABLE: Record<string, 'text' | 'status'> = {
  'lead.status': 'status',
  'lead.firstName': 'text',
  'lead.lastName': 'text',
  'lead.company': 'text',
};
const TAG = /^[a-z0-9][a-z0-9 _:.-]{0,63}$/;

type CustomTypes = Record<string, 'text' | 'number' | 'boolean' | 'date' | 'select'>;

/** Problems with a list of changes, named by path (`<prefix>[i].field`). */
export function validateLeadChanges(input: unknown, custom: CustomTypes, prefix: string): Array<{ field: string; message: string }> {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) return [{ field: prefix, message: 'must be a list of changes' }];
  if (input.length > 50) return [{ field: prefix, message: 'must have at most 50 changes' }];
  const issues: Array<{ field: string; message: string }> = [];
  input.forEach((raw, i) => {
    const at = `${prefix}[${i}]`;
    const c = raw as Record<string, unknown>;
    if (!c || typeof c !== 'object') return issues.push({ field: at, message: 'must be an object' });
    if (!LEAD_CHANGE_OPS.includes(c.op as never)) return issues.push({ field: `${at}.op`, message: `must be one of ${LEAD_CHANGE_OPS.join(', ')}` });
    if (c.op === 'add_tag' || c.op === 'remove_tag') {
      if (typeof c.tag !== 'string' || !TAG.test(c.tag.trim().toLowerCase())) issues.push({ field: `${at}.tag`, message: 'must be 1-64 lowercase letters, digits, spaces or _:.-' });
      return;
    }
    if (c.op === 'instant_dial') {
      if (typeof c.value !== 'boolean') issues.push({ field: `${at}.value`, message: 'must be true or false' });
      return;
    }
    const field = typeof c.field === 'string' ? c.field : '';
    const customKey = field.startsWith('custom.') ? field.slice('custom.'.length) : null;
    const type = customKey !== null ? custom[customKey] : SETTABLE[field];
    if (!type) return issues.push({ field: `${at}.field`, message: `unknown field ${field || '(none)'}` });
    if (c.op === 'increment') {
      if (type !== 'number') issues.push({ field: `${at}.field`, message: `${field} is not a number field` });
      if (c.by !== undefined && (typeof c.by !== 'number' || !Number.isFinite(c.by))) issues.push({ field: `${at}.by`, message: 'must be a number' });
      return;
    }
    if (c.op === 'clear') {
      if (field === 'lead.status') issues.push({ field: `${at}.field`, message: 'a lead always has a status' });
      return;
    }
    const v = c.value;
    const problem =
      type === 'status' ? (typeof v === 'string' && (LEAD_STATUSES as readonly string[]).includes(v) ? null : `must be one of ${LEAD_STATUSES.join(', ')}`)
      : type === 'number' ? (typeof v === 'number' && Number.isFinite(v) ? null : 'must be a number')
      : type === 'boolean' ? (typeof v === 'boolean' ? null : 'must be true or false')
      : type === 'date' ? (isCalendarDate(v) ? null : 'must be a date YYYY-MM-DD')
      : typeof v === 'string' && v.length <= 200 ? null : 'must be text of at most 200 characters';
    if (problem) issues.push({ field: `${at}.value`, message: problem });
  });
  return issues;
}

/** The record with the changes applied, or null if they change nothing. */
export function applyLeadChanges(record: LeadRecord, changes: LeadChange[], now: Date): LeadRecord | null {
  const lead = { ...record.lead };
  const custom = JSON.parse(lead.customFields || '{}') as Record<string, unknown>;
  const tags = new Set(record.tags);
  for (const c of changes) {
    switch (c.op) {
      case 'add_tag':
        tags.add(c.tag.trim().toLowerCase());
        break;
      case 'remove_tag':
        tags.delete(c.tag.trim().toLowerCase());
        break;
      case 'instant_dial':
        lead.instantDial = c.value;
        break;
      default: {
        if (c.field.startsWith('custom.')) {
          const key = c.field.slice('custom.'.length);
          if (c.op === 'clear') delete custom[key];
          else if (c.op === 'increment') custom[key] = (Number(custom[key]) || 0) + (c.by ?? 1);
          else custom[key] = c.value;
        } else {
          const key = c.field.slice('lead.'.length) as 'status' | 'firstName' | 'lastName' | 'company';
          if (c.op === 'clear') (lead as Record<string, unknown>)[key] = null;
          else if (c.op === 'set') (lead as Record<string, unknown>)[key] = c.value;
        }
      }
    }
  }
  const customFields = JSON.stringify(custom);
  const tagList = [...tags].sort();
  const same =
    customFields === (record.lead.customFields || '{}') &&
    JSON.stringify(tagList) === JSON.stringify([...record.tags].sort()) &&
    (['status', 'firstName', 'lastName', 'company', 'instantDial'] as const).every((k) => lead[k] === record.lead[k]);
  if (same) return null;
  return { lead: { ...lead, customFields, updatedAt: now }, phones: record.phones, tags: tagList };
}
