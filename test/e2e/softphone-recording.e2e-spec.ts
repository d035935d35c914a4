import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { CallRecordingView, DialQueueView, UserView } from '#shared';
import type { RunningServer } from '../../server/src/server.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { artifacts, demoApi, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoFloor } from '../support/browser.js';
import { eventually } from '../support/eventually.js';

/**
 * Recording on the floor, in the browser: the admin sets the demo campaign's supervisors,
 * recording rule and hold music in the queue form; the agent is connected to a lead and
 * records (marking the person's consent where their state wants every party's), pauses and
 * resumes from the call panel, by button and by Alt+R, the button keeping the focus; after
 * the call the supervisor plays the recording from Recent calls: the audio is fetched with
 * the session's token (audio/wav) into a Blob URL the player reads.
 */
describe('recording a call and playing it back', () => {
  let server: RunningServer;
  let browser: Browser;
  let sim: SimulatedCarrier;
  let admin: Page;
  let agent: Page;
  let supervisor: Page;
  let adminToken: string;
  let queue: DialQueueView;
  let conversationId: string;
  const consoleErrors: string[] = [];
  const HOLD_MUSIC = 'https://music.example.com/demo-hold.mp3';

  const api = <T>(method: string, path: string, body?: unknown): Promise<T> => demoApi(server, () => adminToken)<T>(method, path, body);
  const signIn = (email: string): Promise<Page> => signInAs(browser, server, email, consoleErrors);

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    // The carrier's clock runs five times faster, so a few seconds in the page are a recording worth hearing.
    ({ server, adminToken, sim, queue } = await startDemoFloor({ answer: { ringSeconds: 1, talkSeconds: 900 }, env: { CARRIER_SIM_SPEED: '5' } }));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('the admin gives the demo campaign its supervisors, an on-demand recording rule kept 30 days and its hold music in the queue form', async () => {
    // Paused while it is set up, so no lead is dialed before the rule holds.
    await api('PATCH', `/api/dial-queues/${queue.id}`, { active: false, supervisorIds: [] });
    admin = await signIn('admin@switchboard.local');
    await admin.getByTestId('setup-tab').click();
    await admin.getByRole('button', { name: 'Dial queues' }).click();
    await admin.getByTestId('queue-row').filter({ hasText: 'Demo campaign' }).getByTestId('queue-edit').click();
    const form = admin.getByRole('form', { name: 'Change dial queue' });
    await form.getByTestId('queue-supervisors').getByLabel('Sam Supervisor').check();
    await form.getByTestId('queue-supervisors').getByLabel('Ada Admin').check();
    await form.getByTestId('recording-mode').selectOption('on-demand');
    await form.getByTestId('recording-on-demand-hint').waitFor();
    await form.getByTestId('recording-retention').fill('30');
    await form.getByTestId('queue-hold-music').fill(HOLD_MUSIC);
    await admin.screenshot({ path: join(artifacts, 'recording-queue-form.png'), animations: 'disabled', fullPage: true });
    await form.getByRole('button', { name: 'Save queue' }).click();
    await admin.getByText('Queue saved').waitFor();

    const users = await api<UserView[]>('GET', '/api/users');
    const id = (email: string) => users.find((u) => u.email === email)!.id;
    const saved = await api<DialQueueView>('GET', `/api/dial-queues/${queue.id}`);
    expect(saved.supervisorIds).toEqual([id('supervisor@switchboard.local'), id('admin@switchboard.local')].sort());
    expect(saved.recording).toEqual({ mode: 'on-demand', consent: 'announce', announcement: null, retentionDays: 30 });
    expect(saved.holdMusicUrl).toBe(HOLD_MUSIC);
    await api('PATCH', `/api/dial-queues/${queue.id}`, { active: true });
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it('the agent records (marking consent where every party must agree), pauses and resumes from the call panel; the button keeps the focus', async () => {
    supervisor = await signIn('supervisor@switchboard.local');
    await supervisor.getByTestId('recent-calls').waitFor();
    agent = await signIn('agent@switchboard.local');
    await agent.getByTestId('health-badge').getByText('Connected').waitFor();
    await agent.getByTestId('go-ready').click();
    await agent.getByTestId('call-status').getByText('Connected').waitFor({ timeout: 20_000 });
    const controls = agent.getByTestId('recording-controls');
    await controls.waitFor({ timeout: 10_000 });
    const state = () => controls.getAttribute('data-state');
    await eventually('the recording state is read', async () => ['off', 'waiting-consent'].includes((await state()) ?? ''), 10_000);
    // Where the person's state wants every party's consent, the agent asks and marks it; elsewhere they just record.
    const needsConsent = (await state()) === 'waiting-consent';
    const toggle = agent.getByTestId('recording-toggle');
    await expect(toggle.textContent()).resolves.toBe(needsConsent ? 'Consent given · record' : 'Record');
    if (needsConsent) await agent.getByTestId('recording-law').getByText(/requires every party's consent|not known/).waitFor();

    // By keyboard: the button is focused and pressed; it keeps the focus through the request.
    await toggle.focus();
    await agent.keyboard.press('Enter');
    await agent.getByTestId('recording-state').getByText('Recording').waitFor({ timeout: 10_000 });
    await agent.getByTestId('recording-consent').getByText(needsConsent ? 'consent marked by the agent' : 'one-party state').waitFor();
    expect(await toggle.evaluate((el) => (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement === el)).toBe(true);
    await expect(toggle.textContent()).resolves.toBe('Pause recording');

    // Alt+R pauses (for a card number) and resumes.
    await agent.keyboard.press('Alt+r');
    await agent.getByTestId('recording-state').getByText('Recording paused').waitFor({ timeout: 10_000 });
    await expect(toggle.textContent()).resolves.toBe('Resume recording');
    await agent.getByTestId('call-panel').screenshot({ path: join(artifacts, 'recording-call-panel-paused.png'), animations: 'disabled' });
    await agent.keyboard.press('Alt+r');
    await controls.and(agent.locator('[data-state="recording"]')).waitFor({ timeout: 10_000 });
    await agent.getByTestId('call-panel').screenshot({ path: join(artifacts, 'recording-call-panel.png'), animations: 'disabled' });

    const live = sim.conferenceViews().find((c) => (c as { status: string }).status === 'in-progress') as { friendlyName: string };
    conversationId = live.friendlyName.replace(/^conv-/, '');
    const [rec] = await api<CallRecordingView[]>('GET', `/api/floor/calls/${conversationId}/recordings`);
    expect(rec).toMatchObject({ status: 'recording', consent: needsConsent ? 'agent-confirmed' : 'one-party' });
    expect(Date.parse(rec.deleteAfter!) - Date.parse(rec.createdAt)).toBe(30 * 86_400_000);
    // Held, the person hears the queue's own music.
    await agent.getByTestId('hold').click();
    await agent.getByTestId('on-hold').waitFor();
    expect(sim.conferenceView(live.friendlyName).participants.find((p) => p.label === 'customer')).toMatchObject({ hold: true, holdUrl: HOLD_MUSIC });
    await agent.getByTestId('hold').click();
    await agent.getByTestId('on-hold').waitFor({ state: 'detached' });
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it('after the call the supervisor plays the recording from Recent calls: the audio comes as audio/wav into a Blob URL the player reads', async () => {
    // No new lead for the agent once this call ends.
    await api('PATCH', `/api/dial-queues/${queue.id}`, { active: false });
    await agent.getByTestId('hang-up').click();
    await eventually('the carrier completed the recording', async () => (await api<CallRecordingView[]>('GET', `/api/floor/calls/${conversationId}/recordings`))[0]?.status === 'completed', 15_000);
    const [done] = await api<CallRecordingView[]>('GET', `/api/floor/calls/${conversationId}/recordings`);
    expect(done.durationSeconds).toBeGreaterThan(0);

    // The agent, in the wrap-up, can play the call back too.
    await agent.getByTestId('wrap-up').waitFor({ timeout: 10_000 });
    const mine = agent.getByTestId('ended-call-recordings').getByTestId('recording-item');
    await mine.getByTestId('recording-play').click({ timeout: 10_000 });
    expect(await mine.getByTestId('recording-audio').getAttribute('src')).toMatch(/^blob:/);
    await agent.screenshot({ path: join(artifacts, 'recording-agent-wrap-up.png'), animations: 'disabled' });

    // Recent calls reads the recordings of all its calls in one request, not one per call.
    const recordingReads: string[] = [];
    const onRequest = (r: { url(): string }) => {
      if (/\/api\/floor\/(recordings\?|calls\/[^/]+\/recordings)/.test(r.url())) recordingReads.push(r.url());
    };
    supervisor.on('request', onRequest);
    await supervisor.getByTestId('recent-calls-refresh').click();
    const item = supervisor.getByTestId('recent-calls').getByTestId('recording-item').first();
    await item.waitFor({ timeout: 10_000 });
    supervisor.off('request', onRequest);
    expect(recordingReads.length).toBeGreaterThan(0);
    expect(recordingReads.every((u) => u.includes('/api/floor/recordings?conversationIds='))).toBe(true);
    await item.getByTestId('recording-consent-method').getByText(/One-party state|Agent marked consent/).waitFor();
    await item.getByTestId('recording-deletion').getByText(/^deleted on /).waitFor();
    const fetched = supervisor.waitForResponse((r) => r.url().endsWith(`/api/floor/recordings/${done.id}/audio`));
    await item.getByTestId('recording-play').click();
    const res = await fetched;
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^audio\/wav/);
    const audio = item.getByTestId('recording-audio');
    await audio.waitFor();
    expect(await audio.getAttribute('src')).toMatch(/^blob:/);
    /** The player's media facts, read in the page. */
    const media = () => audio.evaluate((el) => ({ readyState: (el as unknown as { readyState: number }).readyState, duration: (el as unknown as { duration: number }).duration }));
    await eventually('the player read the audio', async () => ((m) => m.readyState >= 1 && m.duration > 0)(await media()), 10_000);
    const seconds = (await media()).duration;
    expect(Math.round(seconds)).toBe(done.durationSeconds);
    await supervisor.getByTestId('recent-calls').screenshot({ path: join(artifacts, 'recording-recent-calls.png'), animations: 'disabled' });
    expect(consoleErrors).toEqual([]);
  }, 90_000);
});
