import { Injectable } from '@nestjs/common';
import twilio from 'twilio';
import { ErrorCode, type ConversationView } from '#shared';
import { Clock } from '../../common/clock.js';
import { JsonLogger } from '../../common/json-logger.js';
import { DomainEvents } from '../../common/domain-events.js';
import { isUniqueViolation } from '../../database/db-errors.js';
import { DomainError } from '../../common/domain-error.js';
import { ContactPolicy } from '../../compliance/contact-policy.js';
import { AppConfig } from '../../config/app-config.js';
import { LeadsRepository, type LeadRecord } from '../../leads/leads.repository.js';
import type { ConversationEntity } from '../conversations/conversation.entity.js';
import { ConversationsRepository } from '../conversations/conversations.repository.js';
import { toConversationView } from '../conversations/conversations.service.js';
import { CarrierError, CarrierGateway } from '../gateway/carrier-gateway.js';
import { agentIdentity } from '../identity.js';
import { RingPoolsService } from '../ring-pools/ring-pools.service.js';
import { CallRooms } from '../rooms/call-rooms.service.js';
import { HoldMusic } from '../rooms/hold-music.js';
import { WebhookUrls } from '../webhooks/webhook-urls.js';
import { OutboundRateLimiter } from './rate-limiter.js';
import { blankConversation, type CallRequest, type ContactRequest, type SmsRequest } from './outbound-requests.js';

export { blankConversation, type CallRequest, type ContactRequest, type SmsRequest };

/** How long a request the carrier rate-limited waits before it is tried again (the carrier sends no Retry-After). */
export const CARRIER_BUSY_RETRY_SECONDS = 60;

/**
 * Every outbound call and text goes through here: the compliance gate at the moment
 * of contact, a caller ID from the ring pool, a Conversation written before the
 * carrier is asked (so its idempotency key is taken first), the account's pace, and
 * then the carrier.
 */
@Injectable()
export class OutboundService {
  constructor(
    private readonly leads: LeadsRepository,
    private readonly policy: ContactPolicy,
    private readonly pools: RingPoolsService,
    private readonly conversations: ConversationsRepository,
    private readonly carrier: CarrierGateway,
    private readonly limiter: OutboundRateLimiter,
    private readonly urls: WebhookUrls,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
    private readonly rooms: CallRooms,
    private readonly holdMusic: HoldMusic,
    private readonly events: DomainEvents,
  ) {}

  async placeCall(request: CallRequest): Promise<ConversationView> {
    const replay = await this.replay(request.idempotencyKey);
    if (replay) return replay;
    const { conversation, created } = await this.prepare('call', request, null);
    if (!created) return toConversationView(conversation);

    await this.limiter.acquire('calls', this.config.telephony.callsPerSecond);
    let call;
    try {
      call = await this.carrier.placeCall({
        to: conversation.toNumber,
        from: conversation.fromNumber,
        statusCallback: this.urls.callStatus(conversation.id),
        twimlUrl: this.urls.bridge(conversation.id),
        machineDetection: request.machineDetection,
        timeoutSeconds: request.ringSeconds,
      });
    } catch (e) {
      throw await this.carrierFailed(conversation, e);
    }
    return toConversationView((await this.recordPlaced(conversation, call.sid, call.status)) ?? conversation);
  }

  async sendSms(request: SmsRequest): Promise<ConversationView> {
    const body = request.body.trim();
    if (!body) throw DomainError.validation('body', 'is empty');
    if (body.length > 1600) throw DomainError.validation('body', 'is longer than 1600 characters (10 segments)');
    const earlier = await this.earlierText(request);
    if (earlier) return earlier;
    const { conversation, created } = await this.prepare('sms', request, body);
    // Made by a concurrent request with the same key, which is alive and sending it.
    if (!created) return toConversationView(conversation);

    await this.limiter.acquire('sms', this.config.telephony.smsPerSecond);
    let message;
    try {
      message = await this.carrier.sendSms({ to: conversation.toNumber, from: conversation.fromNumber, body, statusCallback: this.urls.smsStatus(conversation.id) });
    } catch (e) {
      throw await this.carrierFailed(conversation, e);
    }
    const placed = (await this.recordPlaced(conversation, message.sid, message.status)) ?? conversation;
    // Those who act on texts to a lead (a reply answered) hear it once the carrier has it.
    if (placed.leadId) await this.events.emit('lead.texted', { leadId: placed.leadId, conversationId: placed.id, sentBy: request.sentBy ?? null, at: this.clock.now() });
    return toConversationView(placed);
  }

