import twilio from 'twilio';
import { RedirectingRequestClient } from '../carrier/twilio-client.js';

export interface PlaceCallRequest {
  to: string;
  from: string;
  /** Where the carrier posts call-progress events. */
  statusCallback: string;
  /** Where the carrier fetches TwiML once the call is answered. */
  twimlUrl: string;
  machineDetection?: boolean;
  /** Seconds to ring before giving up (at least 15). */
  timeoutSeconds?: number;
}

export interface SendSmsRequest {
  to: string;
  from: string;
  body: string;
  statusCallback: string;
}

export interface CarrierCall {
  sid: string;
  status: string;
  to: string;
  from: string;
  durationSeconds: number | null;
  startTime: Date | null;
  endTime: Date | null;
  answeredBy: string | null;
}

export interface CarrierMessage {
  sid: string;
  status: string;
  to: string;
  from: string;
  body: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/** A call dialed into a conference room over REST. */
export interface AddParticipantRequest {
  from: string;
  /** A number, or an agent's phone (`client:…`). */
  to: string;
  /** A name for the participant in the room (its role), by which it can be addressed. */
  label?: string;
  /** Heard by nobody (a supervisor listening). */
  muted?: boolean;
  /** The call this participant coaches: only that call hears it. */
  coach?: string;
  /** Whether the room starts when this one enters (default true). */
  startConferenceOnEnter?: boolean;
  /** Whether the room ends when this one leaves (default false). */
  endConferenceOnExit?: boolean;
  /** Where the participant's call posts its progress. */
  statusCallback: string;
  /** Where the room posts its events, when this participant makes it. */
  conferenceStatusCallback?: string;
  timeoutSeconds?: number;
}

/** A call in a conference room, as the carrier reports it. */
export interface CarrierParticipant {
  callSid: string;
  conferenceSid: string;
  label: string | null;
  status: string;
  muted: boolean;
  hold: boolean;
  coaching: boolean;
  callSidToCoach: string | null;
}

/** What may change on a participant in the room. */
export interface ParticipantUpdate {
  muted?: boolean;
  hold?: boolean;
  /** What a held participant hears (TwiML or audio); the carrier's music when absent. */
  holdUrl?: string;
  /** The call to coach, or null to stop coaching (heard by everyone unless muted). */
  coach?: string | null;
  endConferenceOnExit?: boolean;
  /** Something to play to this participant alone. */
  announceUrl?: string;
}

/** The room events asked of the carrier for every conference: start, end, join, leave, mute, hold, modify. */
export const CONFERENCE_EVENTS = ['start', 'end', 'join', 'leave', 'mute', 'hold', 'modify'] as const;

/** The carrier failed or refused a request; `status` is its HTTP status when there was one. */
export class CarrierError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly carrierCode: number | undefined,
  ) {
    super(message);
    this.name = 'CarrierError';
  }

  /** The carrier refused because we sent too much at once (HTTP 429, its code 20429): nothing was done, and the same request later succeeds. */
  get rateLimited(): boolean {
    return this.status === 429 || this.carrierCode === 20429;
  }
}

/**
 * The carrier, as the rest of the server sees it. One implementation speaks the
 * carrier's REST API through its official client; pointed at the simulated carrier,
 * the same code runs offline.
 */
export abstract class CarrierGateway {
  abstract readonly mode: 'twilio' | 'simulated';
  /** The token the carrier signs webhooks with. */
  abstract readonly authToken: string;
  abstract placeCall(request: PlaceCallRequest): Promise<CarrierCall>;
  abstract sendSms(request: SendSmsRequest): Promise<CarrierMessage>;
  abstract fetchCall(sid: string): Promise<CarrierCall | null>;
  abstract fetchMessage(sid: string): Promise<CarrierMessage | null>;
  /** Cancels a call still ringing, or hangs up one in progress. */
  abstract endCall(sid: string, how: 'cancel' | 'hangup'): Promise<void>;
  /** Gives a call in progress new instructions (hold music, or back to the agent). */
  abstract redirectCall(sid: string, twiml: string): Promise<void>;
  /** Calls to `to` from `from` created at or after `after` (to find a call whose sid was never recorded). */
  abstract findCalls(query: { to: string; from: string; after: Date }): Promise<CarrierCall[]>;
  /**
   * The latest texts to `to` from `from`, newest first (to find a text whose sid was never
   * recorded; the caller matches them by their words and by no row holding their sid).
   */
  abstract findMessages(query: { to: string; from: string }): Promise<CarrierMessage[]>;
  /** Dials `to` into the room named `room` (the carrier makes the room when it is not open). */
  abstract addParticipant(room: string, request: AddParticipantRequest): Promise<CarrierParticipant>;
  /** Mutes, holds, coaches or hands over a participant of a room (by its sid or name). */
  abstract updateParticipant(conference: string, callSid: string, update: ParticipantUpdate): Promise<CarrierParticipant>;
  /** Takes a participant out of the room; its call goes on with what follows in its TwiML, or ends. */
  abstract removeParticipant(conference: string, callSid: string): Promise<void>;
  /** Those in an open room now; none when it has ended or never opened. */
  abstract listParticipants(conference: string): Promise<CarrierParticipant[]>;
  /** Ends a room: everyone leaves it. */
  abstract endConference(conference: string): Promise<void>;
  /** Starts recording a call in progress; its status callback reports the recording when it is complete. */
  abstract startRecording(callSid: string, statusCallback: string): Promise<{ sid: string }>;
  /** Pauses (the paused time is left out), resumes or stops a call's recording. */
  abstract setRecording(callSid: string, recordingSid: string, status: 'paused' | 'in-progress' | 'stopped'): Promise<void>;
  /** Deletes a recording at the carrier; one already gone is nothing to do. */
  abstract deleteRecording(recordingSid: string): Promise<void>;
  /** A recording's audio (WAV), fetched from the carrier with the account's credentials; null when it is gone. */
  abstract recordingAudio(recordingSid: string): Promise<{ contentType: string; bytes: Buffer } | null>;
}

