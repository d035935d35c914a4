import { API_VERSION, CarrierHttpError, rfc2822 } from '../twilio-shape.js';
import type { CarrierClock } from './clock.js';
import type { CarrierIds } from './ids.js';
import { MediaBody } from './http-face.js';
import { notFound } from './refusals.js';
import type { SimCall, SimulatedCarrierOptions } from './types.js';
import type { Webhooks } from './webhooks.js';

/** A recording of a call in progress, started, paused, resumed and stopped over REST. */
export interface SimRecording {
  sid: string;
  callSid: string;
  status: 'in-progress' | 'paused' | 'stopped' | 'completed';
  /** skip: paused time is left out; silence: it is kept as silence. */
  pauseBehavior: 'skip' | 'silence';
  statusCallback: string | null;
  statusCallbackMethod: 'GET' | 'POST';
  /** in-progress, completed, absent, paused, stopped (the events asked for; completed always goes). */
  events: string[];
  channels: 'mono' | 'dual';
  dateCreated: Date;
  dateUpdated: Date;
  startTime: Date;
  /** Seconds recorded so far (paused time counted only with `silence`). */
  seconds: number;
  /** When the current recorded stretch began; null while paused or once done. */
  runningSince: Date | null;
}

/**
 * Recordings of calls in progress, as the REST API keeps them under
 * `Calls/{sid}/Recordings`: create (recording from now), update `Status` to `paused`,
 * `in-progress` or `stopped` (`Twilio.CURRENT` names the call's newest), list and fetch.
 * A recording ends `completed` when it is stopped or its call ends, and its status
 * callback reports the duration and where it is.
 */
export class CallRecordings {
  /** Every recording by sid, in creation order. */
  readonly recordings = new Map<string, SimRecording>();

  constructor(
    private readonly options: Pick<SimulatedCarrierOptions, 'accountSid'>,
    private readonly clock: CarrierClock,
    private readonly ids: CarrierIds,
    private readonly webhooks: Webhooks,
    private readonly baseUrl: () => string,
  ) {}

  ofCall(callSid: string): SimRecording[] {
    return [...this.recordings.values()].filter((r) => r.callSid === callSid);
  }

  /** `rest`: the path after `Calls/{sid}`; null when it is not a recordings path. */
  route(call: SimCall, method: string, rest: string, p: URLSearchParams): [number, unknown] | null {
    if (rest === '/Recordings.json') {
      if (method === 'POST') return [201, this.json(this.start(call, p))];
      if (method === 'GET') {
        const items = this.ofCall(call.sid).reverse().map((r) => this.json(r));
        return [200, { recordings: items, end: Math.max(0, items.length - 1), page: 0, page_size: 50, start: 0, next_page_uri: null, previous_page_uri: null, first_page_uri: null, uri: `/${API_VERSION}/Accounts/${this.options.accountSid}/Calls/${call.sid}/Recordings.json` }];
      }
      throw new CarrierHttpError(405, 20004, `Method ${method} not allowed on Recordings`);
    }
    const one = /^\/Recordings\/([^/]+)\.json$/.exec(rest);
    if (!one) return null;
    const id = decodeURIComponent(one[1]);
    const rec = id === 'Twilio.CURRENT' ? this.ofCall(call.sid).at(-1) : this.recordings.get(id);
    if (!rec || rec.callSid !== call.sid) throw notFound(`recording ${id}`);
    if (method === 'POST') this.update(rec, p);
    else if (method !== 'GET') throw new CarrierHttpError(405, 20004, `Method ${method} not allowed on a recording`);
    return [200, this.json(rec)];
  }

  /** `Recordings/{sid}` (`.json`: fetch or delete; `.wav`: the audio, silence of the recorded length). */
  routeOne(method: string, sid: string, format: 'json' | 'wav' = 'json'): [number, unknown] {
    const rec = this.recordings.get(sid);
    if (format === 'wav') {
      if (!rec || method !== 'GET') throw notFound(`recording ${sid}`);
      return [200, new MediaBody('audio/wav', silentWav(Math.min(600, Math.round(rec.seconds))))];
    }
    if (!rec) throw notFound(`recording ${sid}`);
    if (method === 'GET') return [200, this.json(rec)];
    if (method === 'DELETE') {
      this.recordings.delete(sid);
      return [204, null];
    }
    throw new CarrierHttpError(405, 20004, `Method ${method} not allowed on a recording`);
  }

  /** The call ended: whatever is still recording is complete. */
  async callEnded(call: SimCall): Promise<void> {
    for (const r of this.ofCall(call.sid)) if (r.status !== 'completed') await this.complete(r);
  }

