import { csvLine, type ContactRefusalView, type OptOutEntryView, type ReportCell, type ReportGrouping, type ReportTable, type ScheduleReportView } from '#shared';
import { daysBetween, floorTime } from './report-days.js';

/** The reports the Reports page offers, in the picker's order. */
export const PAGE_REPORTS = ['agent-performance', 'campaign-summary', 'list-penetration', 'dispositions', 'abandon-evidence', 'consent-audit', 'schedule'] as const;
export type PageReport = (typeof PAGE_REPORTS)[number];

export const REPORT_LABEL: Record<PageReport, string> = {
  'agent-performance': 'Agent performance',
  'campaign-summary': 'Campaign summary',
  'list-penetration': 'List penetration',
  dispositions: 'Dispositions',
  'abandon-evidence': 'Abandon evidence',
  'consent-audit': 'Consent audit',
  schedule: 'Schedules',
};

/** Everything the page can filter by; each report reads the fields it takes (see `FILTERS`). */
export interface ReportFilterValues {
  from: string;
  to: string;
  queueId: string;
  /** List penetration: only the leads this CSV import made (with no queue: the import across its queues). */
  importId: string;
  agentId: string;
  scheduleId: string;
  groupBy: ReportGrouping;
  /** Abandon evidence: one row per call instead of per queue and day. */
  perCall: boolean;
  auditKind: 'consent' | 'refusals';
}

export type FilterName = 'range' | 'queue' | 'import' | 'agent' | 'groupBy' | 'perCall' | 'schedule' | 'auditKind';

/** The filters each report takes. */
export const FILTERS: Record<PageReport, readonly FilterName[]> = {
  'agent-performance': ['range', 'queue', 'agent', 'groupBy'],
  'campaign-summary': ['range', 'queue', 'agent', 'groupBy'],
  'list-penetration': ['queue', 'import'],
  dispositions: ['range', 'queue', 'agent', 'groupBy'],
  'abandon-evidence': ['range', 'queue', 'perCall'],
  'consent-audit': ['range', 'auditKind'],
  schedule: ['range', 'schedule'],
};

/** The groupings a report offers (the server refuses the others). */
export function groupingsOf(report: PageReport): ReportGrouping[] {
  return report === 'campaign-summary' ? ['day', 'hour', 'hour-of-day'] : ['day', 'hour'];
}

export interface ChartSeries {
  label: string;
  color: string;
  values: number[];
}

/** What the chart draws: series over periods (vertical bars) or over named categories (horizontal bars). */
export interface ChartSpec {
  title: string;
  layout: 'periods' | 'categories';
  categories: string[];
  series: ChartSeries[];
  /** A threshold in the values' unit (the abandon cap). */
  line?: { value: number; label: string };
  unit?: string;
}

export interface ViewColumn {
  key: string;
  label: string;
  /** Every cell a number (or empty): right-aligned. */
  numeric: boolean;
}

/** A report as the page shows it, whatever the endpoint answered. */
export interface ReportView {
  columns: ViewColumn[];
  rows: Array<Record<string, ReportCell>>;
  chart: ChartSpec | null;
  /** Headline figures above the table (a schedule's enrolments, a list's size). */
  summary: Array<{ label: string; value: string }>;
  /** What the table leaves out (the CSV has every row). */
  note: string | null;
  zone: string | null;
}

/** The request a report makes: its JSON path, whether the server writes its CSV, and the file's name. */
export interface ReportRequest {
  path: string;
  /** The server's CSV of the same report, or null when the page writes it from the rows it holds. */
  csvPath: string | null;
  fileName: string;
}

/** What a report still needs before it can run (a queue, a schedule), or null. */
export function missingChoice(report: PageReport, f: ReportFilterValues): string | null {
  if (report === 'list-penetration' && !f.queueId && !f.importId) return 'Pick a dial queue (or an import) to see its list.';
  if (report === 'schedule' && !f.scheduleId) return 'Pick a schedule to see its report.';
  if (FILTERS[report].includes('range') && (!f.from || !f.to)) return 'Pick the first and the last day.';
  return null;
}

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

