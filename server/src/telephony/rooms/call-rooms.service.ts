import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode } from '#shared';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/domain-error.js';
import { DomainEvents } from '../../common/domain-events.js';
import { orderedId } from '../../common/ids.js';
import { CallScript } from '../call-script.js';
import { CarrierGateway } from '../gateway/carrier-gateway.js';
import { agentIdentity } from '../identity.js';
import type { ConversationEntity } from '../conversations/conversation.entity.js';
import type { CarrierParams } from '../webhooks/carrier-params.js';
import { WebhookUrls } from '../webhooks/webhook-urls.js';
import type { CallLegEntity, LegRole, MonitorMode } from './call-leg.entity.js';
import { CallLegsRepository } from './call-legs.repository.js';
import { HoldMusic } from './hold-music.js';
import { liveCustomer, liveParties, MISSED, monitorLeg, newLeg, roomName } from './room-legs.js';

export { roomName };

/**
 * Every agent call is a conference room. When the customer's call is answered, the agent's
 * phone is dialed into the room named after the conversation and the customer is put in
 * it; supervisors and transfers join the same room later. The room's events (who joined
 * and left, holds, mutes, coaching) are kept on each leg and in the call's events, in order.
 */
@Injectable()
export class CallRooms {
  private readonly logger = new Logger(CallRooms.name);

  constructor(
    private readonly carrier: CarrierGateway,
    private readonly legs: CallLegsRepository,
    private readonly urls: WebhookUrls,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly holdMusic: HoldMusic,
  ) {}

  /**
   * The TwiML that puts the answered customer in their conversation's room, after the
   * agent's phone is dialed into it. The room starts when the agent enters and ends when
   * either leaves (a transfer hands that over first). When the agent's phone cannot be
   * dialed or never answers, the customer's call asks its bridge again (`missed=`), so
   * the workflow that placed it finds someone else or says goodbye.
   */
  async connectAgent(conversation: ConversationEntity, agentId: string, customerCallSid: string | undefined, options: { announce?: string | null } = {}): Promise<string> {
    const room = roomName(conversation.id);
    const now = this.clock.now();
    const customerSid = customerCallSid ?? conversation.providerSid;
    if (customerSid) {
      const known = await this.legs.findByCallSid(customerSid);
      if (!known) await this.legs.insert(newLeg(conversation.id, 'customer', customerSid, null, conversation.direction === 'inbound' ? conversation.fromNumber : conversation.toNumber, now));
      // Back from the bridge (their agent's phone did not answer): the same leg enters the room again.
      else if (known.status === 'left') await this.legs.reopen(known.id, now);
    }
    const agentLeg = newLeg(conversation.id, 'agent', null, agentId, `client:${agentIdentity(agentId)}`, now);
    await this.legs.insert(agentLeg);
    await this.event(conversation.id, agentLeg.id, 'agent-dialed', null, agentId, now);
    try {
      const p = await this.carrier.addParticipant(room, {
        from: conversation.direction === 'inbound' ? conversation.toNumber : conversation.fromNumber,
        to: agentLeg.address,
        label: 'agent',
        startConferenceOnEnter: true,
        endConferenceOnExit: true,
        statusCallback: this.urls.legStatus(agentLeg.id),
        conferenceStatusCallback: this.urls.conference(conversation.id),
        timeoutSeconds: 15,
      });
      await this.legs.setCallSid(agentLeg.id, p.callSid, this.clock.now());
    } catch (e) {
      this.logger.warn(`call ${conversation.id}: the agent's phone could not be dialed into the room: ${(e as Error).message}`);
      await this.legs.move(agentLeg.id, 'failed', {}, this.clock.now());
      return new CallScript().waitThenAsk(1, `${this.urls.bridge(conversation.id)}&missed=${agentId}`).toString();
    }
    const script = new CallScript();
    // The recording announcement is heard before the call, where every party must consent.
    if (options.announce) script.say(options.announce);
    return script.joinConference(room, { startConferenceOnEnter: false, endConferenceOnExit: true, statusCallback: this.urls.conference(conversation.id), label: 'customer' }).toString();
  }

