import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import twilio from 'twilio';
import { Hooks } from '../../../../test/support/carrier-hooks.js';
import { SimulatedCarrier } from './simulated/simulated-carrier.js';
import { createTwilioClient, type TwilioClient } from './twilio-client.js';

const SID = `AC${'2'.repeat(32)}`;
const TOKEN = 'simulated-conference-test-token';
const OURS = '+12125550100';
const LEAD = '+13055550101';
const ALL = ['start', 'end', 'join', 'leave', 'mute', 'hold', 'modify', 'announcement'];

const hooks = new Hooks(TOKEN);
const started: SimulatedCarrier[] = [];

async function carrier(): Promise<{ sim: SimulatedCarrier; client: TwilioClient }> {
  const sim = new SimulatedCarrier({ accountSid: SID, authToken: TOKEN, seed: 11, clock: 'manual', ringSeconds: [2, 2], talkSeconds: [600, 600], smsFailureRate: 0 });
  started.push(sim);
  sim.script(LEAD, { outcome: 'answer' });
  const url = await sim.start();
  return { sim, client: createTwilioClient({ accountSid: SID, authToken: TOKEN, baseUrl: url }) };
}

/** The lead's call joins `room` and waits there for the agent, who starts it; the dial's action is asked afterwards. */
function roomTwiml(room: string, extra: Record<string, string> = {}): string {
  const r = new twilio.twiml.VoiceResponse();
  r.dial({ action: hooks.url('/after-room') }).conference(
    { startConferenceOnEnter: false, endConferenceOnExit: false, beep: 'false', statusCallback: hooks.url('/conf'), statusCallbackEvent: ALL.join(' '), ...extra } as never,
    room,
  );
  return r.toString();
}

/** A lead's call answered into `room`, and the agent's phone dialed into it over REST, both in. */
async function liveCall(sim: SimulatedCarrier, client: TwilioClient, room: string) {
  hooks.reply('/answer', roomTwiml(room));
  const lead = await client.calls.create({ to: LEAD, from: OURS, url: hooks.url('/answer') });
  await sim.advance(3000); // dialed after 1 s, answered after 2 s of ringing
  expect(sim.conferenceView(room)).toMatchObject({ status: 'init', participants: [{ callSid: lead.sid, status: 'connected' }] });
  const agent = await client.conferences(room).participants.create({ from: OURS, to: 'client:agent-7', label: 'agent', startConferenceOnEnter: true, endConferenceOnExit: true });
  expect(agent).toMatchObject({ status: 'queued', callSid: expect.stringMatching(/^CA[0-9a-f]{32}$/), label: 'agent' });
  await sim.advance(2000); // the agent's phone answers about a second after it rings
  return { lead: lead.sid, agent: agent.callSid };
}

const events = () => hooks.at('/conf').map((h) => [h.params.StatusCallbackEvent, h.params.CallSid ?? null]);

