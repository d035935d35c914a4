import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import type { DialQueueView, LeadView, QueueStats, UserView } from '#shared';
import { DialCallEntity } from '../../server/src/dialer/dial-queue.entity.js';
import { DialPacer } from '../../server/src/dialer/dial-pacer.service.js';
import type { RunningServer } from '../../server/src/server.js';
import { artifacts, demoApi, demoToken, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoServer } from '../support/browser.js';

/**
 * The supervisor's pacing tile in a real browser: a predictive queue whose calls of the
 * last two weeks (this hour of day answering 30%) and of the last hour (one abandoned) are
 * seeded; the pacer decides, and the tile shows its dial level, the shares predicted and
 * measured, target and cap, the answer rate with its bounds and why it holds back, the
 * same numbers the queue's figures carry.
 */
describe('the supervisor’s pacing tile', () => {
  let server: RunningServer;
  let browser: Browser;
  let supervisor: Page;
  let adminToken: string;
  let queue: DialQueueView;
  const consoleErrors: string[] = [];
  const api = <T>(method: string, path: string, body?: unknown): Promise<T> => demoApi(server, () => adminToken)<T>(method, path, body);

  function call(placed: Date, outcome: string, predictedBp: number): DialCallEntity {
    const human = outcome === 'answered' || outcome === 'abandoned';
    return {
      conversationId: randomUUID(),
      queueId: queue.id,
      itemId: randomUUID(),
      leadId: randomUUID(),
      agentId: null,
      placedAt: placed,
      answeredAt: human ? new Date(placed.getTime() + 6000) : null,
      bridgedAt: outcome === 'answered' ? new Date(placed.getTime() + 6500) : null,
      endedAt: new Date(placed.getTime() + 60_000),
      human,
      outcome,
      talkSeconds: outcome === 'answered' ? 90 : null,
      listKey: 'pass:1',
      predictedBp,
    };
  }

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    server = await startDemoServer({ NODE_ENV: 'development' });
    adminToken = await demoToken(server, 'admin@switchboard.local');
    const users = await api<UserView[]>('GET', '/api/users');
    const id = (email: string) => users.find((u) => u.email === email)?.id as string;
    queue = await api<DialQueueView>('POST', '/api/dial-queues', { name: 'Predictive floor', mode: 'predictive', active: false, agentIds: [id('agent@switchboard.local'), id('agent2@switchboard.local')], supervisorIds: [id('supervisor@switchboard.local')] });
    const lead = await api<LeadView>('POST', '/api/leads', { firstName: 'Paced', phones: [{ number: '+12125550199' }] });
    await api('POST', `/api/dial-queues/${queue.id}/leads`, { leadIds: [lead.id] });
    // Two weeks of this hour of day: 40 calls a day, 30% answered by a person; the last 50 minutes: 60 calls, half answered, one abandoned.
    const now = Date.now();
    // The hour of day in the floor's zone (the account's default).
    const hour = DateTime.fromMillis(now, { zone: 'America/New_York' }).startOf('hour');
    const rows: DialCallEntity[] = [];
    for (let d = 1; d <= 13; d++) for (let i = 0; i < 40; i++) rows.push(call(hour.minus({ days: d }).plus({ seconds: i * 80 }).toJSDate(), i % 10 < 3 ? 'answered' : 'no-answer', 180));
    for (let i = 0; i < 60; i++) rows.push(call(new Date(now - 50 * 60_000 + i * 45_000), i % 2 ? 'no-answer' : i === 10 ? 'abandoned' : 'answered', 210));
    await server.app.get(DataSource).getRepository(DialCallEntity).insert(rows);
    // Paused until its calls are in: the pacer reads an hour's sample at most once a minute.
    await api('PATCH', `/api/dial-queues/${queue.id}`, { active: true });
    await server.app.get(DialPacer).pace(queue.id);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('shows the pacer’s figures for the queue, as its live figures carry them', async () => {
    supervisor = await signInAs(browser, server, 'supervisor@switchboard.local', consoleErrors, { width: 1280, height: 1000 });
    await supervisor.getByTestId('supervisor-view').waitFor();
    await supervisor.getByTestId('queue-tab').filter({ hasText: 'Predictive floor' }).click();
    const tile = supervisor.getByTestId('pacing-tile');
    await tile.waitFor({ timeout: 15_000 });
    const stats = await api<QueueStats>('GET', `/api/dial-queues/${queue.id}/stats`);
    const p = stats.pacing;
    if (!p?.answerRate) throw new Error('the queue has no pacing figures');
    const text = async (id: string) => ((await tile.getByTestId(id).textContent()) ?? '').replace(/\s+/g, ' ').trim();

    expect(await text('pacing-level')).toBe(p.level.toFixed(2));
    expect(await text('pacing-in-flight')).toBe(p.inFlightPerReady.toFixed(2));
    expect(await text('pacing-target')).toBe(`${p.targetPct.toFixed(2)}%`);
    expect(await text('pacing-cap')).toBe(`legal cap ${p.capPct.toFixed(2)}%`);
    for (const k of ['today', 'lastHour', 'thirtyDays'] as const) {
      const s = p.abandon[k];
      expect(await text(`pacing-predicted-${k}`)).toBe(s.predictedPct === null ? '—' : `${s.predictedPct.toFixed(2)}%`);
      expect(await text(`pacing-actual-${k}`)).toBe(`${s.actualPct.toFixed(2)}% ${s.abandoned}/${s.answered}`);
    }
    expect(p.abandon.lastHour).toMatchObject({ answered: 30, abandoned: 1, predictedPct: 2.1 });
    expect(await text('pacing-rate')).toBe(`${p.answerRate.ratePct.toFixed(1)}%`);
    expect(await text('pacing-rate-bounds')).toBe(`${p.answerRate.lowPct.toFixed(1)}–${p.answerRate.highPct.toFixed(1)}%`);
    expect(await text('pacing-dialed-on')).toBe(`${p.answerRate.dialedOnPct.toFixed(1)}%`);
    // 13 days × 40 calls of this hour, and the last hour's: the hour weighs most.
    expect(p.answerRate.used).toBe('hour');
    expect(await text('pacing-rate-used')).toBe('this hour of day');
    expect(await text('pacing-why')).toBe(p.why);
    expect(p.holdingBack).toBe(true);
    expect(await text('pacing-status')).toBe('Holding back');

    await tile.screenshot({ path: '/tmp/pacing-tile.png', animations: 'disabled' });
    await supervisor.screenshot({ path: join(artifacts, 'supervisor-pacing.png'), animations: 'disabled', fullPage: true });
    expect(consoleErrors).toEqual([]);
  }, 90_000);
});
