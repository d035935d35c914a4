import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../server/src/server.js';
import { seriousAxeFindings } from '../support/axe.js';
import { artifacts, demoApi, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoFloor } from '../support/browser.js';

/**
 * Every screen of the softphone passes the accessibility engine with no serious or
 * critical finding: sign-in, the agent idle, on a call and in wrap-up, the supervisor
 * (at 1280×720 and on a 390-wide phone), the reports page and the admin. Each screen is
 * photographed.
 */
describe('accessibility of every screen', () => {
  let server: RunningServer;
  let adminToken: string;
  let browser: Browser;
  const consoleErrors: string[] = [];
  const desk = { width: 1280, height: 720 };
  const signIn = (email: string, viewport = desk): Promise<Page> => signInAs(browser, server, email, consoleErrors, viewport);

  const check = async (page: Page, name: string) => {
    await page.screenshot({ path: join(artifacts, `a11y-${name}.png`), animations: 'disabled' });
    expect({ screen: name, findings: await seriousAxeFindings(page) }).toEqual({ screen: name, findings: [] });
  };

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    ({ server, adminToken } = await startDemoFloor({ answer: { ringSeconds: 1, talkSeconds: 8 } }));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('the sign-in page', async () => {
    const context = await browser.newContext({ viewport: desk, baseURL: server.url });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await check(page, 'sign-in');
    await context.close();
  }, 60_000);

  it('the agent: idle, on a call, and in wrap-up', async () => {
    const agent = await signIn('agent@switchboard.local');
    await agent.getByTestId('health-badge').getByText('Connected').waitFor();
    await check(agent, 'agent-idle');
    await agent.getByTestId('go-ready').click();
    await agent.getByTestId('call-status').getByText('Connected').waitFor({ timeout: 20_000 });
    await check(agent, 'agent-on-call');
    await agent.getByTestId('wrap-up').waitFor({ timeout: 30_000 });
    await check(agent, 'agent-wrap-up');
    await agent.context().close();
  }, 120_000);

  it('the supervisor, at a desk and on a phone', async () => {
    const supervisor = await signIn('supervisor@switchboard.local');
    await supervisor.getByTestId('supervisor-view').waitFor();
    await supervisor.getByTestId('live-calls').waitFor();
    await supervisor.getByTestId('queue-stats').waitFor();
    await supervisor.getByTestId('agents-board').waitFor();
    await check(supervisor, 'supervisor');
    await supervisor.context().close();
    const phone = await signIn('supervisor@switchboard.local', { width: 390, height: 844 });
    await phone.getByTestId('queue-stats').waitFor();
    await phone.getByTestId('agents-board').waitFor();
    await check(phone, 'supervisor-phone');
    // The page never scrolls sideways (a wide table scrolls in its own box).
    await expect(phone.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    await phone.context().close();
  }, 90_000);

  it('the reports page, at a desk and on a phone', async () => {
    // A ledger entry of today, so the consent audit shows a chart and a table.
    await demoApi(server, () => adminToken)('POST', '/api/opt-outs', { address: '+14155550177', channel: 'sms' });
    for (const [name, viewport] of [['reports', desk], ['reports-phone', { width: 390, height: 844 }]] as const) {
      const supervisor = await signIn('supervisor@switchboard.local', viewport);
      await supervisor.getByTestId('reports-tab').click();
      await supervisor.getByTestId('report-consent-audit').click();
      await supervisor.getByTestId('report-table').waitFor();
      await supervisor.getByTestId('report-chart').waitFor();
      await supervisor.getByTestId('report-loading').waitFor({ state: 'detached' });
      await check(supervisor, name);
      await expect(supervisor.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(viewport.width);
      await supervisor.context().close();
    }
  }, 90_000);

  it('the admin', async () => {
    const admin = await signIn('admin@switchboard.local');
    await admin.getByRole('banner').getByText('AD', { exact: false }).first().waitFor();
    await admin.waitForLoadState('networkidle');
    await check(admin, 'admin');
    await admin.context().close();
  }, 60_000);
});
