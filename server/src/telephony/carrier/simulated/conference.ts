import type { ConferenceNoun } from '../twiml.js';
import { API_VERSION, CarrierHttpError, rfc2822 } from '../twilio-shape.js';
import type { CarrierClock } from './clock.js';
import type { CarrierIds } from './ids.js';
import { notFound } from './refusals.js';
import type { SimCall, SimConference, SimParticipant, SimulatedCarrierOptions } from './types.js';
import type { Webhooks } from './webhooks.js';

/** Why a participant's time in the room ended; the call goes on with the TwiML after its `<Dial>`. */
export type LeaveReason = 'hangup' | 'kicked' | 'conference-ended' | 'modified' | 'full';

/** What a call in a room does once it is out of it (the runner's continuation after `<Dial>`). */
export type OnLeft = (reason: LeaveReason) => Promise<void>;

/** What may change on a participant (the REST update's parameters, already read). */
export interface ParticipantChange {
  muted?: boolean;
  hold?: boolean;
  holdUrl?: string | null;
  holdMethod?: 'GET' | 'POST';
  coaching?: boolean;
  callSidToCoach?: string | null;
  endConferenceOnExit?: boolean;
  announceUrl?: string | null;
}

const EVENT_OF: Record<string, string> = {
  'conference-start': 'start',
  'conference-end': 'end',
  'participant-join': 'join',
  'participant-leave': 'leave',
  'participant-mute': 'mute',
  'participant-unmute': 'mute',
  'participant-hold': 'hold',
  'participant-unhold': 'hold',
  'participant-modify': 'modify',
  'announcement-end': 'announcement',
  'announcement-fail': 'announcement',
};

/**
 * Named rooms and the calls in them, as the carrier keeps conferences: a room is made by
 * its first participant (status `init`), starts when one who starts it enters
 * (`in-progress`), and ends (`completed`) when one who ends it leaves, when the last one
 * leaves, or over the REST API. A participant is a call; muted, on hold and coaching decide
 * who hears whom (`hears`). Conference events go, signed, to the status callback the first
 * participant named, for the events it asked for.
 */
export class ConferenceRooms {
  /** Every conference by sid, in creation order (ended ones stay, as the carrier lists them). */
  readonly conferences = new Map<string, SimConference>();
  /** Where each call in a room goes on when it leaves. */
  private readonly continuations = new Map<string, OnLeft>();

  constructor(
    private readonly options: Pick<SimulatedCarrierOptions, 'accountSid'>,
    private readonly clock: CarrierClock,
    private readonly ids: CarrierIds,
    private readonly webhooks: Webhooks,
    /** The carrier's base URL, for the recording URLs it reports. */
    private readonly baseUrl: () => string,
  ) {}

  /** A conference by sid, or the open one of that friendly name (as the REST paths allow). */
  find(sidOrName: string): SimConference {
    const found = this.conferences.get(sidOrName) ?? this.open(sidOrName);
    if (!found) throw notFound(`conference ${sidOrName}`);
    return found;
  }

  /** The open (not completed) room of that name; null when there is none. */
  open(name: string): SimConference | null {
    for (const c of this.conferences.values()) if (c.friendlyName === name && c.status !== 'completed') return c;
    return null;
  }

  list(): SimConference[] {
    return [...this.conferences.values()];
  }

  /** The open room of that name, made (status `init`) when there is none. */
  room(name: string, noun: Pick<ConferenceNoun, 'statusCallback' | 'statusCallbackMethod' | 'statusCallbackEvent' | 'record' | 'recordingStatusCallback' | 'maxParticipants'>): SimConference {
    const existing = this.open(name);
    if (existing) return existing;
    const now = this.clock.now();
    const conference: SimConference = {
      sid: this.ids.sid('CF'),
      friendlyName: name,
      status: 'init',
      dateCreated: now,
      dateUpdated: now,
      startedAt: null,
      reasonConferenceEnded: null,
      callSidEndingConference: null,
      participants: new Map(),
      everyone: [],
      statusCallback: noun.statusCallback,
      statusCallbackMethod: noun.statusCallbackMethod,
      events: noun.statusCallbackEvent,
      sequence: 0,
      record: noun.record === 'record-from-start',
      recordingStatusCallback: noun.recordingStatusCallback,
      maxParticipants: noun.maxParticipants,
    };
    this.conferences.set(conference.sid, conference);
    return conference;
  }