  /** The text already made under this key; with `resume`, finished first if its attempt died half-way. */
  private async earlierText(request: SmsRequest): Promise<ConversationView | null> {
    const key = request.idempotencyKey;
    if (!key) return null;
    const existing = await this.conversations.findByKey(key);
    if (!existing) return null;
    if (!request.resumeUnfinished) return toConversationView(existing);
    return toConversationView(await this.unfinished(await this.reopenedIfNeverPlaced(existing, request)));
  }

  /**
   * A text our reconciler closed as never placed (its attempt died before the carrier had
   * it, and nothing came back for it) is not a carrier's refusal: the later run of its step
   * sends it after all, under the same row — once the gate, asked again now, allows it
   * (the person may have said stop meanwhile).
   */
  private async reopenedIfNeverPlaced(c: ConversationEntity, request: SmsRequest): Promise<ConversationEntity> {
    if (c.channel !== 'sms' || c.direction !== 'outbound' || c.status !== 'failed' || c.errorCode !== 'not-placed' || c.providerSid || !c.leadId) return c;
    const record = await this.leads.findById(c.leadId);
    if (!record) return c;
    const now = this.clock.now();
    await this.allowedOrRefused(record.lead, 'sms', now, request, c.toNumber);
    if (!(await this.conversations.reopenNotPlaced(c.id, now))) return (await this.conversations.findById(c.id)) ?? c;
    this.logger.warn(`conversation ${c.id}: closed as never placed, sent now by a later run of its step`);
    return { ...c, status: 'initiating', errorCode: null, errorMessage: null, endedAt: null, updatedAt: now };
  }

  /**
   * A text still `initiating` without a carrier id, asked for again by a run that comes
   * after an earlier one ended (it failed, or died and its lease lapsed), was written by
   * an attempt that stopped before the carrier answered it: the carrier may or may not
   * have it. If it has a text to the same number from the same number with
   * the same words that no other row holds, that text is adopted; otherwise it is sent
   * now, under the same row. So the retry neither drops the text nor sends it twice.
   * Any other row is returned as it is.
   */
  private async unfinished(c: ConversationEntity): Promise<ConversationEntity> {
    if (c.channel !== 'sms' || c.direction !== 'outbound' || c.status !== 'initiating' || c.providerSid || !c.body) return c;
    const sent = await this.carrierHas(c);
    if (sent) return (await this.recordPlaced(c, sent.sid, sent.status)) ?? c;
    await this.limiter.acquire('sms', this.config.telephony.smsPerSecond);
    let message;
    try {
      message = await this.carrier.sendSms({ to: c.toNumber, from: c.fromNumber, body: c.body, statusCallback: this.urls.smsStatus(c.id) });
    } catch (e) {
      throw await this.carrierFailed(c, e);
    }
    this.logger.warn(`conversation ${c.id}: its first attempt died before the carrier answered; the text was sent now (${message.sid})`);
    return (await this.recordPlaced(c, message.sid, message.status)) ?? c;
  }

  /** The carrier's text matching a row that never got its sid, if the carrier has one. */
  private async carrierHas(c: ConversationEntity): Promise<{ sid: string; status: string } | null> {
    const found = await this.carrier.findMessages({ to: c.toNumber, from: c.fromNumber });
    for (const m of found) {
      if (m.body !== c.body) continue;
      if (await this.conversations.findBySid(m.sid)) continue;
      return m;
    }
    return null;
  }

  /**
   * The one confirmation text a revocation may get (47 CFR 64.1200(a)(12)): from the
   * number the person wrote to, past the gate (they have just opted out; this text is
   * what the rule allows), once per key whatever happens, recorded as a Conversation.
   * A key already used returns the first attempt and sends nothing.
   */
  async sendConfirmation(c: { key: string; leadId: string | null; to: string; from: string; body: string; entryId: string }): Promise<ConversationView> {
    const replay = await this.replay(c.key);
    if (replay) return replay;
    const now = this.clock.now();
    const ours = await this.pools.numberByE164(c.from);
    const { conversation, created } = await this.conversations.insertOnce({
      ...blankConversation(now),
      leadId: c.leadId,
      channel: 'sms',
      direction: 'outbound',
      fromNumber: c.from,
      toNumber: c.to,
      body: c.body,
      poolId: ours?.poolId ?? null,
      poolNumberId: ours?.id ?? null,
      causeType: 'consent-confirmation',
      causeId: c.entryId,
      idempotencyKey: c.key,
    });
    if (!created) return toConversationView(conversation);
    await this.limiter.acquire('sms', this.config.telephony.smsPerSecond);
    let message;
    try {
      message = await this.carrier.sendSms({ to: c.to, from: c.from, body: c.body, statusCallback: this.urls.smsStatus(conversation.id) });
    } catch (e) {
      throw await this.carrierFailed(conversation, e);
    }
    return toConversationView((await this.recordPlaced(conversation, message.sid, message.status)) ?? conversation);
  }