  /**
   * A call the agent's softphone dialed itself: the agent's call enters the room and the
   * customer is dialed into it from the conversation's caller ID, with the conversation's
   * own status callback (its status is the customer's call's). The room ends when either
   * leaves; a customer who never answers ends it too (`customerCallEnded`). Asked again for
   * the same agent call (a retried webhook), it dials nobody twice.
   */
  async placeFromAgent(conversation: ConversationEntity, agentId: string, agentCallSid: string | undefined): Promise<string> {
    const room = roomName(conversation.id);
    const script = new CallScript().joinConference(room, { startConferenceOnEnter: true, endConferenceOnExit: true, statusCallback: this.urls.conference(conversation.id), label: 'agent' }).toString();
    if (agentCallSid && (await this.legs.findByCallSid(agentCallSid))) return script;
    const now = this.clock.now();
    await this.legs.insert(newLeg(conversation.id, 'agent', agentCallSid ?? null, agentId, `client:${agentIdentity(agentId)}`, now));
    const customer = newLeg(conversation.id, 'customer', null, null, conversation.toNumber, now);
    await this.legs.insert(customer);
    await this.event(conversation.id, customer.id, 'dialed-in', 'customer', agentId, now);
    try {
      const p = await this.carrier.addParticipant(room, {
        from: conversation.fromNumber,
        to: conversation.toNumber,
        label: 'customer',
        startConferenceOnEnter: true,
        endConferenceOnExit: true,
        statusCallback: this.urls.callStatus(conversation.id),
        conferenceStatusCallback: this.urls.conference(conversation.id),
        timeoutSeconds: 30,
      });
      await this.legs.setCallSid(customer.id, p.callSid, this.clock.now());
    } catch (e) {
      await this.legs.move(customer.id, 'failed', {}, this.clock.now());
      throw new DomainError(ErrorCode.CarrierError, `The carrier did not dial ${conversation.toNumber}: ${(e as Error).message}`);
    }
    return script;
  }

  /**
   * The customer's call ended without ever being in the room (no answer, busy, failed):
   * the room is ended, so the agent's phone waiting in it is free again.
   */
  async customerCallEnded(conversationId: string, callSid: string, status: string): Promise<void> {
    if (!MISSED.has(status)) return;
    const leg = await this.legs.findByCallSid(callSid);
    if (!leg || leg.conversationId !== conversationId || leg.role !== 'customer') return;
    const now = this.clock.now();
    if (!(await this.legs.move(leg.id, 'failed', {}, now))) return;
    await this.event(conversationId, leg.id, 'missed', `customer ${status}`, null, now);
    try {
      await this.carrier.endConference(leg.conferenceSid ?? roomName(conversationId));
    } catch (e) {
      this.logger.warn(`call ${conversationId}: the room could not be ended after the customer's ${status}: ${(e as Error).message}`);
    }
  }

  /**
   * Holds the customer in their room (they hear the hold music, the agent stays in the
   * room and hears nothing of them) or brings them back. False when the call has no room
   * with the customer in it (a call that never reached a room).
   */
  async holdCustomer(conversationId: string, held: boolean, actorId: string): Promise<boolean> {
    const customer = (await this.legs.openLegsOf(conversationId)).find((l) => l.role === 'customer' && l.status === 'in-room');
    if (!customer?.callSid) return false;
    await this.holdLeg(customer, held, actorId);
    return true;
  }

