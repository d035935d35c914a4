import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { EmailMessageView, LeadView, LoginResponse, ParticipantActionView, ScheduleView } from '#shared';
import type { RunningServer } from '../../server/src/server.js';
import { eventually } from '../support/eventually.js';
import { artifacts, demoApi, demoToken, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoServer } from '../support/browser.js';

/**
 * A manual email step in a real browser against the whole demo product: the step comes
 * due for the demo agent, its card carries the composer prefilled from the draft, the
 * agent edits and sends it, the card leaves, and the email lies in the outbox as an .eml
 * with what the agent chose (From, Cc, Bcc, Reply-To).
 */
describe('the softphone sends a manual email step', () => {
  let server: RunningServer;
  let browser: Browser;
  let agent: Page;
  let outbox: string;
  let api: ReturnType<typeof demoApi>;
  let lead: LeadView;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    outbox = await mkdtemp(join(tmpdir(), 'switchboard-e2e-outbox-'));
    // Development: the scheduler runs on its own, as `npm start` runs it.
    server = await startDemoServer({ NODE_ENV: 'development', EMAIL_OUTBOX_DIR: outbox, EMAIL_FROM: 'Switchboard Sales <sales@switchboard.local>', EMAIL_SENDERS: 'Alex at Switchboard <alex@switchboard.local>' });
    const adminToken = await demoToken(server, 'admin@switchboard.local');
    api = demoApi(server, () => adminToken);
    const login = (await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'agent@switchboard.local', password: 'switchboard-demo' }) })).json()) as LoginResponse;
    lead = await api<LeadView>('POST', '/api/leads', { firstName: 'Rosa', lastName: 'Composer', email: 'rosa.composer@example.com', phones: [{ number: '+12125550199' }], ownerId: login.user.id });
    const schedule = await api<ScheduleView>('POST', '/api/schedules', {
      name: 'Quote by email',
      timezone: 'America/New_York',
      steps: [{ type: 'email', activation: 'manual', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { subject: 'Your quote, {{lead.firstName}}', body: 'Hi {{lead.firstName}},\n\nHere is the quote we talked about.\n\n{{owner.name}}', cc: ['sales-team@switchboard.local'] } }],
    });
    await api('POST', `/api/schedules/${schedule.id}/enrollments`, { leadIds: [lead.id] });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (outbox) await rm(outbox, { recursive: true, force: true });
  }, 60_000);

  it('the agent opens the email step, edits the draft, previews and sends it; the card leaves and the outbox holds the email', async () => {
    agent = await signInAs(browser, server, 'agent@switchboard.local', consoleErrors, { width: 1280, height: 900 });
    await agent.getByTestId('agent-view').waitFor();
    const item = agent.getByTestId('inbox-item').filter({ hasText: 'Rosa Composer' });
    await item.waitFor({ timeout: 30_000 });
    await item.click();

    const composer = agent.getByTestId('email-composer');
    await expect(composer.getByTestId('email-subject').inputValue()).resolves.toBe('Your quote, Rosa');
    await expect(composer.getByTestId('email-to').inputValue()).resolves.toBe('rosa.composer@example.com');
    await expect(composer.getByTestId('email-cc').inputValue()).resolves.toBe('sales-team@switchboard.local');
    await expect(composer.getByTestId('email-body').inputValue()).resolves.toBe('Hi Rosa,\n\nHere is the quote we talked about.\n\nAlex Agent');
    await expect(composer.getByTestId('email-from').locator('option').allTextContents()).resolves.toEqual(['Switchboard Sales <sales@switchboard.local>', 'Alex at Switchboard <alex@switchboard.local>']);

    // A bad address first: the field is named, nothing goes.
    await composer.getByTestId('email-bcc').fill('not-an-address');
    await composer.getByTestId('email-send').click();
    await composer.getByTestId('email-bcc-error').getByText('bcc[0]', { exact: false }).waitFor();
    expect(await readdir(outbox)).toEqual([]);

    await composer.getByTestId('email-from').selectOption({ label: 'Alex at Switchboard <alex@switchboard.local>' });
    await composer.getByTestId('email-bcc').fill('records@switchboard.local');
    // Corrected: the field's error goes.
    await composer.getByTestId('email-bcc-error').waitFor({ state: 'detached' });
    await composer.getByTestId('email-reply-to').fill('alex@switchboard.local');
    await composer.getByTestId('email-subject').fill('Your quote, Rosa (gold plan)');
    await composer.getByTestId('email-body').fill('Hi Rosa,\n\nHere is the gold plan quote.\n\nAlex');
    await composer.getByTestId('email-preview-toggle').click();
    await composer.getByTestId('email-preview').getByText('Here is the gold plan quote.', { exact: false }).waitFor();
    await agent.screenshot({ path: join(artifacts, 'agent-email-composer.png'), animations: 'disabled' });

    await composer.getByTestId('email-send').click();
    // The step is done: its card leaves the screen and the inbox.
    await composer.waitFor({ state: 'detached' });
    await item.waitFor({ state: 'detached' });
    await agent.screenshot({ path: join(artifacts, 'agent-email-sent.png'), animations: 'disabled' });

    await eventually('the email is in the outbox', async () => (await readdir(outbox)).some((f) => f.endsWith('.eml')));
    const [file] = (await readdir(outbox)).filter((f) => f.endsWith('.eml'));
    const raw = (await readFile(join(outbox, file), 'utf8')).replace(/\r\n/g, '\n');
    const head = raw.split('\n\n')[0].replace(/\n[ \t]+/g, ' ');
    expect(head).toMatch(/^From: Alex at Switchboard <alex@switchboard\.local>$/m);
    expect(head).toMatch(/^To: rosa\.composer@example\.com$/m);
    expect(head).toMatch(/^Cc: sales-team@switchboard\.local$/m);
    expect(head).toMatch(/^Bcc: records@switchboard\.local$/m);
    expect(head).toMatch(/^Reply-To: alex@switchboard\.local$/m);
    expect(head).toMatch(/^Subject: Your quote, Rosa \(gold plan\)$/m);
    expect(head).toMatch(/^List-Unsubscribe: <http:\/\/127\.0\.0\.1:\d+\/api\/unsubscribe\/[^>]+>$/m);
    expect(raw).toContain('Here is the gold plan quote.');

    const [step] = await api<ParticipantActionView[]>('GET', `/api/participant-actions?leadId=${lead.id}`);
    expect(step).toMatchObject({ type: 'email', status: 'completed', outcome: 'sent' });
    const emails = await api<EmailMessageView[]>('GET', `/api/leads/${lead.id}/emails`);
    expect(emails).toEqual([expect.objectContaining({ status: 'sent', participantActionId: step.id, subject: 'Your quote, Rosa (gold plan)' })]);
    // The one refusal is the bad Bcc sent on purpose (the browser logs every 4xx); nothing else went wrong.
    expect(consoleErrors).toEqual(['agent@switchboard.local: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  }, 120_000);
});
