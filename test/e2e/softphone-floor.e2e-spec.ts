import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { DialQueueView } from '#shared';
import type { RunningServer } from '../../server/src/server.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { artifacts, demoApi, ensureSoftphoneBuilt, launchChromium, signInAs, startDemoFloor } from '../support/browser.js';

/**
 * The live floor in three browsers: two agents and their supervisor. The first agent goes
 * Ready and the power dialer connects a lead into the call's room; the supervisor finds
 * the call under Live calls and listens, whispers and barges, switching in the call, and
 * leaves; the agent's call panel says who is on the call; who hears whom is read from the
 * simulated carrier's room at each step.
 */
describe('the live floor: a supervisor on an agent\'s call', () => {
  let server: RunningServer;
  let browser: Browser;
  let sim: SimulatedCarrier;
  let agent: Page;
  let second: Page;
  let supervisor: Page;
  let adminToken: string;
  const consoleErrors: string[] = [];

  const api = <T>(method: string, path: string, body?: unknown): Promise<T> => demoApi(server, () => adminToken)<T>(method, path, body);

  const signIn = (email: string): Promise<Page> => signInAs(browser, server, email, consoleErrors);

  /** Who hears whom in the one live room, by role: `hears('customer')` lists the roles the customer hears. */
  const room = () => {
    const live = sim.conferenceViews().find((c) => (c as { status: string }).status === 'in-progress') as ReturnType<SimulatedCarrier['conferenceView']> | undefined;
    if (!live) throw new Error('no live room');
    const role = (sid: string) => {
      const p = live.participants.find((x) => x.callSid === sid);
      return p?.label?.startsWith('monitor') ? 'supervisor' : (p?.label ?? '?');
    };
    return { hears: (who: string) => Object.entries(live.hears).filter(([sid]) => role(sid) === who).flatMap(([, heard]) => heard.map(role)).sort() };
  };

  const eventually = async (check: () => void, ms = 10_000) => {
    const until = Date.now() + ms;
    for (;;) {
      try {
        return check();
      } catch (e) {
        if (Date.now() > until) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  beforeAll(async () => {
    ensureSoftphoneBuilt();
    ({ server, adminToken, sim } = await startDemoFloor({ answer: { ringSeconds: 1, talkSeconds: 600 } }));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it('two agents and the supervisor sign in; the first agent goes Ready and is connected to a lead in the call\'s room', async () => {
    supervisor = await signIn('supervisor@switchboard.local');
    await supervisor.getByTestId('live-calls').getByText('No calls live with an agent now.').waitFor();
    second = await signIn('agent2@switchboard.local');
    await second.getByTestId('agent-view').waitFor();
    agent = await signIn('agent@switchboard.local');
    await agent.getByTestId('agent-view').waitFor();
    await agent.getByTestId('health-badge').getByText('Connected').waitFor();
    await agent.getByTestId('go-ready').click();
    await agent.getByTestId('call-status').getByText('Connected').waitFor({ timeout: 20_000 });
    await eventually(() => expect(room().hears('customer')).toEqual(['agent']));
  }, 90_000);

  it('the supervisor listens, whispers and barges from Live calls, and leaves; the agent sees who is on the call', async () => {
    const row = supervisor.getByTestId('live-call').filter({ hasText: 'Alex Agent' });
    await row.waitFor({ timeout: 10_000 });

    await row.getByTestId('monitor-listen').click();
    await row.getByTestId('monitor-listen').and(supervisor.locator('[aria-pressed="true"]')).waitFor();
    await agent.getByTestId('call-monitors').getByText('Sam Supervisor is listening').waitFor({ timeout: 10_000 });
    await eventually(() => {
      expect(room().hears('supervisor')).toEqual(['agent', 'customer']);
      expect(room().hears('customer')).toEqual(['agent']);
      expect(room().hears('agent')).toEqual(['customer']);
    });
    await supervisor.screenshot({ path: join(artifacts, 'floor-supervisor-listening.png'), animations: 'disabled' });

    await row.getByTestId('monitor-whisper').click();
    await agent.getByTestId('call-monitors').getByText('Sam Supervisor is coaching you').waitFor({ timeout: 10_000 });
    await eventually(() => {
      expect(room().hears('agent')).toEqual(['customer', 'supervisor']);
      expect(room().hears('customer')).toEqual(['agent']);
    });
    await agent.screenshot({ path: join(artifacts, 'floor-agent-coached.png'), animations: 'disabled' });

    await row.getByTestId('monitor-barge').click();
    await agent.getByTestId('call-monitors').getByText('Sam Supervisor is on the call').waitFor({ timeout: 10_000 });
    await eventually(() => {
      expect(room().hears('customer')).toEqual(['agent', 'supervisor']);
      expect(room().hears('agent')).toEqual(['customer', 'supervisor']);
    });
    await supervisor.screenshot({ path: join(artifacts, 'floor-supervisor-barged.png'), animations: 'disabled' });

    await row.getByTestId('monitor-leave').click();
    await agent.getByTestId('call-monitors').waitFor({ state: 'detached', timeout: 10_000 });
    await eventually(() => expect(room().hears('customer')).toEqual(['agent']));
    // The call goes on without them.
    await agent.getByTestId('call-status').getByText('Connected').waitFor();
    await second.getByTestId('agent-view').waitFor();
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it('the agent warm-transfers the call to the second agent from the call panel and hands it over; it leaves their screen and reaches the other\'s', async () => {
    // No new leads while the call changes hands: the campaign is paused, then the second agent goes Ready.
    const queue = (await api<DialQueueView[]>('GET', '/api/dial-queues')).find((q) => q.name === 'Demo campaign')!;
    await api('PATCH', `/api/dial-queues/${queue.id}`, { active: false });
    await second.getByTestId('go-ready').click();
    await second.getByTestId('agent-state').getByText('Ready').waitFor();

    await agent.getByTestId('transfer-open').click();
    await agent.getByTestId('transfer-search').fill('Blake');
    await agent.getByTestId('transfer-agent').filter({ hasText: 'Blake Agent' }).click();
    await agent.screenshot({ path: join(artifacts, 'floor-transfer-picker.png'), animations: 'disabled' });
    await agent.getByTestId('transfer-warm').click();
    await agent.getByTestId('transfer-pending').getByText('Blake Agent is on the line').waitFor({ timeout: 15_000 });
    // The person waits on hold while the agents talk.
    await eventually(() => {
      expect(room().hears('customer')).toEqual([]);
      expect(room().hears('agent')).toEqual(['transfer']);
    });
    await second.getByTestId('transfer-joining').waitFor({ timeout: 10_000 });
    await agent.screenshot({ path: join(artifacts, 'floor-warm-transfer.png'), animations: 'disabled' });

    await agent.getByTestId('transfer-complete').click();
    await agent.getByTestId('call-panel').waitFor({ state: 'detached', timeout: 10_000 });
    await eventually(() => expect(room().hears('customer')).toEqual(['transfer']));
    await second.getByTestId('call-status').getByText('Connected').waitFor();
    // The call is the second agent's now: they may pass it on in turn.
    await second.getByTestId('transfer-open').waitFor({ timeout: 10_000 });
    await agent.getByTestId('agent-state').getByText('Ready').waitFor({ timeout: 10_000 });
    await second.screenshot({ path: join(artifacts, 'floor-handed-over.png'), animations: 'disabled' });
    expect(consoleErrors).toEqual([]);
  }, 90_000);
});
