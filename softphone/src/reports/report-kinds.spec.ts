import { describe, expect, it } from '@jest/globals';
import type { ImportPenetrationView, ListPenetrationView, ReportTable, ScheduleReportView } from '#shared';
import { daysBetween, floorTime, quickRange } from './report-days.js';
import { ALL_QUEUES, fromImportPenetration, fromPenetration } from './report-penetration.js';
import { fromConsentAudit, fromReportTable, fromScheduleReport, missingChoice, type ReportFilterValues, requestOf, shownColumns, tableCsv, typedColumns } from './report-kinds.js';

const filters = (over: Partial<ReportFilterValues> = {}): ReportFilterValues => ({ from: '2026-12-01', to: '2026-12-07', queueId: '', importId: '', agentId: '', scheduleId: '', groupBy: 'day', perCall: false, auditKind: 'consent', ...over });

describe('the reports page model', () => {
  it.each([
    // 02:30Z on 8 December is still the 7th in New York, already the 8th in Tokyo.
    ['today', 'America/New_York', { from: '2026-12-07', to: '2026-12-07' }],
    ['today', 'Asia/Tokyo', { from: '2026-12-08', to: '2026-12-08' }],
    ['yesterday', 'America/New_York', { from: '2026-12-06', to: '2026-12-06' }],
    ['last-7', 'America/New_York', { from: '2026-12-01', to: '2026-12-07' }],
    ['last-30', 'America/New_York', { from: '2026-11-08', to: '2026-12-07' }],
  ] as const)('the quick range %s in %s is the floor zone’s days', (pick, zone, range) => {
    expect(quickRange(pick, zone, new Date('2026-12-08T02:30:00Z'))).toEqual(range);
  });

  it('asks each endpoint for what it takes, and its CSV where the server has one', () => {
    expect(requestOf('campaign-summary', filters({ queueId: 'q1', groupBy: 'hour-of-day' }))).toEqual({ path: '/api/reports/campaign-summary?from=2026-12-01&to=2026-12-07&queueId=q1&groupBy=hour-of-day', csvPath: '/api/reports/campaign-summary?from=2026-12-01&to=2026-12-07&queueId=q1&groupBy=hour-of-day&format=csv', fileName: 'campaign-summary-2026-12-01_2026-12-07.csv' });
    expect(requestOf('abandon-evidence', filters({ perCall: true, agentId: 'ignored' })).path).toBe('/api/reports/abandon-evidence?from=2026-12-01&to=2026-12-07&drill=day');
    expect(requestOf('consent-audit', filters({ auditKind: 'refusals' }))).toMatchObject({ path: '/api/compliance/audit?from=2026-12-01&to=2026-12-07&kind=refusals&limit=1000', csvPath: '/api/compliance/audit?from=2026-12-01&to=2026-12-07&kind=refusals&format=csv' });
    expect(requestOf('list-penetration', filters({ queueId: 'q1', from: '' }))).toMatchObject({ path: '/api/dial-queues/q1/penetration', csvPath: null });
    expect(requestOf('schedule', filters({ scheduleId: 's1' }))).toMatchObject({ path: '/api/schedules/s1/report?from=2026-12-01&to=2026-12-07', csvPath: null });
    expect(missingChoice('list-penetration', filters())).toMatch(/queue/);
    expect(missingChoice('schedule', filters())).toMatch(/schedule/);
    expect(missingChoice('list-penetration', filters({ queueId: 'q1', from: '' }))).toBeNull();
    // An import: its leads in the queue picked, or with no queue across every queue they were added to.
    expect(requestOf('list-penetration', filters({ queueId: 'q1', importId: 'i1' }))).toMatchObject({ path: '/api/dial-queues/q1/penetration?importId=i1', csvPath: null, fileName: 'list-penetration-import.csv' });
    expect(requestOf('list-penetration', filters({ importId: 'i1' }))).toMatchObject({ path: '/api/lead-imports/i1/penetration', csvPath: null });
    expect(missingChoice('list-penetration', filters({ importId: 'i1' }))).toBeNull();
    expect(missingChoice('dispositions', filters({ to: '' }))).toMatch(/day/);
  });

  it('right-aligns the columns of numbers, hides ids beside names, and draws the figure per period with the cap', () => {
    const table: ReportTable = {
      report: 'abandon-evidence', zone: 'America/New_York', from: '2026-12-01', to: '2026-12-02', groupBy: 'day',
      columns: [{ key: 'period', label: 'Day' }, { key: 'queue', label: 'Queue' }, { key: 'queueId', label: 'Queue id' }, { key: 'answered', label: 'Answered' }, { key: 'abandons', label: 'Abandons' }, { key: 'abandonShare', label: 'Abandon %' }],
      rows: [
        { period: '2026-12-01', queue: 'A', queueId: 'qa', answered: 50, abandons: 1, abandonShare: 2 },
        { period: '2026-12-01', queue: 'B', queueId: 'qb', answered: 50, abandons: 3, abandonShare: 6 },
        { period: '2026-12-02', queue: 'A', queueId: 'qa', answered: 0, abandons: 0, abandonShare: null },
      ],
    };
    const view = fromReportTable('abandon-evidence', table, 3);
    expect(view.columns.map((c) => [c.key, c.numeric])).toEqual([['period', false], ['queue', false], ['queueId', false], ['answered', true], ['abandons', true], ['abandonShare', true]]);
    expect(shownColumns(view.columns).map((c) => c.key)).toEqual(['period', 'queue', 'answered', 'abandons', 'abandonShare']);
    // The day's share over both queues: 4 of 100; a day nobody answered draws 0.
    expect(view.chart).toMatchObject({ layout: 'periods', categories: ['2026-12-01', '2026-12-02'], series: [{ values: [4, 0] }], line: { value: 3 }, unit: '%' });
    expect(fromReportTable('abandon-evidence', { ...table, groupBy: 'call' }).chart).toBeNull();
    expect(fromReportTable('abandon-evidence', { ...table, rows: [] }).chart).toBeNull();
  });

  it('sums dispositions per code, biggest first', () => {
    const t = { report: 'dispositions', zone: 'UTC', from: '', to: '', groupBy: 'day', columns: [], rows: [{ period: 'd1', code: 'sale', calls: 2 }, { period: 'd1', code: 'ni', calls: 5 }, { period: 'd2', code: 'sale', calls: 4 }] } as ReportTable;
    expect(fromReportTable('dispositions', t).chart).toMatchObject({ layout: 'categories', categories: ['sale', 'ni'], series: [{ values: [6, 5] }] });
  });

  it('lays a list’s penetration out as where each lead stands, leaving out what holds none', () => {
    const p: ListPenetrationView = { queueId: 'q', importId: null, leads: 10, neverDialed: 4, waitingAgain: 0, inProgress: 1, contacted: 3, byDisposition: { sale: 2 }, attemptsUsedUp: { 'no-answer': 1 }, removed: 0, ineligible: 2, ineligibleBy: { 'opted out': 2 }, dialsPerLead: [{ calls: 0, leads: 4 }, { calls: 1, leads: 6 }], burnt: false };
    const view = fromPenetration(p);
    expect(view.rows).toEqual([
      { group: 'Waiting', status: 'Never dialed', leads: 4 },
      { group: 'Being worked', status: 'Reserved or dialing', leads: 1 },
      { group: 'Finished, a person answered', status: 'sale', leads: 2 },
      { group: 'Finished, attempts used up', status: 'no-answer', leads: 1 },
      { group: 'No longer eligible', status: 'opted out', leads: 2 },
    ]);
    expect(view.summary).toEqual([{ label: 'Leads', value: '10' }, { label: 'Contacted', value: '3' }, { label: 'Dialed', value: '6' }, { label: 'Left to dial', value: '5' }]);
    expect(tableCsv(view)).toBe('group,status,leads\r\nWaiting,Never dialed,4\r\nBeing worked,Reserved or dialing,1\r\n"Finished, a person answered",sale,2\r\n"Finished, attempts used up",no-answer,1\r\nNo longer eligible,opted out,2\r\n');
  });

  it('lays an import’s penetration out per queue, then over every queue with the leads never queued', () => {
    const none = { importId: 'i', leads: 0, neverDialed: 0, waitingAgain: 0, inProgress: 0, contacted: 0, byDisposition: {}, attemptsUsedUp: {}, removed: 0, ineligible: 0, ineligibleBy: {}, dialsPerLead: [], burnt: true };
    const v: ImportPenetrationView = {
      importId: 'i',
      filename: 'spring.csv',
      leads: 5,
      neverQueued: 1,
      queues: [
        { ...none, queueId: 'qa', queueName: 'A', leads: 2, neverDialed: 1, byDisposition: { sale: 1 }, contacted: 1, dialsPerLead: [{ calls: 0, leads: 1 }, { calls: 2, leads: 1 }], burnt: false },
        { ...none, queueId: 'qb', queueName: 'B', leads: 2, waitingAgain: 1, attemptsUsedUp: { busy: 1 }, dialsPerLead: [{ calls: 1, leads: 2 }], burnt: false },
      ],
      total: { ...none, queueId: null, leads: 4, neverDialed: 1, waitingAgain: 1, byDisposition: { sale: 1 }, attemptsUsedUp: { busy: 1 }, contacted: 1, dialsPerLead: [{ calls: 0, leads: 1 }, { calls: 1, leads: 1 }, { calls: 3, leads: 2 }], burnt: false },
    };
    const view = fromImportPenetration(v);
    expect(view.columns.map((c) => [c.key, c.numeric])).toEqual([['queue', false], ['group', false], ['status', false], ['leads', true]]);
    expect(view.rows).toEqual([
      { queue: 'A', group: 'Waiting', status: 'Never dialed', leads: 1 },
      { queue: 'A', group: 'Finished, a person answered', status: 'sale', leads: 1 },
      { queue: 'B', group: 'Waiting', status: 'Waiting again', leads: 1 },
      { queue: 'B', group: 'Finished, attempts used up', status: 'busy', leads: 1 },
      { queue: ALL_QUEUES, group: 'Not in any queue', status: 'Never queued', leads: 1 },
      { queue: ALL_QUEUES, group: 'Waiting', status: 'Never dialed', leads: 1 },
      { queue: ALL_QUEUES, group: 'Waiting', status: 'Waiting again', leads: 1 },
      { queue: ALL_QUEUES, group: 'Finished, a person answered', status: 'sale', leads: 1 },
      { queue: ALL_QUEUES, group: 'Finished, attempts used up', status: 'busy', leads: 1 },
    ]);
    // The chart draws the total; the figures are the import's.
    expect(view.chart?.categories).toEqual(['Never queued', 'Never dialed', 'Waiting again', 'sale', 'busy']);
    expect(view.summary).toEqual([
      { label: 'Leads', value: '5' },
      { label: 'Never queued', value: '1' },
      { label: 'Queues', value: '2' },
      { label: 'Contacted', value: '1' },
      { label: 'Dialed', value: '3' },
      { label: 'Left to dial', value: '2' },
    ]);
  });

  it('writes the table’s CSV so no cell runs as a formula', () => {
    expect(tableCsv({ columns: typedColumns([{ key: 'a', label: 'A' }, { key: 'b', label: 'B' }], []), rows: [{ a: '=SUM(A1)', b: null }, { a: '-3', b: 1.5 }] })).toBe("a,b\r\n'=SUM(A1),\r\n-3,1.5\r\n");
  });

  it('shows a schedule’s steps and headline figures', () => {
    const s: ScheduleReportView = { scheduleId: 's', name: 'S', from: 'a', to: 'b', zone: 'UTC', enrolled: 3, active: 1, completed: 1, exited: 1, exitsBy: { replied: 1 }, replies: 2, steps: [{ stepId: 'x', position: 1, type: 'sms', name: null, actions: 3, completed: 2, completedBy: { sent: 2 }, skipped: 1, skippedBy: { 'opted out': 1 }, failed: 0, canceled: 0, open: 0, overdue: 0 }] };
    const view = fromScheduleReport(s);
    expect(view.rows[0]).toMatchObject({ position: 1, type: 'sms', completed: 2, completedBy: 'sent 2', skippedBy: 'opted out 1' });
    expect(view.summary.find((x) => x.label === 'Exited')?.value).toBe('1 (replied 1)');
    expect(view.chart?.categories).toEqual(['1. sms']);
  });

  it('puts the consent audit’s rows on the floor’s clock and counts them per floor day', () => {
    const entry = { id: 'e', address: '+14155550100', addressType: 'phone', action: 'opt-out', channel: 'all', scope: { type: 'global' }, source: 'manual', kind: 'opt-out', origin: null, words: null, conversationId: null, scopeRule: null, reach: { channels: ['call'], campaigns: 'all' }, inForce: true, leadIds: [], actorId: null, note: null, createdAt: '2026-12-02T03:00:00.000Z', supersededAt: null, supersededBy: null };
    const view = fromConsentAudit({ zone: 'America/New_York', kind: 'consent', entries: [entry as never], refusals: [], nextCursor: 'more' }, '2026-12-01', '2026-12-02');
    expect(view.rows[0]).toMatchObject({ time: '2026-12-01 22:00:00', scope: 'global', inForce: 'yes' });
    expect(view.chart?.series[0].values).toEqual([1, 0]);
    expect(view.note).toMatch(/CSV has every one/);
    expect(floorTime('2026-07-01T12:00:00Z', 'Europe/London')).toBe('2026-07-01 13:00:00');
    expect(daysBetween('2026-02-27', '2026-03-01')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });
});
