import { API_VERSION, CarrierHttpError, rfc2822 } from '../twilio-shape.js';
import type { CarrierClock } from './clock.js';
import type { CarrierIds } from './ids.js';
import type { Outcomes } from './outcomes.js';
import { notFound, wrongState } from './refusals.js';
import type { SimCall, SimScript, SimulatedCarrierOptions } from './types.js';
import type { Webhooks } from './webhooks.js';

const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

/** A status no call leaves. */
export function isFinal(status: string): boolean {
  return FINAL.has(status);
}

/** What a call is made with; the rest starts empty. */
export type CallFields = Omit<SimCall, 'sid' | 'status' | 'dateCreated' | 'dateUpdated' | 'startTime' | 'answeredAt' | 'endTime' | 'duration' | 'answeredBy' | 'muted' | 'digits' | 'twiml' | 'verbs' | 'dialed' | 'sequence'>;

/** What an answered call does next (its TwiML), with AnsweredBy when detection reported it. */
export type OnAnswered = (call: SimCall, extra: Record<string, string>) => Promise<void>;

/**
 * Each call's life: queued → initiated → ringing → in-progress → a final status, with its
 * times, duration and answering-machine verdict, and the status callbacks it asked for
 * (the final one always goes). What an answered call does is the TwiML runner's part.
 */
export class CallStates {
  /** Every call by sid, in creation order. */
  readonly calls = new Map<string, SimCall>();
  /** Told when a call starts ringing and when it ends (a conference lets the call's participant go). */
  readonly watchers: { ringing?: (call: SimCall) => void; ended?: (call: SimCall) => Promise<void> } = {};

  constructor(
    private readonly options: Pick<SimulatedCarrierOptions, 'accountSid' | 'ringSeconds'>,
    private readonly clock: CarrierClock,
    private readonly ids: CarrierIds,
    private readonly outcomes: Outcomes,
    private readonly webhooks: Webhooks,
    private readonly onAnswered: OnAnswered,
  ) {}

  get(sid: string): SimCall {
    const call = this.calls.get(sid);
    if (!call) throw notFound(`call ${sid}`);
    return call;
  }

  list(): SimCall[] {
    return [...this.calls.values()];
  }

  /** A call placed through the REST API: its outcome is drawn now, and it is dialed about a second later. */
  placeOutbound(fields: Omit<CallFields, 'plan'>, plan?: SimScript): SimCall {
    const call = this.create({ ...fields, plan: plan ?? this.outcomes.plan(fields.to) });
    this.clock.later(1000, () => this.dialOut(call));
    return call;
  }