  /** A participant dialed out over REST, not answered yet (`queued`, then `ringing`), held for `join`. */
  expect(conference: SimConference, call: SimCall, noun: ConferenceNoun): SimParticipant {
    const p = this.participant(conference, call, noun, 'queued');
    conference.participants.set(call.sid, p);
    conference.everyone.push(p);
    return p;
  }

  /** The call's participant in an open room, if it is in one. */
  participantOf(callSid: string): SimParticipant | null {
    for (const c of this.conferences.values()) {
      if (c.status === 'completed') continue;
      const p = c.participants.get(callSid);
      if (p) return p;
    }
    return null;
  }

  /** A call enters the room its `<Dial><Conference>` names; `onLeft` says what it does once out. */
  async join(call: SimCall, noun: ConferenceNoun, onLeft: OnLeft): Promise<void> {
    const conference = this.room(noun.name, noun);
    if (!conference.statusCallback && noun.statusCallback) {
      conference.statusCallback = noun.statusCallback;
      conference.statusCallbackMethod = noun.statusCallbackMethod;
      conference.events = noun.statusCallbackEvent;
    }
    const expected = conference.participants.get(call.sid);
    const connected = [...conference.participants.values()].filter((p) => p.status === 'connected').length;
    if (!expected && connected >= conference.maxParticipants) return onLeft('full');
    const p = expected ?? this.participant(conference, call, noun, 'connected');
    if (expected) Object.assign(expected, this.settings(noun));
    p.status = 'connected';
    p.dateUpdated = this.clock.now();
    if (!expected) {
      conference.participants.set(call.sid, p);
      conference.everyone.push(p);
    }
    this.continuations.set(call.sid, onLeft);
    await this.event(conference, 'participant-join', p);
    if (conference.status === 'init' && p.startConferenceOnEnter) {
      conference.status = 'in-progress';
      conference.startedAt = this.clock.now();
      conference.dateUpdated = conference.startedAt;
      await this.event(conference, 'conference-start');
    }
  }

  /** A participant dialed out over REST rings; one that never answers leaves the room unjoined. */
  ringing(callSid: string): void {
    const p = this.participantOf(callSid);
    if (p && p.status === 'queued') {
      p.status = 'ringing';
      p.dateUpdated = this.clock.now();
    }
  }

  /** The call ended (hung up at either end): it leaves its room, if it is in one. */
  async callEnded(call: SimCall): Promise<void> {
    const p = this.participantOf(call.sid);
    if (!p) return;
    if (p.status !== 'connected') {
      // Dialed into the room but never answered.
      this.conferences.get(p.conferenceSid)?.participants.delete(call.sid);
      p.status = call.status === 'completed' ? 'complete' : 'failed';
      return this.endIfEmpty(this.find(p.conferenceSid), 'last-participant-left', call.sid);
    }
    await this.leave(p, 'hangup');
  }

  /** The call was given new TwiML (a redirect): it is out of the room, and its old `<Dial>` does not go on. */
  async moved(callSid: string): Promise<void> {
    const p = this.participantOf(callSid);
    if (!p || p.status !== 'connected') return;
    this.continuations.delete(callSid);
    await this.leave(p, 'modified');
  }

  /** Removed over REST: out of the room; the call goes on after its `<Dial>`. */
  async kick(conference: SimConference, callSidOrLabel: string): Promise<void> {
    await this.leave(this.member(conference, callSidOrLabel), 'kicked');
  }

  /** A participant by call sid or label, in an open room. */
  member(conference: SimConference, callSidOrLabel: string): SimParticipant {
    const p = conference.participants.get(callSidOrLabel) ?? [...conference.participants.values()].find((x) => x.label === callSidOrLabel);
    if (!p) throw notFound(`participant ${callSidOrLabel}`);
    return p;
  }

