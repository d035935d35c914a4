import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import twilio from 'twilio';
import { Hooks } from '../../../../test/support/carrier-hooks.js';
import { SimulatedCarrier, type SimulatedCarrierOptions } from './simulated/simulated-carrier.js';
import { createTwilioClient, type TwilioClient } from './twilio-client.js';

const SID = `AC${'1'.repeat(32)}`;
const TOKEN = 'simulated-carrier-test-token';
const OURS = '+12125550100';

const hooks = new Hooks(TOKEN);
const started: SimulatedCarrier[] = [];

async function carrier(options: Partial<SimulatedCarrierOptions> = {}): Promise<{ sim: SimulatedCarrier; client: TwilioClient }> {
  const sim = new SimulatedCarrier({ accountSid: SID, authToken: TOKEN, seed: 7, clock: 'manual', ringSeconds: [2, 2], talkSeconds: [10, 10], smsFailureRate: 0, ...options });
  started.push(sim);
  const url = await sim.start();
  return { sim, client: createTwilioClient({ accountSid: SID, authToken: TOKEN, baseUrl: url }) };
}

const BRIDGE = '<Response><Dial callerId="+12125550100"><Client>agent-7</Client></Dial></Response>';
const ALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];

beforeAll(() => hooks.start());
afterAll(() => hooks.stop());
afterEach(async () => {
  hooks.reset();
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('simulated carrier: calls through the official client', () => {
  it('plays out a call: queued, initiated and ringing after a second, answered, bridged, completed with the talk time', async () => {
    const { sim, client } = await carrier();
    sim.script('+13055550101', { outcome: 'answer', ringSeconds: 5, talkSeconds: 42 });
    hooks.reply('/answer', BRIDGE);
    const created = await client.calls.create({ to: '+13055550101', from: OURS, url: hooks.url('/answer?c=1'), statusCallback: hooks.url('/status?c=1'), statusCallbackEvent: ALL_EVENTS });
    expect(created).toMatchObject({ status: 'queued', to: '+13055550101', from: OURS, direction: 'outbound-api', accountSid: SID, duration: null, answeredBy: null, price: null });
    expect(created.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(created.dateCreated).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(sim.call(created.sid).events).toEqual(ALL_EVENTS);

    await sim.advance(999);
    expect(hooks.hits).toEqual([]);
    await sim.advance(1);
    expect(hooks.statuses()).toEqual(['initiated', 'ringing']);
    expect((await client.calls(created.sid).fetch()).status).toBe('ringing');

    await sim.advance(5000);
    const twiml = hooks.at('/answer');
    expect(twiml).toHaveLength(1);
    expect(twiml[0]).toMatchObject({ valid: true, params: { CallSid: created.sid, AccountSid: SID, From: OURS, To: '+13055550101', CallStatus: 'in-progress', Direction: 'outbound-api', ApiVersion: '2010-04-01' } });
    expect(twiml[0].params.AnsweredBy).toBeUndefined();
    expect(sim.call(created.sid)).toMatchObject({ status: 'in-progress', dialed: ['client:agent-7'], twiml: [BRIDGE] });

    await sim.advance(42_000);
    const callbacks = hooks.at('/status');
    expect(callbacks.map((h) => [h.params.CallStatus, h.params.SequenceNumber, h.params.Timestamp])).toEqual([
      ['initiated', '0', 'Thu, 01 Jan 2026 00:00:01 +0000'],
      ['ringing', '1', 'Thu, 01 Jan 2026 00:00:01 +0000'],
      ['in-progress', '2', 'Thu, 01 Jan 2026 00:00:06 +0000'],
      ['completed', '3', 'Thu, 01 Jan 2026 00:00:48 +0000'],
    ]);
    expect(callbacks[3].params).toMatchObject({ CallDuration: '42', Duration: '1', CallbackSource: 'call-progress-events', Direction: 'outbound-api', ApiVersion: '2010-04-01', AccountSid: SID });
    expect(hooks.hits.every((h) => h.valid)).toBe(true);
    expect(hooks.hits.map((h) => h.path)).toEqual(['/status', '/status', '/status', '/answer', '/status']);

    const done = await client.calls(created.sid).fetch();
    expect(done).toMatchObject({ status: 'completed', duration: '42', startTime: new Date('2026-01-01T00:00:01Z'), endTime: new Date('2026-01-01T00:00:48Z') });
    expect((await client.calls.list({ to: '+13055550101', limit: 20 })).map((c) => c.sid)).toEqual([created.sid]);
  });

  it('follows TwiML: Say and Pause take time, a relative Redirect fetches the next document, <Hangup/> ends the call', async () => {
    const { sim, client } = await carrier();
    sim.script('+13055550102', { outcome: 'answer', ringSeconds: 1 });
    hooks.reply('/answer', '<Response><Say>Hello</Say><Redirect>/next</Redirect></Response>');
    hooks.reply('/next', '<Response><Pause length="4"/><Hangup/><Say>never</Say></Response>');
    const { sid } = await client.calls.create({ to: '+13055550102', from: OURS, url: hooks.url('/answer'), statusCallback: hooks.url('/status') });
    await sim.advance(60_000);
    expect(hooks.at('/next')).toHaveLength(1);
    expect(hooks.at('/next')[0]).toMatchObject({ valid: true, params: { CallSid: sid, CallStatus: 'in-progress' } });
    expect(sim.call(sid).verbs.map((v) => v.verb)).toEqual(['Say', 'Redirect', 'Pause', 'Hangup', 'Say']);
    expect(hooks.at('/status').map((h) => [h.params.CallStatus, h.params.CallDuration])).toEqual([['completed', '7']]);

    // Inline TwiML: nothing is fetched, and a bare <Hangup/> ends the call the moment it is answered.
    const inline = await client.calls.create({ to: '+13055550102', from: OURS, twiml: '<Response><Hangup/></Response>' });
    await sim.advance(60_000);
    expect(await client.calls(inline.sid).fetch()).toMatchObject({ status: 'completed', duration: '0' });
  });

  it.each([
    { outcome: 'busy', detect: false, statuses: ['initiated', 'ringing', 'busy'], sip: '486', duration: '0', endsAfter: 5, answeredBy: null },
    { outcome: 'no-answer', detect: false, statuses: ['initiated', 'ringing', 'no-answer'], sip: '487', duration: '0', endsAfter: 21, answeredBy: null },
    { outcome: 'failed', detect: false, statuses: ['initiated', 'failed'], sip: '500', duration: '0', endsAfter: 1, answeredBy: null },
    // Detected: our side hangs up on the machine at once. Not asked for: it is answered like a person and bridged.
    { outcome: 'machine', detect: true, statuses: ['initiated', 'ringing', 'in-progress', 'completed'], sip: '200', duration: '0', endsAfter: 5, answeredBy: 'machine_start' },
    { outcome: 'machine', detect: false, statuses: ['initiated', 'ringing', 'in-progress', 'completed'], sip: '200', duration: '10', endsAfter: 15, answeredBy: null },
  ] as const)('$outcome (detection: $detect) ends with the carrier\'s parameters', async ({ outcome, detect, statuses, sip, duration, endsAfter, answeredBy }) => {
    const { sim, client } = await carrier();
    sim.script('+13055550103', { outcome, ringSeconds: 4 });
    hooks.reply('/answer', (p) => (p.AnsweredBy?.startsWith('machine') ? '<Response><Hangup/></Response>' : BRIDGE));
    const call = await client.calls.create({ to: '+13055550103', from: OURS, url: hooks.url('/answer'), statusCallback: hooks.url('/status'), statusCallbackEvent: ALL_EVENTS, timeout: 20, ...(detect ? { machineDetection: 'Enable' } : {}) });
    await sim.advance(120_000);
    const callbacks = hooks.at('/status');
    expect(callbacks.map((h) => h.params.CallStatus)).toEqual(statuses);
    const last = callbacks[callbacks.length - 1].params;
    expect(last).toMatchObject({ CallDuration: duration, SipResponseCode: sip });
    expect(last.AnsweredBy ?? null).toBe(answeredBy);
    expect(hooks.at('/answer').map((h) => h.params.AnsweredBy ?? null)).toEqual(outcome === 'machine' ? [answeredBy] : []);
    const fetched = await client.calls(call.sid).fetch();
    expect(fetched).toMatchObject({ status: statuses[statuses.length - 1], duration, answeredBy });
    expect(fetched.endTime).toEqual(new Date(Date.parse('2026-01-01T00:00:00Z') + endsAfter * 1000));
    expect(callbacks.every((h) => h.valid)).toBe(true);
  });

  it('cancels a ringing call, and refuses to cancel one in progress', async () => {
    const { sim, client } = await carrier();
    sim.script('+13055550104', { outcome: 'hold' });
    const call = await client.calls.create({ to: '+13055550104', from: OURS, url: hooks.url('/answer'), statusCallback: hooks.url('/status'), statusCallbackEvent: ALL_EVENTS });
    await sim.advance(1500);
    expect((await client.calls(call.sid).update({ status: 'canceled' })).status).toBe('canceled');
    await sim.settle();
    await sim.advance(600_000);
    expect(hooks.at('/status').map((h) => [h.params.CallStatus, h.params.CallDuration])).toEqual([
      ['initiated', undefined],
      ['ringing', undefined],
      ['canceled', '0'],
    ]);

    sim.script('+13055550105', { outcome: 'answer', ringSeconds: 1 });
    hooks.reply('/answer', BRIDGE);
    const live = await client.calls.create({ to: '+13055550105', from: OURS, url: hooks.url('/answer') });
    await sim.advance(3000);
    await expect(client.calls(live.sid).update({ status: 'canceled' })).rejects.toMatchObject({ status: 400, code: 21220 });
  });

  it('hangs up a call in progress with update(status=completed); the old document\'s timers do nothing after', async () => {
    const { sim, client } = await carrier();
    sim.script('+13055550106', { outcome: 'answer', ringSeconds: 2, talkSeconds: 300 });
    hooks.reply('/answer', BRIDGE);
    const call = await client.calls.create({ to: '+13055550106', from: OURS, url: hooks.url('/answer'), statusCallback: hooks.url('/status'), statusCallbackEvent: ['answered', 'completed'] });
    await sim.advance(3000);
    expect(sim.call(call.sid).status).toBe('in-progress');
    await sim.advance(10_000);
    const updated = await client.calls(call.sid).update({ status: 'completed' });
    expect(updated).toMatchObject({ status: 'completed', duration: '10' });
    await sim.settle();
    await sim.advance(600_000);
    expect(hooks.at('/status').map((h) => [h.params.CallStatus, h.params.CallDuration ?? null])).toEqual([
      ['in-progress', null],
      ['completed', '10'],
    ]);
  });

  it('refuses wrong credentials, unknown sids and bad numbers the way the carrier does', async () => {
    const { sim, client } = await carrier();
    const wrong = createTwilioClient({ accountSid: SID, authToken: 'not-the-token', baseUrl: sim.url });
    await expect(wrong.calls.create({ to: '+13055550107', from: OURS, url: hooks.url('/answer') })).rejects.toMatchObject({ status: 401, code: 20003 });
    await expect(wrong.messages.list({ limit: 1 })).rejects.toMatchObject({ status: 401 });
    await expect(client.calls(`CA${'0'.repeat(32)}`).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(client.messages(`SM${'0'.repeat(32)}`).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(client.calls.create({ to: '12', from: OURS, url: hooks.url('/answer') })).rejects.toMatchObject({ status: 400, code: 21211, message: expect.stringContaining("'To'") });
    await expect(client.calls.create({ to: '+13055550107', from: 'nobody', url: hooks.url('/answer') })).rejects.toMatchObject({ status: 400, code: 21212, message: expect.stringContaining("'From'") });
    await expect(client.messages.create({ to: '555', from: OURS, body: 'hi' })).rejects.toMatchObject({ status: 400, code: 21211, message: expect.stringContaining("'To'") });
    await expect(client.messages.create({ to: '+13055550107', from: OURS, body: '' })).rejects.toMatchObject({ status: 400, code: 21602 });
    expect(sim.listCalls()).toEqual([]);
  });

  it('the same seed and the same requests give the same calls; outcomes vary across calls', async () => {
    const run = async () => {
      const { sim, client } = await carrier({ seed: 42, ringSeconds: [3, 12], talkSeconds: [20, 120] });
      hooks.reply('/answer', BRIDGE);
      const sids: string[] = [];
      for (let i = 0; i < 16; i++) sids.push((await client.calls.create({ to: `+1305555${2000 + i}`, from: OURS, url: hooks.url('/answer'), machineDetection: 'Enable' })).sid);
      await sim.advance(15 * 60_000);
      const calls = sids.map((s) => sim.call(s));
      await sim.stop();
      return { sids, outcomes: calls.map((c) => [c.status, c.duration, c.answeredBy, c.endTime?.toISOString()]) };
    };
    const first = await run();
    const second = await run();
    expect(second.outcomes).toEqual(first.outcomes);
    expect(new Set(first.outcomes.map((c) => c[0])).size).toBeGreaterThan(2);
    // A restart (a new carrier on the same seed) never hands out an id it handed out before.
    expect(new Set([...first.sids, ...second.sids]).size).toBe(32);
  });

  it('ids never repeat across restarts and instances: calls, texts and recordings', async () => {
    const seen = new Set<string>();
    for (let boot = 0; boot < 3; boot++) {
      const { sim, client } = await carrier({ seed: 7 });
      hooks.reply('/answer', '<Response><Record maxLength="5" recordingStatusCallback="' + hooks.url('/rec') + '"/></Response>');
      const call = await client.calls.create({ to: '+13055550120', from: OURS, url: hooks.url('/answer'), statusCallback: hooks.url('/status') });
      sim.script('+13055550120', { outcome: 'answer', ringSeconds: 1, talkSeconds: 5 });
      const text = await client.messages.create({ to: '+13055550121', from: OURS, body: 'hi', statusCallback: hooks.url('/sms') });
      await sim.advance(60_000);
      const recordings = hooks.at('/rec').map((h) => h.params.RecordingSid);
      for (const id of [call.sid, text.sid, ...recordings]) {
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
      await sim.stop();
      hooks.reset();
    }
    expect(seen.size).toBe(9);
    expect(() => new SimulatedCarrier({ accountSid: SID, authToken: TOKEN, seed: 1, clock: 'manual', instance: 'nope' })).toThrow(/instance/);
    const fixed = new SimulatedCarrier({ accountSid: SID, authToken: TOKEN, seed: 1, clock: 'manual', instance: '00000000000000ab' });
    expect(fixed.instance).toBe('00000000000000ab');
  });
});

describe('simulated carrier: webhook delivery', () => {
  it('retries a callback our side answered 500, and every attempt is recorded', async () => {
    const { sim, client } = await carrier();
    sim.script('+13055550108', { outcome: 'busy', ringSeconds: 1 });
    hooks.fail('/status', 1);
    await client.calls.create({ to: '+13055550108', from: OURS, url: hooks.url('/answer'), statusCallback: hooks.url('/status') });
    await sim.advance(10_000);
    expect(hooks.statuses()).toEqual(['busy']);
    expect(sim.deliveries.map((d) => [d.kind, d.params.CallStatus, d.attempt, d.status])).toEqual([
      ['call-status', 'busy', 1, 500],
      ['call-status', 'busy', 2, 204],
    ]);
  });

  it('survives our side being down: three tries, a warning, and the call still ends', async () => {
    const warnings: string[] = [];
    const { sim, client } = await carrier({ logger: { warn: (m) => warnings.push(m) } });
    sim.script('+13055550109', { outcome: 'answer', ringSeconds: 1 });
    const call = await client.calls.create({ to: '+13055550109', from: OURS, url: 'http://127.0.0.1:9/answer', statusCallback: 'http://127.0.0.1:9/status' });
    await sim.advance(60_000);
    expect((await client.calls(call.sid).fetch()).status).toBe('completed');
    expect(sim.deliveries.map((d) => [d.kind, d.status])).toEqual([...Array(3).fill(['twiml', 0]), ...Array(3).fill(['call-status', 0])]);
    expect(warnings.some((w) => w.includes('failed three times'))).toBe(true);
  });

  it('signs exactly as the carrier does: a captured callback fails with a wrong token or an altered parameter', async () => {
    const { sim, client } = await carrier();
    sim.script('+13055550110', { outcome: 'busy', ringSeconds: 1 });
    await client.calls.create({ to: '+13055550110', from: OURS, url: hooks.url('/answer'), statusCallback: hooks.url('/status?c=abc&x=1') });
    await sim.advance(10_000);
    const [d] = sim.deliveries;
    expect(d.url).toBe(hooks.url('/status?c=abc&x=1'));
    expect(twilio.validateRequest(TOKEN, d.signature, d.url, d.params)).toBe(true);
    expect(twilio.validateRequest('forged-token', d.signature, d.url, d.params)).toBe(false);
    expect(twilio.validateRequest(TOKEN, d.signature, d.url, { ...d.params, CallDuration: '99' })).toBe(false);
    expect(twilio.validateRequest(TOKEN, d.signature, hooks.url('/status?c=other&x=1'), d.params)).toBe(false);
  });
});

describe('simulated carrier: texts', () => {
  it('sends a text through queued, sending, sent and delivered, with signed callbacks', async () => {
    const { sim, client } = await carrier();
    const sent = await client.messages.create({ to: '+13055550111', from: OURS, body: 'Hello from Switchboard', statusCallback: hooks.url('/sms-status?c=9') });
    expect(sent).toMatchObject({ status: 'queued', to: '+13055550111', from: OURS, body: 'Hello from Switchboard', direction: 'outbound-api', numSegments: '1', errorCode: null });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    await sim.advance(3000);
    const callbacks = hooks.at('/sms-status');
    expect(callbacks.map((h) => h.params.MessageStatus)).toEqual(['sending', 'sent', 'delivered']);
    expect(callbacks[2]).toMatchObject({ valid: true, params: { MessageSid: sent.sid, SmsSid: sent.sid, SmsStatus: 'delivered', AccountSid: SID, From: OURS, To: '+13055550111' } });
    expect(callbacks[2].params.ErrorCode).toBeUndefined();
    const fetched = await client.messages(sent.sid).fetch();
    expect(fetched).toMatchObject({ status: 'delivered', errorCode: null, dateSent: new Date('2026-01-01T00:00:01Z') });
  });

  it.each([
    { name: 'a scripted failure', script: { outcome: 'failed' as const }, rate: 0, statuses: ['sending', 'sent', 'undelivered'], codes: ['30003'] },
    { name: 'a text refused before sending', script: { outcome: 'failed' as const, smsFailure: { status: 'failed' as const, errorCode: 30005 } }, rate: 0, statuses: ['sending', 'failed'], codes: ['30005'] },
    { name: 'the failure rate', script: null, rate: 1, statuses: ['sending', 'sent', 'undelivered'], codes: ['30003', '30005'] },
  ])('$name ends the text with the carrier\'s error code', async ({ script, rate, statuses, codes }) => {
    const { sim, client } = await carrier({ smsFailureRate: rate });
    if (script) sim.script('+13055550112', script);
    const sent = await client.messages.create({ to: '+13055550112', from: OURS, body: 'Hi', statusCallback: hooks.url('/sms-status') });
    await sim.advance(3000);
    const callbacks = hooks.at('/sms-status');
    expect(callbacks.map((h) => h.params.MessageStatus)).toEqual(statuses);
    const last = callbacks[callbacks.length - 1].params;
    expect(codes).toContain(last.ErrorCode);
    const fetched = await client.messages(sent.sid).fetch();
    expect(fetched.status).toBe(statuses[statuses.length - 1]);
    expect(String(fetched.errorCode)).toBe(last.ErrorCode);
    expect(fetched.errorMessage).toEqual(expect.any(String));
  });

  it('an inbound STOP reaches our webhook signed, and our <Message> reply is kept as a text back', async () => {
    const { sim } = await carrier({ inboundSmsUrl: hooks.url('/sms') });
    hooks.reply('/sms', '<?xml version="1.0" encoding="UTF-8"?><Response><Message>You are unsubscribed. Reply START to resubscribe.</Message></Response>');
    const reply = await sim.injectInboundSms({ from: '+13055550113', to: OURS, body: 'STOP' });
    expect(reply).toContain('You are unsubscribed.');
    const [hit] = hooks.at('/sms');
    expect(hit.valid).toBe(true);
    expect(hit.params).toMatchObject({ From: '+13055550113', To: OURS, Body: 'STOP', AccountSid: SID, NumMedia: '0', NumSegments: '1' });
    expect(hit.params.MessageSid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(hit.params.SmsSid).toBe(hit.params.MessageSid);
    expect(sim.listMessages().map((m) => [m.direction, m.from, m.to, m.status, m.body])).toEqual([
      ['inbound', '+13055550113', OURS, 'received', 'STOP'],
      ['outbound-reply', OURS, '+13055550113', 'sent', 'You are unsubscribed. Reply START to resubscribe.'],
    ]);
  });
});

describe('simulated carrier: inbound calls and controls', () => {
  it('an inbound call asks our voice webhook, rings the agent, then follows the <Dial> action when the talk ends', async () => {
    const { sim } = await carrier({ inboundVoiceUrl: hooks.url('/voice') });
    sim.script('+13055550114', { outcome: 'answer', talkSeconds: 30 });
    hooks.reply('/voice', '<Response><Dial timeout="20" action="/fallback?c=5"><Client>agent-9</Client></Dial></Response>');
    hooks.reply('/fallback', (p) => (p.DialCallStatus === 'completed' ? '<Response><Hangup/></Response>' : '<Response><Record/></Response>'));
    const call = await sim.injectInboundCall({ from: '+13055550114', to: OURS });
    expect(call).toMatchObject({ direction: 'inbound', status: 'in-progress', dialed: ['client:agent-9'] });
    const [voice] = hooks.at('/voice');
    expect(voice).toMatchObject({ valid: true, params: { CallSid: call.sid, AccountSid: SID, From: '+13055550114', To: OURS, CallStatus: 'ringing', Direction: 'inbound', ApiVersion: '2010-04-01' } });
    await sim.advance(30_000);
    const [fallback] = hooks.at('/fallback');
    expect(fallback).toMatchObject({ valid: true, params: { CallSid: call.sid, DialCallStatus: 'completed', DialCallDuration: '30' } });
    expect(sim.call(call.sid)).toMatchObject({ status: 'completed', duration: 30 });
  });

  it('the far end answers, mutes, presses digits and hangs up, by method and by the /sim routes', async () => {
    const { sim, client } = await carrier();
    hooks.reply('/answer', BRIDGE);
    const auth = { Authorization: `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`, 'Content-Type': 'application/json' };
    const sim$ = async (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) => {
      const res = await fetch(`${sim.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as Record<string, unknown>) };
    };

    expect((await sim$('PUT', `/sim/scripts/${encodeURIComponent('+13055550115')}`, { outcome: 'hold' })).status).toBe(200);
    const call = await client.calls.create({ to: '+13055550115', from: OURS, url: hooks.url('/answer'), statusCallback: hooks.url('/status'), statusCallbackEvent: ALL_EVENTS });
    await sim.advance(1000);
    await sim.advance(59_000); // a held call rings on…
    expect(sim.call(call.sid).status).toBe('ringing');

    expect(await sim$('POST', `/sim/calls/${call.sid}/answer`, {})).toMatchObject({ status: 200, body: { sid: call.sid, status: 'in-progress', dialed: ['client:agent-7'] } });
    await sim$('POST', `/sim/calls/${call.sid}/mute`, { muted: true });
    await sim$('POST', `/sim/calls/${call.sid}/digits`, { digits: '12#' });
    sim.sendDigits(call.sid, '9');
    expect(sim.call(call.sid)).toMatchObject({ muted: true, digits: '12#9' });
    await sim.advance(4000);
    expect(await sim$('POST', `/sim/calls/${call.sid}/hangup`)).toMatchObject({ status: 200, body: { status: 'completed', duration: 4 } });
    expect(hooks.statuses()).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(hooks.at('/status')[3].params.CallDuration).toBe('4');

    expect((await sim$('POST', `/sim/calls/${call.sid}/answer`, {})).body).toMatchObject({ status: 409, code: 21220 });
    expect((await sim$('GET', `/sim/calls/CA${'0'.repeat(32)}`)).status).toBe(404);
    expect((await sim$('GET', '/sim/calls', undefined, { Authorization: 'Basic eDp5' })).status).toBe(401);
    const listed = (await sim$('GET', '/sim/calls')).body as { calls: Array<{ sid: string; status: string }> };
    expect(listed.calls.map((c) => [c.sid, c.status])).toEqual([[call.sid, 'completed']]);

    // A callee who refuses, and the method form of answer with a machine.
    sim.script('+13055550116', { outcome: 'hold' });
    const refused = await client.calls.create({ to: '+13055550116', from: OURS, url: hooks.url('/answer') });
    await sim.advance(1000);
    await sim.reject(refused.sid, 'busy');
    expect(sim.call(refused.sid).status).toBe('busy');
    const machine = await client.calls.create({ to: '+13055550116', from: OURS, url: hooks.url('/answer'), machineDetection: 'DetectMessageEnd' });
    await sim.answer(machine.sid, { answeredBy: 'machine_end_beep' });
    expect((await client.calls(machine.sid).fetch()).answeredBy).toBe('machine_end_beep');
    expect(hooks.at('/answer').at(-1)?.params.AnsweredBy).toBe('machine_end_beep');
  });

  it('on the real clock, sped up, a call plays out on its own in carrier seconds', async () => {
    const { sim, client } = await carrier({ clock: 'real', speed: 10, startAt: new Date('2026-02-01T12:00:00Z') });
    sim.script('+13055550117', { outcome: 'answer', ringSeconds: 2, talkSeconds: 5 });
    hooks.reply('/answer', BRIDGE);
    const ended = hooks.arrival('/status'); // the completed callback: the call played out by itself
    const call = await client.calls.create({ to: '+13055550117', from: OURS, url: hooks.url('/answer'), statusCallback: hooks.url('/status') });
    await ended;
    expect(sim.call(call.sid).status).toBe('completed');
    await sim.settle();
    expect(hooks.statuses()).toEqual(['completed']);
    // At least the scripted talk time; a busy machine's late timers can only add carrier seconds (10 per real second here).
    const duration = Number(hooks.at('/status')[0].params.CallDuration);
    expect(duration).toBeGreaterThanOrEqual(5);
    expect(duration).toBeLessThanOrEqual(8);
    expect(sim.call(call.sid).endTime?.toISOString().slice(0, 16)).toBe('2026-02-01T12:00');
  });
});
