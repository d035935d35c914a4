import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../server/src/server.js';
import { artifacts, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoFloor } from '../support/browser.js';

/**
 * The working day in a real browser against the whole stack (embedded database, the
 * simulated carrier in real time, the demo campaign): an agent goes Ready, the power
 * dialer calls a lead and bridges it, the call ends, the agent books a callback in the
 * wrap-up, and the callback reaches their inbox when due; a supervisor in another
 * browser context watches the agent's state and the queue's figures move.
 */
describe('a day on the softphone, agent and supervisor side by side', () => {
  let server: RunningServer;
  let browser: Browser;
  let agent: Page;
  let supervisor: Page;
  const consoleErrors: string[] = [];

  const signIn = (email: string): Promise<Page> => signInAs(browser, server, email, consoleErrors, { width: 1280, height: 720 });

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    // The product as `npm start` runs it (development: the dialer and the scheduler run on their own).
    ({ server } = await startDemoFloor({ answer: { ringSeconds: 2, talkSeconds: 8 } }));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('supervisor and agent sign in: the board shows the agent offline, the agent sees their first work', async () => {
    supervisor = await signIn('supervisor@switchboard.local');
    await supervisor.getByTestId('queue-stats').waitFor();
    const row = supervisor.getByTestId('board-row').filter({ hasText: 'Alex Agent' });
    await row.getByTestId('board-state').getByText('Offline').waitFor();
    await supervisor.getByTestId('stat-dials').getByText('0', { exact: true }).waitFor();

    agent = await signIn('agent@switchboard.local');
    await agent.getByTestId('agent-view').waitFor();
    await agent.getByTestId('health-badge').getByText('Connected').waitFor();
    await agent.getByTestId('agent-state').getByText('Offline').waitFor();
    // The demo's follow-up schedule gave the agent a task due now.
    await agent.getByTestId('inbox-item').filter({ hasText: 'Send the pricing sheet' }).click();
    // The SMS composer on the card: a template, resolved for this lead, counted, sent, and in the thread.
    const composer = agent.getByTestId('sms-composer');
    await composer.getByTestId('sms-template').selectOption({ label: 'Pricing follow-up' });
    await composer.getByTestId('sms-preview').getByText('Hi Miguel, it is Alex Agent from Switchboard.', { exact: false }).waitFor();
    await expect(composer.getByTestId('sms-counts').textContent()).resolves.toMatch(/^\d+ characters · 1 segment · GSM-7$/);
    await agent.screenshot({ path: join(artifacts, 'agent-inbox.png'), animations: 'disabled' });
    await composer.getByTestId('sms-send').click();
    await composer.getByTestId('sms-thread').getByText('Here is the pricing we discussed', { exact: false }).waitFor();
    await supervisor.screenshot({ path: join(artifacts, 'supervisor-board.png'), animations: 'disabled' });
  }, 60_000);

  it('the agent goes Ready: the power dialer calls a lead, the call connects on the agent\'s screen; the supervisor sees it live', async () => {
    await agent.getByTestId('go-ready').click();
    await agent.getByTestId('inbox-item').and(agent.locator('[data-kind="queue_item"]')).waitFor({ timeout: 15_000 });
    await agent.getByTestId('why-chosen').waitFor();
    await agent.getByTestId('call-panel').waitFor();
    await agent.getByTestId('call-status').getByText('Connected').waitFor({ timeout: 20_000 });
    await agent.getByTestId('agent-state').getByText('On call').waitFor();
    await expect(agent.getByTestId('caller-id').textContent()).resolves.toMatch(/^\+1\d{10}$/);
    // Hold through the server, and back; a key press reaches the far end.
    await agent.getByTestId('hold').click();
    await agent.getByTestId('on-hold').waitFor();
    await agent.screenshot({ path: join(artifacts, 'agent-on-call.png'), animations: 'disabled' });
    await agent.getByTestId('hold').click();
    await agent.getByTestId('on-hold').waitFor({ state: 'detached' });

    const row = supervisor.getByTestId('board-row').filter({ hasText: 'Alex Agent' });
    await row.getByTestId('board-state').getByText('On call').waitFor({ timeout: 10_000 });
    await supervisor.getByTestId('stat-dials').getByText('1', { exact: true }).waitFor({ timeout: 10_000 });
    await supervisor.getByTestId('stat-connects').getByText(/^1\b/).waitFor({ timeout: 10_000 });
    await supervisor.screenshot({ path: join(artifacts, 'supervisor-live.png'), animations: 'disabled' });
  }, 60_000);

  it('the call ends: the wrap-up offers the queue\'s dispositions; a callback booked in the lead\'s time reaches the inbox when due', async () => {
    await agent.getByTestId('wrap-up').waitFor({ timeout: 20_000 });
    // The panel follows the call; the state follows over the socket a moment later.
    await agent.getByTestId('agent-state').getByText('Wrap-up').waitFor();
    // A reload mid-wrap-up: the screen is rebuilt from the server, the form is back for the same call.
    await agent.reload();
    await agent.getByTestId('wrap-up').waitFor({ timeout: 20_000 });
    await agent.getByTestId('agent-state').getByText('Wrap-up').waitFor();
    await agent.getByTestId('dispositions').getByText('Call back later').click();
    const picker = agent.getByTestId('callback-at');
    await picker.waitFor();
    // The next minute in the lead's zone (the picker's own zone is shown beside it).
    const zone = /\(([^)]+)\)/.exec((await agent.locator('label', { has: picker }).textContent()) ?? '')?.[1] ?? 'UTC';
    const next = new Date(Math.ceil((Date.now() + 5_000) / 60_000) * 60_000);
    const local = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(next).replace(' ', 'T');
    await picker.fill(local);
    await agent.getByTestId('wrap-notes').fill('Wants a quote for the gold plan');
    await agent.screenshot({ path: join(artifacts, 'agent-wrap-up.png'), animations: 'disabled' });
    // A break first (from wrap-up), so the dialer gives no new lead while the callback waits.
    await agent.getByTestId('go-pause').click();
    await agent.getByTestId('pause-reasons').getByText('Break').click();
    await agent.getByTestId('agent-state').getByText('Paused').waitFor();
    await agent.getByTestId('save-disposition').click();
    await agent.getByTestId('wrap-up').waitFor({ state: 'detached' });

    const callback = agent.getByTestId('inbox-item').and(agent.locator('[data-kind="callback"]'));
    await callback.first().waitFor({ timeout: 100_000 });
    await callback.first().click();
    await agent.getByTestId('work-detail').getByText('Call back').first().waitFor();
    await agent.screenshot({ path: join(artifacts, 'agent-callback-due.png'), animations: 'disabled' });
    const row = supervisor.getByTestId('board-row').filter({ hasText: 'Alex Agent' });
    await row.getByTestId('board-state').getByText('Paused').waitFor();
    expect(consoleErrors).toEqual([]);
  }, 150_000);
});