  private start(call: SimCall, p: URLSearchParams): SimRecording {
    if (call.status !== 'in-progress') throw new CarrierHttpError(400, 21220, `Call is ${call.status}: only a call in progress can be recorded`);
    const now = this.clock.now();
    const events = p.getAll('RecordingStatusCallbackEvent').flatMap((e) => e.split(/[\s,]+/)).filter(Boolean);
    const rec: SimRecording = {
      sid: this.ids.sid('RE'),
      callSid: call.sid,
      status: 'in-progress',
      pauseBehavior: 'silence',
      statusCallback: p.get('RecordingStatusCallback'),
      statusCallbackMethod: p.get('RecordingStatusCallbackMethod')?.toUpperCase() === 'GET' ? 'GET' : 'POST',
      events: events.length ? events : ['completed'],
      channels: p.get('RecordingChannels') === 'dual' ? 'dual' : 'mono',
      dateCreated: now,
      dateUpdated: now,
      startTime: now,
      seconds: 0,
      runningSince: now,
    };
    this.recordings.set(rec.sid, rec);
    void this.clock.track(this.callback(rec, 'in-progress'));
    return rec;
  }

  private update(rec: SimRecording, p: URLSearchParams): void {
    const status = p.get('Status');
    if (status !== 'paused' && status !== 'in-progress' && status !== 'stopped') throw new CarrierHttpError(400, 21218, `Status must be paused, in-progress or stopped, not ${status ?? '(none)'}`);
    if (rec.status === 'completed' || rec.status === 'stopped') throw new CarrierHttpError(400, 21220, `Recording ${rec.sid} is ${rec.status}`);
    const now = this.clock.now();
    if (status === 'paused' && rec.status === 'in-progress') {
      rec.pauseBehavior = p.get('PauseBehavior') === 'skip' ? 'skip' : 'silence';
      this.bank(rec, now);
      rec.status = 'paused';
      rec.runningSince = rec.pauseBehavior === 'silence' ? now : null;
      void this.clock.track(this.callback(rec, 'paused'));
    } else if (status === 'in-progress' && rec.status === 'paused') {
      this.bank(rec, now);
      rec.status = 'in-progress';
      rec.runningSince = now;
      void this.clock.track(this.callback(rec, 'in-progress'));
    } else if (status === 'stopped') {
      void this.clock.track(this.complete(rec));
    }
    rec.dateUpdated = now;
  }

  /** Adds the stretch running since `runningSince` to the recorded seconds. */
  private bank(rec: SimRecording, now: Date): void {
    if (rec.runningSince) rec.seconds += (now.getTime() - rec.runningSince.getTime()) / 1000;
    rec.runningSince = null;
  }

  private async complete(rec: SimRecording): Promise<void> {
    if (rec.status === 'completed') return;
    const now = this.clock.now();
    this.bank(rec, now);
    rec.status = 'completed';
    rec.dateUpdated = now;
    await this.callback(rec, 'completed');
  }

  private async callback(rec: SimRecording, event: string): Promise<void> {
    if (!rec.statusCallback || (event !== 'completed' && !rec.events.includes(event))) return;
    const params: Record<string, string> = {
      AccountSid: this.options.accountSid,
      CallSid: rec.callSid,
      RecordingSid: rec.sid,
      RecordingStatus: event,
      RecordingChannels: rec.channels === 'dual' ? '2' : '1',
      RecordingSource: 'StartCallRecordingAPI',
      RecordingStartTime: rfc2822(rec.startTime),
    };
    if (event === 'completed') {
      params.RecordingUrl = this.url(rec);
      params.RecordingDuration = String(Math.round(rec.seconds));
    }
    await this.webhooks.deliver('recording', rec.statusCallback, rec.statusCallbackMethod, params);
  }

  private url(rec: SimRecording): string {
    return `${this.baseUrl()}/${API_VERSION}/Accounts/${this.options.accountSid}/Recordings/${rec.sid}`;
  }

  private json(r: SimRecording) {
    return {
      sid: r.sid,
      account_sid: this.options.accountSid,
      call_sid: r.callSid,
      conference_sid: null,
      status: r.status,
      channels: r.channels === 'dual' ? 2 : 1,
      source: 'StartCallRecordingAPI',
      start_time: rfc2822(r.startTime),
      duration: r.status === 'completed' ? String(Math.round(r.seconds)) : '-1',
      api_version: API_VERSION,
      date_created: rfc2822(r.dateCreated),
      date_updated: rfc2822(r.dateUpdated),
      uri: `/${API_VERSION}/Accounts/${this.options.accountSid}/Calls/${r.callSid}/Recordings/${r.sid}.json`,
    };
  }
}

/** A WAV file of `seconds` of silence (8 kHz, 8-bit mono), as a recording's audio stands in here. */
export function silentWav(seconds: number): Buffer {
  const rate = 8000;
  const data = Buffer.alloc(Math.max(1, seconds) * rate, 0x80);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