  /**
   * A call the agent's softphone places through the carrier's Voice SDK: the carrier
   * asks us for TwiML, so everything up to the carrier's request is done here and the
   * caller's TwiML dials the number with the chosen caller ID.
   */
  async prepareClientDial(request: ContactRequest): Promise<ConversationEntity> {
    const { conversation } = await this.prepare('call', request, null);
    await this.limiter.acquire('calls', this.config.telephony.callsPerSecond);
    return conversation;
  }

  /** Ends a call: cancels it while it rings, hangs it up once answered. */
  async hangUp(conversationId: string): Promise<void> {
    const c = await this.conversations.findById(conversationId);
    if (!c || c.channel !== 'call') throw DomainError.notFound('Call');
    if (!c.providerSid) throw new DomainError(ErrorCode.Conflict, 'The call has not reached the carrier yet');
    if (['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(c.status)) return;
    try {
      await this.carrier.endCall(c.providerSid, c.status === 'in-progress' ? 'hangup' : 'cancel');
    } catch (e) {
      throw new DomainError(ErrorCode.CarrierError, `The carrier did not end the call: ${(e as Error).message}`);
    }
  }

  /**
   * Puts the person on an answered call on hold (they hear the hold music) or brings them
   * back: in the call's conference room, the customer is held there while the agent stays;
   * a call bridged directly gets new TwiML at the carrier. Noted in the call's event log
   * with who did it.
   */
  async hold(conversationId: string, held: boolean, actorId: string): Promise<void> {
    const c = await this.conversations.findById(conversationId);
    if (!c || c.channel !== 'call') throw DomainError.notFound('Call');
    if (c.status !== 'in-progress' || !c.providerSid) throw new DomainError(ErrorCode.Conflict, `The call is ${c.status}: only a call in progress can be held`);
    if (!c.agentId) throw new DomainError(ErrorCode.Conflict, 'The call has no agent to come back to');
    try {
      if (await this.rooms.holdCustomer(c.id, held, actorId)) {
        await this.noteHold(c.id, held, actorId);
        return;
      }
    } catch (e) {
      throw new DomainError(ErrorCode.CarrierError, `The carrier did not ${held ? 'hold' : 'resume'} the call: ${(e as Error).message}`);
    }
    const response = new twilio.twiml.VoiceResponse();
    if (held) {
      response.say('Please hold; we will be right with you.');
      const music = await this.holdMusic.urlFor(c.id);
      if (music) response.play({ loop: 0 }, music);
      else response.pause({ length: 3600 });
    } else {
      response.dial({ answerOnBridge: true, timeout: 30 }).client(agentIdentity(c.agentId));
    }
    try {
      await this.carrier.redirectCall(c.providerSid, response.toString());
    } catch (e) {
      throw new DomainError(ErrorCode.CarrierError, `The carrier did not ${held ? 'hold' : 'resume'} the call: ${(e as Error).message}`);
    }
    await this.noteHold(c.id, held, actorId);
  }

  /** The hold in the call's event log with who did it, and its time on the call (`hold_seconds`). */
  private async noteHold(id: string, held: boolean, actorId: string): Promise<void> {
    const now = this.clock.now();
    await this.conversations.note(id, held ? 'held' : 'resumed', 'agent', { actorId }, now);
    await this.conversations.recordHold(id, held, now);
  }

  /**
   * The carrier took the request: its sid and status go on the row. Should the sid be
   * held by another row already (it never should: carrier ids never repeat), the status
   * is still recorded and the sid kept in the row's event log, so nothing is left half-written.
   */
  private async recordPlaced(conversation: ConversationEntity, sid: string, status: string): Promise<ConversationEntity | null> {
    const now = this.clock.now();
    try {
      return await this.conversations.recordPlaced(conversation.id, sid, status, now);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      this.logger.error(`carrier id ${sid} for conversation ${conversation.id} is held by another conversation; recorded without it`);
      const applied = await this.conversations.applyEvent(conversation.id, { status, at: now }, { source: 'api', payload: { sid, status, sidConflict: true } }, now);
      return applied?.conversation ?? null;
    }
  }

  private async replay(key: string | undefined): Promise<ConversationView | null> {
    if (!key) return null;
    const existing = await this.conversations.findByKey(key);
    return existing ? toConversationView(existing) : null;
  }

  /** The compliance gate for this contact now; a refusal is `CONTACT_REFUSED` with every reason (and is recorded by the gate). */
  private async allowedOrRefused(lead: LeadRecord['lead'], channel: 'call' | 'sms', now: Date, r: ContactRequest, address: string): Promise<void> {
    const decision = await this.policy.check({ lead }, channel, now, { ...r.gate, address, recordAs: `${channel}:${r.cause.type}` });
    if (decision.allowed) return;
    const reasons = decision.reasons.map((x) => x.message).join('; ');
    throw new DomainError(ErrorCode.ContactRefused, `The lead may not be contacted by ${channel} now: ${reasons}`, undefined, undefined, decision);
  }

  /** Gate, caller ID, attempt and the Conversation row — everything before the carrier is asked. */
  private async prepare(channel: 'call' | 'sms', r: ContactRequest, body: string | null): Promise<{ conversation: ConversationEntity; created: boolean }> {
    const record = r.lead?.lead.id === r.leadId && !r.lead.lead.deletedAt ? r.lead : await this.leads.findById(r.leadId);
    if (!record) throw DomainError.notFound('Lead');
    const to = this.destination(record, r.to);
    const now = this.clock.now();
    await this.allowedOrRefused(record.lead, channel, now, r, to);
    const poolId = r.poolId ?? (await this.pools.defaultPoolId(channel));
    if (!poolId) throw new DomainError(ErrorCode.PoolExhausted, `No active ring pool has numbers that can ${channel === 'call' ? 'call' : 'text'}; add one under ring pools`);
    const pick = await this.pools.pick(poolId, channel, { e164: to, region: record.lead.region }, now);
    if (!pick.ok) throw new DomainError(ErrorCode.PoolExhausted, pick.message, undefined, undefined, pick);

    const conversation: ConversationEntity = {
      ...blankConversation(now),
      leadId: record.lead.id,
      agentId: r.agentId ?? null,
      channel,
      direction: 'outbound',
      fromNumber: pick.number.e164,
      toNumber: to,
      body,
      poolId,
      poolNumberId: pick.number.id,
      causeType: r.cause.type,
      causeId: r.cause.id ?? null,
      idempotencyKey: r.idempotencyKey ?? null,
    };
    const result = await this.conversations.insertOnce(conversation);
    // Counted before the carrier is asked: if we crash after, the cap errs on the safe side.
    if (result.created) await this.policy.recordAttempt(record.lead.id, channel, to, now);
    return result;
  }

  private destination(record: LeadRecord, requested: string | undefined): string {
    if (requested) {
      if (!record.phones.some((p) => p.e164 === requested)) throw DomainError.validation('to', 'is not one of the lead\'s numbers');
      return requested;
    }
    if (!record.lead.phone) throw DomainError.validation('leadId', 'the lead has no phone number');
    return record.lead.phone;
  }

  private async carrierFailed(conversation: ConversationEntity, e: unknown): Promise<DomainError> {
    const err = e instanceof CarrierError ? e : new CarrierError(String(e), undefined, undefined);
    const now = this.clock.now();
    await this.conversations.applyEvent(
      conversation.id,
      { status: 'failed', at: now },
      { errorCode: err.carrierCode ? String(err.carrierCode) : 'request', errorMessage: err.message, source: 'api', payload: { error: err.message, status: err.status } },
      now,
    );
    if (err.rateLimited) {
      // Nothing was sent. The attempt stays on record as failed, but gives its key back, so
      // the same request tried again later (a held step, a client's retry) is sent anew.
      await this.conversations.update(conversation.id, { idempotencyKey: null });
      const retryAt = new Date(now.getTime() + CARRIER_BUSY_RETRY_SECONDS * 1000);
      return new DomainError(ErrorCode.CarrierBusy, `The carrier is limiting requests now (${err.message}); try again after ${retryAt.toISOString()}`, undefined, { 'Retry-After': String(CARRIER_BUSY_RETRY_SECONDS) }, { conversationId: conversation.id, retryAt: retryAt.toISOString() });
    }
    return new DomainError(ErrorCode.CarrierError, `The carrier refused the request: ${err.message}`, undefined, undefined, { conversationId: conversation.id });
  }
}
