import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { parseTwiml, type TwimlVerb } from './twiml.js';
import { API_VERSION, CarrierHttpError, callJson, messageJson, page, rfc2822, segments } from './twilio-shape.js';

export { CarrierHttpError } from './twilio-shape.js';

/** How an outbound call ends; `hold` rings until a control answers it or the timeout. */
export type SimOutcome = 'answer' | 'machine' | 'busy' | 'no-answer' | 'failed' | 'hold';
type DrawnOutcome = Exclude<SimOutcome, 'hold'>;

/** Where an SMS ends when it does not arrive. */
export interface SimSmsFailure {
  status: 'undelivered' | 'failed';
  errorCode: number;
}

export interface SimulatedCarrierOptions {
  accountSid: string;
  authToken: string;
  seed: number;
  /**
   * This carrier's own part of every sid it hands out (16 hex digits). Default: random for
   * each start of the process, so sids never repeat across restarts or across instances
   * that share a database, as the carrier's never do. The seed drives outcomes, not ids.
   */
  instance?: string;
  /** manual: nothing happens until `advance`; real: timers run on setTimeout, divided by `speed`. */
  clock: 'real' | 'manual';
  /** Real-time multiplier for demos (real clock only); the carrier's own clock runs this much faster. Default 1. */
  speed?: number;
  /** Relative weights of each outcome of an outbound call (`noAnswer` and `no-answer` are the same). */
  outcomes?: Partial<Record<DrawnOutcome | 'noAnswer', number>>;
  /** Seconds a call rings before it is answered (or busy), drawn between min and max. Default [3, 12]. */
  ringSeconds?: [number, number];
  /** Seconds a connected `<Dial>` (or `<Record>`) lasts, drawn between min and max. Default [20, 120]. */
  talkSeconds?: [number, number];
  /** Share of texts that end undelivered. Default 0.02. */
  smsFailureRate?: number;
  inboundVoiceUrl?: string;
  inboundSmsUrl?: string;
  /** The carrier's clock at the start. Default 2026-01-01T00:00:00Z (manual) or now (real). */
  startAt?: Date;
  /** Pause before retrying a webhook that failed with a 5xx or no answer. Default 250 ms (real), none (manual). */
  retryDelayMs?: number;
  /** How long a webhook may take before it counts as failed. Default 15 s. */
  webhookTimeoutMs?: number;
  logger?: SimLogger;
}

export interface SimLogger {
  warn(message: string): void;
}

/**
 * A forced outcome for calls (and texts) to one number, kept until replaced or
 * cleared with `script(to, null)`.
 */
export interface SimScript {
  outcome: SimOutcome;
  ringSeconds?: number;
  talkSeconds?: number;
  /** What answering-machine detection reports (only when the call asked for detection). */
  answeredBy?: string;
  /** How a text to this number fails; `outcome: 'failed'` alone means undelivered, 30003. */
  smsFailure?: SimSmsFailure;
}

export interface SimCall {
  sid: string;
  direction: 'outbound-api' | 'inbound';
  to: string;
  from: string;
  status: string;
  url: string | null;
  method: 'GET' | 'POST';
  twimlInline: string | null;
  statusCallback: string | null;
  statusCallbackMethod: 'GET' | 'POST';
  /** The progress events asked for (the final status is always sent). */
  events: string[];
  machineDetection: boolean;
  machineDetectionMode: 'Enable' | 'DetectMessageEnd' | null;
  /** Seconds to ring before giving up. */
  timeout: number;
  dateCreated: Date;
  dateUpdated: Date;
  startTime: Date | null;
  answeredAt: Date | null;
  endTime: Date | null;
  duration: number | null;
  answeredBy: string | null;
  muted: boolean;
  digits: string;
  /** Every TwiML document the call fetched or was given, in order. */
  twiml: string[];
  /** The verbs of those documents, in order. */
  verbs: TwimlVerb[];
  /** Who the call was connected to by `<Dial>` (`client:…` or numbers). */
  dialed: string[];
  /** The next status callback's SequenceNumber. */
  sequence: number;
  plan: SimScript;
}

export interface SimMessage {
  sid: string;
  /** `outbound-reply` is a `<Message>` our server answered an inbound text with. */
  direction: 'outbound-api' | 'outbound-reply' | 'inbound';
  to: string;
  from: string;
  body: string;
  status: string;
  statusCallback: string | null;
  errorCode: number | null;
  messagingServiceSid: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
}

export type DeliveryKind = 'call-status' | 'twiml' | 'dial-action' | 'recording' | 'message-status' | 'inbound-voice' | 'inbound-sms';

/** One attempt to deliver a webhook (a retry is another entry). `status` 0: no answer. */
export interface Delivery {
  kind: DeliveryKind;
  url: string;
  method: 'GET' | 'POST';
  params: Record<string, string>;
  status: number;
  signature: string;
  attempt: number;
  at: Date;
  /** The response body (TwiML for voice webhooks), cut at 4,000 characters. */
  response: string;
}

const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);
const DEFAULT_WEIGHTS: Record<DrawnOutcome, number> = { answer: 0.55, machine: 0.15, busy: 0.1, 'no-answer': 0.15, failed: 0.05 };
const MAX_BODY = 1 << 20;
const E164 = /^\+[1-9]\d{6,14}$/;

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

function httpMethod(value: string | null | undefined): 'GET' | 'POST' {
  return value?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}

