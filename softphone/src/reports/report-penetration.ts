import type { ImportPenetrationView, ListPenetrationView, ReportCell } from '#shared';
import { BLUE, type ChartSpec, num, type ReportView, typedColumns } from './report-kinds.js';

type Row = Record<string, ReportCell>;

/** Where a list's leads stand as (where, status, leads) rows, the statuses with no lead left out. */
function standing(p: ListPenetrationView): Row[] {
  const rows: Row[] = [];
  const push = (group: string, status: string, leads: number) => leads > 0 && rows.push({ group, status, leads });
  push('Waiting', 'Never dialed', p.neverDialed);
  push('Waiting', 'Waiting again', p.waitingAgain);
  push('Being worked', 'Reserved or dialing', p.inProgress);
  for (const [code, n] of Object.entries(p.byDisposition).sort()) push('Finished, a person answered', code, n);
  for (const [outcome, n] of Object.entries(p.attemptsUsedUp).sort()) push('Finished, attempts used up', outcome, n);
  push('Removed', 'Taken out of the queue', p.removed);
  for (const [reason, n] of Object.entries(p.ineligibleBy).sort()) push('No longer eligible', reason, n);
  return rows;
}

const chartOf = (rows: Row[]): ChartSpec | null =>
  rows.length ? { title: 'Leads by where they stand', layout: 'categories', categories: rows.map((r) => String(r.status)), series: [{ label: 'Leads', color: BLUE, values: rows.map((r) => num(r.leads)) }] } : null;

const figures = (p: ListPenetrationView) => [
  { label: 'Contacted', value: String(p.contacted) },
  { label: 'Dialed', value: String(p.dialsPerLead.filter((d) => d.calls > 0).reduce((s, d) => s + d.leads, 0)) },
  { label: 'Left to dial', value: p.burnt ? 'none' : String(p.neverDialed + p.waitingAgain + p.inProgress) },
];

const COLUMNS = [
  { key: 'group', label: 'Where the lead stands' },
  { key: 'status', label: 'Status' },
  { key: 'leads', label: 'Leads' },
];

/** A list's penetration (a queue's, or one import's leads in it) as rows of (where, status, leads). */
export function fromPenetration(p: ListPenetrationView): ReportView {
  const rows = standing(p);
  return { columns: typedColumns(COLUMNS, rows), rows, chart: chartOf(rows), summary: [{ label: 'Leads', value: String(p.leads) }, ...figures(p)], note: null, zone: null };
}

/** The total's name in the queue column: the import's leads over every queue, each once. */
export const ALL_QUEUES = 'All queues';

/**
 * An import's penetration: rows per queue its leads were added to, then the total over
 * every queue (each lead once, where its newest turn stands) with the leads never queued.
 * The chart draws the total.
 */
export function fromImportPenetration(v: ImportPenetrationView): ReportView {
  const rows: Row[] = [];
  for (const q of v.queues) for (const r of standing(q)) rows.push({ queue: q.queueName, ...r });
  const total = standing(v.total);
  if (v.neverQueued > 0) total.unshift({ group: 'Not in any queue', status: 'Never queued', leads: v.neverQueued });
  for (const r of total) rows.push({ queue: ALL_QUEUES, ...r });
  return {
    columns: typedColumns([{ key: 'queue', label: 'Queue' }, ...COLUMNS], rows),
    rows,
    chart: chartOf(total),
    summary: [{ label: 'Leads', value: String(v.leads) }, { label: 'Never queued', value: String(v.neverQueued) }, { label: 'Queues', value: String(v.queues.length) }, ...figures(v.total)],
    note: null,
    zone: null,
  };
}
