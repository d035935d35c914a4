import type { ImportPenetrationView, ListPenetrationView } from '#shared';
import { csvLine } from '../common/csv.js';
import type { DialsRow, PenetrationRow } from './dial-penetration.repository.js';

const REASON: Record<string, string> = {
  OPTED_OUT: 'opted out',
  BLOCKED: 'blocked',
  OUTSIDE_HOURS: 'outside calling hours',
  NO_CALL_DAY: 'no calls that day',
  HOLIDAY: 'holiday',
  ATTEMPT_CAP_DAY: 'attempt cap (day)',
  ATTEMPT_CAP_24H: 'attempt cap (24 h)',
  ATTEMPT_CAP_LIFETIME: 'attempt cap (lifetime)',
  NO_ADDRESS: 'no number',
  LEAD_INACTIVE: 'lead inactive',
  CONSENT_REVIEW: 'held for a consent review',
};

/** The reason a refused lead is out, in words: the first code that rules it out for good. */
function reasonOf(codes: string | null): string {
  const list = (codes ?? '').split(',').filter(Boolean);
  const first = list.find((c) => c === 'OPTED_OUT' || c === 'BLOCKED') ?? list[0];
  return first ? (REASON[first] ?? first.toLowerCase().replace(/_/g, ' ')) : 'refused';
}

/** The calls-per-lead histogram and the leads contacted, from the rows of one list. */
function dialsOf(rows: DialsRow[]): { histogram: Array<{ calls: number; leads: number }>; contacted: number } {
  const sorted = [...rows].sort((a, b) => a.calls - b.calls);
  return { histogram: sorted.map((r) => ({ calls: r.calls, leads: r.leads })), contacted: rows.reduce((n, r) => n + r.contacted, 0) };
}

/** A list's penetration from where each lead's turn stands and the calls made to them (`queueId` null: across queues). */
export function penetrationOf(queueId: string | null, importId: string | null, rows: PenetrationRow[], dialRows: DialsRow[]): ListPenetrationView {
  const dials = dialsOf(dialRows);
  const view: ListPenetrationView = { queueId, importId, leads: 0, neverDialed: 0, waitingAgain: 0, inProgress: 0, contacted: dials.contacted, byDisposition: {}, attemptsUsedUp: {}, removed: 0, ineligible: 0, ineligibleBy: {}, dialsPerLead: dials.histogram, burnt: false };
  const add = (into: Record<string, number>, key: string, n: number) => (into[key] = (into[key] ?? 0) + n);
  for (const r of rows) {
    view.leads += r.leads;
    if (r.status === 'pending') {
      if (r.fresh) view.neverDialed += r.leads;
      else view.waitingAgain += r.leads;
    } else if (r.status === 'reserved' || r.status === 'dialing') view.inProgress += r.leads;
    else if (r.status === 'canceled') view.removed += r.leads;
    else if (r.lastOutcome === 'refused') {
      view.ineligible += r.leads;
      add(view.ineligibleBy, reasonOf(r.refusalCodes), r.leads);
    } else if (r.lastOutcome === 'answered') add(view.byDisposition, r.disposition ?? 'none', r.leads);
    else add(view.attemptsUsedUp, r.lastOutcome ?? 'unknown', r.leads);
  }
  view.burnt = view.neverDialed + view.waitingAgain + view.inProgress === 0;
  return view;
}

/**
 * An import's penetration: per queue its leads were added to (by queue name), the total
 * with each lead counted once where its newest turn stands, and the leads never queued.
 */
export function importPenetrationOf(
  importId: string,
  filename: string,
  perQueue: { rows: PenetrationRow[]; dials: DialsRow[]; names: Map<string, string> },
  across: { rows: PenetrationRow[]; dials: DialsRow[] },
  neverQueued: number,
): ImportPenetrationView {
  const ids = [...new Set(perQueue.rows.map((r) => r.queueId as string))];
  const queues = ids
    .map((id) => ({
      ...penetrationOf(id, importId, perQueue.rows.filter((r) => r.queueId === id), perQueue.dials.filter((d) => d.queueId === id)),
      queueName: perQueue.names.get(id) ?? id,
    }))
    .sort((a, b) => a.queueName.localeCompare(b.queueName));
  const total = penetrationOf(null, importId, across.rows, across.dials);
  return { importId, filename, leads: total.leads + neverQueued, neverQueued, queues, total };
}

/** The penetration as CSV lines, one row per queue, figure and detail (`queue` empty for an import's total). */
export function* penetrationCsv(views: Array<{ queueName: string; view: ListPenetrationView }>, neverQueued: number | null = null): Generator<string> {
  yield csvLine(['queue', 'queueId', 'importId', 'figure', 'detail', 'leads']);
  for (const { queueName, view: v } of views) {
    const row = (figure: string, detail: string, leads: number) => csvLine([queueName, v.queueId ?? '', v.importId ?? '', figure, detail, leads]);
    yield row('leads', '', v.leads);
    yield row('never dialed', '', v.neverDialed);
    yield row('waiting again', '', v.waitingAgain);
    yield row('in progress', '', v.inProgress);
    yield row('contacted', '', v.contacted);
    for (const [code, n] of Object.entries(v.byDisposition).sort()) yield row('finished by disposition', code, n);
    for (const [outcome, n] of Object.entries(v.attemptsUsedUp).sort()) yield row('attempts used up', outcome, n);
    yield row('removed', '', v.removed);
    yield row('no longer eligible', '', v.ineligible);
    for (const [why, n] of Object.entries(v.ineligibleBy).sort()) yield row('no longer eligible', why, n);
    for (const h of v.dialsPerLead) yield row('dialed', `${h.calls} times`, h.leads);
    yield row('burnt', '', v.burnt ? 1 : 0);
  }
  if (neverQueued !== null) yield csvLine(['', '', views[0]?.view.importId ?? '', 'never queued', '', neverQueued]);
}
