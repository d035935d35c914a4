import twilio from 'twilio';

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
}
