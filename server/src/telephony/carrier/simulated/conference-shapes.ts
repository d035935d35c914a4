import { API_VERSION, rfc2822 } from '../twilio-shape.js';
import type { SimConference, SimParticipant } from './types.js';

/** Conferences and participants as the REST API writes them, and as the `/sim` controls show a room. */

/** A room as the `/sim` controls show it: who is in it, in what state, and who hears whom. */
export function conferenceView(c: SimConference, hears: Map<string, string[]>) {
  return {
    sid: c.sid,
    friendlyName: c.friendlyName,
    status: c.status,
    reasonConferenceEnded: c.reasonConferenceEnded,
    participants: [...c.participants.values()].map(({ callSid, label, status, muted, hold, holdUrl, coaching, callSidToCoach }) => ({ callSid, label, status, muted, hold, holdUrl: holdUrl ?? null, coaching, callSidToCoach })),
    hears: Object.fromEntries(hears),
  };
}

export function conferenceJson(accountSid: string, c: SimConference) {
  const uri = `/${API_VERSION}/Accounts/${accountSid}/Conferences/${c.sid}.json`;
  return {
    sid: c.sid,
    account_sid: accountSid,
    friendly_name: c.friendlyName,
    status: c.status,
    region: 'us1',
    reason_conference_ended: c.reasonConferenceEnded,
    call_sid_ending_conference: c.callSidEndingConference,
    api_version: API_VERSION,
    date_created: rfc2822(c.dateCreated),
    date_updated: rfc2822(c.dateUpdated),
    uri,
    subresource_uris: { participants: uri.replace(/\.json$/, '/Participants.json'), recordings: uri.replace(/\.json$/, '/Recordings.json') },
  };
}

export function participantJson(accountSid: string, p: SimParticipant) {
  return {
    account_sid: accountSid,
    call_sid: p.callSid,
    conference_sid: p.conferenceSid,
    label: p.label,
    status: p.status,
    muted: p.muted,
    hold: p.hold,
    coaching: p.coaching,
    call_sid_to_coach: p.callSidToCoach,
    start_conference_on_enter: p.startConferenceOnEnter,
    end_conference_on_exit: p.endConferenceOnExit,
    queue_time: '0',
    date_created: rfc2822(p.dateCreated),
    date_updated: rfc2822(p.dateUpdated),
    uri: `/${API_VERSION}/Accounts/${accountSid}/Conferences/${p.conferenceSid}/Participants/${p.callSid}.json`,
  };
}
