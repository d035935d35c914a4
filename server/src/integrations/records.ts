import { csvCell } from '../common/csv.js';
import { createHash } from 'node:crypto';
import type { LeadRecord } from '../leads/leads.repository.js';
import { applyLeadChanges, type LeadChange, validateLeadChanges } from '../schedules/lead-changes.js';
import type { FieldIssue } from '../schedules/actions/action-handler.js';
import type { ConversationsRepository } from '../telephony/conversations/conversations.repository.js';
import { pick } from './http-caller.js';

/** What the upload actions write: the lead, and the conversation behind the action if any. */
export interface LeadExport {
  lead: {
    id: string;
    firstName: string | null;
    lastName: string | null;
    company: string | null;
    email: string | null;
    phone: string | null;
    phones: string[];
    region: string | null;
    status: string;
    tags: string[];
    custom: Record<string, unknown>;
  };
  conversation: {
    id: string;
    channel: string;
    direction: string;
    status: string;
    from: string;
    to: string;
    disposition: string | null;
    notes: string | null;
    durationSeconds: number | null;
    startedAt: string;
    endedAt: string | null;
  } | null;
}

export async function leadExport(conversations: ConversationsRepository, lead: LeadRecord, conversationId: string | null): Promise<LeadExport> {
  const c = conversationId ? await conversations.findById(conversationId) : null;
  const l = lead.lead;
  return {
    lead: { id: l.id, firstName: l.firstName, lastName: l.lastName, company: l.company, email: l.email, phone: l.phone, phones: lead.phones.map((p) => p.e164), region: l.region, status: l.status, tags: lead.tags, custom: JSON.parse(l.customFields || '{}') as Record<string, unknown> },
    conversation: c
      ? { id: c.id, channel: c.channel, direction: c.direction, status: c.status, from: c.fromNumber, to: c.toNumber, disposition: c.disposition, notes: c.notes, durationSeconds: c.durationSeconds, startedAt: c.createdAt.toISOString(), endedAt: c.endedAt?.toISOString() ?? null }
      : null,
  };
}

/** The export as a file: pretty JSON, or CSV with a header row and one row (custom fields as custom_<key>). */
export function renderExport(x: LeadExport, format: 'json' | 'csv'): { body: string; contentType: string; extension: string } {
  if (format === 'json') return { body: `${JSON.stringify(x, null, 2)}\n`, contentType: 'application/json', extension: 'json' };
  const c = x.conversation;
  const row: Array<[string, unknown]> = [
    ['lead_id', x.lead.id],
    ['first_name', x.lead.firstName],
    ['last_name', x.lead.lastName],
    ['company', x.lead.company],
    ['email', x.lead.email],
    ['phone', x.lead.phone],
    ['region', x.lead.region],
    ['status', x.lead.status],
    ['tags', x.lead.tags.join(';')],
    ...Object.keys(x.lead.custom).sort().map((k): [string, unknown] => [`custom_${k}`, x.lead.custom[k]]),
    ['conversation_id', c?.id],
    ['channel', c?.channel],
    ['direction', c?.direction],
    ['conversation_status', c?.status],
    ['disposition', c?.disposition],
    ['notes', c?.notes],
    ['duration_seconds', c?.durationSeconds],
    ['started_at', c?.startedAt],
    ['ended_at', c?.endedAt],
  ];
  return { body: `${row.map(([k]) => k).join(',')}\r\n${row.map(([, v]) => csvCell(v)).join(',')}\r\n`, contentType: 'text/csv', extension: 'csv' };
}

const NAME_PLACEHOLDERS = ['leadId', 'conversationId', 'date', 'time', 'key'] as const;

/** Problems with a file name pattern: known placeholders only, no way out of the target directory. */
export function validateFileName(pattern: unknown, field: string): FieldIssue[] {
  if (pattern === undefined) return [];
  if (typeof pattern !== 'string' || !pattern.trim() || pattern.length > 300) return [{ field, message: 'must be text of 1 to 300 characters' }];
  const unknown = [...pattern.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]).filter((p) => !(NAME_PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length) return [{ field, message: `unknown placeholder {${unknown[0]}} (one of ${NAME_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})` }];
  if (pattern.split('/').some((part) => part === '..') || pattern.startsWith('/')) return [{ field, message: 'must be a relative path without ..' }];
  return [];
}

/**
 * A file name from its pattern. `{key}` comes from the action's idempotency key, so a
 * retried upload writes the same file again rather than a second one.
 */
export function fileName(pattern: string, v: { leadId: string; conversationId: string | null; now: Date; idempotencyKey: string; extension: string }): string {
  const iso = v.now.toISOString();
  const values: Record<string, string> = {
    leadId: v.leadId,
    conversationId: v.conversationId ?? 'none',
    date: iso.slice(0, 10),
    time: iso.slice(11, 19).replace(/:/g, ''),
    key: createHash('sha256').update(v.idempotencyKey).digest('hex').slice(0, 16),
  };
  const name = pattern.replace(/\{([^{}]*)\}/g, (_m, p: string) => values[p] ?? '');
  return /\.[a-z0-9]+$/i.test(name) ? name : `${name}.${v.extension}`;
}

/** Checks a response map: lead fields (`lead.company`, `custom.score`) to dotted paths in the answer. */
export function validateResponseMap(map: unknown, custom: Record<string, 'text' | 'number' | 'boolean' | 'date' | 'select'>, field: string, required = false): FieldIssue[] {
  if (map === undefined && !required) return [];
  if (!map || typeof map !== 'object' || Array.isArray(map)) return [{ field, message: 'must map lead fields to paths in the response, e.g. {"custom.score": "data.score"}' }];
  const entries = Object.entries(map as Record<string, unknown>);
  if (required && !entries.length) return [{ field, message: 'must map at least one field' }];
  const issues: FieldIssue[] = [];
  for (const [target, path] of entries) {
    if (typeof path !== 'string' || !/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(path)) issues.push({ field: `${field}.${target}`, message: 'must be a dotted path in the response' });
    const problems = validateLeadChanges([{ op: 'clear', field: target }], custom, field).filter((p) => p.field.endsWith('.field'));
    if (problems.length) issues.push({ field: `${field}.${target}`, message: problems[0].message });
  }
  return issues;
}

/** The lead with the mapped answer values set; null when nothing changed. Missing values are left alone. */
export function mapIntoLead(lead: LeadRecord, map: Record<string, string>, json: unknown, now: Date): { changed: LeadRecord | null; fields: string[] } {
  const changes: LeadChange[] = [];
  for (const [target, path] of Object.entries(map)) {
    const v = pick(json, path);
    if (v === undefined) continue;
    const value = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
    changes.push({ op: 'set', field: target, value });
  }
  return { changed: changes.length ? applyLeadChanges(lead, changes, now) : null, fields: changes.map((c) => (c as { field: string }).field) };
}
