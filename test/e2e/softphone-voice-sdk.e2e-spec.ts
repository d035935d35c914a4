import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { AgentStatusView, VoiceTokenView } from '#shared';
import type { RunningServer } from '../../server/src/server.js';
import { artifacts, demoToken, ensureSoftphoneBuilt, launchChromium, startDemoServer } from '../support/browser.js';

const hex = (c: string) => c.repeat(32);

/**
 * The carrier's Voice SDK in the browser, with Twilio configured on the server. The
 * carrier's cloud cannot be reached from here, so the real Device is created with a real
 * access token and fails to register: the softphone must load the SDK, say what is
 * wrong in its health badge, and report the phone as failed to the server (supervisors
 * see it), while the rest of the workspace keeps working.
 */
describe('the Voice SDK phone when Twilio is configured', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let token: string;

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    server = await startDemoServer({
      TWILIO_ACCOUNT_SID: `AC${hex('a')}`,
      TWILIO_AUTH_TOKEN: hex('b'),
      TWILIO_API_KEY_SID: `SK${hex('c')}`,
      TWILIO_API_KEY_SECRET: hex('d'),
      TWILIO_TWIML_APP_SID: `AP${hex('e')}`,
      // REST calls would go nowhere: this test places none.
      TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
    });
    token = await demoToken(server, 'agent@switchboard.local');
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, baseURL: server.url });
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('issues a Voice token, loads the SDK, and shows and reports the failed registration', async () => {
    const voice = (await (await fetch(`${server.url}/api/telephony/token`, { headers: { Authorization: `Bearer ${token}` } })).json()) as VoiceTokenView;
    expect(voice).toMatchObject({ mode: 'twilio', identity: expect.stringMatching(/^agent-/) });
    expect(voice.token?.split('.')).toHaveLength(3);

    const sdk = page.waitForResponse((r) => /\/assets\/twilio-[\w-]+\.js$/.test(r.url()));
    await page.goto('/');
    await page.getByLabel('Email').fill('agent@switchboard.local');
    await page.getByLabel('Password').fill('switchboard-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await sdk).status()).toBe(200);
    const problem = page.getByTestId('health-problem');
    // Red, with the Device's own reason (a signalling error code from the SDK).
    await problem.getByText(/^the phone failed to start \(phone error \d+: .+\)$/).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(artifacts, 'agent-voice-sdk-unreachable.png'), animations: 'disabled' });
    // The heartbeat tells the server; the workspace still works (the agent can set a state).
    const phoneOnServer = async () => ((await (await fetch(`${server.url}/api/agents/me`, { headers: { Authorization: `Bearer ${token}` } })).json()) as AgentStatusView).health?.phone;
    for (let i = 0; i < 30 && (await phoneOnServer()) !== 'error'; i++) await new Promise((r) => setTimeout(r, 500));
    await expect(phoneOnServer()).resolves.toBe('error');
    await page.getByTestId('go-pause').click();
    await page.getByTestId('pause-reasons').getByText('Break').click();
    await page.getByTestId('agent-state').getByText('Paused').waitFor();
  }, 90_000);
});
