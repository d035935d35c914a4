import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { ReportCell, ReportKind, ReportTable } from '#shared';
import { Clock } from '../common/clock.js';
import { csvLine } from '../common/csv.js';
import { DomainError } from '../common/domain-error.js';
import { SettingsService } from '../settings/settings.service.js';
import type { ReportQuery } from './dto/report-query.dto.js';
import { abandonEvidence, agentPerformance, campaignSummary, dispositionShares, evidenceCall, EVIDENCE_CALL_COLUMNS, instant, type PeriodOf } from './report-tables.js';
import { ReportsRepository, type ReportWindow } from './reports.repository.js';

const MAX_DAYS = 366;
/** Calls in one page of the drill-down's cursor (the CSV holds about this many rows in memory at once). */
const PAGE = 2000;
/** Rows the JSON drill-down returns at most; the CSV has them all. */
const JSON_DRILL_LIMIT = 10_000;

interface Resolved {
  zone: string;
  from: string;
  to: string;
  window: ReportWindow;
  days: string[];
  period: PeriodOf;
}

/** The reports: their filters read in the floor's zone, their tables built from the rollups (and, for the abandon evidence, the raw calls), and their CSV. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  /** The range in the floor's zone as UTC bounds and buckets; bad filters are 400s naming the field. */
  private async resolve(kind: ReportKind, q: ReportQuery, lookBackDays = 0): Promise<Resolved> {
    const zone = (await this.settings.get()).defaultTimezone;
    const today = DateTime.fromJSDate(this.clock.now(), { zone }).toFormat('yyyy-MM-dd');
    const from = q.from ?? q.to ?? today;
    const to = q.to ?? from;
    if (to < from) throw DomainError.validation('to', 'must not be before from');
    const start = DateTime.fromISO(from, { zone }).startOf('day');
    const end = DateTime.fromISO(to, { zone }).startOf('day').plus({ days: 1 });
    if (end.diff(start, 'days').days > MAX_DAYS) throw DomainError.validation('to', `the range is at most ${MAX_DAYS} days`);
    const groupBy = q.groupBy ?? 'day';
    if (groupBy === 'hour-of-day' && kind !== 'campaign-summary') throw DomainError.validation('groupBy', 'hour-of-day is for the campaign summary only');
    if (kind === 'abandon-evidence' && groupBy !== 'day') throw DomainError.validation('groupBy', 'the abandon evidence is by day');
    if (q.queueId && !(await this.repo.queueExists(q.queueId))) throw DomainError.validation('queueId', 'no such queue');
    if (q.agentId && !(await this.repo.userExists(q.agentId))) throw DomainError.validation('agentId', 'no such user');
    const first = start.minus({ days: lookBackDays });
    const days: string[] = [];
    const starts: Date[] = [];
    for (let d = first; d < end; d = d.plus({ days: 1 })) (days.push(d.toFormat('yyyy-MM-dd')), starts.push(d.toJSDate()));
    const format = groupBy === 'day' ? 'yyyy-MM-dd' : groupBy === 'hour' ? 'yyyy-MM-dd HH:00' : 'HH:00';
    // Rows share few bucket starts (one per day or hour): each is named once, not once per row.
    const named = new Map<number, string>();
    const period: PeriodOf = (at) => {
      const ms = instant(at);
      let name = named.get(ms);
      if (name === undefined) named.set(ms, (name = DateTime.fromMillis(ms, { zone }).toFormat(format)));
      return name;
    };
    const daysZone = groupBy === 'day' && (await this.repo.daysBuiltFor(zone)) ? zone : undefined;
    return { zone, from, to, days, period, window: { from: first.toJSDate(), to: end.toJSDate(), starts: groupBy === 'day' ? starts : null, daysZone, queueId: q.queueId, agentId: q.agentId } };
  }

  /** Checks a report's filters as a request would have them checked (a 400 naming the field). */
  async check(kind: ReportKind, q: ReportQuery): Promise<void> {
    await this.resolve(kind, q);
  }

  async table(kind: ReportKind, q: ReportQuery & { drill?: 'day' }): Promise<ReportTable> {
    if (kind === 'abandon-evidence' && q.drill) {
      const r = await this.resolve(kind, q);
      const rows: Array<Record<string, ReportCell>> = [];
      for await (const page of this.drillPages(r.window)) {
        rows.push(...page);
        if (rows.length >= JSON_DRILL_LIMIT) break;
      }
      return { report: kind, zone: r.zone, from: r.from, to: r.to, groupBy: 'call', columns: EVIDENCE_CALL_COLUMNS, rows: rows.slice(0, JSON_DRILL_LIMIT), truncated: rows.length >= JSON_DRILL_LIMIT };
    }
    const r = await this.resolve(kind, q, kind === 'abandon-evidence' ? 29 : 0);
    const names = await this.repo.names();
    const head = { report: kind, zone: r.zone, from: r.from, to: r.to, groupBy: q.groupBy ?? 'day' } as const;
    switch (kind) {
      case 'agent-performance': {
        const [calls, states, dispositions] = await Promise.all([this.repo.agentCalls(r.window), this.repo.agentStates(r.window), this.repo.dispositions(r.window)]);
        return { ...head, ...agentPerformance(calls, states, dispositions, r.period, names) };
      }
      case 'campaign-summary': {
        const [calls, seconds] = await Promise.all([this.repo.queueCalls(r.window), this.repo.queueAgentSeconds(r.window)]);
        return { ...head, ...campaignSummary(calls, seconds, r.period, names) };
      }
      case 'dispositions':
        return { ...head, ...dispositionShares(await this.repo.dispositions(r.window), r.period, names) };
      case 'abandon-evidence':
        return { ...head, ...abandonEvidence(await this.repo.abandonCounts(r.window), r.days, r.from, r.period, names) };
    }
  }

  /** The drill-down's calls, a page at a time through a keyset cursor. */
  private async *drillPages(w: ReportWindow): AsyncGenerator<Array<Record<string, ReportCell>>> {
    let after: { placedAt: Date; id: string } | null = null;
    for (;;) {
      const page = await this.repo.callsPage(w, after, PAGE);
      if (page.length) yield page.map(evidenceCall);
      if (page.length < PAGE) return;
      const last = page[page.length - 1];
      after = { placedAt: new Date(instant(last.placedAt)), id: last.conversationId };
    }
  }

  /**
   * The report as CSV lines, header first. The filters are checked before the first line
   * is given (a bad one is a 400, not a broken download); the drill-down reads its calls a
   * page at a time as the reader takes the lines, so memory stays bounded however many.
   */
  async csv(kind: ReportKind, q: ReportQuery & { drill?: 'day' }): Promise<AsyncGenerator<string>> {
    if (kind === 'abandon-evidence' && q.drill) {
      const r = await this.resolve(kind, q);
      const pages = this.drillPages(r.window);
      return (async function* () {
        yield csvLine(EVIDENCE_CALL_COLUMNS.map((c) => c.key));
        for await (const page of pages) yield page.map((row) => csvLine(EVIDENCE_CALL_COLUMNS.map((c) => row[c.key]))).join('');
      })();
    }
    const t = await this.table(kind, q);
    return (async function* () {
      yield csvLine(t.columns.map((c) => c.key));
      for (let i = 0; i < t.rows.length; i += 500) yield t.rows.slice(i, i + 500).map((row) => csvLine(t.columns.map((c) => row[c.key]))).join('');
    })();
  }

  /** The file name a download is saved as. */
  fileName(kind: ReportKind, q: ReportQuery & { drill?: 'day' }): string {
    const safe = (s: string | undefined) => (s ?? '').replace(/[^0-9-]/g, '');
    return `${kind}${q.drill ? '-calls' : ''}-${safe(q.from) || 'today'}${q.to ? `-${safe(q.to)}` : ''}.csv`;
  }
}