  /**
   * A supervisor's phone joins a live call's room: listening (muted: heard by nobody),
   * whispering (coaching the agent: heard by the agent only) or barging (heard by both).
   * The room neither starts nor ends for them. One session per supervisor and call.
   */
  async addMonitor(conversation: ConversationEntity, supervisorId: string, mode: MonitorMode): Promise<CallLegEntity> {
    const open = await this.legs.openLegsOf(conversation.id);
    const { customer, agent } = liveParties(open);
    if (open.some((l) => l.role === 'monitor' && l.userId === supervisorId)) throw new DomainError(ErrorCode.Conflict, 'You are already on this call: change the mode or leave it');
    const now = this.clock.now();
    const leg = newLeg(conversation.id, 'monitor', null, supervisorId, `client:${agentIdentity(supervisorId)}`, now, mode);
    await this.legs.insert(leg);
    await this.event(conversation.id, leg.id, 'monitor-started', mode, supervisorId, now);
    try {
      const p = await this.carrier.addParticipant(customer.conferenceSid ?? roomName(conversation.id), {
        from: conversation.direction === 'inbound' ? conversation.toNumber : conversation.fromNumber,
        to: leg.address,
        label: `monitor-${supervisorId}`,
        muted: mode === 'listen',
        ...(mode === 'whisper' ? { coach: agent.callSid as string } : {}),
        startConferenceOnEnter: false,
        endConferenceOnExit: false,
        statusCallback: this.urls.legStatus(leg.id),
        timeoutSeconds: 20,
      });
      await this.legs.setCallSid(leg.id, p.callSid, this.clock.now());
      return { ...leg, callSid: p.callSid };
    } catch (e) {
      await this.legs.move(leg.id, 'failed', {}, this.clock.now());
      throw new DomainError(ErrorCode.CarrierError, `The carrier did not add you to the call: ${(e as Error).message}`);
    }
  }

  /** Switches a supervisor's mode in the call, without leaving it. */
  async setMonitorMode(conversationId: string, supervisorId: string, mode: MonitorMode): Promise<CallLegEntity> {
    const open = await this.legs.openLegsOf(conversationId);
    const leg = monitorLeg(open, supervisorId);
    if (leg.mode === mode) return leg;
    const { agent } = liveParties(open);
    try {
      await this.carrier.updateParticipant(leg.conferenceSid ?? roomName(conversationId), leg.callSid as string, { muted: mode === 'listen', coach: mode === 'whisper' ? (agent.callSid as string) : null });
    } catch (e) {
      throw new DomainError(ErrorCode.CarrierError, `The carrier did not change your mode: ${(e as Error).message}`);
    }
    const now = this.clock.now();
    await this.legs.set(leg.id, { mode, muted: mode === 'listen' }, now);
    await this.event(conversationId, leg.id, 'monitor-mode', mode, supervisorId, now);
    return { ...leg, mode, muted: mode === 'listen' };
  }

  /** The supervisor leaves the call; it goes on. */
  async removeMonitor(conversationId: string, supervisorId: string): Promise<void> {
    const leg = monitorLeg(await this.legs.openLegsOf(conversationId), supervisorId);
    try {
      if (leg.callSid) await this.carrier.removeParticipant(leg.conferenceSid ?? roomName(conversationId), leg.callSid);
    } catch (e) {
      throw new DomainError(ErrorCode.CarrierError, `The carrier did not take you off the call: ${(e as Error).message}`);
    }
    const now = this.clock.now();
    await this.legs.move(leg.id, 'left', { leftAt: now }, now);
    await this.event(conversationId, leg.id, 'monitor-ended', leg.mode, supervisorId, now);
  }

  /**
   * Dials someone into the call's room: another agent or a queue's agent (`transfer`), or
   * an outside number (`third-party`). `endConferenceOnExit`: whether the room ends when
   * they leave (true once the call is theirs).
   */
  async dialInto(conversation: ConversationEntity, o: { role: LegRole; userId: string | null; address: string; endConferenceOnExit: boolean; actorId: string; detail: string }): Promise<CallLegEntity> {
    const open = await this.legs.openLegsOf(conversation.id);
    const { customer } = liveCustomer(open);
    const now = this.clock.now();
    const leg = newLeg(conversation.id, o.role, null, o.userId, o.address, now);
    await this.legs.insert(leg);
    await this.event(conversation.id, leg.id, 'dialed-in', o.detail, o.actorId, now);
    try {
      const p = await this.carrier.addParticipant(customer.conferenceSid ?? roomName(conversation.id), {
        from: conversation.direction === 'inbound' ? conversation.toNumber : conversation.fromNumber,
        to: o.address,
        label: o.role,
        startConferenceOnEnter: true,
        endConferenceOnExit: o.endConferenceOnExit,
        statusCallback: this.urls.legStatus(leg.id),
        timeoutSeconds: 25,
      });
      await this.legs.setCallSid(leg.id, p.callSid, this.clock.now());
      return { ...leg, callSid: p.callSid };
    } catch (e) {
      await this.legs.move(leg.id, 'failed', {}, this.clock.now());
      throw new DomainError(ErrorCode.CarrierError, `The carrier did not dial ${o.address}: ${(e as Error).message}`);
    }
  }

