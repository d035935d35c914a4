import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { AgentStatusView } from '#shared';
import type { RunningServer } from '../../server/src/server.js';
import { artifacts, demoApi, demoToken, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoFloor } from '../support/browser.js';

/** A local date-time for a datetime-local input, `minutesFromNow` away, in `zone`. */
function localInput(minutesFromNow: number, zone: string): string {
  const at = new Date(Math.ceil((Date.now() + minutesFromNow * 60_000) / 60_000) * 60_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at).replace(' ', 'T');
}

/** Tomorrow's date in `zone`, as the picker writes it (YYYY-MM-DD). */
function tomorrowIn(zone: string): string {
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const [y, m, d] = today.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * The agent's desk in a real browser: "pause after this call" chosen during the call, a
 * callback time in the past refused by the picker before saving, and the saved disposition
 * leaving the agent paused, not Ready.
 */
describe("the agent's desk in the softphone", () => {
  let server: RunningServer;
  let browser: Browser;
  let agent: Page;
  let adminToken: string;
  let agentToken: string;
  const consoleErrors: string[] = [];

  const api = <T>(method: string, path: string, body?: unknown): Promise<T> => demoApi(server, () => adminToken)<T>(method, path, body);

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    ({ server, adminToken } = await startDemoFloor({ answer: { ringSeconds: 2, talkSeconds: 8 }, dueNow: true }));
    agentToken = await demoToken(server, 'agent@switchboard.local');
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('pause after this call, chosen on the call; a past callback time is refused before saving; saved, the agent is paused', async () => {
    agent = await signInAs(browser, server, 'agent@switchboard.local', consoleErrors, { width: 1280, height: 720 });
    await agent.getByTestId('agent-view').waitFor();
    await agent.getByTestId('health-badge').getByText('Connected').waitFor();
    await agent.getByTestId('agent-state').getByText('Offline').waitFor();
    await agent.getByTestId('go-ready').click();
    await agent.getByTestId('agent-state').getByText(/Ready|Reserved|On call/).waitFor();
    await agent.getByTestId('call-panel').waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
      await agent.screenshot({ path: join(artifacts, 'agent-desk-no-call.png') });
      throw e;
    });
    await agent.getByTestId('call-status').getByText('Connected').waitFor({ timeout: 20_000 });

    // During the call: pause after it. The choice shows, and the server has it.
    const pauseAfter = agent.getByTestId('after-call-pause');
    await pauseAfter.click();
    await agent.locator('[data-testid="after-call-pause"][aria-pressed="true"]').waitFor();
    await agent.getByTestId('after-call').getByText('Pausing once the disposition is saved').waitFor();
    const me = await demoApi(server, () => agentToken)<AgentStatusView>('GET', '/api/agents/me');
    expect(me.afterCall).toBe('pause');
    await agent.getByTestId('state-bar').screenshot({ path: join(artifacts, 'agent-after-call.png'), animations: 'disabled' });

    // The call ends: a callback time that has passed is refused by the picker, Save stays disabled.
    await agent.getByTestId('wrap-up').waitFor({ timeout: 20_000 });
    await agent.getByTestId('dispositions').getByText('Call back later').click();
    const picker = agent.getByTestId('callback-at');
    await picker.waitFor();
    const zone = /\(([^)]+)\)/.exec((await agent.locator('label', { has: picker }).textContent()) ?? '')?.[1] ?? 'UTC';
    await picker.fill(localInput(-90, zone));
    await agent.getByTestId('callback-problem').getByText('That time has passed', { exact: false }).waitFor();
    await expect(agent.getByTestId('save-disposition').isDisabled()).resolves.toBe(true);
    await expect(picker.getAttribute('aria-invalid')).resolves.toBe('true');
    await agent.screenshot({ path: join(artifacts, 'agent-wrap-up-past-time.png'), animations: 'disabled' });

    // Quick choices: in 15 minutes; tomorrow when calls to the lead may start (the calling window opens at 08:00 now).
    await agent.getByTestId('callback-15m').click();
    expect([14, 15, 16].map((m) => localInput(m, zone))).toContain(await picker.inputValue());
    await api('PUT', '/api/compliance/calling-rules', { defaultWindow: { start: '08:00', end: '21:00' }, regions: {}, holidays: [] });
    await agent.getByTestId('callback-tomorrow').click();
    await agent.waitForFunction(([want]) => (globalThis as unknown as { document: { querySelector: (s: string) => { value: string } | null } }).document.querySelector('[data-testid="callback-at"]')?.value === want, [`${tomorrowIn(zone)}T08:00`]);
    // A time the gate would refuse: a warning with the next allowed time, which one click takes.
    await picker.fill(`${tomorrowIn(zone)}T03:00`);
    await agent.getByTestId('callback-gate').getByText('may not be called', { exact: false }).waitFor();
    await agent.screenshot({ path: join(artifacts, 'agent-wrap-up-gate-warning.png'), animations: 'disabled' });
    await agent.getByTestId('callback-next-allowed').click();
    await expect(picker.inputValue()).resolves.toBe(`${tomorrowIn(zone)}T08:00`);
    await agent.getByTestId('callback-gate').waitFor({ state: 'detached' });

    // A later time: saved, and the agent is paused after the call (not Ready), the choice spent.
    await picker.fill(localInput(60, zone));
    await agent.getByTestId('callback-problem').waitFor({ state: 'detached' });
    await agent.getByTestId('save-disposition').click();
    await agent.getByTestId('wrap-up').waitFor({ state: 'detached' });
    await agent.getByTestId('agent-state').getByText('Paused').waitFor({ timeout: 10_000 });
    await agent.getByTestId('state-bar').getByText('Paused after the call', { exact: false }).waitFor();
    const after = await demoApi(server, () => agentToken)<AgentStatusView>('GET', '/api/agents/me');
    expect(after).toMatchObject({ state: 'paused', reason: 'after-call', afterCall: null });
    await agent.screenshot({ path: join(artifacts, 'agent-paused-after-call.png'), animations: 'disabled' });
    expect(consoleErrors).toEqual([]);
  }, 120_000);
});
