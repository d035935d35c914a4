import twilio from 'twilio';
import { parseTwiml } from '../twiml.js';
import { CarrierHttpError, page } from '../twilio-shape.js';
import type { CallStates } from './call-state.js';
import type { CarrierClock } from './clock.js';
import type { ConferenceRooms, ParticipantChange } from './conference.js';
import { conferenceJson, participantJson } from './conference-shapes.js';
import type { Outcomes } from './outcomes.js';
import { notFound, phoneNumber } from './refusals.js';
import type { SimConference, SimParticipant, SimScript } from './types.js';

function httpMethod(value: string | null | undefined): 'GET' | 'POST' {
  return value?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}

/** A boolean parameter as the carrier reads it: `true` is true, anything else false; absent stays absent. */
function flag(p: URLSearchParams, name: string): boolean | undefined {
  const v = p.get(name);
  return v === null ? undefined : v.toLowerCase() === 'true';
}

function events(p: URLSearchParams, name: string): string[] {
  return p.getAll(name).flatMap((e) => e.split(/[\s,]+/)).filter(Boolean);
}

/** An agent's phone answers a call to it about a second later (the simulated phone has no one to ask). */
const AGENT_PHONE: SimScript = { outcome: 'answer', ringSeconds: 1 };

/**
 * The REST API's conferences: `Conferences` (list, fetch, update: Status=completed,
 * AnnounceUrl) and `Conferences/{sid or friendly name}/Participants` (create: dials
 * `To` into the room; list; fetch and update by call sid or label: Muted, Hold,
 * HoldUrl, Coaching, CallSidToCoach, AnnounceUrl, EndConferenceOnExit; delete: out of the
 * room). Rooms and who hears whom are `conference.ts`'s.
 */
export class ConferenceApi {
  constructor(
    private readonly accountSid: string,
    private readonly clock: CarrierClock,
    private readonly calls: CallStates,
    private readonly rooms: ConferenceRooms,
    private readonly outcomes: Outcomes,
  ) {}

  /** `rest`: the path after `/Accounts/{sid}`; null when it is not a conference path. */
  route(method: string, rest: string, url: URL, params: URLSearchParams): [number, unknown] | null {
    if (rest === '/Conferences.json') {
      if (method === 'GET') return [200, this.conferencePage(url.searchParams)];
      throw new CarrierHttpError(405, 20004, `Method ${method} not allowed on Conferences`);
    }
    const one = /^\/Conferences\/([^/]+)\.json$/.exec(rest);
    if (one) {
      const conference = this.rooms.find(decodeURIComponent(one[1]));
      if (method === 'POST') this.updateConference(conference, params);
      else if (method !== 'GET') throw new CarrierHttpError(405, 20004, `Method ${method} not allowed on a conference`);
      return [200, conferenceJson(this.accountSid, conference)];
    }
    const list = /^\/Conferences\/([^/]+)\/Participants\.json$/.exec(rest);
    if (list) {
      const name = decodeURIComponent(list[1]);
      if (method === 'POST') return [201, participantJson(this.accountSid, this.addParticipant(name, params))];
      if (method === 'GET') return [200, this.participantPage(this.rooms.find(name), url.searchParams)];
      throw new CarrierHttpError(405, 20004, `Method ${method} not allowed on Participants`);
    }
    const member = /^\/Conferences\/([^/]+)\/Participants\/([^/]+)\.json$/.exec(rest);
    if (member) {
      const conference = this.rooms.find(decodeURIComponent(member[1]));
      if (conference.status === 'completed') throw notFound(`participant ${member[2]}`);
      const p = this.rooms.member(conference, decodeURIComponent(member[2]));
      if (method === 'GET') return [200, participantJson(this.accountSid, p)];
      if (method === 'POST') {
        this.updateParticipant(conference, p, params);
        return [200, participantJson(this.accountSid, p)];
      }
      if (method === 'DELETE') {
        void this.clock.track(this.rooms.kick(conference, p.callSid));
        return [204, null];
      }
      throw new CarrierHttpError(405, 20004, `Method ${method} not allowed on a participant`);
    }
    return null;
  }

  private updateConference(conference: SimConference, p: URLSearchParams): void {
    const status = p.get('Status');
    if (status && status !== 'completed') throw new CarrierHttpError(400, 21218, `Status must be completed, not ${status}`);
    if (conference.status === 'completed' && (status || p.get('AnnounceUrl'))) throw new CarrierHttpError(400, 21220, `Conference ${conference.sid} has ended`);
    if (status === 'completed') void this.clock.track(this.rooms.endByApi(conference));
    else if (p.get('AnnounceUrl')) void this.clock.track(this.rooms.announce(conference, p.get('AnnounceUrl') ?? ''));
  }

