import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { ConversationView, EligibilityView, LeadView, OptOutEntryView } from '#shared';
import type { RunningServer } from '../../server/src/server.js';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { artifacts, demoApi, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoFloor } from '../support/browser.js';

/**
 * Consent in the browser: on a live call the person asks not to be contacted; the agent
 * records it from the call panel in their words; the ledger keeps the agent, the call and
 * the words, and the gate refuses every channel at once. The supervisor sees the day's
 * revocations and a text held for review; the admin sees the rule in force.
 */
describe('a spoken revocation recorded from the softphone', () => {
  let server: RunningServer;
  let browser: Browser;
  let adminToken: string;
  const consoleErrors: string[] = [];

  const api = <T>(method: string, path: string, body?: unknown): Promise<T> => demoApi(server, () => adminToken)<T>(method, path, body);

  const signIn = (email: string): Promise<Page> => signInAs(browser, server, email, consoleErrors);

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    // Long calls: the agent has time to record the request while the person is on the line.
    ({ server, adminToken } = await startDemoFloor({ answer: { ringSeconds: 2, talkSeconds: 120 } }));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('the agent records "take me off your list" on the live call: the ledger has it with the agent, the call and the words; every channel is refused', async () => {
    const agent = await signIn('agent@switchboard.local');
    await agent.getByTestId('agent-view').waitFor();
    await agent.getByTestId('go-ready').click();
    await agent.getByTestId('call-panel').waitFor({ timeout: 20_000 });
    await agent.getByTestId('call-status').getByText('Connected').waitFor({ timeout: 20_000 });

    const panel = agent.getByTestId('call-panel');
    await panel.getByTestId('revocation-open').click();
    await panel.getByTestId('revocation-record').click();
    await panel.getByRole('alert').getByText('Write what they said').waitFor();
    await panel.getByTestId('revocation-words').fill('Take me off your list and stop calling me');
    await expect(panel.getByTestId('revocation-channel').inputValue()).resolves.toBe('all');
    await agent.screenshot({ path: join(artifacts, 'agent-revocation-form.png'), animations: 'disabled' });
    await panel.getByTestId('revocation-record').click();
    await panel.getByTestId('revocation-recorded').getByText('no more contact of any kind', { exact: false }).waitFor();
    await agent.screenshot({ path: join(artifacts, 'agent-revocation-recorded.png'), animations: 'disabled' });

    const calls = await api<{ items: ConversationView[] }>('GET', '/api/conversations?channel=call&limit=5');
    const call = calls.items.find((c) => c.status === 'in-progress')!;
    const entries = await api<OptOutEntryView[]>('GET', `/api/opt-outs/history?address=${encodeURIComponent(call.to)}`);
    expect(entries).toEqual([expect.objectContaining({ action: 'opt-out', channel: 'all', kind: 'revocation', source: 'agent', origin: 'call', conversationId: call.id, words: 'Take me off your list and stop calling me' })]);
    const users = await api<Array<{ id: string; email: string }>>('GET', '/api/users');
    expect(entries[0].actorId).toBe(users.find((u) => u.email === 'agent@switchboard.local')!.id);
    for (const channel of ['call', 'sms']) {
      const e = await api<EligibilityView>('GET', `/api/leads/${call.leadId}/eligibility?channel=${channel}`);
      expect(e.reasons.map((r) => r.code)).toContain('OPTED_OUT');
    }
    await agent.getByTestId('hang-up').click();
    await agent.getByTestId('wrap-up').waitFor({ timeout: 20_000 });
    await agent.getByTestId('go-pause').click();
    await agent.getByTestId('pause-reasons').getByText('Break').click();
    await agent.getByTestId('dispositions').locator('label').first().click();
    await agent.getByTestId('save-disposition').click();
    await agent.getByTestId('wrap-up').waitFor({ state: 'detached' });
  }, 120_000);

  it("the supervisor sees the day's revocations and decides a text held for review; the admin sees the rule in force", async () => {
    await api('PUT', '/api/compliance/consent-rules', { unsure: 'review' });
    const sim = server.app.get<SimulatedCarrier>(SIMULATED_CARRIER);
    const lead = await api<LeadView>('POST', '/api/leads', { firstName: 'Held', phones: [{ number: '+13055550177' }] });
    const pool = (await api<Array<{ numbers: Array<{ e164: string }> }>>('GET', '/api/ring-pools'))[0];
    await api('POST', '/api/telephony/sim/inbound-sms', { from: '+13055550177', to: pool.numbers[0].e164, body: 'not interested' });
    expect(sim.messages.size).toBeGreaterThan(0);

    const supervisor = await signIn('supervisor@switchboard.local');
    const consent = supervisor.getByTestId('consent-panel');
    await consent.waitFor();
    await consent.getByTestId('consent-today').getByText(/^[1-9]\d* opt-outs? today/).waitFor({ timeout: 20_000 });
    const review = consent.getByTestId('consent-review').filter({ hasText: 'not interested' });
    await review.waitFor();
    await supervisor.screenshot({ path: join(artifacts, 'supervisor-consent.png'), animations: 'disabled', fullPage: true });
    expect((await api<EligibilityView>('GET', `/api/leads/${lead.id}/eligibility?channel=sms`)).reasons.map((r) => r.code)).toEqual(['CONSENT_REVIEW']);
    await review.getByRole('button', { name: 'Opt out' }).click();
    await review.waitFor({ state: 'detached' });
    expect((await api<EligibilityView>('GET', `/api/leads/${lead.id}/eligibility?channel=sms`)).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);

    const admin = await signIn('admin@switchboard.local');
    await admin.getByTestId('setup-tab').click();
    await admin.getByTestId('admin-view').getByRole('button', { name: 'Consent' }).click();
    await admin.getByTestId('consent-in-force').getByText('Per channel', { exact: false }).waitFor();
    await admin.screenshot({ path: join(artifacts, 'admin-consent.png'), animations: 'disabled' });
    expect(consoleErrors).toEqual([]);
  }, 90_000);
});
