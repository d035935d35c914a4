/** The carrier's REST shapes (API 2010-04-01): resource JSON, errors and dates, as the official client reads them. */

export const API_VERSION = '2010-04-01';

/** An error the REST API answers with: `{ code, message, more_info, status }`. */
export class CarrierHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'CarrierHttpError';
  }

  toJSON() {
    return { code: this.code, message: this.message, more_info: `https://www.twilio.com/docs/errors/${this.code}`, status: this.status };
  }
}

/** RFC 2822 in UTC, as the carrier writes dates: `Thu, 01 Jan 2026 00:00:00 +0000`. */
export function rfc2822(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

export function rfc2822OrNull(d: Date | null): string | null {
  return d ? rfc2822(d) : null;
}

/** Message error codes the simulated carrier reports, with the carrier's wording. */
export const SMS_ERRORS: Record<number, string> = {
  30003: 'Unreachable destination handset',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30008: 'Unknown error',
};

export interface CallShape {
  sid: string;
  to: string;
  from: string;
  status: string;
  direction: string;
  startTime: Date | null;
  endTime: Date | null;
  duration: number | null;
  answeredBy: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  parentCallSid: string | null;
}

export interface MessageShape {
  sid: string;
  to: string;
  from: string;
  body: string;
  status: string;
  direction: string;
  errorCode: number | null;
  messagingServiceSid: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
}

export function segments(body: string): number {
  return Math.max(1, Math.ceil(body.length / 160));
}

export function callJson(accountSid: string, c: CallShape) {
  const uri = `/${API_VERSION}/Accounts/${accountSid}/Calls/${c.sid}.json`;
  return {
    sid: c.sid,
    account_sid: accountSid,
    parent_call_sid: c.parentCallSid,
    to: c.to,
    to_formatted: c.to,
    from: c.from,
    from_formatted: c.from,
    phone_number_sid: null,
    status: c.status,
    direction: c.direction,
    start_time: rfc2822OrNull(c.startTime),
    end_time: rfc2822OrNull(c.endTime),
    duration: c.duration === null ? null : String(c.duration),
    answered_by: c.answeredBy,
    forwarded_from: null,
    caller_name: null,
    group_sid: null,
    queue_time: '0',
    trunk_sid: null,
    price: null,
    price_unit: 'USD',
    api_version: API_VERSION,
    annotation: null,
    date_created: rfc2822(c.dateCreated),
    date_updated: rfc2822(c.dateUpdated),
    uri,
    subresource_uris: {
      notifications: uri.replace(/\.json$/, '/Notifications.json'),
      recordings: uri.replace(/\.json$/, '/Recordings.json'),
      events: uri.replace(/\.json$/, '/Events.json'),
    },
  };
}

export function messageJson(accountSid: string, m: MessageShape) {
  return {
    sid: m.sid,
    account_sid: accountSid,
    messaging_service_sid: m.messagingServiceSid,
    to: m.to,
    from: m.from,
    body: m.body,
    status: m.status,
    direction: m.direction,
    num_segments: String(segments(m.body)),
    num_media: '0',
    error_code: m.errorCode,
    error_message: m.errorCode ? (SMS_ERRORS[m.errorCode] ?? null) : null,
    price: null,
    price_unit: 'USD',
    api_version: API_VERSION,
    date_created: rfc2822(m.dateCreated),
    date_updated: rfc2822(m.dateUpdated),
    date_sent: rfc2822OrNull(m.dateSent),
    uri: `/${API_VERSION}/Accounts/${accountSid}/Messages/${m.sid}.json`,
    subresource_uris: { media: `/${API_VERSION}/Accounts/${accountSid}/Messages/${m.sid}/Media.json` },
  };
}

/** One page of a list: every match on a single page (the simulated carrier never has many). */
export function page<T>(key: 'calls' | 'messages' | 'conferences' | 'participants', accountSid: string, items: T[], pageSize: number, path?: string) {
  const resource = path ?? `/${key.charAt(0).toUpperCase()}${key.slice(1)}`;
  const uri = `/${API_VERSION}/Accounts/${accountSid}${resource}.json?PageSize=${pageSize}&Page=0`;
  return { [key]: items.slice(0, pageSize), end: Math.max(0, Math.min(items.length, pageSize) - 1), first_page_uri: uri, next_page_uri: null, page: 0, page_size: pageSize, previous_page_uri: null, start: 0, uri };
}