type Client = ReturnType<typeof twilio>;
type CallInstance = Awaited<ReturnType<Client['calls']['create']>>;
type MessageInstance = Awaited<ReturnType<Client['messages']['create']>>;

function toCall(c: CallInstance): CarrierCall {
  const duration = c.duration === null || c.duration === undefined || c.duration === '' ? null : Number(c.duration);
  return {
    sid: c.sid,
    status: c.status,
    to: c.to,
    from: c.from,
    durationSeconds: Number.isFinite(duration) ? duration : null,
    startTime: c.startTime ?? null,
    endTime: c.endTime ?? null,
    answeredBy: c.answeredBy ?? null,
  };
}

type ParticipantInstance = Awaited<ReturnType<ReturnType<ReturnType<Client['conferences']>['participants']>['fetch']>>;

function toParticipant(p: ParticipantInstance): CarrierParticipant {
  return { callSid: p.callSid, conferenceSid: p.conferenceSid, label: p.label ?? null, status: p.status, muted: Boolean(p.muted), hold: Boolean(p.hold), coaching: Boolean(p.coaching), callSidToCoach: p.callSidToCoach ?? null };
}

function toMessage(m: MessageInstance): CarrierMessage {
  return { sid: m.sid, status: m.status, to: m.to, from: m.from, body: m.body ?? null, errorCode: m.errorCode ? String(m.errorCode) : null, errorMessage: m.errorMessage ?? null };
}

function carrierError(e: unknown): CarrierError {
  const err = e as { message?: string; status?: number; code?: number };
  return new CarrierError(err.message ?? String(e), err.status, err.code);
}

export class TwilioCarrierGateway extends CarrierGateway {
  constructor(
    readonly mode: 'twilio' | 'simulated',
    private readonly client: Client,
    readonly authToken: string,
  ) {
    super();
  }

  async placeCall(r: PlaceCallRequest): Promise<CarrierCall> {
    try {
      const call = await this.client.calls.create({
        to: r.to,
        from: r.from,
        url: r.twimlUrl,
        method: 'POST',
        statusCallback: r.statusCallback,
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        timeout: Math.max(15, r.timeoutSeconds ?? 30),
        ...(r.machineDetection ? { machineDetection: 'Enable' } : {}),
      });
      return toCall(call);
    } catch (e) {
      throw carrierError(e);
    }
  }

  async sendSms(r: SendSmsRequest): Promise<CarrierMessage> {
    try {
      return toMessage(await this.client.messages.create({ to: r.to, from: r.from, body: r.body, statusCallback: r.statusCallback }));
    } catch (e) {
      throw carrierError(e);
    }
  }

  async fetchCall(sid: string): Promise<CarrierCall | null> {
    try {
      return toCall(await this.client.calls(sid).fetch());
    } catch (e) {
      if ((e as { status?: number }).status === 404) return null;
      throw carrierError(e);
    }
  }

  async fetchMessage(sid: string): Promise<CarrierMessage | null> {
    try {
      return toMessage(await this.client.messages(sid).fetch());
    } catch (e) {
      if ((e as { status?: number }).status === 404) return null;
      throw carrierError(e);
    }
  }

  async endCall(sid: string, how: 'cancel' | 'hangup'): Promise<void> {
    try {
      await this.client.calls(sid).update({ status: how === 'cancel' ? 'canceled' : 'completed' });
    } catch (e) {
      throw carrierError(e);
    }
  }

  async redirectCall(sid: string, twiml: string): Promise<void> {
    try {
      await this.client.calls(sid).update({ twiml });
    } catch (e) {
      throw carrierError(e);
    }
  }

  async findCalls(q: { to: string; from: string; after: Date }): Promise<CarrierCall[]> {
    try {
      const calls = await this.client.calls.list({ to: q.to, from: q.from, startTimeAfter: new Date(q.after.getTime() - 60_000), limit: 20 });
      return calls.map(toCall);
    } catch (e) {
      throw carrierError(e);
    }
  }

  async findMessages(q: { to: string; from: string }): Promise<CarrierMessage[]> {
    try {
      const messages = await this.client.messages.list({ to: q.to, from: q.from, limit: 20 });
      return messages.map(toMessage);
    } catch (e) {
      throw carrierError(e);
    }
  }