  /** Mute, hold, coach, hand over who ends the room, or play an announcement to one participant. */
  /** Refuses a change the carrier would refuse (coaching nobody, itself, or a call not in the room), before anything changes. */
  check(conference: SimConference, p: SimParticipant, change: ParticipantChange): void {
    if (change.coaching === true || (change.callSidToCoach && change.coaching !== false)) {
      const target = change.callSidToCoach ?? p.callSidToCoach;
      if (!target) throw new CarrierHttpError(400, 16022, 'CallSidToCoach is required when Coaching is true');
      if (target === p.callSid) throw new CarrierHttpError(400, 16024, 'A participant cannot coach itself');
      const coached = conference.participants.get(target);
      if (!coached || coached.status !== 'connected') throw new CarrierHttpError(400, 16023, `CallSidToCoach ${target} is not a participant of this conference`);
    }
  }

  async change(conference: SimConference, p: SimParticipant, change: ParticipantChange): Promise<void> {
    this.check(conference, p, change);
    const now = this.clock.now();
    const events: string[] = [];
    if (change.muted !== undefined && change.muted !== p.muted) {
      p.muted = change.muted;
      events.push(p.muted ? 'participant-mute' : 'participant-unmute');
    }
    if (change.holdUrl !== undefined) p.holdUrl = change.holdUrl;
    if (change.holdMethod) p.holdMethod = change.holdMethod;
    if (change.hold !== undefined && change.hold !== p.hold) {
      p.hold = change.hold;
      events.push(p.hold ? 'participant-hold' : 'participant-unhold');
    }
    const coaching = change.coaching ?? (change.callSidToCoach ? true : p.coaching);
    const toCoach = coaching ? (change.callSidToCoach ?? p.callSidToCoach) : null;
    if (coaching !== p.coaching || toCoach !== p.callSidToCoach) {
      p.coaching = coaching;
      p.callSidToCoach = toCoach;
      events.push('participant-modify');
    }
    if (change.endConferenceOnExit !== undefined) p.endConferenceOnExit = change.endConferenceOnExit;
    p.dateUpdated = now;
    for (const e of events) await this.event(conference, e, p);
    if (change.announceUrl) await this.announce(conference, change.announceUrl, p);
  }

  /** Plays what `url` answers to one participant, or to the whole room; then `announcement-end` (or `-fail`). */
  async announce(conference: SimConference, url: string, p?: SimParticipant): Promise<void> {
    const params: Record<string, string> = { AccountSid: this.options.accountSid, ConferenceSid: conference.sid, FriendlyName: conference.friendlyName };
    if (p) params.CallSid = p.callSid;
    const { status } = await this.webhooks.deliver('announcement', url, 'POST', params);
    await this.event(conference, status >= 200 && status < 400 ? 'announcement-end' : 'announcement-fail', p);
  }

  /** Ends the room over REST (Status=completed): everyone in it leaves and goes on after their `<Dial>`. */
  async endByApi(conference: SimConference): Promise<void> {
    await this.end(conference, 'conference-ended-via-api', null);
  }

  /**
   * Who hears whom now: for each connected participant, the calls whose voice reaches them.
   * A room that has not started plays its wait music to everyone; a participant on hold
   * hears the hold music and is heard by nobody; a muted one is heard by nobody; a coach is
   * heard only by the call it coaches.
   */
  hears(conference: SimConference): Map<string, string[]> {
    const inRoom = [...conference.participants.values()].filter((p) => p.status === 'connected');
    const out = new Map<string, string[]>();
    for (const listener of inRoom) {
      const heard =
        conference.status !== 'in-progress' || listener.hold
          ? []
          : inRoom.filter((s) => s !== listener && !s.hold && !s.muted && (!s.coaching || s.callSidToCoach === listener.callSid)).map((s) => s.callSid);
      out.set(listener.callSid, heard);
    }
    return out;
  }

  // --- inside ---------------------------------------------------------------------

  private participant(conference: SimConference, call: SimCall, noun: ConferenceNoun, status: SimParticipant['status']): SimParticipant {
    const now = this.clock.now();
    return { callSid: call.sid, conferenceSid: conference.sid, status, hold: false, holdUrl: null, holdMethod: 'GET', dateCreated: now, dateUpdated: now, ...this.settings(noun) };
  }

  private settings(noun: ConferenceNoun): Pick<SimParticipant, 'label' | 'muted' | 'coaching' | 'callSidToCoach' | 'startConferenceOnEnter' | 'endConferenceOnExit'> {
    return {
      label: noun.participantLabel,
      muted: noun.muted,
      coaching: Boolean(noun.coach),
      callSidToCoach: noun.coach,
      startConferenceOnEnter: noun.startConferenceOnEnter,
      endConferenceOnExit: noun.endConferenceOnExit,
    };
  }

