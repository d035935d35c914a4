import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import twilio from 'twilio';
import { SimulatedCarrier } from './simulated-carrier.js';
import { createTwilioClient } from './twilio-client.js';

const SID = `AC${'1'.repeat(32)}`;
const TOKEN = 'simulated-carrier-test-token';

describe('simulated carrier', () => {
  let hook: Server;
  let hookUrl: string;
  const received: Array<{ url: string; params: Record<string, string>; valid: boolean }> = [];

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(body));
        const url = `${hookUrl}${req.url}`;
        received.push({ url, params, valid: twilio.validateRequest(TOKEN, String(req.headers['x-twilio-signature']), url, params) });
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.end(req.url?.startsWith('/twiml') ? '<Response><Say>Hi</Say><Hangup/></Response>' : '');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => hook.close(() => r())));

  async function carrier(seed = 7) {
    const c = new SimulatedCarrier({ accountSid: SID, authToken: TOKEN, seed, clock: 'manual', ringSeconds: [2, 2], talkSeconds: [10, 10] });
    const url = await c.start();
    return { c, client: createTwilioClient({ accountSid: SID, authToken: TOKEN, baseUrl: url }) };
  }

  it('answers the real client in its REST shape and signs every callback', async () => {
    const { c, client } = await carrier();
    try {
      c.script('+12125550111', { outcome: 'answer' });
      const call = await client.calls.create({ to: '+12125550111', from: '+12125550100', url: `${hookUrl}/twiml`, statusCallback: `${hookUrl}/status`, statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'] });
      expect(call).toMatchObject({ status: 'queued', to: '+12125550111', direction: 'outbound-api' });
      received.length = 0;
      await c.advance(60_000);
      const statuses = received.filter((r) => r.url.endsWith('/status')).map((r) => r.params.CallStatus);
      expect(statuses).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
      expect(received.every((r) => r.valid)).toBe(true);
      const fetched = await client.calls(call.sid).fetch();
      expect(fetched).toMatchObject({ status: 'completed', duration: '3' });
      expect(c.calls.get(call.sid)?.twiml[0]).toContain('<Hangup/>');
    } finally {
      await c.stop();
    }
  });

  it('answering-machine detection reports a machine to the callback and to the TwiML request', async () => {
    const { c, client } = await carrier();
    try {
      c.script('+12125550122', { outcome: 'machine' });
      received.length = 0;
      const call = await client.calls.create({ to: '+12125550122', from: '+12125550100', url: `${hookUrl}/twiml`, machineDetection: 'Enable', statusCallback: `${hookUrl}/status`, statusCallbackEvent: ['answered', 'completed'] });
      await c.advance(60_000);
      expect(received.find((r) => r.url.endsWith('/twiml'))?.params.AnsweredBy).toBe('machine_start');
      expect(received.filter((r) => r.url.endsWith('/status')).map((r) => [r.params.CallStatus, r.params.AnsweredBy])).toEqual([
        ['in-progress', 'machine_start'],
        ['completed', 'machine_start'],
      ]);
      expect((await client.calls(call.sid).fetch()).answeredBy).toBe('machine_start');
    } finally {
      await c.stop();
    }
  });

  it('refuses wrong credentials, unknown sids and bad numbers the way the carrier does', async () => {
    const { c } = await carrier();
    try {
      const wrong = createTwilioClient({ accountSid: SID, authToken: 'nope', baseUrl: c.url });
      await expect(wrong.calls.create({ to: '+12125550111', from: '+12125550100', url: hookUrl })).rejects.toMatchObject({ status: 401, code: 20003 });
      const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, baseUrl: c.url });
      await expect(client.calls(`CA${'0'.repeat(32)}`).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
      await expect(client.calls.create({ to: '12', from: '+12125550100', url: hookUrl })).rejects.toMatchObject({ status: 400, code: 21201, message: expect.stringContaining("'To'") });
    } finally {
      await c.stop();
    }
  });

  it('the same seed gives the same outcomes; a ringing call can be canceled', async () => {
    const outcomes = async (seed: number) => {
      const { c, client } = await carrier(seed);
      try {
        const sids = [];
        for (let i = 0; i < 12; i++) sids.push((await client.calls.create({ to: `+1212555${String(2000 + i)}`, from: '+12125550100', url: `${hookUrl}/twiml` })).sid);
        await c.advance(120_000);
        return sids.map((s) => c.calls.get(s)?.status);
      } finally {
        await c.stop();
      }
    };
    const first = await outcomes(42);
    expect(await outcomes(42)).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);

    const { c, client } = await carrier();
    try {
      c.script('+12125550199', { outcome: 'hold' });
      const call = await client.calls.create({ to: '+12125550199', from: '+12125550100', url: `${hookUrl}/twiml` });
      await c.advance(1500);
      expect((await client.calls(call.sid).update({ status: 'canceled' })).status).toBe('canceled');
    } finally {
      await c.stop();
    }
  });
});
