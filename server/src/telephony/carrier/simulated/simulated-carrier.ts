import { CallStates } from './call-state.js';
import { CarrierClock } from './clock.js';
import { ConferenceRooms } from './conference.js';
import { CallRecordings } from './recordings.js';
import { ConferenceApi } from './conference-api.js';
import { conferenceView } from './conference-shapes.js';
import { CarrierHttpServer } from './http-face.js';
import { CarrierIds } from './ids.js';
import { MessageStates } from './messages.js';
import { Outcomes } from './outcomes.js';
import { phoneNumber, wrongState } from './refusals.js';
import { RestApi } from './rest-api.js';
import { simRoute, type SimControls } from './sim-routes.js';
import { TwimlRunner } from './twiml-runner.js';
import type { Delivery, SimCall, SimMessage, SimScript, SimulatedCarrierOptions } from './types.js';
import { Webhooks } from './webhooks.js';

export { CarrierHttpError } from '../twilio-shape.js';
export type { Delivery, DeliveryKind, SimCall, SimLogger, SimMessage, SimOutcome, SimScript, SimSmsFailure, SimulatedCarrierOptions } from './types.js';

/**
 * A carrier on 127.0.0.1 that speaks the REST shape the official client uses (Calls
 * and Messages: create, fetch, list, update), plays out each call's life with seeded
 * outcomes and durations, fetches TwiML when a call is answered, and posts correctly
 * signed status callbacks. Tests run it on a manual clock; the embedded product runs
 * it in real time (optionally sped up).
 *
 * Controls (answer, hang up, reject, mute, digits, inbound calls and texts, scripts)
 * are methods here and the same routes under `/sim/…` (JSON, the account's basic auth).
 *
 * This class only wires the parts of the folder: `http-face` (server, auth, errors),
 * `rest-api` (Calls and Messages), `sim-routes` (controls), `call-state` (each call's
 * life and status callbacks), `messages` (each text's), `twiml-runner` (what a call in
 * progress does), `clock` (time and timers), `outcomes` (scripts and seeded draws), `ids`
 * (sids and tokens), `webhooks` (signed delivery), `conference` (named rooms, their
 * participants' calls joined from the runner's `<Dial><Conference>`, hold, mute, coach,
 * and who hears whom) and `conference-api` (`Conferences` and their `Participants` over
 * REST).
 */
export class SimulatedCarrier implements SimControls {
  /** Every call by sid, in creation order. */
  readonly calls: Map<string, SimCall>;
  /** Every text by sid, in creation order. */
  readonly messages: Map<string, SimMessage>;
  /** Every webhook attempt, in order. */
  readonly deliveries: Delivery[];
  inboundVoiceUrl: string | undefined;
  inboundSmsUrl: string | undefined;
  /** The per-boot part of every sid and webhook idempotency token. */
  readonly instance: string;
  private readonly clock: CarrierClock;
  private readonly outcomes: Outcomes;
  private readonly callStates: CallStates;
  private readonly messageStates: MessageStates;
  private readonly runner: TwimlRunner;
  /** Conferences: named rooms, their participants, and who hears whom. */
  readonly rooms: ConferenceRooms;
  /** Recordings of calls in progress, started and paused over REST. */
  readonly callRecordings: CallRecordings;
  private readonly rest: RestApi;
  private readonly http: CarrierHttpServer;

  constructor(readonly options: SimulatedCarrierOptions) {
    this.outcomes = new Outcomes(options);
    const ids = new CarrierIds(options.instance);
    this.instance = ids.instance;
    this.clock = new CarrierClock(options);
    this.inboundVoiceUrl = options.inboundVoiceUrl;
    this.inboundSmsUrl = options.inboundSmsUrl;
    const webhooks = new Webhooks(options, this.clock, ids);
    this.callStates = new CallStates(options, this.clock, ids, this.outcomes, webhooks, (call, extra) => this.runner.answered(call, extra));
    this.messageStates = new MessageStates(options, this.clock, ids, this.outcomes, webhooks);
    this.rooms = new ConferenceRooms(options, this.clock, ids, webhooks, () => this.url);
    this.callStates.watchers.ringing = (call) => this.rooms.ringing(call.sid);
    this.callRecordings = new CallRecordings(options, this.clock, ids, webhooks, () => this.url);
    this.callStates.watchers.ended = async (call) => {
      await this.rooms.callEnded(call);
      await this.callRecordings.callEnded(call);
    };
    this.runner = new TwimlRunner(options, this.clock, ids, this.outcomes, webhooks, this.callStates, this.rooms, () => this.url);
    this.rest = new RestApi(options, this.clock, this.callStates, this.messageStates, this.runner, new ConferenceApi(options.accountSid, this.clock, this.callStates, this.rooms, this.outcomes), this.callRecordings);
    this.http = new CarrierHttpServer(options, { rest: (method, url, params) => this.rest.route(method, url, params), sim: (method, path, raw) => simRoute(this, method, path, raw) });
    this.calls = this.callStates.calls;
    this.messages = this.messageStates.messages;
    this.deliveries = webhooks.deliveries;
  }