  /** Dials `To` into the room (made when it is not open yet); the participant is `queued` until the call is answered. */
  private addParticipant(sidOrName: string, p: URLSearchParams): SimParticipant {
    const bySid = this.rooms.conferences.get(sidOrName);
    if (bySid?.status === 'completed') throw new CarrierHttpError(400, 21220, `Conference ${bySid.sid} has ended`);
    const name = bySid ? bySid.friendlyName : sidOrName;
    if (!p.get('From')) throw new CarrierHttpError(400, 21213, "No 'From' number is specified");
    if (!p.get('To')) throw new CarrierHttpError(400, 21201, "No 'To' number is specified");
    const to = phoneNumber(p.get('To'), 'To', 21211, true);
    const from = phoneNumber(p.get('From'), 'From', 21212, true);
    const coaching = flag(p, 'Coaching');
    const toCoach = p.get('CallSidToCoach');
    if (coaching && !toCoach) throw new CarrierHttpError(400, 16022, 'CallSidToCoach is required when Coaching is true');
    const open = this.rooms.open(name);
    if (toCoach && !open?.participants.get(toCoach)) throw new CarrierHttpError(400, 16023, `CallSidToCoach ${toCoach} is not a participant of this conference`);
    const attrs: Record<string, string | number | boolean> = {
      muted: flag(p, 'Muted') ?? false,
      beep: p.get('Beep') ?? 'true',
      startConferenceOnEnter: flag(p, 'StartConferenceOnEnter') ?? true,
      endConferenceOnExit: flag(p, 'EndConferenceOnExit') ?? false,
      maxParticipants: Number(p.get('MaxParticipants') ?? 250) || 250,
      record: p.get('ConferenceRecord') === 'record-from-start' || p.get('ConferenceRecord') === 'true' ? 'record-from-start' : 'do-not-record',
    };
    if (p.get('Label')) attrs.participantLabel = p.get('Label') ?? '';
    if (toCoach && coaching !== false) attrs.coach = toCoach;
    if (p.get('WaitUrl')) attrs.waitUrl = p.get('WaitUrl') ?? '';
    if (p.get('ConferenceStatusCallback')) {
      attrs.statusCallback = p.get('ConferenceStatusCallback') ?? '';
      attrs.statusCallbackMethod = httpMethod(p.get('ConferenceStatusCallbackMethod'));
      attrs.statusCallbackEvent = events(p, 'ConferenceStatusCallbackEvent').join(' ');
    }
    if (p.get('ConferenceRecordingStatusCallback')) attrs.recordingStatusCallback = p.get('ConferenceRecordingStatusCallback') ?? '';
    const response = new twilio.twiml.VoiceResponse();
    response.dial().conference(attrs as Parameters<ReturnType<typeof response.dial>['conference']>[0], name);
    const twimlInline = response.toString();
    const dial = parseTwiml(twimlInline)[0];
    const noun = dial?.verb === 'Dial' ? dial.conference : undefined;
    if (!noun) throw new CarrierHttpError(400, 21218, `A conference cannot be named ${name}`);
    const timeout = Number(p.get('Timeout') ?? 60);
    const callEvents = events(p, 'StatusCallbackEvent');
    const call = this.calls.placeOutbound(
      {
        direction: 'outbound-api',
        to,
        from,
        url: null,
        method: 'POST',
        twimlInline,
        statusCallback: p.get('StatusCallback'),
        statusCallbackMethod: httpMethod(p.get('StatusCallbackMethod')),
        events: callEvents.length ? callEvents : ['completed'],
        machineDetection: false,
        machineDetectionMode: null,
        timeout: Number.isFinite(timeout) ? Math.min(600, Math.max(5, Math.round(timeout))) : 60,
      },
      to.startsWith('client:') ? (this.outcomes.scripted(to) ?? AGENT_PHONE) : undefined,
    );
    const conference = this.rooms.room(name, noun);
    return this.rooms.expect(conference, call, noun);
  }

  private updateParticipant(conference: SimConference, participant: SimParticipant, p: URLSearchParams): void {
    const change: ParticipantChange = {};
    const muted = flag(p, 'Muted');
    if (muted !== undefined) change.muted = muted;
    const hold = flag(p, 'Hold');
    if (hold !== undefined) change.hold = hold;
    if (p.has('HoldUrl')) change.holdUrl = p.get('HoldUrl') || null;
    if (p.has('HoldMethod')) change.holdMethod = httpMethod(p.get('HoldMethod'));
    const coaching = flag(p, 'Coaching');
    if (coaching !== undefined) change.coaching = coaching;
    if (p.has('CallSidToCoach')) change.callSidToCoach = p.get('CallSidToCoach') || null;
    const ends = flag(p, 'EndConferenceOnExit');
    if (ends !== undefined) change.endConferenceOnExit = ends;
    if (p.get('AnnounceUrl')) change.announceUrl = p.get('AnnounceUrl');
    if (participant.status !== 'connected' && (change.muted !== undefined || change.hold !== undefined || change.coaching !== undefined)) {
      throw new CarrierHttpError(400, 21220, `Participant ${participant.callSid} is ${participant.status}, not connected`);
    }
    this.rooms.check(conference, participant, change);
    void this.clock.track(this.rooms.change(conference, participant, change));
  }

  private conferencePage(q: URLSearchParams) {
    const on = q.get('DateCreated');
    const found = this.rooms
      .list()
      .filter((c) => (!q.get('FriendlyName') || c.friendlyName === q.get('FriendlyName')) && (!q.get('Status') || c.status === q.get('Status')) && (!on || c.dateCreated.toISOString().slice(0, 10) === on.slice(0, 10)))
      .reverse();
    return page('conferences', this.accountSid, found.map((c) => conferenceJson(this.accountSid, c)), Number(q.get('PageSize') ?? 50) || 50);
  }

  private participantPage(conference: SimConference, q: URLSearchParams) {
    const want = (name: string, value: boolean) => q.get(name) === null || (q.get(name) === 'true') === value;
    const found = conference.status === 'completed' ? [] : [...conference.participants.values()].filter((p) => want('Muted', p.muted) && want('Hold', p.hold) && want('Coaching', p.coaching));
    return page('participants', this.accountSid, found.map((p) => participantJson(this.accountSid, p)), Number(q.get('PageSize') ?? 50) || 50, `/Conferences/${conference.sid}/Participants`);
  }
}