  /** Holds or resumes one leg in its room (the customer hears the call's hold music: its queue's, else the server's; an agent on hold hears nothing). */
  async holdLeg(leg: CallLegEntity, held: boolean, actorId: string | null): Promise<void> {
    if (!leg.callSid || leg.held === held) return;
    const holdUrl = held && leg.role === 'customer' ? await this.holdMusic.urlFor(leg.conversationId) : null;
    // Written first, so the room's own hold event (which may arrive before the carrier answers) finds it done.
    const now = this.clock.now();
    await this.legs.set(leg.id, { held }, now);
    try {
      await this.carrier.updateParticipant(leg.conferenceSid ?? roomName(leg.conversationId), leg.callSid, { hold: held, ...(held && holdUrl ? { holdUrl } : {}) });
    } catch (e) {
      await this.legs.set(leg.id, { held: !held }, this.clock.now());
      throw new DomainError(ErrorCode.CarrierError, `The carrier did not ${held ? 'hold' : 'resume'} the ${leg.role}: ${(e as Error).message}`);
    }
    await this.event(leg.conversationId, leg.id, held ? 'held' : 'resumed', leg.role, actorId, now);
  }

  /** Whether the room ends when this leg leaves: handed to whoever owns the call. */
  async setEndsRoom(leg: CallLegEntity, ends: boolean): Promise<void> {
    if (!leg.callSid) return;
    await this.carrier.updateParticipant(leg.conferenceSid ?? roomName(leg.conversationId), leg.callSid, { endConferenceOnExit: ends });
  }

  /** Takes a leg out of the room (its call ends); `kind` says why, in the call's events. */
  async removeLeg(leg: CallLegEntity, actorId: string | null, kind: string): Promise<void> {
    if (leg.callSid) {
      try {
        await this.carrier.removeParticipant(leg.conferenceSid ?? roomName(leg.conversationId), leg.callSid);
      } catch (e) {
        throw new DomainError(ErrorCode.CarrierError, `The carrier did not take ${leg.role} off the call: ${(e as Error).message}`);
      }
    }
    const now = this.clock.now();
    await this.legs.move(leg.id, 'left', { leftAt: now }, now);
    await this.event(leg.conversationId, leg.id, kind, leg.role, actorId, now);
  }

  /** The leg's user holds the call now: their leg is its agent's. */
  async makeAgent(leg: CallLegEntity): Promise<void> {
    await this.legs.setRole(leg.id, 'agent', this.clock.now());
  }

  /** A note in the call's events (an owner change, a transfer asked for). */
  async note(conversationId: string, legId: string | null, kind: string, detail: string | null, actorId: string | null): Promise<void> {
    await this.event(conversationId, legId, kind, detail, actorId, this.clock.now());
  }

  /** The call this user's phone is on (or being dialed into) now, if any. */
  openLegOfUser(userId: string): Promise<CallLegEntity | null> {
    return this.legs.openLegOfUser(userId);
  }

  /** The call this user last held as its agent, if any. */
  lastHeldBy(userId: string): Promise<string | null> {
    return this.legs.lastHeldBy(userId);
  }

  /** Whether the user's phone was ever on this call (an agent it was passed to, one who handed it over). */
  wasOn(conversationId: string, userId: string): Promise<boolean> {
    return this.legs.hasLeg(conversationId, userId);
  }

  /** The legs of a call dialing or in its room now. */
  openLegs(conversationId: string): Promise<CallLegEntity[]> {
    return this.legs.openLegsOf(conversationId);
  }

  /** The supervisors on a call now (dialing or in the room), with their modes. */
  async monitorsOf(conversationId: string): Promise<CallLegEntity[]> {
    return (await this.legs.openLegsOf(conversationId)).filter((l) => l.role === 'monitor');
  }

  /** The open legs of every call live with its agent now, by conversation. */
  async liveCalls(): Promise<Map<string, CallLegEntity[]>> {
    const out = new Map<string, CallLegEntity[]>();
    for (const leg of await this.legs.liveCalls()) out.set(leg.conversationId, [...(out.get(leg.conversationId) ?? []), leg]);
    return out;
  }

