import { parseTwiml, type TwimlVerb } from '../twiml.js';
import { API_VERSION } from '../twilio-shape.js';
import { type CallStates, isFinal } from './call-state.js';
import type { CarrierClock } from './clock.js';
import type { ConferenceRooms, LeaveReason } from './conference.js';
import type { CarrierIds } from './ids.js';
import type { Outcomes } from './outcomes.js';
import type { DeliveryKind, SimCall, SimulatedCarrierOptions } from './types.js';
import type { Webhooks } from './webhooks.js';

/** A URL in TwiML may be relative to the document it came from. */
function resolveUrl(url: string, base: string | null): string {
  try {
    return new URL(url, base ?? undefined).toString();
  } catch {
    return url;
  }
}

/**
 * What a call in progress does: fetches its TwiML from our webhooks (or takes it inline)
 * and plays the verbs out on the carrier's clock. A call has one current document; a
 * new one (a redirect, a dial action's answer) makes the old one's timers do nothing.
 */
export class TwimlRunner {
  /** Bumped each time a call gets a new document, so the old document's timers do nothing. */
  private readonly epochs = new Map<string, number>();

  constructor(
    private readonly options: Pick<SimulatedCarrierOptions, 'accountSid' | 'talkSeconds' | 'logger'>,
    private readonly clock: CarrierClock,
    private readonly ids: CarrierIds,
    private readonly outcomes: Outcomes,
    private readonly webhooks: Webhooks,
    private readonly calls: CallStates,
    private readonly rooms: ConferenceRooms,
    /** The carrier's base URL, for the recording URLs it reports. */
    private readonly baseUrl: () => string,
  ) {}

  /** An answered outbound call: its Url is asked (with `extra`), else its inline TwiML is followed. */
  async answered(call: SimCall, extra: Record<string, string>): Promise<void> {
    if (call.url) await this.fetchTwiml(call, call.url, call.method, 'twiml', extra);
    else await this.followTwiml(call, call.twimlInline ?? '<Response/>', null);
  }

  /** Asks a webhook for TwiML and follows it; an error answer ends the call, as the carrier's "application error" would. */
  async fetchTwiml(call: SimCall, url: string, method: 'GET' | 'POST', kind: DeliveryKind, extra: Record<string, string>): Promise<void> {
    const { status, body } = await this.webhooks.deliver(kind, url, method, this.calls.callParams(call, extra));
    if (isFinal(call.status)) return;
    if (status < 200 || status >= 400) {
      this.options.logger?.warn(`simulated carrier: TwiML for ${call.sid} from ${url} answered ${status || 'nothing'}; the call ends`);
      return this.calls.finish(call, call.status === 'in-progress' ? 'completed' : 'failed');
    }
    await this.followTwiml(call, body, url);
  }

  /** Acts on a TwiML document: ends the call, keeps it up on `<Dial>`/`<Record>`, or fetches the next one. */
  async followTwiml(call: SimCall, xml: string, documentUrl: string | null): Promise<void> {
    if (isFinal(call.status)) return;
    // New TwiML takes a call out of the room it was in (its old <Dial> does not go on).
    await this.rooms.moved(call.sid);
    const epoch = (this.epochs.get(call.sid) ?? 0) + 1;
    this.epochs.set(call.sid, epoch);
    const verbs = parseTwiml(xml);
    call.twiml.push(xml);
    call.verbs.push(...verbs);
    if (call.status === 'ringing' && call.direction === 'inbound' && verbs[0]?.verb !== 'Reject') {
      call.status = 'in-progress';
      call.answeredAt = this.clock.now();
      call.dateUpdated = call.answeredAt;
    }
    await this.runVerbs(call, verbs, 0, documentUrl, epoch, 0);
  }

