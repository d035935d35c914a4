import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type AccessClaims, ErrorCode, type TransferTarget, type TransferTargets, type TransferType } from '#shared';
import { AgentStatesService } from '../agents/agent-states.service.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { ContactPolicy } from '../compliance/contact-policy.js';
import { DialCallsRepository } from '../dialer/dial-calls.repository.js';
import { DialQueuesRepository } from '../dialer/dial-queues.repository.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { normalizePhone } from '../phone/phone-number.js';
import { ConversationsRepository, type Conversation } from '../telephony/conversations/conversations.repository.js';
import { agentIdentity } from '../telephony/identity.js';
import type { CallLeg } from '../telephony/rooms/call-legs.repository.js';
import { CallRooms } from '../telephony/rooms/call-rooms.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { Monitoring } from './monitoring.service.js';

const OPEN = new Set(['dialing', 'in-room']);

/**
 * Passing a call on, in its conference room. Cold: the person waits on hold while the
 * target is dialed, and the agent leaves at once; the call is the target's when they
 * enter. Warm: the person waits on hold while the agent talks to the target, then hands
 * over (the agent leaves, the person comes back to the target) or takes the call back.
 * Three-way: the target joins the person and the agent; the agent may then leave it to
 * them. Park: the person waits on hold with nobody, and any agent may take the call up.
 * Another agent is a target when ready; a queue's longest-ready agent when one is free;
 * an outside number only when the compliance gate lets it be called. Each step is in the
 * call's events, and the conversation's agent is whoever holds the call at the end.
 */
@Injectable()
export class Transfers implements OnModuleInit {
  private readonly logger = new Logger(Transfers.name);

