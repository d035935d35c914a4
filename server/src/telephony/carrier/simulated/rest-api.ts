import { API_VERSION, CarrierHttpError, callJson, messageJson, page } from '../twilio-shape.js';
import type { CallStates } from './call-state.js';
import type { CarrierClock } from './clock.js';
import type { ConferenceApi } from './conference-api.js';
import type { CallRecordings } from './recordings.js';
import type { MessageStates } from './messages.js';
import { notFound, phoneNumber } from './refusals.js';
import type { TwimlRunner } from './twiml-runner.js';
import type { SimCall, SimMessage, SimulatedCarrierOptions } from './types.js';

function httpMethod(value: string | null | undefined): 'GET' | 'POST' {
  return value?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The REST API (2010-04-01) as the official client calls it: Calls and Messages
 * (create, fetch, list, update), form parameters in, the carrier's JSON and error codes
 * out. Conferences and their participants are `conference-api.ts`'s.
 */
export class RestApi {
  /** New calls and texts still to refuse with the carrier's 429 (too many requests at once). */
  private busyFor = 0;

  constructor(
    private readonly options: Pick<SimulatedCarrierOptions, 'accountSid'>,
    private readonly clock: CarrierClock,
    private readonly calls: CallStates,
    private readonly messages: MessageStates,
    private readonly runner: TwimlRunner,
    private readonly conferences: ConferenceApi,
    private readonly recordings: CallRecordings,
  ) {}

  /** The next `count` requests to place a call or send a text are refused: HTTP 429, code 20429. */
  refuseAsBusy(count: number): void {
    this.busyFor = count;
  }

  route(method: string, url: URL, params: URLSearchParams): [number, unknown] {
    const prefix = `/${API_VERSION}/Accounts/${this.options.accountSid}`;
    const path = url.pathname;
    if (!path.startsWith(`${prefix}/`)) throw notFound(path);
    const rest = path.slice(prefix.length);
    const sub = /^\/Calls\/([^/]+)(\/Recordings.*)$/.exec(rest);
    if (sub) {
      const answered = this.recordings.route(this.calls.get(sub[1]), method, sub[2], params);
      if (answered) return answered;
      throw notFound(path);
    }
    const recording = /^\/Recordings\/([^/.]+)\.(json|wav)$/.exec(rest);
    if (recording) return this.recordings.routeOne(method, decodeURIComponent(recording[1]), recording[2] as 'json' | 'wav');
    if (rest.startsWith('/Conferences')) {
      const answered = this.conferences.route(method, rest, url, params);
      if (answered) return answered;
      throw notFound(path);
    }
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
      const call = this.calls.calls.get(one[2]);
      if (!call) throw notFound(path);
      if (method === 'POST') this.updateCall(call, params);
      if (method === 'GET' || method === 'POST') return [200, this.callJson(call)];
    } else if (one?.[1] === 'Messages') {
      const message = this.messages.messages.get(one[2]);
      if (!message) throw notFound(path);
      if (method === 'GET') return [200, this.messageJson(message)];
    } else {
      throw notFound(path);
    }
    throw new CarrierHttpError(405, 20004, `Method ${method} not allowed on ${path}`);
  }

  private createCall(p: URLSearchParams): SimCall {
    if (!p.get('To')) throw new CarrierHttpError(400, 21201, "No 'To' number is specified");
    if (!p.get('From')) throw new CarrierHttpError(400, 21213, "No 'From' number is specified");
    const to = phoneNumber(p.get('To'), 'To', 21211, true);
    const from = phoneNumber(p.get('From'), 'From', 21212, true);
    const url = p.get('Url');
    const twimlInline = p.get('Twiml');
    if (!url && !twimlInline) throw new CarrierHttpError(400, 21205, "A 'Url' or 'Twiml' parameter is required");
    if (url && !/^https?:\/\//.test(url)) throw new CarrierHttpError(400, 21205, `Url is not a valid URL: ${url}`);
    const events = p.getAll('StatusCallbackEvent').flatMap((e) => e.split(/[\s,]+/)).filter(Boolean);
    const detection = p.get('MachineDetection');
    const timeout = Number(p.get('Timeout') ?? 60);
    return this.calls.placeOutbound({
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
    });
  }

  /** Status=canceled (queued or ringing), Status=completed (hang up), or Url/Twiml (redirect). Callbacks follow asynchronously. */
  private updateCall(call: SimCall, p: URLSearchParams): void {
    const status = p.get('Status');
    if (status === 'canceled') {
      this.calls.cancel(call);
    } else if (status === 'completed') {
      this.calls.complete(call);
    } else if (status) {
      throw new CarrierHttpError(400, 21218, `Status must be canceled or completed, not ${status}`);
    } else if (p.get('Url') || p.get('Twiml')) {
      if (call.status !== 'in-progress') throw new CarrierHttpError(400, 21220, `Call is ${call.status}: only a call in progress can be redirected`);
      const url = p.get('Url');
      void this.clock.track(url ? this.runner.fetchTwiml(call, url, httpMethod(p.get('Method')), 'twiml', {}) : this.runner.followTwiml(call, p.get('Twiml') ?? '', null));
    }
  }

  private createMessage(p: URLSearchParams): SimMessage {
    if (!p.get('To')) throw new CarrierHttpError(400, 21604, "A 'To' phone number is required");
    const to = phoneNumber(p.get('To'), 'To', 21211, false);
    const service = p.get('MessagingServiceSid');
    if (!p.get('From') && !service) throw new CarrierHttpError(400, 21603, "A 'From' phone number is required");
    const from = p.get('From') ? phoneNumber(p.get('From'), 'From', 21212, false) : '+15005550006';
    const body = p.get('Body') ?? '';
    if (!body) throw new CarrierHttpError(400, 21602, 'Message body is required');
    return this.messages.send({ to, from, body, status: p.get('From') ? 'queued' : 'accepted', statusCallback: p.get('StatusCallback'), messagingServiceSid: service });
  }

  private callPage(q: URLSearchParams) {
    const after = q.get('StartTime>');
    const before = q.get('StartTime<');
    const on = q.get('StartTime');
    const calls = this.calls
      .list()
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
    const after = q.get('DateSent>');
    const before = q.get('DateSent<');
    const messages = this.messages
      .list()
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
}
