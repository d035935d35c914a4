/** What the simulated carrier is set up with and what it keeps: options, scripts, calls, texts and webhook attempts. */
import type { TwimlVerb } from '../twiml.js';

/** How an outbound call ends; `hold` rings until a control answers it or the timeout. */
export type SimOutcome = 'answer' | 'machine' | 'busy' | 'no-answer' | 'failed' | 'hold';
export type DrawnOutcome = Exclude<SimOutcome, 'hold'>;

/** Where an SMS ends when it does not arrive. */
export interface SimSmsFailure {
  status: 'undelivered' | 'failed';
  errorCode: number;
}

export interface SimulatedCarrierOptions {
  accountSid: string;
  authToken: string;
  seed: number;
  /**
   * This carrier's own part of every sid it hands out (16 hex digits). Default: random for
   * each start of the process, so sids never repeat across restarts or across instances
   * that share a database, as the carrier's never do. The seed drives outcomes, not ids.
   */
  instance?: string;
  /** manual: nothing happens until `advance`; real: timers run on setTimeout, divided by `speed`. */
  clock: 'real' | 'manual';
  /** Real-time multiplier for demos (real clock only); the carrier's own clock runs this much faster. Default 1. */
  speed?: number;
  /** Relative weights of each outcome of an outbound call (`noAnswer` and `no-answer` are the same). */
  outcomes?: Partial<Record<DrawnOutcome | 'noAnswer', number>>;
  /** Seconds a call rings before it is answered (or busy), drawn between min and max. Default [3, 12]. */
  ringSeconds?: [number, number];
  /** Seconds a connected `<Dial>` (or `<Record>`) lasts, drawn between min and max. Default [20, 120]. */
  talkSeconds?: [number, number];
  /** Share of texts that end undelivered. Default 0.02. */
  smsFailureRate?: number;
  inboundVoiceUrl?: string;
  inboundSmsUrl?: string;
  /** The carrier's clock at the start. Default 2026-01-01T00:00:00Z (manual) or now (real). */
  startAt?: Date;
  /** Pause before retrying a webhook that failed with a 5xx or no answer. Default 250 ms (real), none (manual). */
  retryDelayMs?: number;
  /** How long a webhook may take before it counts as failed. Default 15 s. */
  webhookTimeoutMs?: number;
  logger?: SimLogger;
}

export interface SimLogger {
  warn(message: string): void;
}

/**
 * A forced outcome for calls (and texts) to one number, kept until replaced or
 * cleared with `script(to, null)`.
 */
export interface SimScript {
  outcome: SimOutcome;
  ringSeconds?: number;
  talkSeconds?: number;
  /** What answering-machine detection reports (only when the call asked for detection). */
  answeredBy?: string;
  /** How a text to this number fails; `outcome: 'failed'` alone means undelivered, 30003. */
  smsFailure?: SimSmsFailure;
}

export interface SimCall {
  sid: string;
  direction: 'outbound-api' | 'inbound';
  to: string;
  from: string;
  status: string;
  url: string | null;
  method: 'GET' | 'POST';
  twimlInline: string | null;
  statusCallback: string | null;
  statusCallbackMethod: 'GET' | 'POST';
  /** The progress events asked for (the final status is always sent). */
  events: string[];
  machineDetection: boolean;
  machineDetectionMode: 'Enable' | 'DetectMessageEnd' | null;
  /** Seconds to ring before giving up. */
  timeout: number;
  dateCreated: Date;
  dateUpdated: Date;
  startTime: Date | null;
  answeredAt: Date | null;
  endTime: Date | null;
  duration: number | null;
  answeredBy: string | null;
  muted: boolean;
  digits: string;
  /** Every TwiML document the call fetched or was given, in order. */
  twiml: string[];
  /** The verbs of those documents, in order. */
  verbs: TwimlVerb[];
  /** Who the call was connected to by `<Dial>` (`client:…` or numbers). */
  dialed: string[];
  /** The next status callback's SequenceNumber. */
  sequence: number;
  plan: SimScript;
}

/** One call's place in a conference. */
export interface SimParticipant {
  callSid: string;
  conferenceSid: string;
  label: string | null;
  /** queued and ringing: dialed into the room over REST, not answered yet. */
  status: 'queued' | 'connecting' | 'ringing' | 'connected' | 'complete' | 'failed';
  /** Heard by nobody. */
  muted: boolean;
  /** Hears the hold music and is heard by nobody. */
  hold: boolean;
  holdUrl: string | null;
  holdMethod: 'GET' | 'POST';
  /** Heard only by `callSidToCoach`. */
  coaching: boolean;
  callSidToCoach: string | null;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  dateCreated: Date;
  dateUpdated: Date;
}

/** A named room and the calls in it. */
export interface SimConference {
  sid: string;
  friendlyName: string;
  /** init: waiting for one who starts it; in-progress; completed. */
  status: 'init' | 'in-progress' | 'completed';
  dateCreated: Date;
  dateUpdated: Date;
  startedAt: Date | null;
  reasonConferenceEnded: string | null;
  callSidEndingConference: string | null;
  /** Those in the room now (and those dialed into it, not answered yet), by call sid. */
  participants: Map<string, SimParticipant>;
  /** Everyone who was ever in the room, in order of arrival. */
  everyone: SimParticipant[];
  statusCallback: string | null;
  statusCallbackMethod: 'GET' | 'POST';
  /** The conference events asked for: start end join leave mute hold modify speaker announcement. */
  events: string[];
  sequence: number;
  record: boolean;
  recordingStatusCallback: string | null;
  maxParticipants: number;
}

export interface SimMessage {
  sid: string;
  /** `outbound-reply` is a `<Message>` our server answered an inbound text with. */
  direction: 'outbound-api' | 'outbound-reply' | 'inbound';
  to: string;
  from: string;
  body: string;
  status: string;
  statusCallback: string | null;
  errorCode: number | null;
  messagingServiceSid: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
}

export type DeliveryKind = 'call-status' | 'twiml' | 'dial-action' | 'recording' | 'message-status' | 'inbound-voice' | 'inbound-sms' | 'conference-status' | 'announcement';

/** One attempt to deliver a webhook (a retry is another entry). `status` 0: no answer. */
export interface Delivery {
  kind: DeliveryKind;
  url: string;
  method: 'GET' | 'POST';
  params: Record<string, string>;
  status: number;
  signature: string;
  attempt: number;
  at: Date;
  /** The response body (TwiML for voice webhooks), cut at 4,000 characters. */
  response: string;
}
