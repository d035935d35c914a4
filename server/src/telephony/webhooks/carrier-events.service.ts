import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import twilio from 'twilio';
export { agentIdentity } from '../identity.js';
import { ErrorCode } from '#shared';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/domain-error.js';
import { DomainEvents } from '../../common/domain-events.js';
import { JsonLogger } from '../../common/json-logger.js';
import { ComplianceService, type InboundConsentResult } from '../../compliance/compliance.service.js';
import { isUniqueViolation } from '../../database/db-errors.js';
import { ConsentConfirmations } from '../outbound/consent-confirmations.js';
import { LeadsRepository } from '../../leads/leads.repository.js';
import type { ConversationEntity } from '../conversations/conversation.entity.js';
import { isFinal } from '../conversations/conversation-state.js';
import { ConversationsRepository } from '../conversations/conversations.repository.js';
import { blankConversation } from '../outbound/outbound-requests.js';
import { OutboundService } from '../outbound/outbound.service.js';
import { RingPoolsService } from '../ring-pools/ring-pools.service.js';
import { WebhookUrls } from './webhook-urls.js';
import { BridgeRoutes } from './bridge-routes.js';
import { CallRooms } from '../rooms/call-rooms.service.js';
import type { CarrierParams } from './carrier-params.js';

export type { CarrierParams } from './carrier-params.js';

/** The Voice client identity of an agent, as the softphone registers it. */

function parseTimestamp(value: string | undefined, fallback: Date): Date {
  if (!value) return fallback;
  const t = Date.parse(value);
  return Number.isNaN(t) ? fallback : new Date(t);
}

/** Whether two inbound rows are the same call or message (a carrier retry), not merely the same id. */
function sameMessage(a: ConversationEntity, b: ConversationEntity): boolean {
  return a.direction === 'inbound' && a.channel === b.channel && a.fromNumber === b.fromNumber && a.toNumber === b.toNumber && (a.body ?? '') === (b.body ?? '');
}

function intOrNull(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isInteger(n) ? n : null;
}

/**
 * What the carrier tells us: call and message status callbacks, inbound calls and
 * texts, and the TwiML an answered call asks for. Handlers are safe to repeat: each
 * status goes through the forward-only state machine under a row lock.
 */
