import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import type { DialQueueView, LeadImportUploadView, LeadImportView, LeadView, ListPenetrationView, ScheduleReportView, ScheduleView, UserView } from '#shared';
import { AgentStateChangeEntity } from '../../server/src/agents/agent.entity.js';
import { DialCallEntity } from '../../server/src/dialer/dial-queue.entity.js';
import { LeadImportRunner } from '../../server/src/leads/import/lead-import.runner.js';
import { ReportRollups } from '../../server/src/reports/report-rollups.job.js';
import type { RunningServer } from '../../server/src/server.js';
import { ConversationEntity } from '../../server/src/telephony/conversations/conversation.entity.js';
import { artifacts, demoApi, demoToken, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoServer } from '../support/browser.js';

/** A day of calls, as the demo queue would have placed them: outcome, and the disposition an answered call got. */
const DAY_OF_CALLS: Array<[outcome: string, code: string | null]> = [
  ['answered', 'sale'], ['no-answer', null], ['answered', 'interested'], ['voicemail', null], ['answered', 'not-interested'], ['abandoned', null],
  ['no-answer', null], ['answered', 'sale'], ['busy', null], ['voicemail', null], ['answered', 'sale'], ['no-answer', null],
];
const ANSWERED = DAY_OF_CALLS.filter(([o]) => o === 'answered').length; // bridged to the agent
const HUMAN = ANSWERED + 1; // and the abandoned one
const PICKED_UP = HUMAN + 2; // and the voicemails

/**
 * A supervisor runs each report on the Reports page against a day of seeded calls (and the
 * demo's list, schedule and a ledger entry): the table shows the seeded figures, another range
 * changes it, and the CSV downloads with the same rows. Screens are photographed.
 */
