import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import type { DialQueueView, ReportSubscriptionView, UserView } from '#shared';
import type { RunningServer } from '../../server/src/server.js';
import { seriousAxeFindings } from '../support/axe.js';
import { eventually } from '../support/eventually.js';
import { artifacts, demoApi, demoToken, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoServer } from '../support/browser.js';

/**
 * A supervisor schedules a report by email from the Reports page: the form starts from the
 * page's filters, a save without recipients shows the server's message by the field, the saved
 * subscription is listed and is what the API holds; "Send now" puts the email with the CSV in
 * the outbox; pause and delete reach the API.
 */
describe('scheduled report emails on the reports page', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let outbox: string;
  let adminToken: string;
  let api: ReturnType<typeof demoApi>;
  let queue: DialQueueView;
  let users: UserView[];
  const errors: string[] = [];

  const REPORT_CALL = /\/api\/reports\/agent-performance\?/;
  /** Does `action` and waits for the report it asks for to land. */
  const run = async (action: () => Promise<unknown>) => {
    await Promise.all([page.waitForResponse((r) => REPORT_CALL.test(r.url()) && !r.url().includes('format=csv')), action()]);
    await page.getByTestId('report-loading').waitFor({ state: 'detached' });
  };
  const subscriptions = () => api<ReportSubscriptionView[]>('GET', '/api/reports/subscriptions');
  const user = (email: string) => users.find((u) => u.email === email)!;

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    outbox = await mkdtemp(join(tmpdir(), 'switchboard-e2e-report-outbox-'));
    server = await startDemoServer({ EMAIL_OUTBOX_DIR: outbox });
    adminToken = await demoToken(server, 'admin@switchboard.local');
    api = demoApi(server, () => adminToken);
    queue = (await api<DialQueueView[]>('GET', '/api/dial-queues')).find((q) => q.name === 'Demo campaign')!;
    users = await api<UserView[]>('GET', '/api/users');
    browser = await launchChromium();
    page = await signInAs(browser, server, 'supervisor@switchboard.local', errors, { width: 1280, height: 900 });
    await run(() => page.getByTestId('reports-tab').click());
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (outbox) await rm(outbox, { recursive: true, force: true });
  }, 60_000);

  it('creates a subscription from the page’s filters, sends it now, pauses it and deletes it', async () => {
    await expect(page.locator('#report-title').textContent()).resolves.toBe('Agent performance');
    const panel = page.getByRole('region', { name: 'Scheduled emails' });
    await panel.getByTestId('subscriptions-none').waitFor();
    // The page's filters: the demo queue, by hour.
    await run(() => page.getByTestId('filter-queue').selectOption(queue.id));
    await run(() => page.getByTestId('filter-group').selectOption('hour'));

    await panel.getByRole('button', { name: 'Email this report daily…' }).click();
    const form = panel.getByRole('form', { name: 'Email this report daily' });
    await expect(form.getByTestId('subscription-form-filters').textContent()).resolves.toBe('With the page\'s filters: Demo campaign, all agents, by hour.');
    await expect(form.getByLabel('Range').evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement)).resolves.toBe(true);
    await expect(form.getByLabel(/^Time/).inputValue()).resolves.toBe('07:00');
    const zone = (await api<{ defaultTimezone: string }>('GET', '/api/settings')).defaultTimezone;
    await expect(form.getByText(`Time (${zone})`).count()).resolves.toBe(1);

    // No recipients: the server's 400, shown under the recipients.
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByTestId('subscription-recipients-error').textContent()).resolves.toBe('Recipients must name at least one user');
    await expect(subscriptions()).resolves.toEqual([]);
    await page.screenshot({ path: join(artifacts, 'report-emails-form.png'), fullPage: true });
    await expect(seriousAxeFindings(page)).resolves.toEqual([]);

    await form.getByLabel('Range').selectOption('last-7-days');
    await form.getByLabel(/^Time/).fill('06:30');
    await form.getByRole('checkbox', { name: /^Sam Supervisor/ }).check();
    await form.getByRole('checkbox', { name: /^Ada Admin/ }).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });

    const row = panel.getByTestId('subscription-row');
    await expect(row.count()).resolves.toBe(1);
    await expect(row.getByTestId('subscription-recipients-list').textContent()).resolves.toBe('To Sam Supervisor, Ada Admin');
    await expect(row.textContent()).resolves.toContain('Daily at 06:30');
    await expect(row.textContent()).resolves.toContain('Last 7 days · Demo campaign, all agents, by hour');
    await expect(row.textContent()).resolves.toContain('No scheduled email sent yet');
    const [saved] = await subscriptions();
    expect(saved).toMatchObject({ report: 'agent-performance', queueId: queue.id, agentId: null, groupBy: 'hour', range: 'last-7-days', time: '06:30', active: true, lastSentFor: null });
    expect([...saved.recipients].sort()).toEqual([user('supervisor@switchboard.local').id, user('admin@switchboard.local').id].sort());

    await page.screenshot({ path: '/tmp/report-emails.png', fullPage: true });
    await page.screenshot({ path: join(artifacts, 'report-emails.png'), fullPage: true });

    // Send now: both get it, with the report's CSV attached.
    await row.getByRole('button', { name: 'Send now' }).click();
    await expect(row.getByTestId('subscription-sent').textContent()).resolves.toBe('Sent to 2 recipients');
    await eventually('both emails are in the outbox', async () => (await readdir(outbox)).filter((f) => f.endsWith('.eml')).length === 2);
    const mails = await Promise.all((await readdir(outbox)).filter((f) => f.endsWith('.eml')).map(async (f) => simpleParser(await readFile(join(outbox, f)))));
    const toSam = mails.find((m) => JSON.stringify(m.to).includes('supervisor@switchboard.local'));
    expect(toSam).toBeDefined();
    expect(toSam!.attachments).toHaveLength(1);
    const csv = toSam!.attachments[0].content.toString('utf8');
    const download = await fetch(`${server.url}/api/reports/agent-performance?from=2026-01-01&to=2026-01-07&queueId=${queue.id}&groupBy=hour&format=csv`, { headers: { Authorization: `Bearer ${adminToken}` } });
    const header = (await download.text()).split('\r\n')[0];
    expect(header).toContain(',');
    expect(csv.split('\r\n')[0]).toBe(header);

    // Pause: the row says so, the API has it inactive; resume again.
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByRole('button', { name: 'Resume' }).waitFor();
    await expect(row.textContent()).resolves.toContain('Paused');
    await expect(subscriptions()).resolves.toEqual([expect.objectContaining({ id: saved.id, active: false })]);

    await page.setViewportSize({ width: 390, height: 844 });
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, 'report-emails-phone.png'), fullPage: true });
    await expect(seriousAxeFindings(page)).resolves.toEqual([]);
    await expect(page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });

    // Delete asks first.
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect(row.getByRole('button', { name: 'Keep' }).evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement)).resolves.toBe(true);
    await row.getByRole('button', { name: 'Keep' }).click();
    await expect(subscriptions()).resolves.toHaveLength(1);
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByTestId('subscription-delete-confirm').click();
    await panel.getByTestId('subscriptions-none').waitFor();
    await expect(subscriptions()).resolves.toEqual([]);

    // Another report the server emails has its own list; one it cannot has no panel.
    await page.getByTestId('report-campaign-summary').click();
    await expect(page.locator('#report-title').textContent()).resolves.toBe('Campaign summary');
    await panel.getByTestId('subscriptions-none').waitFor();
    await page.getByTestId('report-consent-audit').click();
    await expect(page.getByTestId('report-subscriptions').count()).resolves.toBe(0);
    // The browser logs the refused save; nothing else went wrong.
    expect(errors).toEqual([expect.stringContaining('status of 400')]);
  }, 120_000);
});