  /**
   * Plays verbs from `index`: Say and Play take 3 s a time, Pause its length; Hangup
   * (or running out of verbs) ends the call; Dial and Record hold it for the talk time.
   * `<Dial><Conference>` hands the call to its room until it leaves.
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
          const seconds = Math.min(v.maxLength, call.plan.talkSeconds ?? this.outcomes.between(this.options.talkSeconds ?? [10, 30]));
          return this.laterFor(call, epoch, elapsed + seconds, async () => {
            if (v.recordingStatusCallback) {
              const rec = this.ids.sid('RE');
              await this.webhooks.deliver('recording', resolveUrl(v.recordingStatusCallback, documentUrl), 'POST', {
                AccountSid: this.options.accountSid,
                CallSid: call.sid,
                RecordingSid: rec,
                RecordingUrl: `${this.baseUrl()}/${API_VERSION}/Accounts/${this.options.accountSid}/Recordings/${rec}`,
                RecordingStatus: 'completed',
                RecordingDuration: String(seconds),
                RecordingChannels: '1',
                RecordingSource: 'RecordVerb',
              });
            }
            await this.calls.finish(call, 'completed');
          });
        }
        case 'Dial': {
          if (v.conference) {
            const noun = v.conference;
            const enter = () => this.enterRoom(call, epoch, noun, (reason) => this.afterRoom(call, epoch, v.action ? resolveUrl(v.action, documentUrl) : null, v.method, reason, () => this.runVerbs(call, verbs, i + 1, documentUrl, epoch, 0)));
            if (elapsed <= 0) return enter();
            return this.laterFor(call, epoch, elapsed, enter);
          }
          call.dialed.push(...v.clients.map((c) => `client:${c}`), ...v.numbers);
          const talk = call.plan.talkSeconds ?? this.outcomes.between(this.options.talkSeconds ?? [20, 120]);
          // The dialed party hangs up after the talk time: the action URL says what next, else the next verb.
          return this.laterFor(call, epoch, elapsed + talk, async () => {
            if (!v.action) return this.runVerbs(call, verbs, i + 1, documentUrl, epoch, 0);
            const action = resolveUrl(v.action, documentUrl);
            const { status, body } = await this.webhooks.deliver('dial-action', action, v.method, this.calls.callParams(call, { DialCallStatus: 'completed', DialCallDuration: String(talk), DialBridged: 'true' }));
            if (!this.current(call, epoch)) return;
            if (status >= 200 && status < 400 && parseTwiml(body).length) return this.followTwiml(call, body, action);
            return this.calls.finish(call, 'completed');
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

  /**
   * The call joins the room. A person at the far end of the call (a phone number, not an
   * agent's `client:` phone) hangs up after the talk time, as they would on a bridge.
   */
  private async enterRoom(call: SimCall, epoch: number, noun: NonNullable<Extract<TwimlVerb, { verb: 'Dial' }>['conference']>, onLeft: (reason: LeaveReason) => Promise<void>): Promise<void> {
    call.dialed.push(`conference:${noun.name}`);
    await this.rooms.join(call, noun, onLeft);
    const farEnd = call.direction === 'inbound' ? call.from : call.to;
    if (!farEnd.startsWith('client:')) {
      const talk = call.plan.talkSeconds ?? this.outcomes.between(this.options.talkSeconds ?? [20, 120]);
      this.laterFor(call, epoch, talk, () => this.calls.finish(call, 'completed'));
    }
  }

  /** Out of the room: the dial's action is asked what next (DialCallStatus completed), else the verbs after `<Dial>` play. */
  private async afterRoom(call: SimCall, epoch: number, action: string | null, method: 'GET' | 'POST', reason: LeaveReason, rest: () => Promise<void>): Promise<void> {
    if (!this.current(call, epoch)) return;
    if (!action) return rest();
    const { status, body } = await this.webhooks.deliver('dial-action', action, method, this.calls.callParams(call, { DialCallStatus: reason === 'full' ? 'failed' : 'completed' }));
    if (!this.current(call, epoch)) return;
    if (status >= 200 && status < 400 && parseTwiml(body).length) return this.followTwiml(call, body, action);
    return this.calls.finish(call, 'completed');
  }

  private current(call: SimCall, epoch: number): boolean {
    return !isFinal(call.status) && this.epochs.get(call.sid) === epoch;
  }

  /** Runs `fn` after `seconds` unless the call ended or moved on to another document meanwhile. */
  private laterFor(call: SimCall, epoch: number, seconds: number, fn: () => Promise<void>): void {
    this.clock.later(seconds * 1000, () => (this.current(call, epoch) ? fn() : undefined));
  }

  private async endAfter(call: SimCall, epoch: number, seconds: number, status: string): Promise<void> {
    if (seconds <= 0) return this.calls.finish(call, status);
    this.laterFor(call, epoch, seconds, () => this.calls.finish(call, status));
  }
}