describe('the reports page in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let adminToken: string;
  let api: ReturnType<typeof demoApi>;
  let queue: DialQueueView;
  let agent: UserView;
  let yesterday: string;
  let today: string;
  const errors: string[] = [];

  /** A report's JSON request (not its CSV). */
  const REPORT_CALL = /\/api\/(reports\/[a-z-]+|(dial-queues|lead-imports)\/[^/]+\/penetration|compliance\/audit|schedules\/[^/]+\/report)(\?|$)/;
  /** Does `action` and waits until the report it asks for (the URL holding `expected`, if given) has landed on the page. */
  const run = async (action: () => Promise<unknown>, expected?: string) => {
    await Promise.all([page.waitForResponse((r) => REPORT_CALL.test(r.url()) && !r.url().includes('format=csv') && (!expected || r.url().includes(expected))), action()]);
    await page.getByTestId('report-loading').waitFor({ state: 'detached' });
  };
  /** The cells of the table's rows, as the page shows them. */
  const tableRows = (): Promise<string[][]> => page.getByTestId('report-row').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
  /** The header labels of the table. */
  const headers = (): Promise<string[]> => page.getByTestId('report-table').locator('th').allTextContents();
  /** The value under a column label in the first row holding `text`. */
  const cell = async (text: string, label: string): Promise<string> => {
    const i = (await headers()).indexOf(label);
    expect(i).toBeGreaterThanOrEqual(0);
    const row = (await tableRows()).find((r) => r.includes(text));
    expect(row).toBeDefined();
    return row![i];
  };
  const openReport = async (name: string) => {
    const button = page.getByRole('navigation', { name: 'Reports' }).getByRole('button', { name, exact: true });
    if ((await button.getAttribute('aria-current')) !== 'page') await run(() => button.click());
    await expect(page.locator('#report-title').textContent()).resolves.toBe(name);
  };
  const pickRange = async (label: string) => {
    const button = page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: label });
    if ((await button.getAttribute('aria-pressed')) !== 'true') await run(() => button.click());
  };
  const select = async (testId: string, value: string) => {
    const el = page.getByTestId(testId);
    if ((await el.inputValue()) !== value) await run(() => el.selectOption(value));
  };
  /** Types a range into the date inputs (two requests: the second one is awaited). */
  const typeRange = (from: string, to: string) =>
    run(async () => {
      await page.getByTestId('range-from').fill(from);
      await page.getByTestId('range-to').fill(to);
    }, `from=${from}&to=${to}`);
  const expectRows = async (n: number) => {
    if (n === 0) await page.getByTestId('report-empty').waitFor();
    await expect(page.getByTestId('report-row').count()).resolves.toBe(n);
  };
  /** Downloads the CSV and returns its header keys and its number of data lines. */
  const downloadCsv = async (): Promise<{ name: string; header: string[]; lines: number }> => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-download').click()]);
    const text = await readFile((await download.path())!, 'utf8');
    const lines = text.split('\r\n').filter(Boolean);
    return { name: download.suggestedFilename(), header: lines[0].split(','), lines: lines.length - 1 };
  };

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    server = await startDemoServer();
    adminToken = await demoToken(server, 'admin@switchboard.local');
    api = demoApi(server, () => adminToken);
    const zone = (await api<{ defaultTimezone: string }>('GET', '/api/settings')).defaultTimezone;
    const now = DateTime.now().setZone(zone);
    today = now.toISODate()!;
    yesterday = now.minus({ days: 1 }).toISODate()!;
    queue = (await api<DialQueueView[]>('GET', '/api/dial-queues')).find((q) => q.name === 'Demo campaign')!;
    agent = (await api<UserView[]>('GET', '/api/users')).find((u) => u.email === 'agent@switchboard.local')!;

    // Yesterday from 10:00 on the floor: a call every 7 minutes; the agent ready from 09:55 to 12:00.
    const ds = server.app.get(DataSource);
    const start = DateTime.fromISO(`${yesterday}T10:00:00`, { zone }).toMillis();
    const at = (ms: number) => new Date(ms);
    for (const [i, [outcome, code]] of DAY_OF_CALLS.entries()) {
      const placed = start + i * 7 * 60_000;
      const answered = ['answered', 'abandoned', 'voicemail'].includes(outcome) ? placed + 6_000 : null;
      const bridged = outcome === 'answered' ? (answered as number) + 1_000 : null;
      const ended = outcome === 'answered' ? placed + 120_000 : placed + 25_000;
      const agentId = outcome === 'answered' ? agent.id : null;
      const id = randomUUID();
      await ds.getRepository(ConversationEntity).insert({ id, leadId: null, agentId, channel: 'voice', direction: 'outbound', fromNumber: '+15550000000', toNumber: '+15551110000', providerSid: null, status: 'completed', body: null, answeredBy: null, createdAt: at(placed), ringingAt: null, answeredAt: answered ? at(answered) : null, endedAt: at(ended), durationSeconds: null, disposition: code, dispositionBy: null, dispositionAt: code ? at(ended) : null, notes: null, recordingUrl: null, errorCode: null, errorMessage: null, poolId: null, poolNumberId: null, causeType: null, causeId: null, idempotencyKey: null, lastSequence: -1, updatedAt: at(ended) } as ConversationEntity);
      await ds.getRepository(DialCallEntity).insert({ conversationId: id, queueId: queue.id, itemId: randomUUID(), leadId: randomUUID(), agentId, placedAt: at(placed), answeredAt: answered ? at(answered) : null, bridgedAt: bridged ? at(bridged) : null, endedAt: at(ended), human: outcome === 'answered' || outcome === 'abandoned', outcome, talkSeconds: bridged ? 100 : null });
    }
    const on = start - 5 * 60_000;
    const off = DateTime.fromISO(`${yesterday}T12:00:00`, { zone }).toMillis();
    await ds.getRepository(AgentStateChangeEntity).insert([
      { id: randomUUID(), userId: agent.id, fromState: 'offline', toState: 'ready', reason: null, actorId: null, at: at(on), durationMs: 0 },
      { id: randomUUID(), userId: agent.id, fromState: 'ready', toState: 'offline', reason: null, actorId: null, at: at(off), durationMs: off - on },
    ]);
    await expect(server.app.get(ReportRollups).run()).resolves.toBe(true);
    // A ledger entry today, for the consent audit.
    await api('POST', '/api/opt-outs', { address: '+14155550199', channel: 'all', note: 'asked on the phone' });

    browser = await launchChromium();
    page = await signInAs(browser, server, 'supervisor@switchboard.local', errors, { width: 1280, height: 900 });
    await run(() => page.getByTestId('reports-tab').click());
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('agent performance: the agent’s calls and time yesterday, nothing today, the CSV', async () => {
    await openReport('Agent performance');
    await expectRows(0); // today: nothing yet
    await pickRange('Yesterday');
    await expectRows(1);
    await expect(cell(agent.name, 'Calls')).resolves.toBe(String(ANSWERED));
    await expect(cell(agent.name, 'Logged in (s)')).resolves.toBe((7_500).toLocaleString('en-US'));
    await expect(cell(agent.name, 'Period')).resolves.toBe(yesterday);
    await page.getByTestId('report-chart').getByRole('img').waitFor();
    await page.screenshot({ path: '/tmp/reports-agent-performance.png', animations: 'disabled' });
    const csv = await downloadCsv();
    expect(csv.name).toBe(`agent-performance-${yesterday}_${yesterday}.csv`);
    expect(csv.header.slice(0, 4)).toEqual(['period', 'agent', 'agentId', 'loggedIn']);
    expect(csv.lines).toBe(1);
    // By the hour: the calls fall in 10:00 and 11:00.
    await select('filter-group', 'hour');
    await expectRows(3); // the agent's time spans 09:55 to 12:00
    expect((await tableRows()).map((r) => r[0])).toEqual([`${yesterday} 09:00`, `${yesterday} 10:00`, `${yesterday} 11:00`]);
    await select('filter-group', 'day');
    await expectRows(1);
  }, 60_000);

  it('campaign summary: dials, answers and abandons of the queue, another range empty, the CSV', async () => {
    await openReport('Campaign summary');
    await expectRows(1);
    await expect(cell(queue.name, 'Dials')).resolves.toBe(String(DAY_OF_CALLS.length));
    await expect(cell(queue.name, 'Answers')).resolves.toBe(String(PICKED_UP));
    await expect(cell(queue.name, 'Human answers')).resolves.toBe(String(HUMAN));
    await expect(cell(queue.name, 'Abandons')).resolves.toBe('1');
    await expect(page.getByTestId('report-chart').getByRole('img').getAttribute('aria-label')).resolves.toContain(`Dials ${DAY_OF_CALLS.length}`);
    await page.screenshot({ path: '/tmp/reports-campaign-summary.png', animations: 'disabled' });
    const csv = await downloadCsv();
    expect(csv.header.slice(0, 4)).toEqual(['period', 'queue', 'queueId', 'dials']);
    expect(csv.lines).toBe(1);
    await pickRange('Today');
    await expectRows(0);
    await pickRange('Yesterday');
    await expectRows(1);
  }, 60_000);

  it('dispositions: calls per code yesterday, a range a year ago empty, the CSV', async () => {
    await openReport('Dispositions');
    await expectRows(3);
    await expect(cell('sale', 'Calls')).resolves.toBe('3');
    await expect(cell('sale', 'Share %')).resolves.toBe('60');
    await expect(cell('interested', 'Calls')).resolves.toBe('1');
    await page.screenshot({ path: '/tmp/reports-dispositions.png', animations: 'disabled' });
    const csv = await downloadCsv();
    expect(csv.header).toEqual(['period', 'queue', 'queueId', 'agent', 'agentId', 'code', 'calls', 'share']);
    expect(csv.lines).toBe(3);
    const yearAgo = DateTime.fromISO(yesterday).minus({ years: 1 }).toISODate()!;
    await typeRange(yearAgo, yearAgo);
    await expectRows(0);
    await pickRange('Yesterday');
    await expectRows(3);
  }, 60_000);

  it('abandon evidence: the day’s share against the cap, the calls one by one, the CSV', async () => {
    await openReport('Abandon evidence');
    await expectRows(1);
    await expect(cell(queue.name, 'Answered by a person')).resolves.toBe(String(HUMAN));
    await expect(cell(queue.name, 'Abandons')).resolves.toBe('1');
    await expect(cell(queue.name, 'Abandon %')).resolves.toBe(String(Number((100 / HUMAN).toFixed(2))));
    await expect(page.getByTestId('report-chart').getByRole('img').getAttribute('aria-label')).resolves.toContain(`cap ${queue.abandonCapPct}%`);
    await page.screenshot({ path: '/tmp/reports-abandon-evidence.png', animations: 'disabled' });
    let csv = await downloadCsv();
    expect(csv.header.slice(0, 4)).toEqual(['period', 'queue', 'queueId', 'answered']);
    expect(csv.lines).toBe(1);
    await run(() => page.getByTestId('filter-per-call').check());
    await expectRows(DAY_OF_CALLS.length);
    csv = await downloadCsv();
    expect(csv.name).toBe(`abandon-evidence-calls-${yesterday}_${yesterday}.csv`);
    expect(csv.header[0]).toBe('conversationId');
    expect(csv.lines).toBe(DAY_OF_CALLS.length);
    await run(() => page.getByTestId('filter-per-call').uncheck());
    const yearAgo = DateTime.fromISO(yesterday).minus({ years: 1 }).toISODate()!;
    await typeRange(yearAgo, yearAgo); // no call in the 30 days to it either
    await expectRows(0);
    await pickRange('Yesterday');
    await expectRows(1);
  }, 60_000);

  it('list penetration: where the demo list stands, an empty queue, the CSV written from the table, one import’s leads', async () => {
    const expected = await api<ListPenetrationView>('GET', `/api/dial-queues/${queue.id}/penetration`);
    const empty = await api<DialQueueView>('POST', '/api/dial-queues', { name: 'Empty list', mode: 'power' });
    // A CSV import of three leads, two of them added to a queue of their own.
    const csv3 = 'Name,Phone\nImported One,+12125553101\nImported Two,+12125553102\nImported Three,+12125553103\n';
    const res = await fetch(`${server.url}/api/lead-imports?filename=spring.csv`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'text/csv' }, body: csv3 });
    const upload = (await res.json()) as LeadImportUploadView;
    await api('POST', `/api/lead-imports/${upload.id}/start`, { columns: { Name: 'firstName', Phone: 'phone' }, dedupe: 'skip' });
    await server.app.get(LeadImportRunner).idle();
    await expect(api<LeadImportView>('GET', `/api/lead-imports/${upload.id}`)).resolves.toMatchObject({ status: 'completed', counts: { created: 3 } });
    const imported = (await api<{ items: LeadView[] }>('GET', '/api/leads?phone=%2B12125553101')).items.concat((await api<{ items: LeadView[] }>('GET', '/api/leads?phone=%2B12125553102')).items);
    const listed = await api<DialQueueView>('POST', '/api/dial-queues', { name: 'Imported list', mode: 'power' });
    await api('POST', `/api/dial-queues/${listed.id}/leads`, { leadIds: imported.map((l) => l.id) });
    await page.reload(); // the new queue in the select
    await run(() => page.getByTestId('reports-tab').click());
    await openReport('List penetration');
    await expect(page.getByTestId('range-from').count()).resolves.toBe(0); // a list has no days
    await select('filter-queue', queue.id);
    await expectRows(1);
    await expect(cell('Never dialed', 'Leads')).resolves.toBe(String(expected.neverDialed));
    await expect(page.getByTestId('report-summary').textContent()).resolves.toContain(`Leads${expected.leads}`);
    await page.screenshot({ path: '/tmp/reports-list-penetration.png', animations: 'disabled' });
    const csv = await downloadCsv();
    expect(csv.name).toBe('list-penetration.csv');
    expect(csv.header).toEqual(['group', 'status', 'leads']);
    expect(csv.lines).toBe(1);
    await select('filter-queue', empty.id);
    await expectRows(0);
    // The import's leads in its queue, then across every queue with the one never queued.
    await select('filter-queue', listed.id);
    await select('filter-import', upload.id);
    await expectRows(1);
    await expect(cell('Never dialed', 'Leads')).resolves.toBe('2');
    await select('filter-queue', '');
    await expect(headers()).resolves.toEqual(['Queue', 'Where the lead stands', 'Status', 'Leads']);
    expect(await tableRows()).toEqual([
      ['Imported list', 'Waiting', 'Never dialed', '2'],
      ['All queues', 'Not in any queue', 'Never queued', '1'],
      ['All queues', 'Waiting', 'Never dialed', '2'],
    ]);
    await expect(page.getByTestId('report-summary').textContent()).resolves.toContain('Never queued1');
    await page.screenshot({ path: '/tmp/reports-import-penetration.png', animations: 'disabled' });
    const importCsv = await downloadCsv();
    expect(importCsv).toEqual({ name: 'list-penetration-import.csv', header: ['queue', 'group', 'status', 'leads'], lines: 3 });
  }, 60_000);

  it('consent audit: today’s ledger entry, yesterday none, the CSV', async () => {
    await openReport('Consent audit');
    await pickRange('Today');
    await expectRows(1);
    await expect(cell('+14155550199', 'Action')).resolves.toBe('opt-out');
    await expect(cell('+14155550199', 'Channel')).resolves.toBe('all');
    const csv = await downloadCsv();
    expect(csv.name).toBe(`consent-audit-consent-${today}_${today}.csv`);
    expect(csv.header.slice(0, 3)).toEqual(['created_at', 'floor_time', 'address']);
    expect(csv.lines).toBe(1);
    await select('filter-audit-kind', 'refusals');
    await expectRows(0);
    await expect(page.getByTestId('report-download').isEnabled()).resolves.toBe(true); // an empty CSV is still a file
    await select('filter-audit-kind', 'consent');
    await pickRange('Yesterday');
    await expectRows(0);
  }, 60_000);

  it('schedules: the demo follow-up’s steps and enrolment today, none yesterday, the CSV written from the table', async () => {
    const schedule = (await api<ScheduleView[]>('GET', '/api/schedules')).find((s) => s.name === 'Demo follow-up')!;
    const report = await api<ScheduleReportView>('GET', `/api/schedules/${schedule.id}/report?from=${today}&to=${today}`);
    await openReport('Schedules');
    await select('filter-schedule', schedule.id);
    await pickRange('Today');
    await expectRows(report.steps.length);
    await expect(page.getByTestId('report-summary').textContent()).resolves.toContain(`Enrolled${report.enrolled}`);
    expect(report.enrolled).toBe(1);
    await expect(cell(report.steps[0].name ?? 'task', 'Open')).resolves.toBe(String(report.steps[0].open));
    await page.screenshot({ path: '/tmp/reports-schedules.png', animations: 'disabled' });
    const csv = await downloadCsv();
    expect(csv.header.slice(0, 3)).toEqual(['position', 'name', 'type']);
    expect(csv.lines).toBe(report.steps.length);
    await pickRange('Yesterday');
    await page.getByTestId('report-summary').getByText('Enrolled0').waitFor();
  }, 60_000);

  it('an API refusal shows the server’s message', async () => {
    expect(errors).toEqual([]); // nothing went wrong in the browser so far
    await openReport('Campaign summary');
    await select('filter-queue', '');
    await typeRange('2020-01-01', '2022-01-01');
    await page.getByTestId('report-error').getByText('366 days').waitFor();
    await pickRange('Yesterday');
    await expectRows(1);
    await expect(page.getByTestId('report-error').count()).resolves.toBe(0);
    // The phone: the page never scrolls sideways; the table scrolls in its own box.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: '/tmp/reports-phone.png', animations: 'disabled', fullPage: true });
    await expect(page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: join(artifacts, 'reports.png'), animations: 'disabled' });
    errors.splice(0); // the 400 itself is logged by the browser
  }, 60_000);
});