@Injectable()
export class CarrierEventsService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly leads: LeadsRepository,
    private readonly pools: RingPoolsService,
    private readonly compliance: ComplianceService,
    private readonly outbound: OutboundService,
    private readonly urls: WebhookUrls,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
    private readonly events: DomainEvents,
    private readonly routes: BridgeRoutes,
    private readonly confirmations: ConsentConfirmations,
    private readonly rooms: CallRooms,
  ) {}

  async callStatus(conversationId: string | undefined, p: CarrierParams): Promise<void> {
    const conversation = await this.locate(conversationId, p.CallSid);
    if (!conversation || !p.CallStatus) return;
    if (p.CallSid) await this.rooms.customerCallEnded(conversation.id, p.CallSid, p.CallStatus);
    await this.apply(conversation, {
      status: p.CallStatus,
      at: parseTimestamp(p.Timestamp, this.clock.now()),
      durationSeconds: intOrNull(p.CallDuration ?? p.Duration),
      answeredBy: p.AnsweredBy ?? null,
      sid: p.CallSid,
      sequence: intOrNull(p.SequenceNumber),
      errorCode: p.ErrorCode ?? (p.SipResponseCode && p.CallStatus === 'failed' ? `sip-${p.SipResponseCode}` : null),
      source: 'callback',
      payload: p,
    });
  }

  async smsStatus(conversationId: string | undefined, p: CarrierParams): Promise<void> {
    const status = p.MessageStatus ?? p.SmsStatus;
    const conversation = await this.locate(conversationId, p.MessageSid ?? p.SmsSid);
    if (!conversation || !status) return;
    await this.apply(conversation, {
      status,
      at: this.clock.now(),
      sid: p.MessageSid ?? p.SmsSid,
      errorCode: p.ErrorCode ?? null,
      errorMessage: p.ErrorMessage ?? null,
      source: 'callback',
      payload: p,
    });
  }

  /** Applies a status from a callback or the reconciler, and its consequences once final. */
  async apply(
    conversation: ConversationEntity,
    e: {
      status: string;
      at: Date;
      durationSeconds?: number | null;
      answeredBy?: string | null;
      sid?: string;
      sequence?: number | null;
      errorCode?: string | null;
      errorMessage?: string | null;
      source: string;
      payload: Record<string, unknown>;
    },
  ): Promise<ConversationEntity | null> {
    if (conversation.providerSid && e.sid && e.sid !== conversation.providerSid) {
      // Another leg of the same call (e.g. the agent's client leg): not this conversation's status.
      return conversation;
    }
    const applied = await this.conversations.applyEvent(
      conversation.id,
      { status: e.status, at: e.at, durationSeconds: e.durationSeconds, answeredBy: e.answeredBy },
      { providerSid: e.sid, sequence: e.sequence, errorCode: e.errorCode, errorMessage: e.errorMessage, source: e.source, payload: e.payload },
      this.clock.now(),
    );
    if (!applied?.advanced) return applied?.conversation ?? null;
    const c = applied.conversation;
    if (c.channel === 'call') await this.events.emit('call.changed', { conversationId: c.id });
    else if (c.direction === 'outbound') await this.events.emit('text.status', { conversationId: c.id, status: c.status, causeType: c.causeType, causeId: c.causeId });
    const channel = c.channel as 'call' | 'sms';
    if (isFinal(channel, c.status)) await this.settled(c);
    return c;
  }

  /**
   * Inbound text to one of our numbers. Consent comes first and on its own: the words
   * are read and the ledger written before anything else about the message, so a failure
   * to store the message can never lose an opt-out (the carrier's retry then finds the
   * entry already written). Then the message goes on the sender's thread, and the
   * confirmation a revocation may get is scheduled, once.
   */
  async inboundSms(p: CarrierParams): Promise<string> {
    const from = p.From ?? '';
    const to = p.To ?? '';
    const body = p.Body ?? '';
    const sid = p.MessageSid ?? p.SmsSid ?? null;
    const now = this.clock.now();
    const leadIds = from ? await this.leads.findLeadIdsByPhone(from) : [];
    let consent: InboundConsentResult | null = null;
    try {
      consent = await this.compliance.inboundText({ from, to, body, sid, leadIds });
    } catch (err) {
      // A sender we cannot read cannot opt out by number; anything else is retried by the carrier.
      if (!(err instanceof DomainError && err.code === ErrorCode.ValidationFailed)) throw err;
      this.logger.warn(`inbound SMS from ${from}: consent not recorded: ${err.message}`);
    }
    if (consent?.confirmation && from && to) {
      await this.confirmations.schedule({ entryId: consent.confirmation.entryId, leadId: leadIds[0] ?? null, to: from, from: to, text: consent.confirmation.text, receivedAt: now.toISOString() });
    }
    const lead = leadIds.length ? await this.leads.findById(leadIds[0]) : null;
    const message = this.inbound('sms', { from, to, sid, leadId: lead?.lead.id ?? null, agentId: lead?.lead.ownerId ?? null, body, status: 'received', now });
    const stored = await this.storeInbound(message);
    if (stored.created && consent?.entries.length) this.logger.log(`inbound SMS ${sid ?? stored.conversation.id} from ${from}: ${consent.entries.map((e) => `${e.action} ${e.channel}`).join(', ')}`);
    if (lead && stored.created) await this.leads.touchActivity(lead.lead.id, 'sms-in', now, false);
    const response = new twilio.twiml.MessagingResponse();
    if (consent?.reply) response.message(consent.reply);
    // A revocation announces itself from the ledger (address.opted-out); keywords are not replies; anything else is.
    const kind = consent?.verdict.kind ?? 'none';
    if (stored.created && (kind === 'none' || kind === 'unsure')) for (const leadId of leadIds) await this.events.emit('lead.replied', { leadId, channel: 'sms', at: now, ref: { kind: 'sms', id: stored.conversation.id } });
    return response.toString();
  }

  /**
   * Stores an inbound call or text once. The carrier's id marks a retry only when it is
   * the same message (same channel, from, to and body); a different message carrying an
   * id we hold already is stored too (without the id) and logged, never dropped.
   */
  private async storeInbound(c: ConversationEntity): Promise<{ conversation: ConversationEntity; created: boolean }> {
    const sid = c.providerSid;
    const first = await this.conversations.insertOnce(c).catch((e: unknown) => {
      if (sid && isUniqueViolation(e)) return null;
      throw e;
    });
    if (first?.created) return first;
    const holder = first?.conversation ?? (sid ? await this.conversations.findBySid(sid) : null);
    if (holder && sameMessage(holder, c)) return { conversation: holder, created: false };
    this.logger.warn(`inbound ${c.channel} ${sid}: the carrier id is held by conversation ${holder?.id ?? '?'} with other content; stored without it`);
    const digest = createHash('sha256').update(`${c.channel}\n${c.fromNumber}\n${c.toNumber}\n${c.body ?? ''}`).digest('hex').slice(0, 24);
    return this.conversations.insertOnce({ ...c, providerSid: null, idempotencyKey: `inbound:${sid}:${digest}` });
  }

  /** The voice webhook: a call from an agent's softphone, or an inbound call to one of our numbers. */
  voice(p: CarrierParams): Promise<string> {
    return p.From?.startsWith('client:') ? this.clientCall(p) : this.inboundVoice(p);
  }

  /** The softphone dials out: gate, caller ID and Conversation, then the agent's call enters the call's room and the lead is dialed into it. */
  private async clientCall(p: CarrierParams): Promise<string> {
    const response = new twilio.twiml.VoiceResponse();
    const identity = (p.From ?? '').slice('client:'.length);
    const agentId = identity.startsWith('agent-') ? identity.slice('agent-'.length) : null;
    const to = p.To ?? '';
    const leadId = p.LeadId ?? (to ? (await this.leads.findLeadIdsByPhone(to))[0] : undefined);
    if (!agentId || !leadId) {
      response.say(agentId ? 'That number does not belong to a lead.' : 'This phone is not signed in.');
      response.hangup();
      return response.toString();
    }
    try {
      const c = await this.outbound.prepareClientDial({ leadId, agentId, to: to || undefined, poolId: p.PoolId || null, cause: { type: 'manual' }, idempotencyKey: p.CallSid ? `client:${p.CallSid}` : undefined });
      try {
        return await this.rooms.placeFromAgent(c, agentId, p.CallSid);
      } catch (e) {
        // Nothing reached the lead: the conversation says so at once, not when the reconciler looks.
        if (e instanceof DomainError) await this.apply(c, { status: 'failed', at: this.clock.now(), errorMessage: e.message, source: 'api', payload: { reason: e.message } });
        throw e;
      }
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      response.say(e.code === ErrorCode.ContactRefused ? 'This lead may not be called now.' : 'The call cannot be placed now.');
      response.hangup();
    }
    return response.toString();
  }

  /**
   * Inbound call to a pool number: into its room with the agent who last spoke with the
   * lead, else (or when that agent does not answer) to voicemail.
   */
  async inboundVoice(p: CarrierParams): Promise<string> {
    const from = p.From ?? '';
    const now = this.clock.now();
    const leadIds = from && !from.startsWith('client:') ? await this.leads.findLeadIdsByPhone(from) : [];
    const leadId = leadIds[0] ?? null;
    const agentId = leadId ? await this.conversations.lastAgentFor(leadId) : null;
    const conversation = this.inbound('call', { from, to: p.To ?? '', sid: p.CallSid ?? null, leadId, agentId, body: null, status: 'ringing', now });
    conversation.ringingAt = now;
    const stored = await this.storeInbound(conversation);
    // Into the call's room with the agent's phone dialed in; an agent who does not answer sends it to voicemail (bridge, missed=).
    if (agentId) return this.rooms.connectAgent(stored.conversation, agentId, p.CallSid);
    const response = new twilio.twiml.VoiceResponse();
    this.voicemail(response, stored.conversation.id);
    return response.toString();
  }

  /** After an inbound call's dial to the agent ended: voicemail unless someone answered. */
  inboundFallback(conversationId: string, p: CarrierParams): string {
    const response = new twilio.twiml.VoiceResponse();
    if (p.DialCallStatus === 'completed' || p.DialCallStatus === 'answered') response.hangup();
    else this.voicemail(response, conversationId);
    return response.toString();
  }

  async recording(conversationId: string, p: CarrierParams): Promise<void> {
    if (!p.RecordingUrl) return;
    await this.conversations.update(conversationId, { recordingUrl: p.RecordingUrl.slice(0, 500), updatedAt: this.clock.now() });
  }

  /** TwiML for an answered outbound call: into its conference room, with its agent's phone dialed in. */
  async bridge(conversationId: string | undefined, p: CarrierParams, query: Record<string, string | undefined> = {}): Promise<string> {
    const response = new twilio.twiml.VoiceResponse();
    const conversation = conversationId ? await this.conversations.findById(conversationId) : null;
    const route = conversation ? this.routes.for(conversation.causeType) : undefined;
    if (conversation && route) return route(conversation, p, query);
    if (p.AnsweredBy?.startsWith('machine') || p.AnsweredBy === 'fax') {
      // A machine on a call placed for one agent: hung up on (queues decide for their own calls).
      response.hangup();
      return response.toString();
    }
    if (!conversation?.agentId) {
      response.say('Sorry, we are unable to connect your call right now. We will try again later. Goodbye.');
      response.hangup();
      return response.toString();
    }
    if (query.missed && conversation.direction === 'inbound') {
      this.voicemail(response, conversation.id);
      return response.toString();
    }
    if (query.missed) {
      response.say("Sorry, your agent could not be reached. We will call you back. Goodbye.");
      response.hangup();
      return response.toString();
    }
    return this.rooms.connectAgent(conversation, conversation.agentId, p.CallSid);
  }

  private voicemail(response: InstanceType<typeof twilio.twiml.VoiceResponse>, conversationId: string): void {
    response.say('Thank you for calling. Nobody is available to take your call. Please leave a message after the tone.');
    response.record({ maxLength: 120, playBeep: true, recordingStatusCallback: this.urls.recording(conversationId), recordingStatusCallbackMethod: 'POST' });
    response.hangup();
  }

  private inbound(
    channel: 'call' | 'sms',
    x: { from: string; to: string; sid: string | null; leadId: string | null; agentId: string | null; body: string | null; status: string; now: Date },
  ): ConversationEntity {
    return {
      ...blankConversation(x.now),
      leadId: x.leadId,
      agentId: x.agentId,
      channel,
      direction: 'inbound',
      fromNumber: x.from.slice(0, 20),
      toNumber: x.to.slice(0, 20),
      providerSid: x.sid,
      status: x.status,
      body: x.body,
      endedAt: channel === 'sms' ? x.now : null,
      causeType: 'inbound',
      // A retried webhook for the same sid must not record the message twice.
      idempotencyKey: x.sid ? `inbound:${x.sid}` : null,
    };
  }

  private async locate(conversationId: string | undefined, sid: string | undefined): Promise<ConversationEntity | null> {
    const byId = conversationId ? await this.conversations.findById(conversationId) : null;
    const found = byId ?? (sid ? await this.conversations.findBySid(sid) : null);
    if (!found) this.logger.warn(`carrier callback for unknown conversation ${conversationId ?? '-'} / ${sid ?? '-'} ignored`);
    return found;
  }

  /** A final status: the number's answer rate and the lead's activity. */
  private async settled(c: ConversationEntity): Promise<void> {
    if (c.channel === 'call' && c.direction === 'outbound' && c.poolNumberId) {
      const human = c.status === 'completed' && (c.durationSeconds ?? 0) > 0 && !(c.answeredBy ?? '').startsWith('machine');
      await this.pools.recordCallOutcome(c.poolNumberId, human, c.endedAt ?? this.clock.now());
    }
    if (c.leadId) {
      const contacted = c.channel === 'call' ? c.status === 'completed' && (c.durationSeconds ?? 0) > 0 : ['sent', 'delivered'].includes(c.status);
      await this.leads.touchActivity(c.leadId, `${c.channel}-${c.direction === 'outbound' ? 'out' : 'in'}`, c.endedAt ?? this.clock.now(), contacted);
    }
    await this.events.emit('conversation.settled', { conversationId: c.id, leadId: c.leadId, channel: c.channel, direction: c.direction, status: c.status, causeType: c.causeType, causeId: c.causeId, at: c.endedAt ?? this.clock.now() });
  }
}
