import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { ConversationView, EmailMessageView, LeadView, LoginResponse, ParticipantActionView, ScheduleView } from '#shared';
import { inboundSignature } from '../../server/src/email/inbound/inbound-signature.guard.js';
import type { RunningServer } from '../../server/src/server.js';
import { eventually } from '../support/eventually.js';
import { artifacts, demoApi, demoToken, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoServer } from '../support/browser.js';

const SECRET = 'inbound-relay-test-key-0123456789';

/**
 * A step's card in a real browser against the whole demo product: "Message" on a manual
 * text step sends the step's text and completes the step; an email the lead answers comes
 * back as a reply on the agent's card with the thread in order, and supervisors see it in
 * the received email list.
 */
describe('step cards: the text a step asks for, and the email that comes back', () => {
  let server: RunningServer;
  let browser: Browser;
  let agent: Page;
  let agentId: string;
  let adminToken: string;
  const consoleErrors: string[] = [];
  const api = <T>(method: string, path: string, body?: unknown): Promise<T> => demoApi(server, () => adminToken)<T>(method, path, body);

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    // Development: the scheduler runs on its own, as `npm start` runs it.
    server = await startDemoServer({ NODE_ENV: 'development', EMAIL_INBOUND_SECRET: SECRET, EMAIL_FROM: 'Switchboard Sales <sales@switchboard.local>' });
    adminToken = await demoToken(server, 'admin@switchboard.local');
    // Open all day, so texting the lead is allowed whatever the hour the test runs.
    await api('PUT', '/api/compliance/calling-rules', { defaultWindow: { start: '00:00', end: '23:59' }, regions: {}, holidays: [] });
    const login = (await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'agent@switchboard.local', password: 'switchboard-demo' }) })).json()) as LoginResponse;
    agentId = login.user.id;
    browser = await launchChromium();
    agent = await signInAs(browser, server, 'agent@switchboard.local', consoleErrors, { width: 1280, height: 900 });
    await agent.getByTestId('agent-view').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('"Message" on a manual text step opens the composer with the step\'s text; sending it completes the step and links the text', async () => {
    const lead = await api<LeadView>('POST', '/api/leads', { firstName: 'Tess', lastName: 'Texter', phones: [{ number: '+16465550177' }], ownerId: agentId });
    const schedule = await api<ScheduleView>('POST', '/api/schedules', {
      name: 'Text first',
      timezone: 'America/New_York',
      steps: [{ type: 'sms', activation: 'manual', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { body: 'Hi {{lead.firstName}}, is now a good time to talk?' } }],
    });
    await api('POST', `/api/schedules/${schedule.id}/enrollments`, { leadIds: [lead.id] });

    const item = agent.getByTestId('inbox-item').filter({ hasText: 'Tess Texter' });
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    await agent.getByTestId('message-action').click();
    const composer = agent.getByTestId('sms-composer');
    await expect(composer.getByTestId('sms-body').inputValue()).resolves.toBe('Hi Tess, is now a good time to talk?');
    await composer.getByTestId('sms-preview').getByText('Hi Tess, is now a good time to talk?').waitFor();
    await agent.screenshot({ path: join(artifacts, 'step-card-message.png'), animations: 'disabled' });
    await composer.getByTestId('sms-send').click();
    // The step is done once the carrier has the text: its card leaves the inbox.
    await item.waitFor({ state: 'detached', timeout: 15_000 });

    const [step] = await api<ParticipantActionView[]>('GET', `/api/participant-actions?leadId=${lead.id}`);
    expect(step).toMatchObject({ type: 'sms', status: 'completed', outcome: 'sent', conversationId: expect.any(String) });
    const text = await api<ConversationView>('GET', `/api/conversations/${step.conversationId}`);
    expect(text).toMatchObject({ channel: 'sms', direction: 'outbound', leadId: lead.id, body: 'Hi Tess, is now a good time to talk?' });
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it("a lead's answer to our email reaches the agent as a reply, its card shows the thread in order, and supervisors see it in the received email", async () => {
    const lead = await api<LeadView>('POST', '/api/leads', { firstName: 'Rhea', lastName: 'Replier', email: 'rhea.replier@example.com', phones: [{ number: '+16465550166' }], ownerId: agentId });
    const schedule = await api<ScheduleView>('POST', '/api/schedules', {
      name: 'Email first',
      timezone: 'America/New_York',
      steps: [{ type: 'email', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { subject: 'Pricing for {{lead.firstName}}', body: 'Hi {{lead.firstName}}, here is our pricing.' } }],
    });
    await api('POST', `/api/schedules/${schedule.id}/enrollments`, { leadIds: [lead.id] });
    let sent: EmailMessageView | undefined;
    await eventually('the schedule sent its email', async () => !!(sent = (await api<EmailMessageView[]>('GET', `/api/leads/${lead.id}/emails`)).find((e) => e.status === 'sent')), 30_000);

    const raw = Buffer.from(
      ['From: Rhea Replier <rhea.replier@example.com>', 'To: sales@switchboard.local', 'Subject: Re: Pricing for Rhea', 'Message-ID: <rhea.1@mail.example.com>', `In-Reply-To: ${sent!.messageId}`, `References: ${sent!.messageId}`, 'Content-Type: text/plain; charset=utf-8', '', 'Thanks! Can we talk on Thursday?', ''].join('\r\n'),
    );
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${server.url}/api/webhooks/email/inbound`, { method: 'POST', headers: { 'Content-Type': 'message/rfc822', 'X-Switchboard-Timestamp': timestamp, 'X-Switchboard-Signature': inboundSignature(SECRET, timestamp, raw) }, body: raw });
    expect(res.status).toBe(200);

    const item = agent.getByTestId('inbox-item').filter({ hasText: 'Rhea Replier' });
    await item.waitFor({ timeout: 15_000 });
    await expect(item.getAttribute('data-kind')).resolves.toBe('reply');
    await item.click();
    const thread = agent.getByTestId('email-thread');
    await thread.getByTestId('email-in').getByText('Thanks! Can we talk on Thursday?').waitFor({ timeout: 10_000 });
    // What went out first, then what came back.
    await expect(thread.locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).resolves.toEqual(['email-out', 'email-in']);
    await expect(thread.getByTestId('email-out').textContent()).resolves.toContain('Pricing for Rhea');
    await agent.screenshot({ path: join(artifacts, 'reply-email-thread.png'), animations: 'disabled', fullPage: true });

    const supervisor = await signInAs(browser, server, 'supervisor@switchboard.local', consoleErrors, { width: 1280, height: 1400 });
    const list = supervisor.getByTestId('inbound-emails');
    const row = list.getByTestId('inbound-row').filter({ hasText: 'rhea.replier@example.com' });
    await row.waitFor({ timeout: 15_000 });
    await expect(row.textContent()).resolves.toMatch(/Re: Pricing for Rhea.*Reply.*Rhea Replier · re "Pricing for Rhea"/s);
    await list.getByLabel('Matched').selectOption({ label: 'Unmatched' });
    await list.getByText('Nothing received that matches.').waitFor();
    await list.getByLabel('Matched').selectOption({ label: 'Matched to a lead' });
    await row.waitFor();
    await list.scrollIntoViewIfNeeded();
    await supervisor.screenshot({ path: join(artifacts, 'supervisor-received-email.png'), animations: 'disabled', fullPage: true });
    expect(consoleErrors).toEqual([]);
  }, 120_000);
});
