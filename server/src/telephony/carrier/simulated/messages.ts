import { parseTwiml } from '../twiml.js';
import { API_VERSION, segments } from '../twilio-shape.js';
import type { CarrierClock } from './clock.js';
import type { CarrierIds } from './ids.js';
import type { Outcomes } from './outcomes.js';
import { notFound } from './refusals.js';
import type { SimMessage, SimulatedCarrierOptions } from './types.js';
import type { Webhooks } from './webhooks.js';

/** What a text is made with; the rest starts empty. */
export type MessageFields = Pick<SimMessage, 'direction' | 'to' | 'from' | 'body' | 'status' | 'statusCallback' | 'messagingServiceSid'>;

/**
 * Each text's life: an outbound one goes queued (or accepted) → sending → sent →
 * delivered, or ends undelivered or failed as scripted or drawn, with a status callback
 * at each step; an inbound one asks our webhook, and any `<Message>` in its answer is
 * kept as the reply.
 */
export class MessageStates {
  /** Every text by sid, in creation order. */
  readonly messages = new Map<string, SimMessage>();

  constructor(
    private readonly options: Pick<SimulatedCarrierOptions, 'accountSid'>,
    private readonly clock: CarrierClock,
    private readonly ids: CarrierIds,
    private readonly outcomes: Outcomes,
    private readonly webhooks: Webhooks,
  ) {}

  get(sid: string): SimMessage {
    const message = this.messages.get(sid);
    if (!message) throw notFound(`message ${sid}`);
    return message;
  }

  list(): SimMessage[] {
    return [...this.messages.values()];
  }

  /** A text sent through the REST API; its fate is drawn now and plays out over the next 2.5 s. */
  send(fields: Omit<MessageFields, 'direction'>): SimMessage {
    const message = this.create({ ...fields, direction: 'outbound-api' });
    const failure = this.outcomes.smsFailure(message.to);
    const waiting = () => message.status === 'queued' || message.status === 'accepted';
    this.clock.later(500, async () => {
      if (!waiting()) return;
      await this.status(message, 'sending');
      this.clock.later(500, async () => {
        if (failure?.status === 'failed') return this.status(message, 'failed', failure.errorCode);
        message.dateSent = this.clock.now();
        await this.status(message, 'sent');
        this.clock.later(1500, () => (failure ? this.status(message, 'undelivered', failure.errorCode) : this.status(message, 'delivered')));
      });
    });
    return message;
  }

  /** A text to one of our numbers: returns our server's TwiML answer, and keeps any `<Message>` in it as a reply. */
  async receive(url: string, from: string, to: string, body: string): Promise<string> {
    const message = this.create({ direction: 'inbound', to, from, body, status: 'received', statusCallback: null, messagingServiceSid: null });
    const params = { MessageSid: message.sid, SmsSid: message.sid, SmsMessageSid: message.sid, AccountSid: this.options.accountSid, From: from, To: to, Body: body, NumMedia: '0', NumSegments: String(segments(body)), ApiVersion: API_VERSION };
    const reply = await this.clock.track(this.webhooks.deliver('inbound-sms', url, 'POST', params));
    for (const v of parseTwiml(reply.body)) {
      if (v.verb !== 'Message') continue;
      const sent = this.create({ direction: 'outbound-reply', to: v.to ?? from, from: to, body: v.text, status: 'sent', statusCallback: null, messagingServiceSid: null });
      sent.dateSent = this.clock.now();
    }
    return reply.body;
  }

  private create(fields: MessageFields): SimMessage {
    const now = this.clock.now();
    const message: SimMessage = { ...fields, sid: this.ids.sid('SM'), errorCode: null, dateCreated: now, dateUpdated: now, dateSent: null };
    this.messages.set(message.sid, message);
    return message;
  }

  private async status(m: SimMessage, status: string, errorCode?: number): Promise<void> {
    m.status = status;
    m.dateUpdated = this.clock.now();
    if (errorCode) m.errorCode = errorCode;
    if (!m.statusCallback) return;
    const params: Record<string, string> = { MessageSid: m.sid, SmsSid: m.sid, MessageStatus: status, SmsStatus: status, AccountSid: this.options.accountSid, From: m.from, To: m.to, ApiVersion: API_VERSION };
    if (m.messagingServiceSid) params.MessagingServiceSid = m.messagingServiceSid;
    if (m.errorCode) params.ErrorCode = String(m.errorCode);
    await this.webhooks.deliver('message-status', m.statusCallback, 'POST', params);
  }
}