  constructor(
    private readonly rooms: CallRooms,
    private readonly conversations: ConversationsRepository,
    private readonly monitoring: Monitoring,
    private readonly states: AgentStatesService,
    private readonly users: UsersRepository,
    private readonly queues: DialQueuesRepository,
    private readonly dialCalls: DialCallsRepository,
    private readonly leads: LeadsRepository,
    private readonly policy: ContactPolicy,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit(): void {
    this.events.on('call.leg-joined', (e) => this.joined(e.conversationId, e.legId));
    this.events.on('call.leg-missed', (e) => this.missed(e.conversationId, e.legId));
  }

  /** Agents (ready ones first) and active queues with their ready agents, for the transfer picker. */
  async targets(actor: AccessClaims): Promise<TransferTargets> {
    const [board, queues] = await Promise.all([this.states.board(), this.queues.list()]);
    const agents = board
      .filter((a) => a.userId !== actor.sub)
      .map((a) => ({ userId: a.userId, name: a.name, state: a.state }))
      .sort((a, b) => Number(b.state === 'ready') - Number(a.state === 'ready') || a.name.localeCompare(b.name));
    const active = queues.filter((q) => q.queue.active);
    const ready = await Promise.all(active.map((q) => this.states.readyAmong(q.agentIds.filter((id) => id !== actor.sub))));
    return { agents, queues: active.map((q, i) => ({ id: q.queue.id, name: q.queue.name, ready: ready[i].length })) };
  }

  /** Starts a transfer, a three-way call, of the call `conversationId`. */
  async start(actor: AccessClaims, conversationId: string, type: TransferType, target: TransferTarget): Promise<CallLeg> {
    const { conversation, open, agent } = await this.liveCall(actor, conversationId);
    if (open.some((l) => (l.role === 'transfer' || l.role === 'third-party') && OPEN.has(l.status))) throw new DomainError(ErrorCode.Conflict, 'A transfer is already under way on this call: complete or cancel it first');
    const customer = this.customerOf(open);
    const who = await this.resolve(target, agent.userId, conversation);
    const detail = `${type} to ${who.label}`;
    if (type !== 'three-way') await this.rooms.holdLeg(customer, true, actor.sub);
    let leg: CallLeg;
    try {
      leg = await this.rooms.dialInto(conversation, { role: who.userId ? 'transfer' : 'third-party', userId: who.userId, address: who.address, endConferenceOnExit: type === 'cold', actorId: actor.sub, detail });
    } catch (e) {
      if (who.userId) await this.states.transition(who.userId, ['reserved'], 'ready', 'the transfer could not be dialed');
      if (type !== 'three-way') await this.rooms.holdLeg(customer, false, actor.sub);
      throw e;
    }
    if (type === 'cold') {
      // Blind: the agent goes now; the room stays for the person and the target.
      await this.rooms.setEndsRoom(agent, false);
      await this.rooms.removeLeg(agent, actor.sub, 'handed-over');
      if (agent.userId) await this.states.transition(agent.userId, ['on_call'], 'ready', 'transferred the call');
      if (!who.userId) await this.rooms.holdLeg(customer, false, actor.sub);
    }
    return leg;
  }

  /** Warm or three-way: the agent leaves the call to the target; the person is back with them. */
  async complete(actor: AccessClaims, conversationId: string): Promise<void> {
    const { open, agent } = await this.liveCall(actor, conversationId);
    const target = open.find((l) => (l.role === 'transfer' || l.role === 'third-party') && l.status === 'in-room');
    if (!target) throw new DomainError(ErrorCode.Conflict, 'Nobody has joined the call to take it over yet');
    const customer = this.customerOf(open);
    await this.rooms.setEndsRoom(target, true);
    await this.rooms.setEndsRoom(agent, false);
    await this.rooms.removeLeg(agent, actor.sub, 'handed-over');
    if (agent.userId) await this.states.transition(agent.userId, ['on_call'], 'ready', 'transferred the call');
    await this.rooms.holdLeg(customer, false, actor.sub);
    if (target.userId) await this.own(conversationId, target, actor.sub);
  }

  /** Warm or three-way: the target leaves; the agent has the person back. */
  async cancel(actor: AccessClaims, conversationId: string): Promise<void> {
    const { open } = await this.liveCall(actor, conversationId);
    const target = open.find((l) => (l.role === 'transfer' || l.role === 'third-party') && OPEN.has(l.status));
    if (!target) throw new DomainError(ErrorCode.Conflict, 'There is no transfer under way on this call');
    await this.rooms.removeLeg(target, actor.sub, 'taken-back');
    if (target.userId) await this.states.transition(target.userId, ['reserved', 'on_call'], 'ready', 'the transfer was taken back');
    await this.rooms.holdLeg(this.customerOf(open), false, actor.sub);
  }

  /** The person waits on hold in the room with nobody; the agent is free. */
  async park(actor: AccessClaims, conversationId: string): Promise<void> {
    const { open, agent } = await this.liveCall(actor, conversationId);
    if (open.some((l) => (l.role === 'transfer' || l.role === 'third-party') && OPEN.has(l.status))) throw new DomainError(ErrorCode.Conflict, 'A transfer is under way on this call: complete or cancel it first');
    await this.rooms.holdLeg(this.customerOf(open), true, actor.sub);
    await this.rooms.setEndsRoom(agent, false);
    await this.rooms.removeLeg(agent, actor.sub, 'parked');
    if (agent.userId) await this.states.transition(agent.userId, ['on_call'], 'ready', 'parked the call');
  }

  /** An agent takes up a parked call: their phone joins the room, and the call is theirs when it does. */
  async unpark(actor: AccessClaims, conversationId: string): Promise<CallLeg> {
    const conversation = await this.conversations.findById(conversationId);
    if (!conversation || conversation.channel !== 'call') throw DomainError.notFound('Call');
    const open = await this.rooms.openLegs(conversationId);
    const customer = this.customerOf(open);
    if (open.some((l) => l.role !== 'customer' && l.role !== 'monitor' && OPEN.has(l.status)) || !customer.held) throw new DomainError(ErrorCode.Conflict, 'The call is not parked');
    if (actor.role === 'agent' && !(await this.sharesQueue(actor.sub, conversation))) throw new DomainError(ErrorCode.Forbidden, 'You do not work the queue this call belongs to');
    if (!(await this.states.transition(actor.sub, ['ready'], 'reserved', 'taking up a parked call'))) throw new DomainError(ErrorCode.Conflict, 'Go Ready to take up a parked call');
    const leg = await this.rooms.dialInto(conversation, { role: 'transfer', userId: actor.sub, address: `client:${agentIdentity(actor.sub)}`, endConferenceOnExit: true, actorId: actor.sub, detail: 'unpark' });
    return leg;
  }

  // --- the room's events --------------------------------------------------------

  /** A target entered the room: a cold transfer (or an unpark) is theirs now, the person back from hold; a warm one talks to the agent. */
  private async joined(conversationId: string, legId: string): Promise<void> {
    const type = await this.typeOf(conversationId, legId);
    const open = await this.rooms.openLegs(conversationId);
    const leg = open.find((l) => l.id === legId);
    if (!leg || (leg.role !== 'transfer' && leg.role !== 'third-party')) return;
    if (leg.userId) await this.states.transition(leg.userId, ['reserved'], 'on_call', 'a transferred call');
    if (type !== 'cold') return;
    const customer = open.find((l) => l.role === 'customer');
    try {
      if (customer) await this.rooms.holdLeg(customer, false, null);
    } catch (e) {
      this.logger.warn(`call ${conversationId}: the person could not be taken off hold: ${(e as Error).message}`);
    }
    if (leg.userId) await this.own(conversationId, leg, null);
  }

  /** A target never answered: they are free again, and the person is back from hold (with the agent, when one is still on the call). */
  private async missed(conversationId: string, legId: string): Promise<void> {
    if (!(await this.typeOf(conversationId, legId))) return;
    const legs = await this.rooms.legsOf(conversationId);
    const open = legs.filter((l) => OPEN.has(l.status));
    const leg = legs.find((l) => l.id === legId);
    if (leg?.userId) await this.states.transition(leg.userId, ['reserved'], 'ready', 'did not answer a transfer');
    const customer = open.find((l) => l.role === 'customer');
    if (customer && open.some((l) => l.role === 'agent' && l.status === 'in-room')) await this.rooms.holdLeg(customer, false, null).catch(() => undefined);
  }

  /**
   * How a target's leg goes on when it enters: read from the call's events (the transfer
   * was written there when it was dialed), so any instance hears the room's events. An
   * unpark goes on as a cold transfer; null for a leg no transfer dialed.
   */
  private async typeOf(conversationId: string, legId: string): Promise<TransferType | null> {
    const dialed = (await this.rooms.eventsOf(conversationId)).find((e) => e.legId === legId && e.kind === 'dialed-in');
    const first = dialed?.detail?.split(' ')[0];
    if (first === 'unpark') return 'cold';
    return first === 'cold' || first === 'warm' || first === 'three-way' ? first : null;
  }

  /** The call is `leg`'s user's now: their leg is the call's agent, and the conversation, the dial record and the call's events say so. */
  private async own(conversationId: string, leg: CallLeg, actorId: string | null): Promise<void> {
    if (!leg.userId) return;
    await this.rooms.makeAgent(leg);
    await this.conversations.update(conversationId, { agentId: leg.userId });
    await this.dialCalls.update(conversationId, { agentId: leg.userId });
    await this.rooms.note(conversationId, leg.id, 'owner', leg.userId, actorId);
  }

  // --- who and what ------------------------------------------------------------

  private async liveCall(actor: AccessClaims, conversationId: string): Promise<{ conversation: Conversation; open: CallLeg[]; agent: CallLeg }> {
    const conversation = await this.conversations.findById(conversationId);
    if (!conversation || conversation.channel !== 'call') throw DomainError.notFound('Call');
    const open = await this.rooms.openLegs(conversationId);
    const agent = open.find((l) => l.role === 'agent' && l.status === 'in-room');
    if (actor.role === 'agent') {
      if (conversation.agentId !== actor.sub) throw DomainError.notFound('Call');
    } else if (!(await this.monitoring.maySupervise(actor, conversation))) {
      throw new DomainError(ErrorCode.Forbidden, 'You do not supervise this call');
    }
    if (!agent) throw new DomainError(ErrorCode.Conflict, 'The call is not live with its agent');
    return { conversation, open, agent };
  }

  private customerOf(open: CallLeg[]): CallLeg {
    const customer = open.find((l) => l.role === 'customer' && l.status === 'in-room');
    if (!customer) throw new DomainError(ErrorCode.Conflict, 'The person is not on the call');
    return customer;
  }

  private async resolve(target: TransferTarget, fromAgent: string | null, conversation: Conversation): Promise<{ userId: string | null; address: string; label: string }> {
    if ('agentId' in target) {
      if (target.agentId === fromAgent) throw DomainError.validation('target.agentId', 'is the agent on the call');
      const [user] = await this.users.findByIds([target.agentId]);
      if (!user || !user.active) throw DomainError.validation('target.agentId', `is not an active user (${target.agentId})`);
      if (!(await this.states.transition(user.id, ['ready'], 'reserved', 'a transfer'))) throw new DomainError(ErrorCode.Conflict, `${user.name} is not ready to take a call`);
      return { userId: user.id, address: `client:${agentIdentity(user.id)}`, label: user.name };
    }
    if ('queueId' in target) {
      const q = await this.queues.findById(target.queueId);
      if (!q) throw DomainError.validation('target.queueId', `is not a dial queue (${target.queueId})`);
      const agents = (await this.queues.agentsOf(q.id)).filter((id) => id !== fromAgent);
      const userId = await this.states.claimReady(agents, 'reserved', `a transfer to ${q.name}`.slice(0, 64));
      if (!userId) throw new DomainError(ErrorCode.Conflict, `Nobody in ${q.name} is ready to take the call`);
      const [user] = await this.users.findByIds([userId]);
      return { userId, address: `client:${agentIdentity(userId)}`, label: `${q.name} (${user?.name ?? userId})` };
    }
    const parsed = normalizePhone(target.number);
    if (!parsed.ok) throw DomainError.validation('target.number', parsed.reason);
    // An outside number is a contact: the gate decides, for the lead it belongs to when there is one.
    const [leadId] = await this.leads.findLeadIdsByPhone(parsed.e164);
    const record = leadId ? await this.leads.findById(leadId) : null;
    const lead = record?.lead ?? { id: '', status: 'new', email: null, phone: parsed.e164, timezone: null, region: null };
    const decision = await this.policy.check({ lead, phones: record?.phones }, 'call', undefined, { address: parsed.e164, ...(record ? { recordAs: `call:transfer:${conversation.id}` } : {}) });
    if (!decision.allowed) throw new DomainError(ErrorCode.ContactRefused, `${parsed.e164} may not be called now: ${decision.reasons.map((r) => r.message).join("; ")}`, undefined, undefined, decision);
    return { userId: null, address: parsed.e164, label: parsed.e164 };
  }

  private async sharesQueue(userId: string, conversation: Conversation): Promise<boolean> {
    const call = await this.dialCalls.findByConversation(conversation.id);
    const mine = await this.queues.workedBy(userId);
    if (call) return mine.includes(call.queueId);
    return conversation.agentId ? (await this.queues.workedBy(conversation.agentId)).some((q) => mine.includes(q)) : false;
  }
}
