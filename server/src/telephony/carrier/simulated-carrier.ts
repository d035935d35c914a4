import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { parseTwiml, type TwimlVerb } from './twiml.js';

export type SimOutcome = 'answer' | 'machine' | 'busy' | 'no-answer' | 'failed' | 'hold';

export interface SimulatedCarrierOptions {
  accountSid: string;
  authToken: string;
  seed: number;
  /** manual: nothing happens until `advance`; real: timers run, divided by `speed`. */
  clock: 'real' | 'manual';
  speed?: number;
  /** Probabilities of each outcome of an outbound call (normalised). */
  outcomes?: Partial<Record<'answer' | 'machine' | 'busy' | 'no-answer' | 'failed', number>>;
  ringSeconds?: [number, number];
  talkSeconds?: [number, number];
  smsFailureRate?: number;
  inboundVoiceUrl?: string;
  inboundSmsUrl?: string;
  /** The carrier's clock at start (manual mode). */
  startAt?: Date;
}

export interface SimScript {
  outcome: SimOutcome;
  ringSeconds?: number;
  talkSeconds?: number;
}

export interface SimCall {
  sid: string;
  direction: 'outbound-api' | 'inbound';
  to: string;
  from: string;
  status: string;
  url: string | null;
  twimlInline: string | null;
  statusCallback: string | null;
  events: string[];
  machineDetection: boolean;
  timeout: number;
  dateCreated: Date;
  startTime: Date | null;
  answeredAt: Date | null;
  endTime: Date | null;
  duration: number | null;
  answeredBy: string | null;
  muted: boolean;
  digits: string;
  /** Every TwiML document the call fetched, in order. */
  twiml: string[];
  /** Who the call was connected to by <Dial>. */
  dialed: string[];
  sequence: number;
  plan: SimScript;
}

export interface SimMessage {
  sid: string;
  direction: 'outbound-api' | 'inbound';
  to: string;
  from: string;
  body: string;
  status: string;
  statusCallback: string | null;
  errorCode: number | null;
  dateCreated: Date;
}

export interface Delivery {
  url: string;
  params: Record<string, string>;
  status: number;
  signature: string;
}

const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

/** A small seeded generator, so the same seed and requests give the same outcomes. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class CarrierHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A carrier on 127.0.0.1 that speaks the REST shape the official client uses (Calls
 * and Messages: create, fetch, list, update/cancel), plays out each call's life with
 * seeded outcomes and durations, fetches TwiML when a call is answered, and posts
 * correctly signed status callbacks. Tests run it on a manual clock; the embedded
 * product runs it in real time (optionally sped up).
 */
export class SimulatedCarrier {
  readonly calls = new Map<string, SimCall>();
  readonly messages = new Map<string, SimMessage>();
  readonly deliveries: Delivery[] = [];
  private readonly random: () => number;
  private readonly scripts = new Map<string, SimScript>();
  private readonly timers: Array<{ at: number; seq: number; fn: () => Promise<void> | void }> = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private server: Server | null = null;
  private baseUrl = '';
  private t: number;
  private timerSeq = 0;
  private sidSeq = 0;
  inboundVoiceUrl: string | undefined;
  inboundSmsUrl: string | undefined;

  constructor(readonly options: SimulatedCarrierOptions) {
    this.random = mulberry32(options.seed);
    this.t = (options.startAt ?? new Date('2026-01-01T00:00:00Z')).getTime();
    this.inboundVoiceUrl = options.inboundVoiceUrl;
    this.inboundSmsUrl = options.inboundSmsUrl;
  }

  get url(): string {
    return this.baseUrl;
  }

  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    this.timers.length = 0;
    await this.settle();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  now(): Date {
    return new Date(this.options.clock === 'manual' ? this.t : Date.now());
  }

  /** Forces the outcome of calls to `to` (until replaced or cleared with null). */
  script(to: string, plan: SimScript | null): void {
    if (plan) this.scripts.set(to, plan);
    else this.scripts.delete(to);
  }

