import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../server/src/server.js';
import { artifacts, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoFloor } from '../support/browser.js';

/**
 * The agent's loop without a mouse: Ready from the keyboard, the call panel takes focus
 * when a call connects, the wrap-up takes it when the call ends, a digit picks the
 * disposition, Tab reaches Save, and the next call takes focus again. The pause menu is a
 * real menu (arrows, Escape back to its button); a skip link leads to the work; the
 * in-call keypad takes tones from the keyboard, and a pressed button keeps the focus.
 */
describe('the agent\'s loop from the keyboard', () => {
  let server: RunningServer;
  let browser: Browser;
  let agent: Page;
  const consoleErrors: string[] = [];
  /** The focused element's test id, or its tag and text. */
  const focused = () => agent.evaluate(() => {
    const el = (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null; tagName: string; textContent: string | null } | null } }).document.activeElement;
    return el?.getAttribute('data-testid') ?? `${el?.tagName.toLowerCase()}:${(el?.textContent ?? '').trim().slice(0, 40)}`;
  });
  const focusIs = async (want: string | RegExp) => {
    const until = Date.now() + 10_000;
    for (;;) {
      const now = await focused();
      if (typeof want === 'string' ? now === want : want.test(now)) return;
      if (Date.now() > until) throw new Error(`focus is on ${now}, not ${want}`);
      await agent.waitForTimeout(50);
    }
  };

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    ({ server } = await startDemoFloor({ answer: { ringSeconds: 1, talkSeconds: 12 }, dueNow: true }));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('the pause menu and the skip link work from the keyboard', async () => {
    agent = await signInAs(browser, server, 'agent@switchboard.local', consoleErrors, { width: 1280, height: 720 });
    await agent.getByTestId('health-badge').getByText('Connected').waitFor();
    // The first Tab on the page is the skip link, and it leads to the work.
    await agent.reload();
    await agent.getByTestId('health-badge').getByText('Connected').waitFor();
    await agent.keyboard.press('Tab');
    await focusIs(/^a:Skip to your work/);
    await agent.keyboard.press('Enter');
    await focusIs(/^main:/);
    await agent.keyboard.press('Alt+P');
    await agent.getByTestId('pause-reasons').waitFor();
    const first = await focused();
    expect(first).toMatch(/^button:/);
    await agent.keyboard.press('ArrowDown');
    expect(await focused()).not.toBe(first);
    await agent.keyboard.press('ArrowUp');
    expect(await focused()).toBe(first);
    await agent.keyboard.press('Escape');
    await agent.getByTestId('pause-reasons').waitFor({ state: 'detached' });
    await focusIs('go-pause');
  }, 60_000);

  it('Ready → a call (focus on the call) → its end (focus on the wrap-up) → a digit and Save → the next call, without a mouse', async () => {
    await agent.keyboard.press('Alt+R');
    await agent.getByTestId('call-status').getByText('Connected').waitFor({ timeout: 30_000 });
    await focusIs('call-panel');
    await agent.screenshot({ path: join(artifacts, 'keyboard-call-focused.png'), animations: 'disabled' });
    // The keypad: opened from the keyboard, tones typed on it; a pressed key keeps the focus while its tone is sent.
    for (let i = 0; i < 20 && (await focused()) !== 'keypad'; i++) await agent.keyboard.press('Tab');
    await focusIs('keypad');
    await agent.keyboard.press('Enter');
    await agent.keyboard.type('12#');
    await agent.getByTestId('keypad-digits').getByText('12#').waitFor();
    await agent.getByTestId('keypad-5').focus();
    await agent.keyboard.press('Enter');
    await agent.getByTestId('keypad-digits').getByText('12#5').waitFor();
    expect(await focused()).toBe('keypad-5');
    await agent.screenshot({ path: join(artifacts, 'keyboard-keypad.png'), animations: 'disabled' });
    await agent.getByTestId('wrap-up').waitFor({ timeout: 30_000 });
    await focusIs(/^h2:Wrap-up/);
    // The digit of "Not interested" in the list as shown (the list loads with the form).
    await agent.getByTestId('dispositions').locator('label', { hasText: 'Not interested' }).waitFor();
    const labels = (await agent.getByTestId('dispositions').locator('label').allTextContents()).map((t) => t.replace(/^\d/, '').trim());
    const n = labels.findIndex((l) => l.startsWith('Not interested')) + 1;
    expect(n).toBeGreaterThan(0);
    await agent.keyboard.press(String(n));
    await expect(agent.getByTestId('dispositions').locator('input[type="radio"]').nth(n - 1).isChecked()).resolves.toBe(true);
    await agent.screenshot({ path: join(artifacts, 'keyboard-wrap-up.png'), animations: 'disabled' });
    for (let i = 0; i < 30 && (await focused()) !== 'save-disposition'; i++) await agent.keyboard.press('Tab');
    await focusIs('save-disposition');
    await agent.keyboard.press('Enter');
    await agent.getByTestId('wrap-up').waitFor({ state: 'detached' });
    // Ready again: the next lead's call takes focus.
    await agent.getByTestId('call-panel').waitFor({ timeout: 30_000 });
    await focusIs('call-panel');
    expect(consoleErrors).toEqual([]);
  }, 150_000);
});