const withCsv = (path: string) => `${path}${path.includes('?') ? '&' : '?'}format=csv`;

export function requestOf(report: PageReport, f: ReportFilterValues): ReportRequest {
  const range = `${f.from}_${f.to}`;
  switch (report) {
    case 'agent-performance':
    case 'campaign-summary':
    case 'dispositions': {
      const path = `/api/reports/${report}${query({ from: f.from, to: f.to, queueId: f.queueId, agentId: f.agentId, groupBy: f.groupBy === 'day' ? undefined : f.groupBy })}`;
      return { path, csvPath: withCsv(path), fileName: `${report}-${range}.csv` };
    }
    case 'abandon-evidence': {
      const path = `/api/reports/abandon-evidence${query({ from: f.from, to: f.to, queueId: f.queueId, drill: f.perCall ? 'day' : undefined })}`;
      return { path, csvPath: withCsv(path), fileName: `abandon-evidence${f.perCall ? '-calls' : ''}-${range}.csv` };
    }
    case 'list-penetration': {
      const fileName = f.importId ? 'list-penetration-import.csv' : 'list-penetration.csv';
      if (!f.queueId) return { path: `/api/lead-imports/${encodeURIComponent(f.importId)}/penetration`, csvPath: null, fileName };
      return { path: `/api/dial-queues/${encodeURIComponent(f.queueId)}/penetration${query({ importId: f.importId })}`, csvPath: null, fileName };
    }
    case 'consent-audit': {
      const path = `/api/compliance/audit${query({ from: f.from, to: f.to, kind: f.auditKind })}`;
      return { path: `${path}&limit=${AUDIT_PAGE}`, csvPath: withCsv(path), fileName: `consent-audit-${f.auditKind}-${range}.csv` };
    }
    case 'schedule':
      return { path: `/api/schedules/${encodeURIComponent(f.scheduleId)}/report${query({ from: f.from, to: f.to })}`, csvPath: null, fileName: `schedule-report-${range}.csv` };
  }
}

/** The consent audit's rows the table shows at most; the CSV has all of them. */
export const AUDIT_PAGE = 1000;

/** Marks the columns whose cells are all numbers (or empty) and at least one is. */
export function typedColumns(columns: Array<{ key: string; label: string }>, rows: Array<Record<string, ReportCell>>): ViewColumn[] {
  return columns.map((c) => {
    let seen = false;
    const numeric = rows.every((r) => {
      const v = r[c.key];
      if (v === null || v === undefined) return true;
      seen = true;
      return typeof v === 'number';
    });
    return { ...c, numeric: numeric && seen };
  });
}

export const num = (v: ReportCell | undefined): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

/** Sums `keys` of the rows per period, in the order the periods first appear (the server sorts them). */
function perPeriod(rows: Array<Record<string, ReportCell>>, keys: string[]): { periods: string[]; sums: Map<string, number[]> } {
  const sums = new Map<string, number[]>();
  for (const r of rows) {
    const p = String(r.period ?? '');
    const s = sums.get(p) ?? keys.map(() => 0);
    keys.forEach((k, i) => (s[i] += num(r[k])));
    sums.set(p, s);
  }
  const periods = [...sums.keys()].sort();
  return { periods, sums };
}

export const BLUE = '#5b8def';
const GREEN = '#12b76a';
const ORANGE = '#f79009';
const RED = '#d92d20';
const PURPLE = '#7a5af8';
const GREY = '#98a2b3';

/** The abandon cap when no queue says otherwise: 3% of calls a person answered, over 30 days. */
export const DEFAULT_ABANDON_CAP_PCT = 3;

/** The columns the page's table leaves out: a queue's or an agent's id beside its name (the CSV keeps them). */
export function shownColumns(columns: ViewColumn[]): ViewColumn[] {
  const keys = new Set(columns.map((c) => c.key));
  return columns.filter((c) => !((c.key === 'queueId' && keys.has('queue')) || (c.key === 'agentId' && keys.has('agent'))));
}