  private async leave(p: SimParticipant, reason: LeaveReason): Promise<void> {
    const conference = this.conferences.get(p.conferenceSid);
    if (!conference || !conference.participants.has(p.callSid)) return;
    conference.participants.delete(p.callSid);
    p.status = 'complete';
    p.dateUpdated = this.clock.now();
    // Whoever this one coached is gone for them too: a coach of a departed call coaches nobody.
    await this.event(conference, 'participant-leave', p);
    const next = this.continuations.get(p.callSid);
    this.continuations.delete(p.callSid);
    if (p.endConferenceOnExit && conference.status !== 'completed') {
      await this.end(conference, 'participant-with-end-conference-on-exit-left', p.callSid);
    } else {
      await this.endIfEmpty(conference, reason === 'kicked' ? 'last-participant-kicked' : 'last-participant-left', p.callSid);
    }
    if (next && reason !== 'modified') await next(reason);
  }

  private async endIfEmpty(conference: SimConference, reason: string, callSid: string): Promise<void> {
    if (conference.status !== 'completed' && conference.participants.size === 0) await this.end(conference, reason, callSid);
  }

  private async end(conference: SimConference, reason: string, callSid: string | null): Promise<void> {
    if (conference.status === 'completed') return;
    const wasStarted = conference.status === 'in-progress';
    conference.status = 'completed';
    conference.reasonConferenceEnded = reason;
    conference.callSidEndingConference = callSid;
    conference.dateUpdated = this.clock.now();
    const staying = [...conference.participants.values()];
    conference.participants.clear();
    for (const p of staying) {
      p.status = 'complete';
      p.dateUpdated = conference.dateUpdated;
      await this.event(conference, 'participant-leave', p);
    }
    await this.event(conference, 'conference-end');
    if (wasStarted && conference.record && conference.recordingStatusCallback && conference.startedAt) await this.recorded(conference);
    for (const p of staying) {
      const next = this.continuations.get(p.callSid);
      this.continuations.delete(p.callSid);
      if (next) await next('conference-ended');
    }
  }

  private async recorded(conference: SimConference): Promise<void> {
    const rec = this.ids.sid('RE');
    const seconds = Math.max(0, Math.round((conference.dateUpdated.getTime() - (conference.startedAt?.getTime() ?? 0)) / 1000));
    await this.webhooks.deliver('recording', conference.recordingStatusCallback ?? '', 'POST', {
      AccountSid: this.options.accountSid,
      ConferenceSid: conference.sid,
      RecordingSid: rec,
      RecordingUrl: `${this.baseUrl()}/${API_VERSION}/Accounts/${this.options.accountSid}/Recordings/${rec}`,
      RecordingStatus: 'completed',
      RecordingDuration: String(seconds),
      RecordingChannels: '1',
      RecordingSource: 'Conference',
    });
  }

  /** A conference event, sent when the room's status callback asked for its kind. */
  private async event(conference: SimConference, name: string, p?: SimParticipant): Promise<void> {
    const kind = EVENT_OF[name];
    if (!conference.statusCallback || !conference.events.includes(kind)) return;
    const params: Record<string, string> = {
      AccountSid: this.options.accountSid,
      ConferenceSid: conference.sid,
      FriendlyName: conference.friendlyName,
      StatusCallbackEvent: name,
      SequenceNumber: String(conference.sequence++),
      Timestamp: rfc2822(this.clock.now()),
    };
    if (p) {
      Object.assign(params, {
        CallSid: p.callSid,
        Muted: String(p.muted),
        Hold: String(p.hold),
        Coaching: String(p.coaching),
        EndConferenceOnExit: String(p.endConferenceOnExit),
        StartConferenceOnEnter: String(p.startConferenceOnEnter),
      });
      if (p.callSidToCoach) params.CallSidToCoach = p.callSidToCoach;
      if (p.label) params.ParticipantLabel = p.label;
    }
    if (name === 'conference-end') {
      params.ReasonConferenceEnded = conference.reasonConferenceEnded ?? '';
      if (conference.callSidEndingConference) params.CallSidEndingConference = conference.callSidEndingConference;
    }
    await this.webhooks.deliver('conference-status', conference.statusCallback, conference.statusCallbackMethod, params);
  }
}
