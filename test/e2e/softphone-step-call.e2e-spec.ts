import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import type { LeadView, ParticipantActionView, ScheduleView, UserView } from '#shared';
import type { RunningServer } from '../../server/src/server.js';
import { artifacts, demoApi, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoFloor } from '../support/browser.js';

/**
 * A manual call step worked from its card: the agent presses Call now, the call ends, and
 * the wrap-up's disposition completes the step (the card leaves; the action is completed
 * with the call linked).
 */
describe('a schedule\'s call step from the agent\'s card', () => {
  let server: RunningServer;
  let browser: Browser;
  const consoleErrors: string[] = [];
  let api: ReturnType<typeof demoApi>;
  let leadId: string;

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    const floor = await startDemoFloor({ answer: { ringSeconds: 1, talkSeconds: 3 } });
    server = floor.server;
    const sim = floor.sim;
    api = demoApi(server, () => floor.adminToken);
    const agent = (await api<UserView[]>('GET', '/api/users')).find((u) => u.email === 'agent@switchboard.local')!;
    const number = '+12125559870';
    sim.script(number, { outcome: 'answer', ringSeconds: 1, talkSeconds: 3 });
    const lead = await api<LeadView>('POST', '/api/leads', { firstName: 'Rita', lastName: 'Renewal', phones: [{ number }], ownerId: agent.id });
    const schedule = await api<ScheduleView>('POST', '/api/schedules', {
      name: 'Renewal calls',
      steps: [
        { type: 'dial', activation: 'manual', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { mode: 'owner', title: 'Call Rita about the renewal' } },
        { type: 'task', timing: { kind: 'delay', amount: 1, unit: 'days' }, config: { title: 'Send the renewal papers' } },
      ],
    });
    await api('POST', `/api/schedules/${schedule.id}/enrollments`, { leadIds: [lead.id] });
    leadId = lead.id;
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('Call now, the call ends, the wrap-up disposition completes the step', async () => {
    const agent = await signInAs(browser, server, 'agent@switchboard.local', consoleErrors);
    await agent.getByTestId('agent-view').waitFor();
    const item = agent.getByTestId('inbox-item').filter({ hasText: 'Call Rita about the renewal' });
    await item.click({ timeout: 30_000 });
    await agent.getByTestId('work-detail').getByTestId('call-action').click();
    await agent.getByTestId('call-panel').waitFor();
    await agent.getByTestId('wrap-up').waitFor({ timeout: 30_000 });
    await agent.getByTestId('dispositions').getByText('Left a voicemail').click();
    await agent.screenshot({ path: join(artifacts, 'agent-step-call-wrap-up.png'), animations: 'disabled' });
    await agent.getByTestId('save-disposition').click();
    await agent.getByTestId('wrap-up').waitFor({ state: 'detached' });
    await item.waitFor({ state: 'detached', timeout: 20_000 });

    const [step, next] = await api<ParticipantActionView[]>('GET', `/api/participant-actions?leadId=${leadId}`);
    expect(step).toMatchObject({ type: 'dial', status: 'completed', outcome: 'voicemail' });
    expect(step.conversationId).toEqual(expect.any(String));
    expect(next).toMatchObject({ type: 'task', status: 'pending' });
    await agent.screenshot({ path: join(artifacts, 'agent-step-call-done.png'), animations: 'disabled' });
    expect(consoleErrors).toEqual([]);
  }, 120_000);
});