beforeAll(() => hooks.start());
afterAll(() => hooks.stop());
afterEach(async () => {
  hooks.reset();
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('simulated carrier: conferences through the official client', () => {
  it('a lead waits in the room until the agent who starts it enters; then each hears the other, and every event is signed', async () => {
    const { sim, client } = await carrier();
    hooks.reply('/answer', roomTwiml('call-1'));
    const lead = await client.calls.create({ to: LEAD, from: OURS, url: hooks.url('/answer') });
    await sim.advance(3000);
    const waiting = sim.conferenceView('call-1');
    expect(waiting).toMatchObject({ status: 'init', hears: { [lead.sid]: [] } });

    const agent = await client.conferences('call-1').participants.create({ from: OURS, to: 'client:agent-7', startConferenceOnEnter: true, endConferenceOnExit: true });
    const listed = await client.conferences('call-1').participants.list();
    expect(listed.map((p) => [p.callSid, p.status])).toEqual([
      [lead.sid, 'connected'],
      [agent.callSid, 'queued'],
    ]);
    await sim.advance(1000);
    expect((await client.conferences('call-1').participants(agent.callSid).fetch()).status).toBe('ringing');
    await sim.advance(1000);
    const live = sim.conferenceView('call-1');
    expect(live.status).toBe('in-progress');
    expect(live.hears).toEqual({ [lead.sid]: [agent.callSid], [agent.callSid]: [lead.sid] });
    expect(sim.call(agent.callSid)).toMatchObject({ status: 'in-progress', to: 'client:agent-7', dialed: ['conference:call-1'] });

    expect(events()).toEqual([
      ['participant-join', lead.sid],
      ['participant-join', agent.callSid],
      ['conference-start', null],
    ]);
    const conf = await client.conferences(waiting.sid).fetch();
    expect(conf).toMatchObject({ sid: waiting.sid, friendlyName: 'call-1', status: 'in-progress', accountSid: SID });
    expect(conf.sid).toMatch(/^CF[0-9a-f]{32}$/);
    expect(hooks.at('/conf').every((h) => h.valid)).toBe(true);
    expect(hooks.at('/conf').map((h) => h.params.SequenceNumber)).toEqual(['0', '1', '2']);
    expect((await client.conferences.list({ friendlyName: 'call-1', status: 'in-progress' })).map((c) => c.sid)).toEqual([waiting.sid]);
  });

  it('a supervisor listens (heard by nobody), whispers (heard by the agent only), barges (heard by both) and leaves without ending the call', async () => {
    const { sim, client } = await carrier();
    const { lead, agent } = await liveCall(sim, client, 'call-2');
    const room = client.conferences('call-2');
    const sup = await room.participants.create({ from: OURS, to: 'client:supervisor-3', muted: true, startConferenceOnEnter: false, endConferenceOnExit: false });
    await sim.advance(2000);
    const listen = sim.conferenceView('call-2').hears;
    expect(listen[sup.callSid]).toEqual([lead, agent]);
    expect(listen[lead]).toEqual([agent]);
    expect(listen[agent]).toEqual([lead]);

    const whisper = await room.participants(sup.callSid).update({ muted: false, coaching: true, callSidToCoach: agent });
    expect(whisper).toMatchObject({ muted: false, coaching: true, callSidToCoach: agent });
    await sim.settle();
    const coached = sim.conferenceView('call-2').hears;
    expect(coached[agent]).toEqual([lead, sup.callSid]);
    expect(coached[lead]).toEqual([agent]);

    await room.participants(sup.callSid).update({ coaching: false });
    await sim.settle();
    const barged = sim.conferenceView('call-2').hears;
    expect(barged[lead]).toEqual([agent, sup.callSid]);
    expect(barged[agent]).toEqual([lead, sup.callSid]);

    // Back to listening, in the call, without rejoining.
    await room.participants(sup.callSid).update({ muted: true });
    await sim.settle();
    expect(sim.conferenceView('call-2').hears[lead]).toEqual([agent]);

    await room.participants(sup.callSid).remove();
    await sim.settle();
    expect(sim.conferenceView('call-2')).toMatchObject({ status: 'in-progress', hears: { [lead]: [agent], [agent]: [lead] } });
    expect(sim.call(sup.callSid).status).toBe('completed');
    expect(events().filter(([, who]) => who === sup.callSid).map(([e]) => e)).toEqual(['participant-join', 'participant-unmute', 'participant-modify', 'participant-modify', 'participant-mute', 'participant-leave']);
    const modify = hooks.at('/conf').find((h) => h.params.StatusCallbackEvent === 'participant-modify');
    expect(modify?.params).toMatchObject({ Coaching: 'true', CallSidToCoach: agent, Muted: 'false' });
  });

  it('refuses coaching without a call to coach, or of a call not in the room, with the carrier\'s codes', async () => {
    const { sim, client } = await carrier();
    const { agent } = await liveCall(sim, client, 'call-3');
    const room = client.conferences('call-3');
    await expect(room.participants.create({ from: OURS, to: 'client:supervisor-3', coaching: true })).rejects.toMatchObject({ status: 400, code: 16022 });
    await expect(room.participants.create({ from: OURS, to: 'client:supervisor-3', coaching: true, callSidToCoach: `CA${'9'.repeat(32)}` })).rejects.toMatchObject({ status: 400, code: 16023 });
    await expect(room.participants(agent).update({ coaching: true, callSidToCoach: agent })).rejects.toMatchObject({ status: 400, code: 16024 });
    await expect(room.participants(`CA${'9'.repeat(32)}`).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('a lead on hold hears the hold music and is heard by nobody; taken off hold, the call goes on', async () => {
    const { sim, client } = await carrier();
    const { lead, agent } = await liveCall(sim, client, 'call-4');
    const held = await client.conferences('call-4').participants(lead).update({ hold: true, holdUrl: hooks.url('/music') });
    expect(held.hold).toBe(true);
    await sim.settle();
    expect(sim.conferenceView('call-4').hears).toEqual({ [lead]: [], [agent]: [] });
    await client.conferences('call-4').participants(lead).update({ hold: false });
    await sim.settle();
    expect(sim.conferenceView('call-4').hears).toEqual({ [lead]: [agent], [agent]: [lead] });
    expect(events().filter(([e]) => String(e).includes('hold'))).toEqual([
      ['participant-hold', lead],
      ['participant-unhold', lead],
    ]);
  });

  it('the agent who ends the room leaves: the room ends and the lead\'s call goes on to its dial action', async () => {
    const { sim, client } = await carrier();
    const { lead, agent } = await liveCall(sim, client, 'call-5');
    hooks.reply('/after-room', '<Response><Say>Goodbye</Say><Hangup/></Response>');
    await sim.hangup(agent);
    await sim.settle();
    const ended = sim.conferenceView(sim.conferenceViews().length ? (sim.conferenceViews()[0] as { sid: string }).sid : '');
    expect(ended).toMatchObject({ status: 'completed', reasonConferenceEnded: 'participant-with-end-conference-on-exit-left', participants: [] });
    expect(hooks.at('/after-room')).toHaveLength(1);
    expect(hooks.at('/after-room')[0].params).toMatchObject({ CallSid: lead, DialCallStatus: 'completed' });
    await sim.advance(3000);
    expect(sim.call(lead).status).toBe('completed');
    const end = hooks.at('/conf').find((h) => h.params.StatusCallbackEvent === 'conference-end');
    expect(end?.params).toMatchObject({ ReasonConferenceEnded: 'participant-with-end-conference-on-exit-left', CallSidEndingConference: agent });
    expect(await client.conferences.list({ status: 'in-progress' })).toEqual([]);
  });

  it('ended over REST, everyone leaves; a redirected call leaves the room without asking its old dial action', async () => {
    const { sim, client } = await carrier();
    const first = await liveCall(sim, client, 'call-6');
    hooks.reply('/elsewhere', '<Response><Pause length="30"/></Response>');
    await client.calls(first.lead).update({ url: hooks.url('/elsewhere') });
    await sim.settle();
    expect(sim.conferenceView('call-6').participants.map((p) => p.callSid)).toEqual([first.agent]);
    expect(sim.call(first.lead).status).toBe('in-progress');
    expect(hooks.at('/after-room')).toEqual([]);

    const sid = sim.conferenceView('call-6').sid;
    const done = await client.conferences(sid).update({ status: 'completed' });
    expect(done.sid).toBe(sid);
    await sim.settle();
    expect(sim.conferenceView(sid)).toMatchObject({ status: 'completed', reasonConferenceEnded: 'conference-ended-via-api' });
    expect(sim.call(first.agent).status).toBe('completed');
    expect(sim.call(first.lead).status).toBe('in-progress');
    expect((await client.conferences(sid).participants.list()).length).toBe(0);
    // A new call may use the same name: it is another room.
    const again = await liveCall(sim, client, 'call-6');
    expect(sim.conferenceView('call-6').sid).not.toBe(sid);
    expect(sim.conferenceView('call-6').participants.map((p) => p.callSid)).toEqual([again.lead, again.agent]);
  });

  it('the lead hanging up leaves the agent alone in the room; the last one out ends it; a room recorded from the start reports its recording', async () => {
    const { sim, client } = await carrier();
    hooks.reply('/answer', roomTwiml('call-7', { record: 'record-from-start', recordingStatusCallback: hooks.url('/recording') }));
    const lead = await client.calls.create({ to: LEAD, from: OURS, url: hooks.url('/answer') });
    await sim.advance(3000);
    const agent = await client.conferences('call-7').participants.create({ from: OURS, to: 'client:agent-7', startConferenceOnEnter: true, endConferenceOnExit: false });
    await sim.advance(2000);
    await sim.advance(40_000);
    await sim.hangup(lead.sid);
    await sim.settle();
    const view = sim.conferenceView('call-7');
    expect(view).toMatchObject({ status: 'in-progress', participants: [{ callSid: agent.callSid }] });
    await sim.hangup(agent.callSid);
    await sim.settle();
    expect(sim.conferenceView(view.sid)).toMatchObject({ status: 'completed', reasonConferenceEnded: 'last-participant-left' });
    const [recording] = hooks.at('/recording');
    expect(recording.valid).toBe(true);
    expect(recording.params).toMatchObject({ ConferenceSid: view.sid, RecordingStatus: 'completed', RecordingSource: 'Conference', RecordingDuration: '40' });
    expect(recording.params.RecordingSid).toMatch(/^RE[0-9a-f]{32}$/);
  });

  it('an agent\'s phone that does not answer leaves the room unjoined, and the room goes on', async () => {
    const { sim, client } = await carrier();
    const { lead, agent } = await liveCall(sim, client, 'call-8');
    sim.script('client:agent-9', { outcome: 'hold' });
    const second = await client.conferences('call-8').participants.create({ from: OURS, to: 'client:agent-9', timeout: 10 });
    await sim.advance(2000);
    expect((await client.conferences('call-8').participants(second.callSid).fetch()).status).toBe('ringing');
    await sim.advance(10_000);
    expect(sim.call(second.callSid).status).toBe('no-answer');
    expect(sim.conferenceView('call-8')).toMatchObject({ status: 'in-progress', participants: [{ callSid: lead }, { callSid: agent }] });
  });
});

describe('simulated carrier: recording a call in progress through the official client', () => {
  it('starts, pauses (card numbers are skipped), resumes and stops a recording; the status callback reports the recorded seconds', async () => {
    const { sim, client } = await carrier();
    const { lead } = await liveCall(sim, client, 'call-9');
    const rec = await client.calls(lead).recordings.create({ recordingStatusCallback: hooks.url('/rec'), recordingStatusCallbackEvent: ['in-progress', 'paused', 'completed'] });
    expect(rec).toMatchObject({ callSid: lead, status: 'in-progress' });
    expect(rec.sid).toMatch(/^RE[0-9a-f]{32}$/);
    await sim.advance(10_000);
    await client.calls(lead).recordings('Twilio.CURRENT').update({ status: 'paused', pauseBehavior: 'skip' });
    await sim.advance(20_000);
    await client.calls(lead).recordings(rec.sid).update({ status: 'in-progress' });
    await sim.advance(5_000);
    await client.calls(lead).recordings(rec.sid).update({ status: 'stopped' });
    await sim.settle();
    const events = hooks.at('/rec');
    expect(events.every((h) => h.valid)).toBe(true);
    expect(events.map((h) => h.params.RecordingStatus)).toEqual(['in-progress', 'paused', 'in-progress', 'completed']);
    expect(events.at(-1)?.params).toMatchObject({ RecordingSid: rec.sid, CallSid: lead, RecordingDuration: '15' });
    expect((await client.calls(lead).recordings(rec.sid).fetch()).status).toBe('completed');
    await expect(client.calls(lead).recordings(rec.sid).update({ status: 'in-progress' })).rejects.toMatchObject({ status: 400 });
  });

  it('a recording still running when the call ends is completed with it; a call not in progress cannot be recorded', async () => {
    const { sim, client } = await carrier();
    const { lead } = await liveCall(sim, client, 'call-10');
    await client.calls(lead).recordings.create({ recordingStatusCallback: hooks.url('/rec') });
    await sim.advance(7_000);
    await sim.hangup(lead);
    await sim.settle();
    expect(hooks.at('/rec').map((h) => [h.params.RecordingStatus, h.params.RecordingDuration])).toEqual([['completed', '7']]);
    await expect(client.calls(lead).recordings.create({})).rejects.toMatchObject({ status: 400, code: 21220 });
  });
});