  /** The base URL once started: `http://127.0.0.1:PORT`. */
  get url(): string {
    return this.http.url;
  }

  async start(port = 0): Promise<string> {
    if (this.http.listening) return this.http.url;
    const url = await this.http.listen(port);
    this.clock.resume();
    return url;
  }

  /** Drops every pending timer, waits for webhooks in flight, and closes the server. */
  async stop(): Promise<void> {
    this.clock.halt();
    await this.clock.settle();
    await this.http.close();
  }

  /** The carrier's clock: what it reports in callbacks and resources. */
  now(): Date {
    return this.clock.now();
  }

  /** The next `count` requests to place a call or send a text are refused as the carrier refuses too many at once: HTTP 429, code 20429. */
  refuseAsBusy(count: number): void {
    this.rest.refuseAsBusy(count);
  }

  /** Forces the outcome of calls and texts to `to` until replaced, or cleared with null. */
  script(to: string, plan: SimScript | null): void {
    this.outcomes.script(to, plan);
  }

  /** Manual clock: runs every timer that falls due within `ms`, in order, awaiting its webhooks. */
  advance(ms: number): Promise<void> {
    return this.clock.advance(ms);
  }

  /** Waits for every webhook in flight (and whatever they set off). */
  settle(): Promise<void> {
    return this.clock.settle();
  }

  call(sid: string): SimCall {
    return this.callStates.get(sid);
  }

  message(sid: string): SimMessage {
    return this.messageStates.get(sid);
  }

  listCalls(): SimCall[] {
    return this.callStates.list();
  }

  listMessages(): SimMessage[] {
    return this.messageStates.list();
  }

  /** Every conference, with who is in it and who hears whom. */
  conferenceViews(): unknown[] {
    return this.rooms.list().map((c) => conferenceView(c, this.rooms.hears(c)));
  }

  /** One conference by sid, or the open one of that friendly name. */
  conferenceView(sidOrName: string): ReturnType<typeof conferenceView> {
    const c = this.rooms.find(sidOrName);
    return conferenceView(c, this.rooms.hears(c));
  }

  // --- controls -------------------------------------------------------------------

  /** The far end picks up a queued or ringing call (AnsweredBy only reaches the server when detection was asked for). */
  answer(sid: string, options: { answeredBy?: string } = {}): Promise<void> {
    return this.callStates.answer(sid, options);
  }

  /** The far end hangs up: a call in progress completes with its duration; a ringing one is declined (no-answer). */
  hangup(sid: string): Promise<void> {
    return this.callStates.hangup(sid);
  }

  /** The far end refuses a call that has not been answered. */
  reject(sid: string, status: 'busy' | 'failed'): Promise<void> {
    return this.callStates.reject(sid, status);
  }

  mute(sid: string, muted: boolean): void {
    this.callStates.mute(sid, muted);
  }

  /** Digits pressed at the far end (recorded on the call; no `<Gather>` hears them). */
  sendDigits(sid: string, digits: string): void {
    this.callStates.sendDigits(sid, digits);
  }

  /** A call to one of our numbers: the signed voice webhook is asked what to do, and its TwiML is followed. */
  async injectInboundCall(input: { from: string; to: string }): Promise<SimCall> {
    const url = this.inboundVoiceUrl;
    if (!url) throw wrongState('inboundVoiceUrl is not set');
    const from = phoneNumber(input.from, 'From', 21212, true);
    const to = phoneNumber(input.to, 'To', 21211, false);
    const call = this.callStates.receive(from, to, url);
    await this.clock.track(this.runner.fetchTwiml(call, url, 'POST', 'inbound-voice', {}));
    return call;
  }

  /** A text to one of our numbers; returns the server's TwiML answer, and records any `<Message>` in it as a reply. */
  async injectInboundSms(input: { from: string; to: string; body: string }): Promise<string> {
    const url = this.inboundSmsUrl;
    if (!url) throw wrongState('inboundSmsUrl is not set');
    const from = phoneNumber(input.from, 'From', 21212, false);
    const to = phoneNumber(input.to, 'To', 21211, false);
    return this.messageStates.receive(url, from, to, String(input.body ?? ''));
  }
}
