import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { ContactRefusalView, OptOutEntryView, Refusal } from '#shared';
import { csvLine } from '../common/csv.js';
import { DomainError } from '../common/domain-error.js';
import { SettingsService } from '../settings/settings.service.js';
import { ComplianceRepository } from './compliance.repository.js';
import type { ContactRefusalEntity } from './contact-attempt.entity.js';
import { OptOutsService } from './opt-outs.service.js';

export type AuditKind = 'consent' | 'refusals';
const MAX_DAYS = 366;
const CSV_PAGE = 1000;

interface Range {
  from: Date;
  to: Date;
  zone: string;
}

/**
 * The consent audit: over a range of the floor's days, every ledger entry (opt-outs,
 * opt-ins, revocations, with source, words, actor, channel and scope) and every contact
 * the gate refused, with its reasons. Pages of JSON with a cursor, or CSV read a thousand
 * rows at a time (cells never run as formulas).
 */
@Injectable()
export class ConsentAudit {
  constructor(
    private readonly optOuts: OptOutsService,
    private readonly repo: ComplianceRepository,
    private readonly settings: SettingsService,
  ) {}

  /** The instants the floor's days `from`..`to` (both included) span; 400 naming the field when they are not a range. */
  async range(fromDate: string, toDate: string): Promise<Range> {
    const zone = (await this.settings.get()).defaultTimezone;
    const first = DateTime.fromISO(fromDate, { zone }).startOf('day');
    const last = DateTime.fromISO(toDate, { zone }).startOf('day');
    if (!first.isValid) throw DomainError.validation('from', 'is not a calendar date (YYYY-MM-DD)');
    if (!last.isValid) throw DomainError.validation('to', 'is not a calendar date (YYYY-MM-DD)');
    if (last < first) throw DomainError.validation('to', 'must not be before from');
    if (last.diff(first, 'days').days >= MAX_DAYS) throw DomainError.validation('to', `must be within ${MAX_DAYS} days of from`);
    return { from: first.toJSDate(), to: last.plus({ days: 1 }).toJSDate(), zone };
  }

  async page(kind: AuditKind, r: Range, limit: number, cursor?: string): Promise<{ zone: string; kind: AuditKind; entries: OptOutEntryView[]; refusals: ContactRefusalView[]; nextCursor: string | null }> {
    const after = cursor ? decodeCursor(cursor) : undefined;
    if (kind === 'consent') {
      const rows = await this.optOuts.between(r.from, r.to, limit + 1, after && { createdAt: after.at, id: after.id });
      const entries = rows.slice(0, limit);
      const last = entries.at(-1);
      return { zone: r.zone, kind, entries, refusals: [], nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
    }
    const rows = await this.repo.refusalsBetween(r.from, r.to, limit + 1, after);
    const refusals = rows.slice(0, limit).map(toRefusalView);
    const last = refusals.at(-1);
    return { zone: r.zone, kind, entries: [], refusals, nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.id) : null };
  }

  /** The range as CSV lines: a header, then one line per row, oldest first. */
  async *csv(kind: AuditKind, r: Range): AsyncGenerator<string> {
    const local = (iso: string) => DateTime.fromISO(iso, { zone: r.zone }).toFormat('yyyy-MM-dd HH:mm:ss ZZZZ');
    if (kind === 'consent') {
      yield csvLine(['created_at', 'floor_time', 'address', 'action', 'kind', 'channel', 'reaches', 'campaigns', 'scope', 'source', 'origin', 'words', 'actor_id', 'conversation_id', 'lead_ids', 'scope_rule', 'in_force', 'superseded_at', 'note', 'entry_id']);
      let after: { createdAt: Date; id: string } | undefined;
      for (;;) {
        const page = await this.optOuts.between(r.from, r.to, CSV_PAGE, after);
        for (const e of page) {
          const scope = e.scope.type === 'global' ? 'global' : `${e.scope.type}:${e.scope.id}`;
          yield csvLine([e.createdAt, local(e.createdAt), e.address, e.action, e.kind, e.channel, e.reach.channels.join(' '), e.reach.campaigns, scope, e.source, e.origin, e.words, e.actorId, e.conversationId, e.leadIds.join(' '), e.scopeRule, e.inForce, e.supersededAt, e.note, e.id]);
        }
        if (page.length < CSV_PAGE) return;
        const last = page[page.length - 1];
        after = { createdAt: new Date(last.createdAt), id: last.id };
      }
    }
    yield csvLine(['at', 'floor_time', 'lead_id', 'channel', 'address', 'codes', 'reasons', 'next_allowed_at', 'context', 'refusal_id']);
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const page = await this.repo.refusalsBetween(r.from, r.to, CSV_PAGE, after);
      for (const row of page) {
        const v = toRefusalView(row);
        yield csvLine([v.at, local(v.at), v.leadId, v.channel, v.address, v.codes.join(' '), v.reasons.map((x) => x.message).join('; '), v.nextAllowedAt, v.context, v.id]);
      }
      if (page.length < CSV_PAGE) return;
      const last = page[page.length - 1];
      after = { at: last.at, id: last.id };
    }
  }
}

function toRefusalView(r: ContactRefusalEntity): ContactRefusalView {
  let reasons: Refusal[] = [];
  try {
    reasons = JSON.parse(r.reasons) as Refusal[];
  } catch {
    reasons = [];
  }
  return { id: r.id, leadId: r.leadId, channel: r.channel, address: r.address, at: r.at.toISOString(), codes: r.codes ? r.codes.split(',') : [], reasons, nextAllowedAt: r.nextAllowedAt?.toISOString() ?? null, context: r.context };
}

function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

function decodeCursor(s: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as [string, string];
    const d = new Date(at);
    if (Number.isNaN(d.getTime()) || typeof id !== 'string' || id.length > 36) throw new Error('bad');
    return { at: d, id };
  } catch {
    throw DomainError.validation('cursor', 'is not a cursor this API returned');
  }
}