  /** Manual clock: runs every timer that falls due within `ms`, in order, with its webhooks. */
  async advance(ms: number): Promise<void> {
    const until = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      await next.fn();
      await this.settle();
    }
    this.t = until;
  }

  /** Waits for every webhook in flight. */
  async settle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  // --- controls -------------------------------------------------------------------

  async answer(sid: string, answeredBy = 'human'): Promise<void> {
    const call = this.mustCall(sid);
    if (call.status !== 'ringing' && call.status !== 'queued') throw new Error(`call ${sid} is ${call.status}, not ringing`);
    await this.track(this.answered(call, answeredBy));
  }

  async hangup(sid: string): Promise<void> {
    const call = this.mustCall(sid);
    if (FINAL.has(call.status)) return;
    await this.track(call.status === 'in-progress' ? this.finish(call, 'completed') : this.finish(call, 'no-answer'));
  }

  async reject(sid: string, status: 'busy' | 'failed'): Promise<void> {
    const call = this.mustCall(sid);
    if (FINAL.has(call.status) || call.status === 'in-progress') throw new Error(`call ${sid} is ${call.status}`);
    await this.track(this.finish(call, status));
  }

  mute(sid: string, muted: boolean): void {
    this.mustCall(sid).muted = muted;
  }

  sendDigits(sid: string, digits: string): void {
    this.mustCall(sid).digits += digits;
  }

  /** An inbound call to one of our numbers: the voice webhook is asked what to do. */
  async injectInboundCall(input: { from: string; to: string }): Promise<SimCall> {
    if (!this.inboundVoiceUrl) throw new Error('inboundVoiceUrl is not set');
    const call = this.newCall({ direction: 'inbound', to: input.to, from: input.from, url: this.inboundVoiceUrl, twimlInline: null, statusCallback: null, events: [], machineDetection: false, timeout: 60, plan: { outcome: 'answer' } });
    call.status = 'ringing';
    await this.track(this.runTwiml(call, this.inboundVoiceUrl, { CallStatus: 'ringing' }));
    return call;
  }

  /** An inbound text; returns the server's TwiML answer (any <Message> is recorded as a reply). */
  async injectInboundSms(input: { from: string; to: string; body: string }): Promise<string> {
    if (!this.inboundSmsUrl) throw new Error('inboundSmsUrl is not set');
    const sid = this.sid('SM');
    const message: SimMessage = { sid, direction: 'inbound', to: input.to, from: input.from, body: input.body, status: 'received', statusCallback: null, errorCode: null, dateCreated: this.now() };
    this.messages.set(sid, message);
    const { body } = await this.track(
      this.post(this.inboundSmsUrl, {
        MessageSid: sid,
        SmsSid: sid,
        AccountSid: this.options.accountSid,
        From: input.from,
        To: input.to,
        Body: input.body,
        NumMedia: '0',
        NumSegments: String(Math.max(1, Math.ceil(input.body.length / 160))),
      }),
    );
    for (const v of parseTwiml(body)) {
      if (v.verb !== 'Message') continue;
      const reply = this.sid('SM');
      this.messages.set(reply, { sid: reply, direction: 'outbound-api', to: input.from, from: input.to, body: v.text, status: 'sent', statusCallback: null, errorCode: null, dateCreated: this.now() });
    }
    return body;
  }

  // --- HTTP -----------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://carrier');
      const prefix = `/2010-04-01/Accounts/${this.options.accountSid}`;
      if (!this.authorized(req)) throw new CarrierHttpError(401, 20003, 'Authentication Error - invalid username');
      const params = await this.form(req);
      const path = url.pathname;
      if (!path.startsWith(prefix)) throw new CarrierHttpError(404, 20404, `The requested resource ${path} was not found`);
      const rest = path.slice(prefix.length);
      let m: RegExpExecArray | null;
      if (rest === '/Calls.json' && req.method === 'POST') return this.json(res, 201, this.callJson(this.createCall(params)));
      if (rest === '/Calls.json' && req.method === 'GET') return this.json(res, 200, this.callList(url.searchParams));
      if ((m = /^\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(rest))) {
        const call = this.calls.get(m[1]);
        if (!call) throw new CarrierHttpError(404, 20404, `The requested resource /Calls/${m[1]}.json was not found`);
        if (req.method === 'POST') await this.updateCall(call, params);
        return this.json(res, 200, this.callJson(call));
      }
      if (rest === '/Messages.json' && req.method === 'POST') return this.json(res, 201, this.messageJson(this.createMessage(params)));
      if ((m = /^\/Messages\/(SM[0-9a-f]{32})\.json$/.exec(rest))) {
        const message = this.messages.get(m[1]);
        if (!message) throw new CarrierHttpError(404, 20404, `The requested resource /Messages/${m[1]}.json was not found`);
        return this.json(res, 200, this.messageJson(message));
      }
      throw new CarrierHttpError(404, 20404, `The requested resource ${path} was not found`);
    } catch (e) {
      const err = e instanceof CarrierHttpError ? e : new CarrierHttpError(500, 20500, (e as Error).message);
      this.json(res, err.status, { code: err.code, message: err.message, more_info: `https://www.twilio.com/docs/errors/${err.code}`, status: err.status });
    }
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${this.options.accountSid}:${this.options.authToken}`).toString('base64')}`;
    return header === expected;
  }

  private async form(req: IncomingMessage): Promise<URLSearchParams> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private requireNumber(params: URLSearchParams, name: string, code: number): string {
    const v = params.get(name) ?? '';
    if (!/^(\+[1-9]\d{6,14}|client:[\w.-]+)$/.test(v)) throw new CarrierHttpError(400, code, `The '${name}' number ${v || '(empty)'} is not a valid phone number.`);
    return v;
  }

  private createCall(p: URLSearchParams): SimCall {
    const to = this.requireNumber(p, 'To', 21201);
    const from = this.requireNumber(p, 'From', 21212);
    const url = p.get('Url');
    const twimlInline = p.get('Twiml');
    if (!url && !twimlInline) throw new CarrierHttpError(400, 21205, "A 'Url' or 'Twiml' parameter is required.");
    const events = p.getAll('StatusCallbackEvent').flatMap((e) => e.split(' ')).filter(Boolean);
    const call = this.newCall({
      direction: 'outbound-api',
      to,
      from,
      url,
      twimlInline,
      statusCallback: p.get('StatusCallback'),
      events: events.length ? events : ['completed'],
      machineDetection: ['Enable', 'DetectMessageEnd'].includes(p.get('MachineDetection') ?? ''),
      timeout: Math.min(600, Math.max(5, Number(p.get('Timeout') ?? 60))),
      plan: this.plan(to),
    });
    this.later(1000, async () => {
      if (FINAL.has(call.status)) return;
      call.status = 'ringing';
      call.startTime = this.now();
      await this.callback(call, 'initiated', 'initiated');
      await this.callback(call, 'ringing', 'ringing');
      const ring = call.plan.ringSeconds ?? this.between(this.options.ringSeconds ?? [3, 12]);
      switch (call.plan.outcome) {
        case 'answer':
        case 'machine':
          this.later(Math.min(ring, call.timeout) * 1000, async () => {
            if (call.status === 'ringing') await this.answered(call, call.plan.outcome === 'machine' ? 'machine_start' : 'human');
          });
          break;
        case 'busy':
          this.later(Math.min(ring, 3) * 1000, async () => {
            if (call.status === 'ringing') await this.finish(call, 'busy');
          });
          break;
        case 'failed':
          await this.finish(call, 'failed');
          break;
        case 'no-answer':
        case 'hold':
          this.later(call.timeout * 1000, async () => {
            if (call.status === 'ringing') await this.finish(call, 'no-answer');
          });
          break;
      }
    });
    return call;
  }

  private async updateCall(call: SimCall, p: URLSearchParams): Promise<void> {
    const status = p.get('Status');
    if (status === 'canceled') {
      if (call.status !== 'queued' && call.status !== 'ringing') throw new CarrierHttpError(400, 21220, 'Call is not queued or ringing; use Status=completed to hang up');
      await this.track(this.finish(call, 'canceled'));
    } else if (status === 'completed') {
      if (!FINAL.has(call.status)) await this.track(this.finish(call, call.status === 'in-progress' ? 'completed' : 'canceled'));
    } else if (p.get('Url') || p.get('Twiml')) {
      if (call.status !== 'in-progress') throw new CarrierHttpError(400, 21220, 'Only a call in progress can be redirected');
      const url = p.get('Url');
      await this.track(url ? this.runTwiml(call, url, {}) : this.followTwiml(call, p.get('Twiml') ?? ''));
    } else if (status) {
      throw new CarrierHttpError(400, 21218, `Status must be canceled or completed, not ${status}`);
    }
  }

  private createMessage(p: URLSearchParams): SimMessage {
    const to = this.requireNumber(p, 'To', 21211);
    const from = p.get('From') ? this.requireNumber(p, 'From', 21212) : p.get('MessagingServiceSid') ? '+15005550006' : this.requireNumber(p, 'From', 21212);
    const body = p.get('Body') ?? '';
    if (!body) throw new CarrierHttpError(400, 21602, 'Message body is required.');
    const message: SimMessage = { sid: this.sid('SM'), direction: 'outbound-api', to, from, body, status: 'queued', statusCallback: p.get('StatusCallback'), errorCode: null, dateCreated: this.now() };
    this.messages.set(message.sid, message);
    const script = this.scripts.get(to);
    const fails = script ? script.outcome === 'failed' : this.random() < (this.options.smsFailureRate ?? 0.02);
    this.later(500, async () => {
      message.status = 'sent';
      await this.messageCallback(message);
      this.later(1500, async () => {
        message.status = fails ? 'undelivered' : 'delivered';
        message.errorCode = fails ? 30003 : null;
        await this.messageCallback(message);
      });
    });
    return message;
  }

  private callList(q: URLSearchParams) {
    const after = q.get('StartTime>') ?? q.get('StartTime%3E');
    const calls = [...this.calls.values()].filter(
      (c) => (!q.get('To') || c.to === q.get('To')) && (!q.get('From') || c.from === q.get('From')) && (!after || c.dateCreated.toISOString().slice(0, 10) >= after.slice(0, 10)),
    );
    return { calls: calls.map((c) => this.callJson(c)), end: calls.length, first_page_uri: '', next_page_uri: null, page: 0, page_size: 50, previous_page_uri: null, start: 0, uri: '' };
  }

  // --- call life ------------------------------------------------------------------

  private newCall(fields: Omit<SimCall, 'sid' | 'status' | 'dateCreated' | 'startTime' | 'answeredAt' | 'endTime' | 'duration' | 'answeredBy' | 'muted' | 'digits' | 'twiml' | 'dialed' | 'sequence'>): SimCall {
    const call: SimCall = { ...fields, sid: this.sid('CA'), status: 'queued', dateCreated: this.now(), startTime: null, answeredAt: null, endTime: null, duration: null, answeredBy: null, muted: false, digits: '', twiml: [], dialed: [], sequence: 0 };
    this.calls.set(call.sid, call);
    return call;
  }

  private plan(to: string): SimScript {
    const scripted = this.scripts.get(to);
    if (scripted) return scripted;
    const weights = { answer: 0.55, machine: 0.15, busy: 0.1, 'no-answer': 0.15, failed: 0.05, ...this.options.outcomes };
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    let r = this.random() * total;
    for (const [outcome, w] of Object.entries(weights)) {
      if ((r -= w) < 0) return { outcome: outcome as SimOutcome };
    }
    return { outcome: 'answer' };
  }

  private async answered(call: SimCall, answeredBy: string): Promise<void> {
    call.status = 'in-progress';
    call.answeredAt = this.now();
    call.answeredBy = call.machineDetection || answeredBy !== 'human' ? answeredBy : null;
    if (!call.machineDetection && answeredBy !== 'human') call.answeredBy = null;
    await this.callback(call, 'answered', 'in-progress');
    const extra: Record<string, string> = { CallStatus: 'in-progress' };
    if (call.machineDetection) extra.AnsweredBy = answeredBy;
    if (call.url) await this.runTwiml(call, call.url, extra);
    else await this.followTwiml(call, call.twimlInline ?? '<Response/>');
  }

  private async runTwiml(call: SimCall, url: string, extra: Record<string, string>): Promise<void> {
    const { status, body } = await this.post(url, this.callParams(call, extra));
    if (status >= 400) return this.finish(call, call.status === 'in-progress' ? 'completed' : 'failed');
    await this.followTwiml(call, body);
  }

  /** Acts on a TwiML document: ends the call, keeps it up on <Dial>/<Record>, or fetches the next one. */
  private async followTwiml(call: SimCall, xml: string): Promise<void> {
    call.twiml.push(xml);
    if (call.status === 'ringing' && call.direction === 'inbound') {
      call.status = 'in-progress';
      call.answeredAt = this.now();
      call.startTime = this.now();
    }
    let elapsed = 0;
    for (const v of parseTwiml(xml)) {
      if (FINAL.has(call.status)) return;
      if (v.verb === 'Say' || v.verb === 'Play') elapsed += 3;
      if (v.verb === 'Pause') elapsed += v.seconds;
      if (v.verb === 'Hangup') return this.endAfter(call, elapsed);
      if (v.verb === 'Redirect') return this.later(elapsed * 1000, () => this.runTwiml(call, v.url, {}));
      if (v.verb === 'Record') {
        const seconds = Math.min(v.maxLength, call.plan.talkSeconds ?? this.between(this.options.talkSeconds ?? [10, 30]));
        this.later((elapsed + seconds) * 1000, async () => {
          if (FINAL.has(call.status)) return;
          if (v.recordingStatusCallback) {
            const rec = this.sid('RE');
            await this.post(v.recordingStatusCallback, { AccountSid: this.options.accountSid, CallSid: call.sid, RecordingSid: rec, RecordingUrl: `${this.baseUrl}/2010-04-01/Accounts/${this.options.accountSid}/Recordings/${rec}`, RecordingStatus: 'completed', RecordingDuration: String(seconds) });
          }
          await this.finish(call, 'completed');
        });
        return;
      }
      if (v.verb === 'Dial') {
        call.dialed.push(...v.clients.map((c) => `client:${c}`), ...v.numbers);
        const talk = call.plan.talkSeconds ?? this.between(this.options.talkSeconds ?? [20, 120]);
        this.later((elapsed + talk) * 1000, async () => {
          if (FINAL.has(call.status)) return;
          if (v.action) {
            const { body } = await this.post(v.action, this.callParams(call, { DialCallStatus: 'completed', DialCallDuration: String(talk) }));
            if (parseTwiml(body).length) return this.followTwiml(call, body);
          }
          await this.finish(call, 'completed');
        });
        return;
      }
    }
    // The document ran out without a verb that waits: the call ends.
    await this.endAfter(call, elapsed);
  }

  private endAfter(call: SimCall, seconds: number): Promise<void> | void {
    if (seconds <= 0) return this.finish(call, call.status === 'in-progress' ? 'completed' : 'canceled');
    this.later(seconds * 1000, () => this.finish(call, 'completed'));
  }

  private async finish(call: SimCall, status: string): Promise<void> {
    if (FINAL.has(call.status)) return;
    call.status = status;
    call.endTime = this.now();
    call.duration = call.answeredAt ? Math.round((call.endTime.getTime() - call.answeredAt.getTime()) / 1000) : 0;
    await this.callback(call, 'completed', status);
  }

  private async callback(call: SimCall, event: string, status: string): Promise<void> {
    if (!call.statusCallback) return;
    if (event !== 'completed' && !call.events.includes(event)) return;
    const params = this.callParams(call, {
      CallStatus: status,
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(call.sequence++),
      Timestamp: this.now().toUTCString(),
    });
    if (FINAL.has(status)) {
      params.CallDuration = String(call.duration ?? 0);
      params.Duration = String(Math.ceil((call.duration ?? 0) / 60));
      if (status === 'busy') params.SipResponseCode = '486';
      if (status === 'failed') params.SipResponseCode = '500';
    }
    if (call.answeredBy) params.AnsweredBy = call.answeredBy;
    await this.post(call.statusCallback, params);
  }

  private async messageCallback(m: SimMessage): Promise<void> {
    if (!m.statusCallback) return;
    const params: Record<string, string> = { MessageSid: m.sid, SmsSid: m.sid, MessageStatus: m.status, SmsStatus: m.status, AccountSid: this.options.accountSid, From: m.from, To: m.to, ApiVersion: '2010-04-01' };
    if (m.errorCode) params.ErrorCode = String(m.errorCode);
    await this.post(m.statusCallback, params);
  }

  private callParams(call: SimCall, extra: Record<string, string>): Record<string, string> {
    return { AccountSid: this.options.accountSid, ApiVersion: '2010-04-01', CallSid: call.sid, CallStatus: call.status, Direction: call.direction, From: call.from, To: call.to, ...extra };
  }

  /** POSTs a signed form to one of the server's webhooks; a 5xx or a refused connection is tried twice more. */
  private async post(url: string, params: Record<string, string>): Promise<{ status: number; body: string }> {
    const signature = twilio.getExpectedTwilioSignature(this.options.authToken, url, params);
    let last = { status: 0, body: '' };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature, 'User-Agent': 'SwitchboardSimulatedCarrier/1.0' },
          body: new URLSearchParams(params).toString(),
        });
        last = { status: res.status, body: await res.text() };
      } catch {
        last = { status: 0, body: '' };
      }
      this.deliveries.push({ url, params, status: last.status, signature });
      if (last.status > 0 && last.status < 500) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return last;
  }

  // --- plumbing -------------------------------------------------------------------

  private later(ms: number, fn: () => Promise<void> | void): void {
    const at = this.now().getTime() + ms;
    const entry = { at, seq: this.timerSeq++, fn };
    if (this.options.clock === 'manual') {
      this.timers.push(entry);
      return;
    }
    const handle = setTimeout(() => void this.track(Promise.resolve(fn())), ms / (this.options.speed ?? 1));
    handle.unref();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  private between([min, max]: [number, number]): number {
    return Math.round(min + this.random() * (max - min));
  }

  private sid(prefix: string): string {
    const n = ++this.sidSeq;
    const hex = (this.options.seed.toString(16).padStart(8, '0') + n.toString(16).padStart(24, '0')).slice(-32);
    return `${prefix}${hex}`;
  }

  private mustCall(sid: string): SimCall {
    const call = this.calls.get(sid);
    if (!call) throw new Error(`no call ${sid}`);
    return call;
  }

  private callJson(c: SimCall) {
    return {
      sid: c.sid,
      account_sid: this.options.accountSid,
      to: c.to,
      to_formatted: c.to,
      from: c.from,
      from_formatted: c.from,
      status: c.status,
      direction: c.direction,
      start_time: c.startTime?.toUTCString() ?? null,
      end_time: c.endTime?.toUTCString() ?? null,
      duration: c.duration === null ? null : String(c.duration),
      answered_by: c.answeredBy,
      date_created: c.dateCreated.toUTCString(),
      date_updated: this.now().toUTCString(),
      price: null,
      price_unit: 'USD',
      api_version: '2010-04-01',
      parent_call_sid: null,
      phone_number_sid: null,
      forwarded_from: null,
      caller_name: null,
      group_sid: null,
      queue_time: '0',
      trunk_sid: null,
      uri: `/2010-04-01/Accounts/${this.options.accountSid}/Calls/${c.sid}.json`,
      subresource_uris: {},
    };
  }

  private messageJson(m: SimMessage) {
    return {
      sid: m.sid,
      account_sid: this.options.accountSid,
      to: m.to,
      from: m.from,
      body: m.body,
      status: m.status,
      direction: m.direction,
      num_segments: String(Math.max(1, Math.ceil(m.body.length / 160))),
      num_media: '0',
      error_code: m.errorCode,
      error_message: m.errorCode ? 'Unknown destination handset' : null,
      date_created: m.dateCreated.toUTCString(),
      date_updated: this.now().toUTCString(),
      date_sent: m.status === 'queued' ? null : this.now().toUTCString(),
      price: null,
      price_unit: 'USD',
      api_version: '2010-04-01',
      messaging_service_sid: null,
      uri: `/2010-04-01/Accounts/${this.options.accountSid}/Messages/${m.sid}.json`,
      subresource_uris: {},
    };
  }
}
