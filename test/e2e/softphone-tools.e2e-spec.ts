import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { ConversationView, LeadView, Page as ListPage } from '#shared';
import type { RunningServer } from '../../server/src/server.js';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { artifacts, demoApi, demoToken, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoServer } from '../support/browser.js';

/**
 * The agent's tools in Chromium, on the demo: a number typed into the dial pad is answered
 * by the compliance gate with every reason and is not dialed; the search box finds a lead
 * by a number in another format and by its company; from the found lead's card the agent
 * calls, and during the call writes notes (saved as they type) and texts the lead from a
 * template, rendered for them.
 */
describe("the agent's tools: dial pad, lead search, notes and texts during a call", () => {
  let server: RunningServer;
  let browser: Browser;
  let sim: SimulatedCarrier;
  let agent: Page;
  let adminToken: string;
  let agentId: string;
  const consoleErrors: string[] = [];
  const api = <T>(method: string, path: string, body?: unknown): Promise<T> => demoApi(server, () => adminToken)<T>(method, path, body);

  const eventually = async <T>(check: () => Promise<T> | T, ms = 10_000): Promise<T> => {
    const until = Date.now() + ms;
    for (;;) {
      try {
        return await check();
      } catch (e) {
        if (Date.now() > until) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  const REFUSED = '+16465550177';
  const LEAD_NUMBER = '+16465550142';
  let lead: LeadView;

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    server = await startDemoServer({ NODE_ENV: 'development' });
    adminToken = await demoToken(server, 'admin@switchboard.local');
    // Open all day, so the only reasons are the ones this test makes, whatever the hour it runs.
    await api('PUT', '/api/compliance/calling-rules', { defaultWindow: { start: '00:00', end: '23:59' }, regions: {}, holidays: [] });
    sim = server.app.get<SimulatedCarrier>(SIMULATED_CARRIER);
    agentId = (await api<Array<{ id: string; email: string }>>('GET', '/api/users')).find((u) => u.email === 'agent@switchboard.local')!.id;
    await api('POST', '/api/opt-outs', { address: REFUSED, channel: 'call', note: 'asked on the phone' });
    await api('POST', '/api/blocks', { kind: 'number', value: REFUSED, reason: 'complaint' });
    lead = await api<LeadView>('POST', '/api/leads', { firstName: 'Grace', lastName: 'Hopper', company: 'Hopper Analytics', email: 'grace@hopper.example', phones: [{ number: LEAD_NUMBER }], ownerId: agentId, tags: ['navy'] });
    sim.script(LEAD_NUMBER, { outcome: 'answer', ringSeconds: 1, talkSeconds: 600 });
    browser = await launchChromium();
    agent = await signInAs(browser, server, 'agent@switchboard.local', consoleErrors);
    await agent.getByTestId('agent-view').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('a number typed on the keypad and from the keyboard is refused by the gate with every reason, and nothing is dialed', async () => {
    const pad = agent.getByTestId('dial-pad');
    // "(646) 555-01" on the keypad's buttons, the rest typed from the keyboard with a key of the pad focused.
    for (const k of '646555') await pad.getByTestId(`pad-key-${k}`).click();
    await pad.getByTestId('pad-key-0').focus();
    await agent.keyboard.type('0177');
    await expect(pad.getByTestId('dial-number').inputValue()).resolves.toBe('6465550177');
    const reasons = pad.getByTestId('dial-reasons');
    await reasons.waitFor();
    await eventually(async () => {
      const text = await reasons.innerText();
      expect(text).toMatch(/opted out/i);
      expect(text).toMatch(/blocked by number .*complaint/i);
    });
    await expect(pad.getByTestId('dial-manual').isDisabled()).resolves.toBe(true);
    await agent.screenshot({ path: join(artifacts, 'tools-dial-refused.png') });
    const calls = await api<ListPage<ConversationView>>('GET', '/api/conversations?channel=call&limit=200');
    expect(calls.items.filter((c) => c.to === REFUSED)).toEqual([]);
    expect(sim.listCalls().filter((c) => c.to === REFUSED)).toEqual([]);
    // A pasted number in another format is read the same way.
    await pad.getByTestId('dial-number').fill('');
    await pad.getByTestId('dial-number').focus();
    // A paste event as the browser sends it (the test's own code runs in the page, so it is written as text).
    await agent.evaluate(`(() => {
      const data = new DataTransfer();
      data.setData('text', '+1 646.555.0177');
      document.querySelector('[data-testid="dial-number"]').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    })()`);
    await expect(pad.getByTestId('dial-number').inputValue()).resolves.toBe('+16465550177');
    await eventually(async () => expect(await pad.getByTestId('dial-check').innerText()).toContain('+16465550177'));
    await pad.getByTestId('dial-number').fill('');
  });

  it('the search box finds the lead by its number in another format and by its company', async () => {
    const search = agent.getByTestId('lead-search');
    const box = search.getByTestId('lead-search-input');
    await box.fill('(646) 555-0142');
    await eventually(async () => expect(await search.getByTestId('lead-result').allInnerTexts()).toEqual([expect.stringContaining('Grace Hopper')]));
    await box.fill('hopper analy');
    await eventually(async () => expect(await search.getByTestId('lead-result').allInnerTexts()).toEqual([expect.stringContaining('Hopper Analytics')]));
    await agent.screenshot({ path: join(artifacts, 'tools-lead-search.png') });
  });

  it('from the found lead the agent calls, writes notes as they talk and texts the lead from a template', async () => {
    await agent.getByTestId('lead-search').getByTestId('lead-result').first().click();
    const card = agent.getByTestId('lead-card');
    await card.getByTestId('lead-card-name').getByText('Grace Hopper').waitFor();
    await card.getByTestId('lead-card-call').click();
    await agent.getByTestId('call-panel').waitFor();
    await agent.getByTestId('call-status').getByText('Connected').waitFor({ timeout: 30_000 });
    // The lead's history beside the call follows it over the socket: connected, not the "queued" it was placed as.
    await card.getByTestId('lead-history').getByText(/^Call outbound · in-progress/).waitFor({ timeout: 10_000 });
    const tools = agent.getByTestId('call-tools');
    await tools.getByTestId('call-notes-text').waitFor();

    await tools.getByTestId('call-notes-text').fill('Wants the annual plan');
    await tools.getByTestId('call-notes-state').getByText('Saved').waitFor();
    const call = (await api<ListPage<ConversationView>>('GET', `/api/conversations?leadId=${lead.id}&channel=call`)).items[0];
    expect(call.notes).toBe('Wants the annual plan');

    const composer = tools.getByTestId('sms-composer');
    const template = composer.getByTestId('sms-template');
    await eventually(async () => expect(await template.locator('option').count()).toBeGreaterThan(1));
    await template.selectOption({ label: 'Missed you' });
    await composer.getByTestId('sms-preview').getByText('Hi Grace, sorry we missed you.').waitFor();
    await composer.getByTestId('sms-send').click();
    await composer.getByTestId('sms-thread').getByText('Hi Grace, sorry we missed you. When is a good time to call?').waitFor();
    // The card beside the call leaves its own composer out: one composer for the lead on screen.
    await expect(agent.getByTestId('sms-composer').count()).resolves.toBe(1);
    await agent.screenshot({ path: join(artifacts, 'tools-sms-during-call.png'), fullPage: true });

    const texts = await api<ListPage<ConversationView>>('GET', `/api/conversations?leadId=${lead.id}&channel=sms`);
    expect(texts.items.map((t) => ({ to: t.to, body: t.body, agentId: t.agentId }))).toEqual([{ to: LEAD_NUMBER, body: 'Hi Grace, sorry we missed you. When is a good time to call?', agentId }]);
    expect(consoleErrors.filter((e) => !/status of 409/.test(e))).toEqual([]);
  });
});