  /** A call to one of our numbers, ringing; the caller's script may set how long it talks. */
  receive(from: string, to: string, url: string): SimCall {
    const scripted = this.outcomes.scripted(from);
    const call = this.create({
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
    call.startTime = this.clock.now();
    return call;
  }

  // --- controls -------------------------------------------------------------------

  /** The far end picks up a queued or ringing call (AnsweredBy only reaches the server when detection was asked for). */
  async answer(sid: string, options: { answeredBy?: string } = {}): Promise<void> {
    const call = this.get(sid);
    if (call.status !== 'queued' && call.status !== 'ringing') throw wrongState(`Call ${sid} is ${call.status}, not ringing`);
    await this.clock.track(
      (async () => {
        await this.startRinging(call);
        await this.answered(call, options.answeredBy ?? 'human');
      })(),
    );
  }

  /** The far end hangs up: a call in progress completes with its duration; a ringing one is declined (no-answer). */
  async hangup(sid: string): Promise<void> {
    const call = this.get(sid);
    if (!FINAL.has(call.status)) await this.clock.track(this.finish(call, call.status === 'in-progress' ? 'completed' : 'no-answer'));
  }

  /** The far end refuses a call that has not been answered. */
  async reject(sid: string, status: 'busy' | 'failed'): Promise<void> {
    const call = this.get(sid);
    if (status !== 'busy' && status !== 'failed') throw new CarrierHttpError(400, 21218, `A call is rejected as busy or failed, not ${String(status)}`);
    if (call.status !== 'queued' && call.status !== 'ringing') throw wrongState(`Call ${sid} is ${call.status}, not ringing`);
    await this.clock.track(this.finish(call, status));
  }

  mute(sid: string, muted: boolean): void {
    const call = this.get(sid);
    call.muted = muted;
    call.dateUpdated = this.clock.now();
  }

  /** Digits pressed at the far end (recorded on the call; no `<Gather>` hears them). */
  sendDigits(sid: string, digits: string): void {
    const call = this.get(sid);
    if (!/^[0-9*#wW]*$/.test(digits)) throw new CarrierHttpError(400, 21218, `Digits may hold 0-9, * and # only, not ${digits}`);
    call.digits += digits;
    call.dateUpdated = this.clock.now();
  }

  /** Status=canceled over REST: only a queued or ringing call can be canceled. Callbacks follow asynchronously. */
  cancel(call: SimCall): void {
    if (call.status === 'canceled') return;
    if (call.status !== 'queued' && call.status !== 'ringing') throw new CarrierHttpError(400, 21220, `Call is ${call.status}, not queued or ringing: use Status=completed to hang up`);
    void this.clock.track(this.finish(call, 'canceled'));
  }

  /** Status=completed over REST: hangs up a call in progress, cancels one not answered yet. */
  complete(call: SimCall): void {
    if (!FINAL.has(call.status)) void this.clock.track(this.finish(call, call.status === 'in-progress' ? 'completed' : 'canceled'));
  }

  // --- life -----------------------------------------------------------------------

  /** Ends the call with `status` (once: a final status is final) and sends the final callback. */
  async finish(call: SimCall, status: string): Promise<void> {
    if (FINAL.has(call.status)) return;
    call.status = status;
    call.endTime = this.clock.now();
    call.dateUpdated = call.endTime;
    call.duration = call.answeredAt ? Math.round((call.endTime.getTime() - call.answeredAt.getTime()) / 1000) : 0;
    await this.watchers.ended?.(call);
    await this.callback(call, 'completed', status);
  }

  /** The parameters every voice webhook about the call carries, and `extra`. */
  callParams(call: SimCall, extra: Record<string, string>): Record<string, string> {
    return { AccountSid: this.options.accountSid, ApiVersion: API_VERSION, CallSid: call.sid, CallStatus: call.status, Direction: call.direction, From: call.from, To: call.to, Caller: call.from, Called: call.to, ...extra };
  }

  private create(fields: CallFields): SimCall {
    const now = this.clock.now();
    const call: SimCall = { ...fields, sid: this.ids.sid('CA'), status: 'queued', dateCreated: now, dateUpdated: now, startTime: null, answeredAt: null, endTime: null, duration: null, answeredBy: null, muted: false, digits: '', twiml: [], verbs: [], dialed: [], sequence: 0 };
    this.calls.set(call.sid, call);
    return call;
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
      call.startTime = this.clock.now();
      await this.callback(call, 'initiated', 'initiated');
      return this.finish(call, 'failed');
    }
    await this.startRinging(call);
    if (!this.ringing(call)) return;
    const drawn = plan.ringSeconds ?? this.outcomes.between(this.options.ringSeconds ?? [3, 12]);
    const ring = Math.min(drawn, call.timeout);
    const whileRinging = (fn: () => Promise<void>) => () => (this.ringing(call) ? fn() : undefined);
    switch (plan.outcome) {
      case 'answer':
      case 'machine':
        this.clock.later(ring * 1000, whileRinging(() => this.answered(call, this.detectedAs(call))));
        break;
      case 'busy':
        this.clock.later(Math.min(plan.ringSeconds ?? Math.min(drawn, 3), call.timeout) * 1000, whileRinging(() => this.finish(call, 'busy')));
        break;
      case 'no-answer':
      case 'hold':
        // Nobody picks up: the call rings for its whole Timeout.
        this.clock.later(call.timeout * 1000, whileRinging(() => this.finish(call, 'no-answer')));
        break;
    }
  }

  private ringing(call: SimCall): boolean {
    return call.status === 'ringing';
  }

  private async startRinging(call: SimCall): Promise<void> {
    if (call.status !== 'queued') return;
    call.status = 'ringing';
    call.startTime = this.clock.now();
    call.dateUpdated = call.startTime;
    this.watchers.ringing?.(call);
    await this.callback(call, 'initiated', 'initiated');
    if (this.ringing(call)) await this.callback(call, 'ringing', 'ringing');
  }

  private async answered(call: SimCall, answeredBy: string): Promise<void> {
    if (call.status !== 'ringing') return;
    call.status = 'in-progress';
    call.answeredAt = this.clock.now();
    call.dateUpdated = call.answeredAt;
    call.answeredBy = call.machineDetection ? answeredBy : null;
    await this.callback(call, 'answered', 'in-progress');
    if (FINAL.has(call.status)) return;
    await this.onAnswered(call, call.answeredBy ? { AnsweredBy: call.answeredBy } : {});
  }

  /** A call-progress event, when it was asked for; the final status always goes. */
  private async callback(call: SimCall, event: string, status: string): Promise<void> {
    if (!call.statusCallback) return;
    if (event !== 'completed' && !call.events.includes(event)) return;
    const params = this.callParams(call, {
      CallStatus: status,
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(call.sequence++),
      Timestamp: rfc2822(this.clock.now()),
    });
    if (FINAL.has(status)) {
      params.CallDuration = String(call.duration ?? 0);
      params.Duration = String(Math.ceil((call.duration ?? 0) / 60));
      const sip = { completed: '200', busy: '486', 'no-answer': '487', failed: '500', canceled: '487' }[status];
      if (sip) params.SipResponseCode = sip;
    }
    if (call.answeredBy) params.AnsweredBy = call.answeredBy;
    await this.webhooks.deliver('call-status', call.statusCallback, call.statusCallbackMethod, params);
  }
}
