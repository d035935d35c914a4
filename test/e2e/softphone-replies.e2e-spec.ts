import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { LeadView, RingPoolView } from '#shared';
import type { RunningServer } from '../../server/src/server.js';
import { artifacts, demoApi, demoToken, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoServer } from '../support/browser.js';

/** A lead's text reaches the agent's inbox; the agent answers it from the thread and the item leaves. */
describe('replies on the softphone', () => {
  let server: RunningServer;
  let browser: Browser;
  let agent: Page;
  let adminToken: string;
  const consoleErrors: string[] = [];
  const api = <T>(method: string, path: string, body?: unknown): Promise<T> => demoApi(server, () => adminToken)<T>(method, path, body);
  const LEAD_NUMBER = '+16465550188';

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    server = await startDemoServer({ NODE_ENV: 'development' });
    adminToken = await demoToken(server, 'admin@switchboard.local');
    // Open all day, so texting the lead back is allowed whatever the hour the test runs.
    await api('PUT', '/api/compliance/calling-rules', { defaultWindow: { start: '00:00', end: '23:59' }, regions: {}, holidays: [] });
    browser = await launchChromium();
    agent = await signInAs(browser, server, 'agent@switchboard.local', consoleErrors);
    await agent.getByTestId('agent-view').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('an inbound text reaches the inbox, the agent answers it from the thread, and the item leaves', async () => {
    const agentId = (await api<Array<{ id: string; email: string }>>('GET', '/api/users')).find((u) => u.email === 'agent@switchboard.local')!.id;
    const lead = await api<LeadView>('POST', '/api/leads', { firstName: 'Ada', lastName: 'Byron', phones: [{ number: LEAD_NUMBER }], ownerId: agentId });
    const pools = await api<RingPoolView[]>('GET', '/api/ring-pools');
    const ours = pools.flatMap((p) => p.numbers.map((n) => n.e164))[0];
    await api('POST', '/api/telephony/sim/inbound-sms', { from: LEAD_NUMBER, to: ours, body: 'Is the offer still open?' });

    const item = agent.getByTestId('inbox-item').filter({ hasText: 'Is the offer still open?' });
    await item.waitFor({ timeout: 10_000 });
    await expect(item.getAttribute('data-kind')).resolves.toBe('reply');
    await item.click();
    const composer = agent.getByTestId('sms-composer');
    await composer.getByTestId('sms-thread').filter({ hasText: 'Is the offer still open?' }).waitFor({ timeout: 10_000 });
    await composer.getByTestId('sms-body').fill('Yes, it is open until Friday.');
    await agent.screenshot({ path: join(artifacts, 'replies-thread.png') });
    await composer.getByTestId('sms-send').click();
    await item.waitFor({ state: 'detached', timeout: 10_000 });
    await agent.screenshot({ path: join(artifacts, 'replies-answered.png') });
    const rows = await api<Array<{ leadId: string }>>('GET', '/api/replies');
    expect(rows.filter((r) => r.leadId === lead.id)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