/** A URL in TwiML may be relative to the document it came from. */
function resolveUrl(url: string, base: string | null): string {
  try {
    return new URL(url, base ?? undefined).toString();
  } catch {
    return url;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new CarrierHttpError(413, 20413, 'The request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function notFound(what: string): CarrierHttpError {
  return new CarrierHttpError(404, 20404, `The requested resource ${what} was not found`);
}

function wrongState(message: string): CarrierHttpError {
  return new CarrierHttpError(409, 21220, message);
}

/**
 * A carrier on 127.0.0.1 that speaks the REST shape the official client uses (Calls
 * and Messages: create, fetch, list, update), plays out each call's life with seeded
 * outcomes and durations, fetches TwiML when a call is answered, and posts correctly
 * signed status callbacks. Tests run it on a manual clock; the embedded product runs
 * it in real time (optionally sped up).
 *
 * Controls (answer, hang up, reject, mute, digits, inbound calls and texts, scripts)
 * are methods here and the same routes under `/sim/…` (JSON, the account's basic auth).
 */
export class SimulatedCarrier {
  /** Every call by sid, in creation order. */
  readonly calls = new Map<string, SimCall>();
  /** Every text by sid, in creation order. */
  readonly messages = new Map<string, SimMessage>();
  /** Every webhook attempt, in order. */
  readonly deliveries: Delivery[] = [];
  inboundVoiceUrl: string | undefined;
  inboundSmsUrl: string | undefined;
  private readonly random: () => number;
  /** The per-boot part of every sid and webhook idempotency token. */
  readonly instance: string;
  private readonly scripts = new Map<string, SimScript>();
  private readonly timers: Array<{ at: number; seq: number; fn: () => Promise<void> | void }> = [];
  private readonly handles = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<Promise<unknown>>();
  /** Bumped each time a call gets a new document, so the old document's timers do nothing. */
  private readonly epochs = new Map<string, number>();
  private readonly realOrigin = Date.now();
  private readonly clockOrigin: number;
  private manualNow: number;
  private server: Server | null = null;
  private baseUrl = '';
  private timerSeq = 0;
  private sidSeq = 0;
  private deliverySeq = 0;
  private stopped = false;
  /** New calls and texts still to refuse with the carrier's 429 (too many requests at once). */
  private busyFor = 0;

  constructor(readonly options: SimulatedCarrierOptions) {
    this.random = mulberry32(options.seed);
    if (options.instance !== undefined && !/^[0-9a-f]{16}$/.test(options.instance)) throw new Error('instance: 16 lower-case hex digits');
    this.instance = options.instance ?? randomBytes(8).toString('hex');
    this.manualNow = (options.startAt ?? new Date('2026-01-01T00:00:00Z')).getTime();
    this.clockOrigin = options.startAt?.getTime() ?? this.realOrigin;
    this.inboundVoiceUrl = options.inboundVoiceUrl;
    this.inboundSmsUrl = options.inboundSmsUrl;
  }

  /** The base URL once started: `http://127.0.0.1:PORT`. */
  get url(): string {
    return this.baseUrl;
  }

  async start(port = 0): Promise<string> {
    if (this.server) return this.baseUrl;
    const server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.stopped = false;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  /** Drops every pending timer, waits for webhooks in flight, and closes the server. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.length = 0;
    for (const h of this.handles) clearTimeout(h);
    this.handles.clear();
    await this.settle();
    const s = this.server;
    this.server = null;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  /** The carrier's clock: what it reports in callbacks and resources. */
  now(): Date {
    if (this.options.clock === 'manual') return new Date(this.manualNow);
    return new Date(this.clockOrigin + (Date.now() - this.realOrigin) * this.speed);
  }

  /** The next `count` requests to place a call or send a text are refused as the carrier refuses too many at once: HTTP 429, code 20429. */
  refuseAsBusy(count: number): void {
    this.busyFor = count;
  }

  /** Forces the outcome of calls and texts to `to` until replaced, or cleared with null. */
  script(to: string, plan: SimScript | null): void {
    if (plan) this.scripts.set(to, { ...plan });
    else this.scripts.delete(to);
  }

  /** Manual clock: runs every timer that falls due within `ms`, in order, awaiting its webhooks. */
  async advance(ms: number): Promise<void> {
    if (this.options.clock !== 'manual') throw new Error('advance() needs the manual clock');
    const until = this.manualNow + ms;
    await this.settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.manualNow = Math.max(this.manualNow, next.at);
      await this.guard(next.fn);
      await this.settle();
    }
    this.manualNow = Math.max(this.manualNow, until);
  }

  /** Waits for every webhook in flight (and whatever they set off). */
  async settle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  call(sid: string): SimCall {
    const call = this.calls.get(sid);
    if (!call) throw notFound(`call ${sid}`);
    return call;
  }

  message(sid: string): SimMessage {
    const message = this.messages.get(sid);
    if (!message) throw notFound(`message ${sid}`);
    return message;
  }

  listCalls(): SimCall[] {
    return [...this.calls.values()];
  }

  listMessages(): SimMessage[] {
    return [...this.messages.values()];
  }

  // --- controls -------------------------------------------------------------------

  /** The far end picks up a queued or ringing call (AnsweredBy only reaches the server when detection was asked for). */
  async answer(sid: string, options: { answeredBy?: string } = {}): Promise<void> {
    const call = this.call(sid);
    if (call.status !== 'queued' && call.status !== 'ringing') throw wrongState(`Call ${sid} is ${call.status}, not ringing`);
    await this.track(
      (async () => {
        await this.startRinging(call);
        await this.answered(call, options.answeredBy ?? 'human');
      })(),
    );
  }

  /** The far end hangs up: a call in progress completes with its duration; a ringing one is declined (no-answer). */
  async hangup(sid: string): Promise<void> {
    const call = this.call(sid);
    if (!FINAL.has(call.status)) await this.track(this.finish(call, call.status === 'in-progress' ? 'completed' : 'no-answer'));
  }

  /** The far end refuses a call that has not been answered. */
  async reject(sid: string, status: 'busy' | 'failed'): Promise<void> {
    const call = this.call(sid);
    if (status !== 'busy' && status !== 'failed') throw new CarrierHttpError(400, 21218, `A call is rejected as busy or failed, not ${String(status)}`);
    if (call.status !== 'queued' && call.status !== 'ringing') throw wrongState(`Call ${sid} is ${call.status}, not ringing`);
    await this.track(this.finish(call, status));
  }

  mute(sid: string, muted: boolean): void {
    const call = this.call(sid);
    call.muted = muted;
    call.dateUpdated = this.now();
  }

  /** Digits pressed at the far end (recorded on the call; no `<Gather>` hears them). */
  sendDigits(sid: string, digits: string): void {
    const call = this.call(sid);
    if (!/^[0-9*#wW]*$/.test(digits)) throw new CarrierHttpError(400, 21218, `Digits may hold 0-9, * and # only, not ${digits}`);
    call.digits += digits;
    call.dateUpdated = this.now();
  }

  /** A call to one of our numbers: the signed voice webhook is asked what to do, and its TwiML is followed. */
  async injectInboundCall(input: { from: string; to: string }): Promise<SimCall> {
    const url = this.inboundVoiceUrl;
    if (!url) throw wrongState('inboundVoiceUrl is not set');
    const from = this.number(input.from, 'From', 21212, true);
    const to = this.number(input.to, 'To', 21211, false);
    const scripted = this.scripts.get(from);
    const call = this.newCall({
      direction: 'inbound',
      to,
      from,
      url,
      method: 'POST',
      twimlInline: null,
      statusCallback: null,
      statusCallbackMethod: 'POST',
      events: [],
      machineDetection: false,
      machineDetectionMode: null,
      timeout: 60,
      plan: { outcome: 'answer', talkSeconds: scripted?.talkSeconds },
    });
    call.status = 'ringing';
    call.startTime = this.now();
    await this.track(this.fetchTwiml(call, url, 'POST', 'inbound-voice', {}));
    return call;
  }

  /** A text to one of our numbers; returns the server's TwiML answer, and records any `<Message>` in it as a reply. */
  async injectInboundSms(input: { from: string; to: string; body: string }): Promise<string> {
    const url = this.inboundSmsUrl;
    if (!url) throw wrongState('inboundSmsUrl is not set');
    const from = this.number(input.from, 'From', 21212, false);
    const to = this.number(input.to, 'To', 21211, false);
    const body = String(input.body ?? '');
    const message = this.newMessage({ direction: 'inbound', to, from, body, status: 'received', statusCallback: null, messagingServiceSid: null });
    const params = { MessageSid: message.sid, SmsSid: message.sid, SmsMessageSid: message.sid, AccountSid: this.options.accountSid, From: from, To: to, Body: body, NumMedia: '0', NumSegments: String(segments(body)), ApiVersion: API_VERSION };
    const reply = await this.track(this.deliver('inbound-sms', url, 'POST', params));
    for (const v of parseTwiml(reply.body)) {
      if (v.verb !== 'Message') continue;
      const sent = this.newMessage({ direction: 'outbound-reply', to: v.to ?? from, from: to, body: v.text, status: 'sent', statusCallback: null, messagingServiceSid: null });
      sent.dateSent = this.now();
    }
    return reply.body;
  }

  // --- HTTP -----------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (!this.authorized(req)) throw new CarrierHttpError(401, 20003, 'Authenticate');
      const url = new URL(req.url ?? '/', 'http://carrier');
      const method = (req.method ?? 'GET').toUpperCase();
      const raw = await readBody(req);
      const [status, body] = url.pathname === '/sim' || url.pathname.startsWith('/sim/') ? await this.simRoute(method, url.pathname, raw) : this.restRoute(method, url, new URLSearchParams(raw));
      this.send(res, status, body);
    } catch (e) {
      const err = e instanceof CarrierHttpError ? e : new CarrierHttpError(500, 20500, (e as Error).message);
      if (!(e instanceof CarrierHttpError)) this.options.logger?.warn(`simulated carrier: ${req.method} ${req.url} failed: ${err.message}`);
      this.send(res, err.status, err.toJSON());
    }
  }

  /** The REST API (2010-04-01): Calls and Messages. */
  private restRoute(method: string, url: URL, params: URLSearchParams): [number, unknown] {
    const prefix = `/${API_VERSION}/Accounts/${this.options.accountSid}`;
    const path = url.pathname;
    if (!path.startsWith(`${prefix}/`)) throw notFound(path);
    const rest = path.slice(prefix.length);
    const one = /^\/(Calls|Messages)\/([^/]+)\.json$/.exec(rest);
    if (method === 'POST' && (rest === '/Calls.json' || rest === '/Messages.json') && this.busyFor > 0) {
      this.busyFor--;
      throw new CarrierHttpError(429, 20429, 'Too Many Requests');
    }
    if (rest === '/Calls.json') {
      if (method === 'POST') return [201, this.callJson(this.createCall(params))];
      if (method === 'GET') return [200, this.callPage(url.searchParams)];
    } else if (rest === '/Messages.json') {
      if (method === 'POST') return [201, this.messageJson(this.createMessage(params))];
      if (method === 'GET') return [200, this.messagePage(url.searchParams)];
    } else if (one?.[1] === 'Calls') {
      const call = this.calls.get(one[2]);
      if (!call) throw notFound(path);
      if (method === 'POST') this.updateCall(call, params);
      if (method === 'GET' || method === 'POST') return [200, this.callJson(call)];
    } else if (one?.[1] === 'Messages') {
      const message = this.messages.get(one[2]);
      if (!message) throw notFound(path);
      if (method === 'GET') return [200, this.messageJson(message)];
    } else {
      throw notFound(path);
    }
    throw new CarrierHttpError(405, 20004, `Method ${method} not allowed on ${path}`);
  }

  /** The controls, for a softphone or a demo driving the far end through our server. */
  private async simRoute(method: string, path: string, raw: string): Promise<[number, unknown]> {
    let body: Record<string, unknown> = {};
    if (raw.trim()) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        throw new CarrierHttpError(400, 20001, 'The body is not JSON');
      }
    }
    const str = (key: string): string => (typeof body[key] === 'string' ? (body[key] as string) : '');
    const m = /^\/sim\/calls\/([^/]+)(?:\/(answer|hangup|reject|mute|digits))?$/.exec(path);
    if (m && method === 'GET' && !m[2]) return [200, this.call(m[1])];
    if (m && method === 'POST' && m[2]) {
      const sid = m[1];
      switch (m[2]) {
        case 'answer':
          await this.answer(sid, { answeredBy: str('answeredBy') || undefined });
          break;
        case 'hangup':
          await this.hangup(sid);
          break;
        case 'reject':
          await this.reject(sid, (str('status') || 'busy') as 'busy' | 'failed');
          break;
        case 'mute':
          this.mute(sid, body.muted !== false);
          break;
        case 'digits':
          this.sendDigits(sid, str('digits'));
          break;
      }
      return [200, this.call(sid)];
    }
    if (path === '/sim/calls' && method === 'GET') return [200, { calls: this.listCalls() }];
    if (path === '/sim/messages' && method === 'GET') return [200, { messages: this.listMessages() }];
    if (path === '/sim/inbound-calls' && method === 'POST') return [201, await this.injectInboundCall({ from: str('from'), to: str('to') })];
    if (path === '/sim/inbound-messages' && method === 'POST') {
      const reply = await this.injectInboundSms({ from: str('from'), to: str('to'), body: str('body') });
      return [201, { reply }];
    }
    const script = /^\/sim\/scripts\/([^/]+)$/.exec(path);
    if (script && method === 'PUT') {
      const outcome = str('outcome') as SimOutcome;
      if (!['answer', 'machine', 'busy', 'no-answer', 'failed', 'hold'].includes(outcome)) throw new CarrierHttpError(400, 21218, `outcome must be answer, machine, busy, no-answer, failed or hold, not ${outcome || '(empty)'}`);
      const plan: SimScript = { outcome };
      if (typeof body.ringSeconds === 'number') plan.ringSeconds = body.ringSeconds;
      if (typeof body.talkSeconds === 'number') plan.talkSeconds = body.talkSeconds;
      if (str('answeredBy')) plan.answeredBy = str('answeredBy');
      this.script(decodeURIComponent(script[1]), plan);
      return [200, plan];
    }
    if (script && method === 'DELETE') {
      this.script(decodeURIComponent(script[1]), null);
      return [204, null];
    }
    if (path === '/sim/advance' && method === 'POST') {
      await this.advance(Number(body.ms ?? 0));
      return [200, { now: this.now() }];
    }
    throw notFound(path);
  }

  private authorized(req: IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${this.options.accountSid}:${this.options.authToken}`).toString('base64')}`;
    return req.headers.authorization === expected;
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    if (res.headersSent) return;
    if (status === 204) {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  /** An E.164 number (or a `client:` identity where calls allow one); else the carrier's 400 naming the parameter. */
  private number(value: string | null | undefined, name: 'To' | 'From', code: number, allowClient: boolean): string {
    const v = (value ?? '').trim();
    if (E164.test(v) || (allowClient && /^client:[\w.@-]+$/.test(v))) return v;
    throw new CarrierHttpError(400, code, `Invalid '${name}' Phone Number: ${v || '(empty)'} is not a valid phone number`);
  }

  private createCall(p: URLSearchParams): SimCall {
    if (!p.get('To')) throw new CarrierHttpError(400, 21201, "No 'To' number is specified");
    if (!p.get('From')) throw new CarrierHttpError(400, 21213, "No 'From' number is specified");
    const to = this.number(p.get('To'), 'To', 21211, true);
    const from = this.number(p.get('From'), 'From', 21212, true);
    const url = p.get('Url');
    const twimlInline = p.get('Twiml');
    if (!url && !twimlInline) throw new CarrierHttpError(400, 21205, "A 'Url' or 'Twiml' parameter is required");
    if (url && !/^https?:\/\//.test(url)) throw new CarrierHttpError(400, 21205, `Url is not a valid URL: ${url}`);
    const events = p.getAll('StatusCallbackEvent').flatMap((e) => e.split(/[\s,]+/)).filter(Boolean);
    const detection = p.get('MachineDetection');
    const timeout = Number(p.get('Timeout') ?? 60);
    const call = this.newCall({
      direction: 'outbound-api',
      to,
      from,
      url,
      method: httpMethod(p.get('Method')),
      twimlInline,
      statusCallback: p.get('StatusCallback'),
      statusCallbackMethod: httpMethod(p.get('StatusCallbackMethod')),
      events: events.length ? events : ['completed'],
      machineDetection: detection === 'Enable' || detection === 'DetectMessageEnd',
      machineDetectionMode: detection === 'Enable' || detection === 'DetectMessageEnd' ? detection : null,
      timeout: Number.isFinite(timeout) ? Math.min(600, Math.max(5, Math.round(timeout))) : 60,
      plan: this.plan(to),
    });
    this.later(1000, () => this.dialOut(call));
    return call;
  }

  /** Status=canceled (queued or ringing), Status=completed (hang up), or Url/Twiml (redirect). Callbacks follow asynchronously. */
  private updateCall(call: SimCall, p: URLSearchParams): void {
    const status = p.get('Status');
    if (status === 'canceled') {
      if (call.status === 'canceled') return;
      if (call.status !== 'queued' && call.status !== 'ringing') throw new CarrierHttpError(400, 21220, `Call is ${call.status}, not queued or ringing: use Status=completed to hang up`);
      void this.track(this.finish(call, 'canceled'));
    } else if (status === 'completed') {
      if (!FINAL.has(call.status)) void this.track(this.finish(call, call.status === 'in-progress' ? 'completed' : 'canceled'));
    } else if (status) {
      throw new CarrierHttpError(400, 21218, `Status must be canceled or completed, not ${status}`);
    } else if (p.get('Url') || p.get('Twiml')) {
      if (call.status !== 'in-progress') throw new CarrierHttpError(400, 21220, `Call is ${call.status}: only a call in progress can be redirected`);
      const url = p.get('Url');
      void this.track(url ? this.fetchTwiml(call, url, httpMethod(p.get('Method')), 'twiml', {}) : this.followTwiml(call, p.get('Twiml') ?? '', null));
    }
  }

  private createMessage(p: URLSearchParams): SimMessage {
    if (!p.get('To')) throw new CarrierHttpError(400, 21604, "A 'To' phone number is required");
    const to = this.number(p.get('To'), 'To', 21211, false);
    const service = p.get('MessagingServiceSid');
    if (!p.get('From') && !service) throw new CarrierHttpError(400, 21603, "A 'From' phone number is required");
    const from = p.get('From') ? this.number(p.get('From'), 'From', 21212, false) : '+15005550006';
    const body = p.get('Body') ?? '';
    if (!body) throw new CarrierHttpError(400, 21602, 'Message body is required');
    const message = this.newMessage({ direction: 'outbound-api', to, from, body, status: p.get('From') ? 'queued' : 'accepted', statusCallback: p.get('StatusCallback'), messagingServiceSid: service });
    const failure = this.smsFailure(to);
    const waiting = () => message.status === 'queued' || message.status === 'accepted';
    this.later(500, async () => {
      if (!waiting()) return;
      await this.messageStatus(message, 'sending');
      this.later(500, async () => {
        if (failure?.status === 'failed') return this.messageStatus(message, 'failed', failure.errorCode);
        message.dateSent = this.now();
        await this.messageStatus(message, 'sent');
        this.later(1500, () => (failure ? this.messageStatus(message, 'undelivered', failure.errorCode) : this.messageStatus(message, 'delivered')));
      });
    });
    return message;
  }

  private callPage(q: URLSearchParams) {
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const after = q.get('StartTime>');
    const before = q.get('StartTime<');
    const on = q.get('StartTime');
    const calls = this.listCalls()
      .filter((c) => {
        const started = day(c.startTime ?? c.dateCreated);
        return (
          (!q.get('To') || c.to === q.get('To')) &&
          (!q.get('From') || c.from === q.get('From')) &&
          (!q.get('Status') || c.status === q.get('Status')) &&
          (!after || started >= after.slice(0, 10)) &&
          (!before || started <= before.slice(0, 10)) &&
          (!on || started === on.slice(0, 10))
        );
      })
      .reverse();
    return page('calls', this.options.accountSid, calls.map((c) => this.callJson(c)), Number(q.get('PageSize') ?? 50) || 50);
  }

  private messagePage(q: URLSearchParams) {
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const after = q.get('DateSent>');
    const before = q.get('DateSent<');
    const messages = this.listMessages()
      .filter((m) => {
        const sent = day(m.dateSent ?? m.dateCreated);
        return (!q.get('To') || m.to === q.get('To')) && (!q.get('From') || m.from === q.get('From')) && (!after || sent >= after.slice(0, 10)) && (!before || sent <= before.slice(0, 10));
      })
      .reverse();
    return page('messages', this.options.accountSid, messages.map((m) => this.messageJson(m)), Number(q.get('PageSize') ?? 50) || 50);
  }

  private callJson(c: SimCall) {
    return callJson(this.options.accountSid, { ...c, parentCallSid: null });
  }

  private messageJson(m: SimMessage) {
    return messageJson(this.options.accountSid, m);
  }

  // --- call life ------------------------------------------------------------------

  private newCall(fields: Omit<SimCall, 'sid' | 'status' | 'dateCreated' | 'dateUpdated' | 'startTime' | 'answeredAt' | 'endTime' | 'duration' | 'answeredBy' | 'muted' | 'digits' | 'twiml' | 'verbs' | 'dialed' | 'sequence'>): SimCall {
    const now = this.now();
    const call: SimCall = { ...fields, sid: this.sid('CA'), status: 'queued', dateCreated: now, dateUpdated: now, startTime: null, answeredAt: null, endTime: null, duration: null, answeredBy: null, muted: false, digits: '', twiml: [], verbs: [], dialed: [], sequence: 0 };
    this.calls.set(call.sid, call);
    return call;
  }

  private newMessage(fields: Pick<SimMessage, 'direction' | 'to' | 'from' | 'body' | 'status' | 'statusCallback' | 'messagingServiceSid'>): SimMessage {
    const now = this.now();
    const message: SimMessage = { ...fields, sid: this.sid('SM'), errorCode: null, dateCreated: now, dateUpdated: now, dateSent: null };
    this.messages.set(message.sid, message);
    return message;
  }

  /** The script for `to`, else an outcome drawn by the configured weights. */
  private plan(to: string): SimScript {
    const scripted = this.scripts.get(to);
    if (scripted) return { ...scripted };
    const { noAnswer, ...rest } = this.options.outcomes ?? {};
    const weights: Record<DrawnOutcome, number> = { ...DEFAULT_WEIGHTS, ...(noAnswer === undefined ? {} : { 'no-answer': noAnswer }), ...rest };
    const entries = Object.entries(weights) as Array<[DrawnOutcome, number]>;
    const total = entries.reduce((a, [, w]) => a + Math.max(0, w), 0);
    let r = this.random() * total;
    for (const [outcome, w] of entries) {
      if ((r -= Math.max(0, w)) < 0) return { outcome };
    }
    return { outcome: 'answer' };
  }

  private smsFailure(to: string): SimSmsFailure | null {
    const scripted = this.scripts.get(to);
    if (scripted) return scripted.smsFailure ?? (scripted.outcome === 'failed' ? { status: 'undelivered', errorCode: 30003 } : null);
    if (this.random() >= (this.options.smsFailureRate ?? 0.02)) return null;
    return { status: 'undelivered', errorCode: this.random() < 0.5 ? 30003 : 30005 };
  }

  /** What answering-machine detection says about an answered call. */
  private detectedAs(call: SimCall): string {
    if (call.plan.answeredBy) return call.plan.answeredBy;
    if (call.plan.outcome !== 'machine') return 'human';
    return call.machineDetectionMode === 'DetectMessageEnd' ? 'machine_end_beep' : 'machine_start';
  }

  /** About a second after the request: the call is dialed, rings, and meets its outcome. */
  private async dialOut(call: SimCall): Promise<void> {
    if (call.status !== 'queued') return;
    const plan = call.plan;
    if (plan.outcome === 'failed') {
      call.startTime = this.now();
      await this.callback(call, 'initiated', 'initiated');
      return this.finish(call, 'failed');
    }
    await this.startRinging(call);
    if (!this.ringing(call)) return;
    const drawn = plan.ringSeconds ?? this.between(this.options.ringSeconds ?? [3, 12]);
    const ring = Math.min(drawn, call.timeout);
    const whileRinging = (fn: () => Promise<void>) => () => (this.ringing(call) ? fn() : undefined);
    switch (plan.outcome) {
      case 'answer':
      case 'machine':
        this.later(ring * 1000, whileRinging(() => this.answered(call, this.detectedAs(call))));
        break;
      case 'busy':
        this.later(Math.min(plan.ringSeconds ?? Math.min(drawn, 3), call.timeout) * 1000, whileRinging(() => this.finish(call, 'busy')));
        break;
      case 'no-answer':
      case 'hold':
        // Nobody picks up: the call rings for its whole Timeout.
        this.later(call.timeout * 1000, whileRinging(() => this.finish(call, 'no-answer')));
        break;
    }
  }

  private ringing(call: SimCall): boolean {
    return call.status === 'ringing';
  }

  private async startRinging(call: SimCall): Promise<void> {
    if (call.status !== 'queued') return;
    call.status = 'ringing';
    call.startTime = this.now();
    call.dateUpdated = call.startTime;
    await this.callback(call, 'initiated', 'initiated');
    if (this.ringing(call)) await this.callback(call, 'ringing', 'ringing');
  }

  private async answered(call: SimCall, answeredBy: string): Promise<void> {
    if (call.status !== 'ringing') return;
    call.status = 'in-progress';
    call.answeredAt = this.now();
    call.dateUpdated = call.answeredAt;
    call.answeredBy = call.machineDetection ? answeredBy : null;
    await this.callback(call, 'answered', 'in-progress');
    if (FINAL.has(call.status)) return;
    const extra: Record<string, string> = call.answeredBy ? { AnsweredBy: call.answeredBy } : {};
    if (call.url) await this.fetchTwiml(call, call.url, call.method, 'twiml', extra);
    else await this.followTwiml(call, call.twimlInline ?? '<Response/>', null);
  }

  /** Asks a webhook for TwiML and follows it; an error answer ends the call, as the carrier's "application error" would. */
  private async fetchTwiml(call: SimCall, url: string, method: 'GET' | 'POST', kind: DeliveryKind, extra: Record<string, string>): Promise<void> {
    const { status, body } = await this.deliver(kind, url, method, this.callParams(call, extra));
    if (FINAL.has(call.status)) return;
    if (status < 200 || status >= 400) {
      this.options.logger?.warn(`simulated carrier: TwiML for ${call.sid} from ${url} answered ${status || 'nothing'}; the call ends`);
      return this.finish(call, call.status === 'in-progress' ? 'completed' : 'failed');
    }
    await this.followTwiml(call, body, url);
  }

  /** Acts on a TwiML document: ends the call, keeps it up on `<Dial>`/`<Record>`, or fetches the next one. */
  private async followTwiml(call: SimCall, xml: string, documentUrl: string | null): Promise<void> {
    if (FINAL.has(call.status)) return;
    const epoch = (this.epochs.get(call.sid) ?? 0) + 1;
    this.epochs.set(call.sid, epoch);
    const verbs = parseTwiml(xml);
    call.twiml.push(xml);
    call.verbs.push(...verbs);
    if (call.status === 'ringing' && call.direction === 'inbound' && verbs[0]?.verb !== 'Reject') {
      call.status = 'in-progress';
      call.answeredAt = this.now();
      call.dateUpdated = call.answeredAt;
    }
    await this.runVerbs(call, verbs, 0, documentUrl, epoch, 0);
  }

  /**
   * Plays verbs from `index`: Say and Play take 3 s a time, Pause its length; Hangup
   * (or running out of verbs) ends the call; Dial and Record hold it for the talk time.
   */
  private async runVerbs(call: SimCall, verbs: TwimlVerb[], index: number, documentUrl: string | null, epoch: number, elapsed: number): Promise<void> {
    for (let i = index; i < verbs.length; i++) {
      if (!this.current(call, epoch)) return;
      const v = verbs[i];
      switch (v.verb) {
        case 'Say':
          elapsed += 3;
          break;
        case 'Play':
          elapsed += 3 * Math.max(1, v.loop);
          break;
        case 'Pause':
          elapsed += Math.max(0, v.seconds);
          break;
        case 'Hangup':
          return this.endAfter(call, epoch, elapsed, 'completed');
        case 'Reject':
          return this.endAfter(call, epoch, elapsed, call.status === 'in-progress' ? 'completed' : v.reason === 'busy' ? 'busy' : 'no-answer');
        case 'Redirect':
          return this.laterFor(call, epoch, elapsed, () => this.fetchTwiml(call, resolveUrl(v.url, documentUrl), v.method, 'twiml', {}));
        case 'Record': {
          const seconds = Math.min(v.maxLength, call.plan.talkSeconds ?? this.between(this.options.talkSeconds ?? [10, 30]));
          return this.laterFor(call, epoch, elapsed + seconds, async () => {
            if (v.recordingStatusCallback) {
              const rec = this.sid('RE');
              await this.deliver('recording', resolveUrl(v.recordingStatusCallback, documentUrl), 'POST', {
                AccountSid: this.options.accountSid,
                CallSid: call.sid,
                RecordingSid: rec,
                RecordingUrl: `${this.baseUrl}/${API_VERSION}/Accounts/${this.options.accountSid}/Recordings/${rec}`,
                RecordingStatus: 'completed',
                RecordingDuration: String(seconds),
                RecordingChannels: '1',
                RecordingSource: 'RecordVerb',
              });
            }
            await this.finish(call, 'completed');
          });
        }
        case 'Dial': {
          call.dialed.push(...v.clients.map((c) => `client:${c}`), ...v.numbers);
          const talk = call.plan.talkSeconds ?? this.between(this.options.talkSeconds ?? [20, 120]);
          // The dialed party hangs up after the talk time: the action URL says what next, else the next verb.
          return this.laterFor(call, epoch, elapsed + talk, async () => {
            if (!v.action) return this.runVerbs(call, verbs, i + 1, documentUrl, epoch, 0);
            const action = resolveUrl(v.action, documentUrl);
            const { status, body } = await this.deliver('dial-action', action, v.method, this.callParams(call, { DialCallStatus: 'completed', DialCallDuration: String(talk), DialBridged: 'true' }));
            if (!this.current(call, epoch)) return;
            if (status >= 200 && status < 400 && parseTwiml(body).length) return this.followTwiml(call, body, action);
            return this.finish(call, 'completed');
          });
        }
        case 'Gather':
        case 'Message':
          // No caller input ever arrives, so <Gather> falls through; <Message> in a call is not modelled.
          break;
      }
    }
    // The document ran out without a verb that waits: the call ends.
    return this.endAfter(call, epoch, elapsed, 'completed');
  }

  private current(call: SimCall, epoch: number): boolean {
    return !FINAL.has(call.status) && this.epochs.get(call.sid) === epoch;
  }

  /** Runs `fn` after `seconds` unless the call ended or moved on to another document meanwhile. */
  private laterFor(call: SimCall, epoch: number, seconds: number, fn: () => Promise<void>): void {
    this.later(seconds * 1000, () => (this.current(call, epoch) ? fn() : undefined));
  }

  private async endAfter(call: SimCall, epoch: number, seconds: number, status: string): Promise<void> {
    if (seconds <= 0) return this.finish(call, status);
    this.laterFor(call, epoch, seconds, () => this.finish(call, status));
  }

  private async finish(call: SimCall, status: string): Promise<void> {
    if (FINAL.has(call.status)) return;
    call.status = status;
    call.endTime = this.now();
    call.dateUpdated = call.endTime;
    call.duration = call.answeredAt ? Math.round((call.endTime.getTime() - call.answeredAt.getTime()) / 1000) : 0;
    await this.callback(call, 'completed', status);
  }

  /** A call-progress event, when it was asked for; the final status always goes. */
  private async callback(call: SimCall, event: string, status: string): Promise<void> {
    if (!call.statusCallback) return;
    if (event !== 'completed' && !call.events.includes(event)) return;
    const params = this.callParams(call, {
      CallStatus: status,
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(call.sequence++),
      Timestamp: rfc2822(this.now()),
    });
    if (FINAL.has(status)) {
      params.CallDuration = String(call.duration ?? 0);
      params.Duration = String(Math.ceil((call.duration ?? 0) / 60));
      const sip = { completed: '200', busy: '486', 'no-answer': '487', failed: '500', canceled: '487' }[status];
      if (sip) params.SipResponseCode = sip;
    }
    if (call.answeredBy) params.AnsweredBy = call.answeredBy;
    await this.deliver('call-status', call.statusCallback, call.statusCallbackMethod, params);
  }

  private async messageStatus(m: SimMessage, status: string, errorCode?: number): Promise<void> {
    m.status = status;
    m.dateUpdated = this.now();
    if (errorCode) m.errorCode = errorCode;
    if (!m.statusCallback) return;
    const params: Record<string, string> = { MessageSid: m.sid, SmsSid: m.sid, MessageStatus: status, SmsStatus: status, AccountSid: this.options.accountSid, From: m.from, To: m.to, ApiVersion: API_VERSION };
    if (m.messagingServiceSid) params.MessagingServiceSid = m.messagingServiceSid;
    if (m.errorCode) params.ErrorCode = String(m.errorCode);
    await this.deliver('message-status', m.statusCallback, 'POST', params);
  }

  private callParams(call: SimCall, extra: Record<string, string>): Record<string, string> {
    return { AccountSid: this.options.accountSid, ApiVersion: API_VERSION, CallSid: call.sid, CallStatus: call.status, Direction: call.direction, From: call.from, To: call.to, Caller: call.from, Called: call.to, ...extra };
  }

  /**
   * Sends a signed webhook. A 5xx or no answer is tried twice more; the carrier never
   * throws for a server that is down. Every attempt is recorded in `deliveries`.
   */
  private async deliver(kind: DeliveryKind, url: string, method: 'GET' | 'POST', params: Record<string, string>): Promise<{ status: number; body: string }> {
    let target = url;
    let signed: Record<string, string> = params;
    if (method === 'GET') {
      const u = new URL(url);
      for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
      target = u.toString();
      signed = {};
    }
    const signature = twilio.getExpectedTwilioSignature(this.options.authToken, target, signed);
    const idempotency = createHash('sha256').update(`${this.instance}:${this.deliverySeq++}`).digest('hex').slice(0, 32);
    let last = { status: 0, body: '' };
    let problem = '';
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const res = await fetch(target, {
          method,
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            'X-Twilio-Signature': signature,
            'I-Twilio-Idempotency-Token': idempotency,
            'User-Agent': 'TwilioProxy/1.1 (simulated carrier)',
          },
          body: method === 'POST' ? new URLSearchParams(params).toString() : undefined,
          signal: AbortSignal.timeout(this.options.webhookTimeoutMs ?? 15_000),
        });
        last = { status: res.status, body: await res.text() };
        problem = `answered ${res.status}`;
      } catch (e) {
        last = { status: 0, body: '' };
        problem = (e as Error).message;
      }
      this.deliveries.push({ kind, url: target, method, params, status: last.status, signature, attempt, at: this.now(), response: last.body.slice(0, 4000) });
      if (last.status > 0 && last.status < 500) return last;
      if (attempt < 3) await this.pause();
    }
    this.options.logger?.warn(`simulated carrier: ${kind} webhook ${url} failed three times (${problem})`);
    return last;
  }

  // --- plumbing -------------------------------------------------------------------

  private get speed(): number {
    const s = this.options.speed ?? 1;
    return s > 0 ? s : 1;
  }

  private pause(): Promise<void> {
    const ms = this.options.retryDelayMs ?? (this.options.clock === 'manual' ? 0 : 250);
    return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
  }

  private later(ms: number, fn: () => Promise<void> | void): void {
    if (this.stopped) return;
    if (this.options.clock === 'manual') {
      this.timers.push({ at: this.manualNow + ms, seq: this.timerSeq++, fn });
      return;
    }
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      void this.track(this.guard(fn));
    }, Math.max(0, ms / this.speed));
    handle.unref();
    this.handles.add(handle);
  }

  /** Runs a timer's work; a failure is logged, never thrown into the event loop. */
  private async guard(fn: () => Promise<void> | void): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.options.logger?.warn(`simulated carrier: ${(e as Error).message}`);
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  private between([min, max]: [number, number]): number {
    return Math.round(min + this.random() * (max - min));
  }

  /** Sids that never repeat: this carrier's instance part, then a counter, as 32 hex digits after the prefix. */
  private sid(prefix: string): string {
    const n = ++this.sidSeq;
    return `${prefix}${this.instance}${n.toString(16).padStart(16, '0')}`;
  }
}
