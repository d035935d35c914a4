import type { ReportCell, ReportTable } from '#shared';
import type { EvidenceCall, Row } from './reports.repository.js';

type Rows = Array<Record<string, ReportCell>>;
type Col = { key: string; label: string };
const n = (v: unknown): number => Number(v ?? 0);
const ratio = (a: number, b: number, digits = 1): number | null => (b > 0 ? Number((a / b).toFixed(digits)) : null);
const pct = (a: number, b: number): number | null => (b > 0 ? Number(((100 * a) / b).toFixed(2)) : null);
export const instant = (v: Date | string): number => (v instanceof Date ? v.getTime() : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`));

/** Names a bucket (its start) as the report shows it. */
export type PeriodOf = (at: Date | string) => string;
export interface Names {
  queues: Map<string, string>;
  users: Map<string, string>;
}

/** Rows keyed by (period, …), made on first sight, in order of their keys. */
class Keyed {
  private readonly rows = new Map<string, Record<string, ReportCell>>();
  get(key: string, init: () => Record<string, ReportCell>): Record<string, ReportCell> {
    let r = this.rows.get(key);
    if (!r) this.rows.set(key, (r = init()));
    return r;
  }
  sorted(): Rows {
    return [...this.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  }
}

const add = (r: Record<string, ReportCell>, k: string, v: number) => (r[k] = n(r[k]) + v);

export function agentPerformance(calls: Array<Row<'handled' | 'dials' | 'talk' | 'hold' | 'contacts' | 'conversions'>>, states: Array<Row<'seconds'>>, dispositions: Array<Row<'calls'>>, period: PeriodOf, names: Names): Pick<ReportTable, 'columns' | 'rows' | 'chart'> {
  const rows = new Keyed();
  const pauses = new Set<string>();
  const codes = new Set<string>();
  const row = (at: Date | string, agentId: string) => {
    const p = period(at);
    return rows.get(`${p}|${names.users.get(agentId) ?? agentId}|${agentId}`, () => ({ period: p, agentId, agent: names.users.get(agentId) ?? null, loggedIn: 0, ready: 0, reserved: 0, talk: 0, wrapUp: 0, hold: 0, paused: 0, calls: 0, contacts: 0, conversions: 0 }));
  };
  const STATE_KEYS: Record<string, string> = { ready: 'ready', reserved: 'reserved', on_call: 'talk', wrap_up: 'wrapUp', paused: 'paused' };
  for (const s of states) {
    const r = row(s.at, s.agentId as string);
    const sec = n(s.seconds);
    add(r, 'loggedIn', sec);
    const key = STATE_KEYS[s.state as string];
    if (key) add(r, key, sec);
    if (s.state === 'paused') {
      const k = `paused:${s.reason || '-'}`;
      pauses.add(k);
      add(r, k, sec);
    }
  }
  for (const c of calls) {
    const r = row(c.at, c.agentId as string);
    add(r, 'calls', n(c.handled));
    add(r, 'hold', n(c.hold));
    add(r, 'contacts', n(c.contacts));
    add(r, 'conversions', n(c.conversions));
  }
  for (const d of dispositions) {
    if (!d.agentId) continue;
    const k = `disposition:${d.code}`;
    codes.add(k);
    add(row(d.at, d.agentId), k, n(d.calls));
  }
  const out = rows.sorted();
  for (const r of out) {
    const hours = n(r.loggedIn) / 3600;
    r.callsPerHour = ratio(n(r.calls), hours, 2);
    r.contactsPerHour = ratio(n(r.contacts), hours, 2);
    r.avgHandleSeconds = ratio(n(r.talk) + n(r.wrapUp), n(r.calls));
    for (const k of [...pauses, ...codes]) r[k] ??= 0;
  }
  const columns: Col[] = [
    { key: 'period', label: 'Period' }, { key: 'agent', label: 'Agent' }, { key: 'agentId', label: 'Agent id' },
    { key: 'loggedIn', label: 'Logged in (s)' }, { key: 'ready', label: 'Ready (s)' }, { key: 'reserved', label: 'Reserved (s)' }, { key: 'talk', label: 'Talk (s)' },
    { key: 'hold', label: 'Hold (s)' }, { key: 'wrapUp', label: 'Wrap-up (s)' }, { key: 'paused', label: 'Paused (s)' },
    ...[...pauses].sort().map((k) => ({ key: k, label: `Paused ${k.slice(7)} (s)` })),
    { key: 'calls', label: 'Calls' }, { key: 'contacts', label: 'Contacts' }, { key: 'callsPerHour', label: 'Calls/hour' }, { key: 'contactsPerHour', label: 'Contacts/hour' },
    { key: 'conversions', label: 'Conversions' }, ...[...codes].sort().map((k) => ({ key: k, label: k.slice(12) })), { key: 'avgHandleSeconds', label: 'Avg handle (s)' },
  ];
  return { columns, rows: out, chart: { label: 'agent', value: 'calls' } };
}

export function campaignSummary(calls: Array<Row<'dials' | 'answers' | 'human' | 'machine' | 'voicemail' | 'abandons' | 'contacts' | 'conversions'>>, agentSeconds: Array<Row<'seconds'>>, period: PeriodOf, names: Names): Pick<ReportTable, 'columns' | 'rows' | 'chart'> {
  const rows = new Keyed();
  const row = (at: Date | string, queueId: string) => {
    const p = period(at);
    return rows.get(`${p}|${queueId}`, () => ({ period: p, queueId, queue: names.queues.get(queueId) ?? null, dials: 0, answers: 0, humanAnswers: 0, machineAnswers: 0, voicemailDrops: 0, abandons: 0, contacts: 0, conversions: 0, agentSeconds: 0 }));
  };
  for (const c of calls) {
    const r = row(c.at, c.queueId as string);
    add(r, 'dials', n(c.dials)), add(r, 'answers', n(c.answers)), add(r, 'humanAnswers', n(c.human)), add(r, 'machineAnswers', n(c.machine));
    add(r, 'voicemailDrops', n(c.voicemail)), add(r, 'abandons', n(c.abandons)), add(r, 'contacts', n(c.contacts)), add(r, 'conversions', n(c.conversions));
  }
  for (const s of agentSeconds) add(row(s.at, s.queueId as string), 'agentSeconds', n(s.seconds));
  const out = rows.sorted();
  for (const r of out) {
    r.connectRate = pct(n(r.humanAnswers), n(r.dials));
    r.abandonShare = pct(n(r.abandons), n(r.humanAnswers));
    r.agentHours = Number((n(r.agentSeconds) / 3600).toFixed(2));
    r.dialsPerAgentHour = ratio(n(r.dials), n(r.agentSeconds) / 3600, 2);
    delete r.agentSeconds;
  }
  const columns: Col[] = [
    { key: 'period', label: 'Period' }, { key: 'queue', label: 'Queue' }, { key: 'queueId', label: 'Queue id' }, { key: 'dials', label: 'Dials' }, { key: 'answers', label: 'Answers' },
    { key: 'humanAnswers', label: 'Human answers' }, { key: 'machineAnswers', label: 'Machine answers' }, { key: 'voicemailDrops', label: 'Voicemail drops' }, { key: 'abandons', label: 'Abandons' },
    { key: 'abandonShare', label: 'Abandon %' }, { key: 'connectRate', label: 'Connect %' }, { key: 'contacts', label: 'Contacts' }, { key: 'conversions', label: 'Conversions' },
    { key: 'agentHours', label: 'Agent hours' }, { key: 'dialsPerAgentHour', label: 'Dials/agent hour' },
  ];
  return { columns, rows: out, chart: { label: 'period', value: 'dials' } };
}

export function dispositionShares(rowsIn: Array<Row<'calls'>>, period: PeriodOf, names: Names): Pick<ReportTable, 'columns' | 'rows' | 'chart'> {
  const rows = new Keyed();
  const totals = new Map<string, number>();
  for (const d of rowsIn) {
    const p = period(d.at);
    const group = `${p}|${d.queueId}|${d.agentId}`;
    totals.set(group, (totals.get(group) ?? 0) + n(d.calls));
    const r = rows.get(`${group}|${d.code}`, () => ({ period: p, queueId: d.queueId as string, queue: names.queues.get(d.queueId as string) ?? null, agentId: d.agentId || null, agent: d.agentId ? (names.users.get(d.agentId) ?? null) : null, code: d.code as string, calls: 0, _g: group }));
    add(r, 'calls', n(d.calls));
  }
  const out = rows.sorted();
  for (const r of out) {
    r.share = pct(n(r.calls), totals.get(r._g as string) ?? 0);
    delete r._g;
  }
  const columns: Col[] = [
    { key: 'period', label: 'Period' }, { key: 'queue', label: 'Queue' }, { key: 'queueId', label: 'Queue id' }, { key: 'agent', label: 'Agent' }, { key: 'agentId', label: 'Agent id' },
    { key: 'code', label: 'Disposition' }, { key: 'calls', label: 'Calls' }, { key: 'share', label: 'Share %' },
  ];
  return { columns, rows: out, chart: { label: 'code', value: 'calls' } };
}

const EVIDENCE = ['answered', 'abandons', 'twoSecond', 'message', 'unanswered', 'rang15'] as const;

/** Per queue and day, with the 30 days ending that day (`rows` may start 29 days before `firstDay`). */
export function abandonEvidence(rowsIn: Array<Row<(typeof EVIDENCE)[number]>>, days: string[], firstDay: string, period: PeriodOf, names: Names): Pick<ReportTable, 'columns' | 'rows' | 'chart'> {
  const byQueue = new Map<string, Map<string, Record<string, number>>>();
  for (const r of rowsIn) {
    const q = r.queueId as string;
    let m = byQueue.get(q);
    if (!m) byQueue.set(q, (m = new Map()));
    m.set(period(r.at), Object.fromEntries(EVIDENCE.map((k) => [k, n(r[k])])));
  }
  const out: Rows = [];
  for (const [queueId, m] of [...byQueue.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    days.forEach((day, i) => {
      if (day < firstDay) return;
      const own = m.get(day) ?? Object.fromEntries(EVIDENCE.map((k) => [k, 0]));
      const window = days.slice(Math.max(0, i - 29), i + 1).map((d) => m.get(d));
      const sum = (k: string) => window.reduce((s, w) => s + (w?.[k] ?? 0), 0);
      out.push({
        period: day, queueId, queue: names.queues.get(queueId) ?? null, ...own, abandonShare: pct(own.abandons, own.answered),
        answered30: sum('answered'), abandons30: sum('abandons'), abandonShare30: pct(sum('abandons'), sum('answered')),
      });
    });
  }
  const columns: Col[] = [
    { key: 'period', label: 'Day' }, { key: 'queue', label: 'Queue' }, { key: 'queueId', label: 'Queue id' }, { key: 'answered', label: 'Answered by a person' }, { key: 'abandons', label: 'Abandons' },
    { key: 'abandonShare', label: 'Abandon %' }, { key: 'twoSecond', label: '2-second rule met' }, { key: 'message', label: 'Recorded message played' },
    { key: 'unanswered', label: 'Unanswered' }, { key: 'rang15', label: 'Rang ≥ 15 s' }, { key: 'answered30', label: 'Answered (30 days)' }, { key: 'abandons30', label: 'Abandons (30 days)' }, { key: 'abandonShare30', label: 'Abandon % (30 days)' },
  ];
  return { columns, rows: out, chart: { label: 'period', value: 'abandons' } };
}

export const EVIDENCE_CALL_COLUMNS: Col[] = [
  { key: 'conversationId', label: 'Call' }, { key: 'queueId', label: 'Queue id' }, { key: 'leadId', label: 'Lead id' }, { key: 'agentId', label: 'Agent id' },
  { key: 'placedAt', label: 'Placed' }, { key: 'answeredAt', label: 'Answered' }, { key: 'bridgedAt', label: 'Bridged' }, { key: 'endedAt', label: 'Ended' },
  { key: 'human', label: 'Person' }, { key: 'outcome', label: 'Outcome' }, { key: 'ringSeconds', label: 'Ring (s)' }, { key: 'waitSeconds', label: 'Wait for agent (s)' },
  { key: 'twoSecond', label: '2-second rule met' }, { key: 'message', label: 'Recorded message played' },
];

/** One call of the drill-down, as its row. */
export function evidenceCall(c: EvidenceCall): Record<string, ReportCell> {
  const t = (v: Date | string | null) => (v == null ? null : instant(v));
  const [placed, answered, bridged, ended] = [t(c.placedAt), t(c.answeredAt), t(c.bridgedAt), t(c.endedAt)];
  const iso = (v: number | null) => (v == null ? null : new Date(v).toISOString());
  const human = c.human === true || Number(c.human) === 1;
  const wait = answered != null && (bridged ?? ended) != null ? ((bridged ?? ended) as number) - answered : null;
  const ringEnd = answered ?? ended;
  return {
    conversationId: c.conversationId, queueId: c.queueId, leadId: c.leadId, agentId: c.agentId, placedAt: iso(placed), answeredAt: iso(answered), bridgedAt: iso(bridged), endedAt: iso(ended),
    human: human ? 1 : 0, outcome: c.outcome, ringSeconds: ringEnd != null && placed != null ? (ringEnd - placed) / 1000 : null, waitSeconds: wait == null ? null : wait / 1000,
    twoSecond: human ? ((bridged != null && answered != null && bridged - answered <= 2000) || (bridged == null && c.outcome === 'abandoned') ? 1 : 0) : null,
    message: c.outcome === 'abandoned' && ended != null && answered != null && ended - answered >= 2000 ? 1 : 0,
  };
}
