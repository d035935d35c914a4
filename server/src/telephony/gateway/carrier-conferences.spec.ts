import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Hooks } from '../../../../test/support/carrier-hooks.js';
import { CallScript } from '../call-script.js';
import { SimulatedCarrier } from '../carrier/simulated/simulated-carrier.js';
import { createTwilioClient } from '../carrier/twilio-client.js';
import { CarrierError, TwilioCarrierGateway } from './carrier-gateway.js';

const SID = `AC${'3'.repeat(32)}`;
const TOKEN = 'carrier-conferences-test-token';
const OURS = '+12125550100';
const LEAD = '+13055550123';

const hooks = new Hooks(TOKEN);
let sim: SimulatedCarrier;
let gateway: TwilioCarrierGateway;

beforeAll(() => hooks.start());
afterAll(() => hooks.stop());
afterEach(async () => {
  hooks.reset();
  await sim.stop();
});

async function start(): Promise<void> {
  sim = new SimulatedCarrier({ accountSid: SID, authToken: TOKEN, seed: 3, clock: 'manual', ringSeconds: [2, 2], talkSeconds: [600, 600], smsFailureRate: 0 });
  sim.script(LEAD, { outcome: 'answer' });
  const url = await sim.start();
  gateway = new TwilioCarrierGateway('simulated', createTwilioClient({ accountSid: SID, authToken: TOKEN, baseUrl: url }), TOKEN);
}

describe('the carrier gateway: a call in its conference room', () => {
  it('the lead waits in the room the call script names; the agent, a listening, coaching and barging supervisor join and leave through the gateway', async () => {
    await start();
    hooks.reply('/answer', new CallScript().joinConference('conv-1', { startConferenceOnEnter: false, endConferenceOnExit: true, statusCallback: hooks.url('/conference'), label: 'customer' }).toString());
    const lead = await gateway.placeCall({ to: LEAD, from: OURS, twimlUrl: hooks.url('/answer'), statusCallback: hooks.url('/status') });
    await sim.advance(3000);
    expect(sim.conferenceView('conv-1')).toMatchObject({ status: 'init', participants: [{ callSid: lead.sid, label: 'customer' }] });

    const agent = await gateway.addParticipant('conv-1', { from: OURS, to: 'client:agent-7', label: 'agent', startConferenceOnEnter: true, endConferenceOnExit: false, statusCallback: hooks.url('/status') });
    expect(agent).toMatchObject({ status: 'queued', label: 'agent', muted: false });
    await sim.advance(2000);
    const room = sim.conferenceView('conv-1');
    expect(room.hears).toEqual({ [lead.sid]: [agent.callSid], [agent.callSid]: [lead.sid] });

    const sup = await gateway.addParticipant(room.sid, { from: OURS, to: 'client:supervisor-2', label: 'monitor', muted: true, startConferenceOnEnter: false, statusCallback: hooks.url('/status') });
    await sim.advance(2000);
    expect(sim.conferenceView(room.sid).hears[lead.sid]).toEqual([agent.callSid]);
    expect(sim.conferenceView(room.sid).hears[sup.callSid]).toEqual([lead.sid, agent.callSid]);

    expect(await gateway.updateParticipant(room.sid, sup.callSid, { muted: false, coach: agent.callSid })).toMatchObject({ coaching: true, callSidToCoach: agent.callSid, muted: false });
    await sim.settle();
    expect(sim.conferenceView(room.sid).hears[agent.callSid]).toEqual([lead.sid, sup.callSid]);
    expect(sim.conferenceView(room.sid).hears[lead.sid]).toEqual([agent.callSid]);

    await gateway.updateParticipant(room.sid, sup.callSid, { coach: null });
    await sim.settle();
    expect(sim.conferenceView(room.sid).hears[lead.sid]).toEqual([agent.callSid, sup.callSid]);

    expect((await gateway.listParticipants(room.sid)).map((p) => p.label)).toEqual(['customer', 'agent', 'monitor']);
    await gateway.removeParticipant(room.sid, sup.callSid);
    await sim.settle();
    expect((await gateway.listParticipants(room.sid)).map((p) => p.label)).toEqual(['customer', 'agent']);
    // Removing one who is gone is nothing to do.
    await gateway.removeParticipant(room.sid, sup.callSid);

    await gateway.updateParticipant(room.sid, lead.sid, { hold: true });
    await sim.settle();
    expect(sim.conferenceView(room.sid).hears).toEqual({ [lead.sid]: [], [agent.callSid]: [] });

    await gateway.endConference(room.sid);
    await sim.settle();
    expect(sim.conferenceView(room.sid)).toMatchObject({ status: 'completed', reasonConferenceEnded: 'conference-ended-via-api' });
    expect(await gateway.listParticipants(room.sid)).toEqual([]);
    await gateway.endConference(room.sid);

    const events = hooks.at('/conference');
    expect(events.every((h) => h.valid)).toBe(true);
    expect(events.map((h) => h.params.StatusCallbackEvent)).toEqual(expect.arrayContaining(['participant-join', 'conference-start', 'participant-modify', 'participant-hold', 'participant-leave', 'conference-end']));
  });

  it('a carrier refusal comes back as a CarrierError with its code', async () => {
    await start();
    hooks.reply('/answer', new CallScript().joinConference('conv-2', { startConferenceOnEnter: true, endConferenceOnExit: false, statusCallback: hooks.url('/conference') }).toString());
    await gateway.placeCall({ to: LEAD, from: OURS, twimlUrl: hooks.url('/answer'), statusCallback: hooks.url('/status') });
    await sim.advance(3000);
    const err = await gateway.addParticipant('conv-2', { from: OURS, to: 'client:supervisor-2', coach: `CA${'9'.repeat(32)}`, statusCallback: hooks.url('/status') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CarrierError);
    expect(err).toMatchObject({ status: 400, carrierCode: 16023 });
  });
});