  /** The legs of a conversation's call, oldest first. */
  legsOf(conversationId: string): Promise<CallLegEntity[]> {
    return this.legs.legsOf(conversationId);
  }

  /** The call's events, in order. */
  eventsOf(conversationId: string) {
    return this.legs.eventsOf(conversationId);
  }

  /** A conference event from the carrier: the leg it names joins, leaves, is held, muted or coaching. */
  async conferenceEvent(conversationId: string | undefined, p: CarrierParams): Promise<void> {
    if (!conversationId || !p.CallSid) return;
    const leg = await this.legs.findByCallSid(p.CallSid);
    if (!leg || leg.conversationId !== conversationId) return;
    const now = this.clock.now();
    switch (p.StatusCallbackEvent) {
      case 'participant-join':
        if (await this.legs.move(leg.id, 'in-room', { joinedAt: now, conferenceSid: p.ConferenceSid ?? null }, now)) {
          await this.event(conversationId, leg.id, 'joined', leg.role, leg.userId, now);
          if (leg.role !== 'customer') await this.events.emit('call.leg-joined', { conversationId, legId: leg.id, role: leg.role, userId: leg.userId });
        }
        break;
      case 'participant-leave':
        if (await this.legs.move(leg.id, 'left', { leftAt: now }, now)) await this.event(conversationId, leg.id, 'left', leg.role, leg.userId, now);
        break;
      case 'participant-hold':
      case 'participant-unhold': {
        const held = p.StatusCallbackEvent === 'participant-hold';
        if (leg.held !== held) {
          await this.legs.set(leg.id, { held }, now);
          await this.event(conversationId, leg.id, held ? 'held' : 'resumed', leg.role, null, now);
        }
        break;
      }
      case 'participant-mute':
      case 'participant-unmute':
        await this.legs.set(leg.id, { muted: p.StatusCallbackEvent === 'participant-mute' }, now);
        await this.events.emit('call.changed', { conversationId });
        break;
      default:
        break;
    }
  }

  /**
   * A leg's own call progress. One that ends without having been in the room (the agent's
   * phone did not answer, or was busy) is marked failed; when it was the agent's, the
   * customer waiting in the room is sent back to their call's bridge to be helped.
   */
  async legStatus(legId: string | undefined, p: CarrierParams): Promise<void> {
    const leg = legId ? await this.legs.findById(legId) : null;
    if (!leg) return;
    const now = this.clock.now();
    if (!leg.callSid && p.CallSid) await this.legs.setCallSid(leg.id, p.CallSid, now);
    const status = p.CallStatus ?? '';
    if (status === 'completed' && leg.status === 'in-room') {
      if (await this.legs.move(leg.id, 'left', { leftAt: now }, now)) await this.event(leg.conversationId, leg.id, 'left', leg.role, leg.userId, now);
      return;
    }
    if (!(MISSED.has(status) || (status === 'completed' && leg.status === 'dialing'))) return;
    if (!(await this.legs.move(leg.id, 'failed', {}, now))) return;
    await this.event(leg.conversationId, leg.id, 'missed', `${leg.role} ${status}`, leg.userId, now);
    if (leg.role !== 'agent') await this.events.emit('call.leg-missed', { conversationId: leg.conversationId, legId: leg.id, role: leg.role, userId: leg.userId });
    if (leg.role !== 'agent' || !leg.userId) return;
    const customer = (await this.legs.openLegsOf(leg.conversationId)).find((l) => l.role === 'customer');
    if (!customer?.callSid) return;
    try {
      await this.carrier.redirectCall(customer.callSid, new CallScript().waitThenAsk(0, `${this.urls.bridge(leg.conversationId)}&missed=${leg.userId}`).toString());
    } catch (e) {
      this.logger.warn(`call ${leg.conversationId}: the customer could not be sent back to the bridge: ${(e as Error).message}`);
    }
  }

  private async event(conversationId: string, legId: string | null, kind: string, detail: string | null, actorId: string | null, at: Date): Promise<void> {
    await this.legs.addEvent({ id: orderedId(), conversationId, legId, kind, detail, actorId, at });
    await this.events.emit('call.changed', { conversationId });
  }
}
