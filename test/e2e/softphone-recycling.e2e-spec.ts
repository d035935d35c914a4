import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { DialQueueView } from '#shared';
import type { RunningServer } from '../../server/src/server.js';
import { artifacts, demoToken, ensureSoftphoneBuilt, launchChromium, startDemoServer } from '../support/browser.js';

/** An admin gives a queue recycling rules and previews a list reset, in the browser; checked through the API. */
describe('lead recycling on the setup screen in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let token: string;
  const consoleErrors: string[] = [];

  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    server = await startDemoServer({ NODE_ENV: 'development' });
    token = await demoToken(server, 'admin@switchboard.local');
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: server.url });
    page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto('/');
    await page.getByLabel('Email').fill('admin@switchboard.local');
    await page.getByLabel('Password').fill('switchboard-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('setup-tab').click();
    await page.getByTestId('admin-view').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('adds a recycling rule to a queue and previews what a reset would bring back', async () => {
    const [queue] = await api<DialQueueView[]>('/api/dial-queues');
    await page.getByRole('button', { name: 'Dial queues' }).click();
    const row = page.getByTestId('queue-row').filter({ hasText: queue.name });
    await row.getByTestId('queue-edit').click();
    const form = page.getByRole('form', { name: 'Change dial queue' });
    await form.getByTestId('add-recycle-rule').click();
    const rule = form.getByTestId('recycle-rule').last();
    await rule.getByLabel('When the turn ended with').selectOption('busy');
    await rule.getByLabel('Minutes after').fill('30');
    await rule.getByLabel('Passes in all').fill('3');
    await form.getByTestId('create-queue').click();
    await page.getByTestId('admin-notice').getByText('Queue saved').waitFor();
    const saved = await api<DialQueueView>(`/api/dial-queues/${queue.id}`);
    expect(saved.recycleRules).toContainEqual({ outcome: 'busy', code: null, afterMinutes: 30, maxPasses: 3, intoQueueId: null });

    // A reset's preview says what it would bring back, as the API counts it.
    const expected = await api<{ leads: number }>(`/api/dial-queues/${queue.id}/reset`, { method: 'POST', body: JSON.stringify({ preview: true }) });
    await page.getByTestId('queue-row').filter({ hasText: queue.name }).getByTestId('queue-reset').click();
    const preview = page.getByTestId('reset-preview');
    await preview.waitFor();
    expect(await preview.textContent()).toContain(`${expected.leads} lead${expected.leads === 1 ? '' : 's'} would come back`);
    await page.screenshot({ path: join(artifacts, 'queue-recycling.png'), animations: 'disabled' });
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