/** The view of a `ReportTable` (the four reports under /api/reports). */
export function fromReportTable(report: PageReport, t: ReportTable, capPct = DEFAULT_ABANDON_CAP_PCT): ReportView {
  const view: ReportView = { columns: typedColumns(t.columns, t.rows), rows: t.rows, chart: null, summary: [], note: t.truncated ? `The table shows the first ${t.rows.length.toLocaleString('en-US')} calls; the CSV has every one.` : null, zone: t.zone };
  if (!t.rows.length || t.groupBy === 'call') return view;
  if (report === 'agent-performance') {
    const { periods, sums } = perPeriod(t.rows, ['calls']);
    view.chart = { title: 'Calls per period, all agents', layout: 'periods', categories: periods, series: [{ label: 'Calls', color: BLUE, values: periods.map((p) => sums.get(p)![0]) }] };
  } else if (report === 'campaign-summary') {
    const { periods, sums } = perPeriod(t.rows, ['dials', 'answers']);
    view.chart = {
      title: 'Dials and answers per period',
      layout: 'periods',
      categories: periods,
      series: [
        { label: 'Dials', color: BLUE, values: periods.map((p) => sums.get(p)![0]) },
        { label: 'Answers', color: GREEN, values: periods.map((p) => sums.get(p)![1]) },
      ],
    };
  } else if (report === 'dispositions') {
    const byCode = new Map<string, number>();
    for (const r of t.rows) byCode.set(String(r.code), (byCode.get(String(r.code)) ?? 0) + num(r.calls));
    const codes = [...byCode.keys()].sort((a, b) => byCode.get(b)! - byCode.get(a)! || (a < b ? -1 : 1));
    view.chart = { title: 'Calls per disposition', layout: 'categories', categories: codes, series: [{ label: 'Calls', color: PURPLE, values: codes.map((c) => byCode.get(c)!) }] };
  } else if (report === 'abandon-evidence') {
    const { periods, sums } = perPeriod(t.rows, ['abandons', 'answered']);
    const share = (p: string) => {
      const [abandons, answered] = sums.get(p)!;
      return answered > 0 ? Number(((100 * abandons) / answered).toFixed(2)) : 0;
    };
    view.chart = { title: 'Abandoned share of calls a person answered, per day', layout: 'periods', categories: periods, unit: '%', series: [{ label: 'Abandoned', color: ORANGE, values: periods.map(share) }], line: { value: capPct, label: `cap ${capPct}%` } };
  }
  return view;
}

const CONSENT_COLUMNS = [
  { key: 'time', label: 'Floor time' },
  { key: 'address', label: 'Address' },
  { key: 'action', label: 'Action' },
  { key: 'kind', label: 'Kind' },
  { key: 'channel', label: 'Channel' },
  { key: 'scope', label: 'Scope' },
  { key: 'source', label: 'Source' },
  { key: 'words', label: 'Words' },
  { key: 'inForce', label: 'In force' },
];
const REFUSAL_COLUMNS = [
  { key: 'time', label: 'Floor time' },
  { key: 'address', label: 'Address' },
  { key: 'channel', label: 'Channel' },
  { key: 'codes', label: 'Codes' },
  { key: 'reasons', label: 'Reasons' },
  { key: 'context', label: 'Tried by' },
  { key: 'nextAllowed', label: 'Next allowed' },
];

export interface ConsentAuditPage {
  zone: string;
  kind: 'consent' | 'refusals';
  entries: OptOutEntryView[];
  refusals: ContactRefusalView[];
  nextCursor: string | null;
}

