import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { DialQueueView, DispositionView, LeadView, Page as ListPage, RingPoolView, ScheduleView, UserView } from '#shared';
import type { RunningServer } from '../../server/src/server.js';
import { artifacts, demoToken, ensureSoftphoneBuilt, launchChromium, startDemoServer } from '../support/browser.js';

/**
 * An admin sets up a campaign in the browser without the API: a ring pool, an agent, a
 * dial queue with its dispositions, a schedule with steps, and leads imported from CSV.
 * Each is checked through the API afterwards.
 */
describe('admin setup screens in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let token: string;
  const consoleErrors: string[] = [];

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    server = await startDemoServer({ NODE_ENV: 'development' });
    token = await demoToken(server, 'admin@switchboard.local');
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, baseURL: server.url });
    page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && !/status of 400/.test(m.text()) && consoleErrors.push(m.text()));
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

  it('creates a ring pool and an agent; a bad number comes back naming the field', async () => {
    await page.getByRole('button', { name: 'Ring pools' }).click();
    const pool = page.getByRole('form', { name: 'New ring pool' });
    await pool.getByLabel('Name').fill('East coast');
    await pool.getByLabel(/Numbers/).fill('+16175550100\nnot-a-number');
    await pool.getByRole('button', { name: 'Create ring pool' }).click();
    await expect(page.getByTestId('admin-error').textContent()).resolves.toMatch(/numbers\[1\]/);
    await pool.getByLabel(/Numbers/).fill('+16175550100\n+16175550101');
    await pool.getByRole('button', { name: 'Create ring pool' }).click();
    await page.getByTestId('admin-notice').getByText('Ring pool created').waitFor();
    expect((await api<RingPoolView[]>('/api/ring-pools')).find((p) => p.name === 'East coast')?.numbers.map((n) => n.e164)).toEqual(['+16175550100', '+16175550101']);

    await page.getByRole('button', { name: 'Users' }).click();
    const user = page.getByRole('form', { name: 'New user' });
    await user.getByLabel('Name').fill('Jo Agent');
    await user.getByLabel('Email').fill('jo@example.com');
    await user.getByLabel('Password').fill('a-long-password-1');
    await user.getByRole('button', { name: 'Create user' }).click();
    await page.getByTestId('admin-notice').getByText('User created').waitFor();
    expect((await api<UserView[]>('/api/users')).find((u) => u.email === 'jo@example.com')).toMatchObject({ role: 'agent', active: true });
  }, 60_000);

  it('creates a dial queue with its agent, pool and dispositions', async () => {
    await page.getByRole('button', { name: 'Dial queues' }).click();
    const form = page.getByRole('form', { name: 'New dial queue' });
    await form.getByTestId('queue-name').fill('Spring promo');
    await form.getByLabel('Mode').selectOption('preview');
    await form.getByLabel('Ring pool').selectOption({ label: 'East coast' });
    await form.getByLabel('Jo Agent').check();
    await form.getByRole('button', { name: 'Add disposition' }).click();
    const second = form.locator('.dispo').nth(1);
    await second.getByLabel('Code').fill('call-later');
    await second.getByLabel('Label').fill('Call me later');
    await second.getByLabel('callback').check();
    await page.screenshot({ path: join(artifacts, 'admin-queue.png'), animations: 'disabled' });
    // A bad disposition code is caught before anything is created.
    await second.getByLabel('Code').fill('Call Later!');
    await form.getByTestId('create-queue').click();
    await page.getByTestId('admin-error').getByText(/disposition 2: the code must be a short lower-case code/).waitFor();
    expect((await api<DialQueueView[]>('/api/dial-queues')).map((q) => q.name)).not.toContain('Spring promo');
    await second.getByLabel('Code').fill('call-later');
    await form.getByTestId('create-queue').click();
    await page.getByTestId('admin-notice').getByText('Queue created').waitFor();
    const queue = (await api<DialQueueView[]>('/api/dial-queues')).find((q) => q.name === 'Spring promo')!;
    expect(queue).toMatchObject({ mode: 'preview' });
    const catalogue = await api<DispositionView[]>(`/api/dispositions?scopeType=queue&scopeId=${queue.id}`);
    expect(catalogue.map((d) => [d.code, d.flags.callback])).toEqual([
      ['call-later', true],
      ['sale', false],
    ]);
  }, 60_000);

  it('creates a schedule with steps', async () => {
    await page.getByRole('button', { name: 'Schedules' }).click();
    const form = page.getByRole('form', { name: 'New schedule' });
    await form.getByLabel('Name').fill('Spring nurture');
    await form.getByLabel('Shared with').selectOption({ label: 'Everyone can view' });
    await form.getByRole('button', { name: 'Add step' }).click();
    await form.getByRole('button', { name: 'Add step' }).click();
    const third = form.locator('.step').nth(2);
    await third.getByLabel('Step type').selectOption('dial');
    await third.getByLabel('Queue').selectOption({ label: 'into Spring promo' });
    // Delegation is picked, not typed: the lead's last modifier does the work, the call goes to its creator.
    await form.getByLabel('Delegation').selectOption({ label: 'Last Modified By' });
    await third.getByLabel('Step owner').selectOption({ label: 'owner: Created By' });
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByTestId('admin-notice').getByText('Schedule created').waitFor();
    const schedule = (await api<ScheduleView[]>('/api/schedules')).find((s) => s.name === 'Spring nurture')!;
    expect(schedule.steps.map((s) => s.type)).toEqual(['sms', 'wait', 'dial']);
    expect(schedule.delegationField).toBe('lastModifiedBy');
    expect(schedule.steps.map((s) => s.ownerField)).toEqual([null, null, 'createdBy']);
    await page.getByText('work to Last Modified By').waitFor();
    expect(schedule.sharing).toEqual({ everyone: 'view', users: [] });
    // The owner (here the admin) changes who may use it from the list.
    await page.getByLabel('Sharing of Spring nurture').selectOption({ label: 'Everyone can edit' });
    await page.getByTestId('admin-notice').getByText('Spring nurture: everyone can edit').waitFor();
    expect((await api<ScheduleView[]>('/api/schedules')).find((s) => s.name === 'Spring nurture')?.sharing.everyone).toBe('edit');
    await page.screenshot({ path: join(artifacts, 'admin-schedules.png'), animations: 'disabled' });

    // Schedule permissions per user: Jo may now create and edit their own schedules.
    await page.getByRole('button', { name: 'Users' }).click();
    await page.getByLabel('Schedule permissions of Jo Agent').selectOption({ label: 'Edit own' });
    await page.getByTestId('admin-notice').getByText('Jo Agent: edit own').waitFor();
    expect((await api<UserView[]>('/api/users')).find((u) => u.email === 'jo@example.com')).toMatchObject({ permissions: ['schedules.view', 'schedules.edit'], customPermissions: true });
    // A new password, set by the admin: the old one no longer signs in, the new one does.
    await page.getByRole('textbox', { name: 'New password for Jo Agent' }).fill('jo-new-password-2');
    await page.getByRole('form', { name: 'New password for Jo Agent' }).getByRole('button', { name: 'Set' }).click();
    await page.getByTestId('admin-notice').getByText('Jo Agent: password changed').waitFor();
    const signIn = (password: string) => fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'jo@example.com', password }) });
    expect((await signIn('a-long-password-1')).status).toBe(401);
    expect((await signIn('jo-new-password-2')).status).toBe(200);
    await page.screenshot({ path: join(artifacts, 'admin-users.png'), animations: 'disabled' });
  }, 60_000);

  it('imports leads from a CSV file with the suggested mapping', async () => {
    const file = join(tmpdir(), `switchboard-admin-${Date.now()}.csv`);
    writeFileSync(file, 'First Name,Last Name,Phone,Email\nAmy,Ng,+16175550133,amy@example.com\nBen,Okoro,+16175550134,ben@example.com\n');
    await page.getByRole('button', { name: 'Import leads' }).click();
    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByTestId('start-import').click();
    await page.getByTestId('import-status').getByText(/^completed · 100% · 2 created/).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(artifacts, 'admin-import.png'), animations: 'disabled' });
    const found = await api<ListPage<LeadView>>('/api/leads?q=amy%40example.com');
    expect(found.items.map((l) => [l.firstName, l.lastName])).toEqual([['Amy', 'Ng']]);
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