  async addParticipant(room: string, r: AddParticipantRequest): Promise<CarrierParticipant> {
    try {
      const p = await this.client.conferences(room).participants.create({
        from: r.from,
        to: r.to,
        ...(r.label ? { label: r.label } : {}),
        muted: r.muted ?? false,
        ...(r.coach ? { coaching: true, callSidToCoach: r.coach } : {}),
        beep: 'false',
        startConferenceOnEnter: r.startConferenceOnEnter ?? true,
        endConferenceOnExit: r.endConferenceOnExit ?? false,
        statusCallback: r.statusCallback,
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        ...(r.conferenceStatusCallback ? { conferenceStatusCallback: r.conferenceStatusCallback, conferenceStatusCallbackMethod: 'POST', conferenceStatusCallbackEvent: [...CONFERENCE_EVENTS] } : {}),
        timeout: Math.max(5, r.timeoutSeconds ?? 20),
      });
      return toParticipant(p);
    } catch (e) {
      throw carrierError(e);
    }
  }

  async updateParticipant(conference: string, callSid: string, u: ParticipantUpdate): Promise<CarrierParticipant> {
    try {
      const p = await this.client
        .conferences(conference)
        .participants(callSid)
        .update({
          ...(u.muted === undefined ? {} : { muted: u.muted }),
          ...(u.hold === undefined ? {} : { hold: u.hold }),
          ...(u.holdUrl ? { holdUrl: u.holdUrl, holdMethod: 'POST' } : {}),
          ...(u.coach === undefined ? {} : u.coach ? { coaching: true, callSidToCoach: u.coach } : { coaching: false }),
          ...(u.endConferenceOnExit === undefined ? {} : { endConferenceOnExit: u.endConferenceOnExit }),
          ...(u.announceUrl ? { announceUrl: u.announceUrl, announceMethod: 'POST' } : {}),
        });
      return toParticipant(p);
    } catch (e) {
      throw carrierError(e);
    }
  }

  async removeParticipant(conference: string, callSid: string): Promise<void> {
    try {
      await this.client.conferences(conference).participants(callSid).remove();
    } catch (e) {
      if ((e as { status?: number }).status === 404) return;
      throw carrierError(e);
    }
  }

  async listParticipants(conference: string): Promise<CarrierParticipant[]> {
    try {
      return (await this.client.conferences(conference).participants.list({ limit: 50 })).map(toParticipant);
    } catch (e) {
      if ((e as { status?: number }).status === 404) return [];
      throw carrierError(e);
    }
  }

  async endConference(conference: string): Promise<void> {
    try {
      await this.client.conferences(conference).update({ status: 'completed' });
    } catch (e) {
      // A room that is gone or has already ended: nothing is left to end.
      const status = (e as { status?: number }).status;
      if (status === 404 || status === 400) return;
      throw carrierError(e);
    }
  }

  async startRecording(callSid: string, statusCallback: string): Promise<{ sid: string }> {
    try {
      const r = await this.client.calls(callSid).recordings.create({ recordingStatusCallback: statusCallback, recordingStatusCallbackMethod: 'POST', recordingStatusCallbackEvent: ['in-progress', 'completed'] });
      return { sid: r.sid };
    } catch (e) {
      throw carrierError(e);
    }
  }

  async setRecording(callSid: string, recordingSid: string, status: 'paused' | 'in-progress' | 'stopped'): Promise<void> {
    try {
      await this.client.calls(callSid).recordings(recordingSid).update({ status, ...(status === 'paused' ? { pauseBehavior: 'skip' } : {}) });
    } catch (e) {
      throw carrierError(e);
    }
  }

  async deleteRecording(recordingSid: string): Promise<void> {
    try {
      await this.client.recordings(recordingSid).remove();
    } catch (e) {
      if ((e as { status?: number }).status === 404) return;
      throw carrierError(e);
    }
  }

  async recordingAudio(recordingSid: string): Promise<{ contentType: string; bytes: Buffer } | null> {
    if (!/^RE[0-9a-f]{32}$/.test(recordingSid)) return null;
    const c = this.client as unknown as { accountSid: string; username: string; password: string; httpClient?: unknown };
    const cloud = `https://api.twilio.com/2010-04-01/Accounts/${c.accountSid}/Recordings/${recordingSid}.wav`;
    // The same place the client's requests go (the simulated carrier, or any stand-in).
    const url = c.httpClient instanceof RedirectingRequestClient ? c.httpClient.target(cloud) : cloud;
    const res = await fetch(url, { headers: { Authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` }, signal: AbortSignal.timeout(15_000) }).catch((e: unknown) => {
      throw new CarrierError(`The carrier did not answer for the recording: ${(e as Error).message}`, undefined, undefined);
    });
    if (res.status === 404) return null;
    if (!res.ok) throw new CarrierError(`The carrier answered ${res.status} for the recording`, res.status, undefined);
    return { contentType: res.headers.get('content-type') ?? 'audio/wav', bytes: Buffer.from(await res.arrayBuffer()) };
  }
}
