import { type FieldError, REPORT_KINDS, REPORT_RANGES, type ReportGrouping, type ReportKind, type ReportRange } from '#shared';
import type { PageReport, ReportFilterValues } from './report-kinds.js';

/** Whether the server can email `report` (the others are only shown on the page). */
export const isEmailed = (report: PageReport): report is ReportKind => (REPORT_KINDS as readonly string[]).includes(report);

export const RANGES = REPORT_RANGES;
export const RANGE_LABEL: Record<ReportRange, string> = {
  yesterday: 'Yesterday',
  'last-7-days': 'Last 7 days',
  'last-30-days': 'Last 30 days',
  'month-to-date': 'Month to date',
};

/** What the "Email this report daily" form holds. */
export interface SubscriptionDraft {
  report: ReportKind;
  queueId: string;
  agentId: string;
  groupBy: ReportGrouping;
  range: ReportRange;
  time: string;
  recipients: string[];
}

/** The form's fields a 400 is shown under. */
export type DraftField = 'range' | 'time' | 'recipients';
/** The page's filters the form takes, as a refusal names them. */
const FILTER_LABEL: Record<string, string> = { queueId: 'Dial queue:', agentId: 'Agent:', groupBy: 'Grouping:', report: 'Report:' };

/** A new form for `report`, from the page's filters: abandon evidence is by day and for every agent (the page offers neither). */
export function draftOf(report: ReportKind, f: ReportFilterValues): SubscriptionDraft {
  const evidence = report === 'abandon-evidence';
  return { report, queueId: f.queueId, agentId: evidence ? '' : f.agentId, groupBy: evidence ? 'day' : f.groupBy, range: 'yesterday', time: '07:00', recipients: [] };
}

/** The body a draft is posted as (no choice is null). */
export function bodyOf(d: SubscriptionDraft): Record<string, unknown> {
  return { report: d.report, queueId: d.queueId || null, agentId: d.agentId || null, groupBy: d.groupBy, range: d.range, time: d.time, recipients: d.recipients };
}

/** A 400's fields: the form's under their field (the range's days under the range), the page's filters as one line above the buttons. */
export function refusalOf(fields: readonly FieldError[]): { byField: Partial<Record<DraftField, string>>; rest: string | null } {
  const byField: Partial<Record<DraftField, string>> = {};
  const rest: string[] = [];
  for (const f of fields) {
    const name = f.field.split(/[.[]/)[0];
    const field = name === 'from' || name === 'to' ? 'range' : (['range', 'time', 'recipients'] as const).find((x) => x === name);
    if (field) byField[field] ??= f.message;
    else rest.push(`${FILTER_LABEL[name] ?? name} ${f.message}`);
  }
  return { byField, rest: rest.length ? rest.join('; ') : null };
}

const GROUPED: Record<ReportGrouping, string> = { day: 'by day', hour: 'by hour', 'hour-of-day': 'by hour of the day' };

/** A subscription's filters in words, with the queue's and agent's names ("Demo campaign, all agents, by hour"). */
export function filtersText(s: { report: ReportKind; queueId: string | null; agentId: string | null; groupBy: ReportGrouping }, queues: ReadonlyArray<{ id: string; name: string }>, agents: ReadonlyArray<{ id: string; name: string }>): string {
  const queue = s.queueId ? (queues.find((q) => q.id === s.queueId)?.name ?? 'one queue') : 'all queues';
  const agent = s.report === 'abandon-evidence' ? null : s.agentId ? (agents.find((a) => a.id === s.agentId)?.name ?? 'one agent') : 'all agents';
  return [queue, agent, GROUPED[s.groupBy]].filter(Boolean).join(', ');
}