/** The consent audit's first page as rows, and its entries (or refusals) per floor day. */
export function fromConsentAudit(a: ConsentAuditPage, from: string, to: string): ReportView {
  const at = (iso: string) => floorTime(iso, a.zone);
  const rows: Array<Record<string, ReportCell>> =
    a.kind === 'consent'
      ? a.entries.map((e) => ({ time: at(e.createdAt), address: e.address, action: e.action, kind: e.kind, channel: e.channel, scope: e.scope.type === 'global' ? 'global' : `${e.scope.type}:${e.scope.id}`, source: e.source, words: e.words, inForce: e.inForce ? 'yes' : 'no' }))
      : a.refusals.map((r) => ({ time: at(r.at), address: r.address, channel: r.channel, codes: r.codes.join(' '), reasons: r.reasons.map((x) => x.message).join('; '), context: r.context, nextAllowed: r.nextAllowedAt ? at(r.nextAllowedAt) : null }));
  const days = daysBetween(from, to);
  const perDay = new Map(days.map((d) => [d, 0]));
  for (const r of rows) {
    const d = String(r.time).slice(0, 10);
    if (perDay.has(d)) perDay.set(d, perDay.get(d)! + 1);
  }
  const label = a.kind === 'consent' ? 'Ledger entries' : 'Refused contacts';
  return {
    columns: typedColumns(a.kind === 'consent' ? CONSENT_COLUMNS : REFUSAL_COLUMNS, rows),
    rows,
    chart: rows.length ? { title: `${label} per day`, layout: 'periods', categories: days, series: [{ label, color: a.kind === 'consent' ? RED : GREY, values: days.map((d) => perDay.get(d)!) }] } : null,
    summary: [],
    note: a.nextCursor ? `The table shows the first ${rows.length.toLocaleString('en-US')} rows; the CSV has every one.` : null,
    zone: a.zone,
  };
}

const SCHEDULE_COLUMNS = [
  { key: 'position', label: 'Step' },
  { key: 'name', label: 'Name' },
  { key: 'type', label: 'Type' },
  { key: 'actions', label: 'Actions' },
  { key: 'completed', label: 'Completed' },
  { key: 'skipped', label: 'Skipped' },
  { key: 'failed', label: 'Failed' },
  { key: 'canceled', label: 'Canceled' },
  { key: 'open', label: 'Open' },
  { key: 'overdue', label: 'Overdue' },
  { key: 'completedBy', label: 'Completed by outcome' },
  { key: 'skippedBy', label: 'Skipped by why' },
];

const counts = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || null;

/** A schedule's report: its headline figures, and one row per step. */
export function fromScheduleReport(s: ScheduleReportView): ReportView {
  const rows = s.steps.map((st) => ({ position: st.position, name: st.name, type: st.type, actions: st.actions, completed: st.completed, skipped: st.skipped, failed: st.failed, canceled: st.canceled, open: st.open, overdue: st.overdue, completedBy: counts(st.completedBy), skippedBy: counts(st.skippedBy) }));
  const steps = rows.map((r) => `${r.position}. ${r.name ?? r.type}`);
  const series = (label: string, color: string, key: 'completed' | 'skipped' | 'failed' | 'open') => ({ label, color, values: rows.map((r) => r[key]) });
  const busy = rows.some((r) => r.actions + r.open > 0);
  return {
    columns: typedColumns(SCHEDULE_COLUMNS, rows),
    rows,
    chart: busy ? { title: 'Actions per step', layout: 'categories', categories: steps, series: [series('Completed', GREEN, 'completed'), series('Skipped', GREY, 'skipped'), series('Failed', RED, 'failed'), series('Open', BLUE, 'open')] } : null,
    summary: [
      { label: 'Enrolled', value: String(s.enrolled) },
      { label: 'Active now', value: String(s.active) },
      { label: 'Completed', value: String(s.completed) },
      { label: 'Exited', value: String(s.exited) + (Object.keys(s.exitsBy).length ? ` (${counts(s.exitsBy)})` : '') },
      { label: 'Replies', value: String(s.replies) },
    ],
    note: null,
    zone: s.zone,
  };
}

/** The table as CSV (header of column keys, as the server's exports), for the reports the server has no CSV of. */
export function tableCsv(view: Pick<ReportView, 'columns' | 'rows'>): string {
  return csvLine(view.columns.map((c) => c.key)) + view.rows.map((r) => csvLine(view.columns.map((c) => r[c.key]))).join('');
}
