import { Injectable } from '@nestjs/common';
import type { AccessClaims, CallLegView, CallMonitor, CallUpdate, LiveCallView, MonitorMode, MyCall } from '#shared';
import { ErrorCode } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { DialQueuesService } from '../dialer/dial-queues.service.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { ConversationsRepository, type Conversation } from '../telephony/conversations/conversations.repository.js';
import { toConversationView } from '../telephony/conversations/conversations.service.js';
import type { CallLeg } from '../telephony/rooms/call-legs.repository.js';
import { CallRooms } from '../telephony/rooms/call-rooms.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { FloorRulesService } from './floor-rules.service.js';

/**
 * Supervisors on live calls: listen (heard by nobody), whisper (coaching: heard by the
 * agent only) and barge (heard by both), switched in the call and left without ending it.
 * Admins may join any call; supervisors only the calls of queues they supervise (or of
 * agents who work one). Every session and every switch is in the call's events with who
 * did it; the agent is told who is on the call unless the floor hides silent listening.
 */
@Injectable()
export class Monitoring {
  constructor(
    private readonly rooms: CallRooms,
    private readonly conversations: ConversationsRepository,
    private readonly queues: DialQueuesService,
    private readonly users: UsersRepository,
    private readonly leads: LeadsRepository,
    private readonly rules: FloorRulesService,
    private readonly clock: Clock,
  ) {}

  /** The calls live with their agent now that the caller may join, longest first. */
  async liveCalls(actor: AccessClaims): Promise<LiveCallView[]> {
    const live = [...(await this.rooms.liveCalls())];
    const userIds = live.flatMap(([, legs]) => legs.flatMap((l) => (l.userId ? [l.userId] : [])));
    // The board is polled: every call's facts are read side by side, names once for all.
    const [names, conversations] = await Promise.all([this.names(userIds), Promise.all(live.map(([id]) => this.conversations.findById(id)))]);
    const visible = await Promise.all(conversations.map((c) => (c ? this.maySupervise(actor, c) : false)));
    const shown = live.map(([id, legs], i) => ({ id, legs, conversation: conversations[i] })).filter((x, i) => visible[i] && x.conversation);
    const [leadNames, queues] = await Promise.all([
      this.leads.namesOf(shown.flatMap((x) => (x.conversation?.leadId ? [x.conversation.leadId] : []))),
      Promise.all(shown.map((x) => this.queues.queueOfCall(x.id))),
    ]);
    const now = this.clock.now().getTime();
    const views: LiveCallView[] = [];
    shown.forEach(({ id, legs, conversation }, i) => {
      const agent = legs.find((l) => l.role === 'agent' && l.status === 'in-room');
      if (!agent?.userId || !conversation) return;
      const customer = legs.find((l) => l.role === 'customer');
      const since = agent.joinedAt ?? agent.createdAt;
      views.push({
        conversationId: id,
        leadId: conversation.leadId,
        leadName: conversation.leadId ? (leadNames.get(conversation.leadId) ?? null) : null,
        agentId: agent.userId,
        agentName: names.get(agent.userId) ?? '',
        queueId: queues[i]?.id ?? null,
        queueName: queues[i]?.name ?? null,
        since: since.toISOString(),
        talkSeconds: Math.max(0, Math.round((now - since.getTime()) / 1000)),
        held: customer?.held ?? false,
        monitors: this.monitors(legs, names, false),
      });
    });
    return views.sort((a, b) => a.since.localeCompare(b.since));
  }

  /** Whether the user's phone was ever on the call. */
  wasOn(conversationId: string, userId: string): Promise<boolean> {
    return this.rooms.wasOn(conversationId, userId);
  }

  /** The call a user's phone is on (or being dialed into) now, with the lead's name. */
  async callOfUser(userId: string): Promise<MyCall | null> {
    const leg = await this.rooms.openLegOfUser(userId);
    const owed = leg ? null : await this.owedDisposition(userId);
    const conversation = leg ? await this.conversations.findById(leg.conversationId) : owed;
    if (!conversation) return null;
    const leadName = conversation.leadId ? ((await this.leads.namesOf([conversation.leadId])).get(conversation.leadId) ?? null) : null;
    return { conversationId: conversation.id, leadName, phase: leg ? 'live' : 'wrap-up' };
  }

  /**
   * The call this agent last held, when it ended with them still its agent and without a
   * disposition: owed one, whatever happened to the page meanwhile (closed, reloaded,
   * signed in elsewhere). A later call they held, or a disposition, settles it.
   */
  private async owedDisposition(userId: string): Promise<Conversation | null> {
    const id = await this.rooms.lastHeldBy(userId);
    const c = id ? await this.conversations.findById(id) : null;
    if (!c || c.agentId !== userId || c.disposition || !c.answeredAt || !FINAL_CALL.has(c.status)) return null;
    return c;
  }

  /** The caller joins a live call in `mode`. */
  async start(actor: AccessClaims, conversationId: string, mode: MonitorMode): Promise<CallLegView> {
    const conversation = await this.callFor(actor, conversationId);
    const leg = await this.rooms.addMonitor(conversation, actor.sub, mode);
    return this.view(leg, await this.names([actor.sub]));
  }

  /** The caller switches mode on a call they are on. */
  async change(actor: AccessClaims, conversationId: string, mode: MonitorMode): Promise<CallLegView> {
    await this.callFor(actor, conversationId);
    const leg = await this.rooms.setMonitorMode(conversationId, actor.sub, mode);
    return this.view(leg, await this.names([actor.sub]));
  }

  /** The caller leaves a call; it goes on. */
  async stop(actor: AccessClaims, conversationId: string): Promise<void> {
    await this.callFor(actor, conversationId);
    await this.rooms.removeMonitor(conversationId, actor.sub);
  }

  /** Every leg the call has had, for the call's history (the caller must be allowed to see the call). */
  async legs(actor: AccessClaims, conversationId: string): Promise<CallLegView[]> {
    const conversation = await this.conversations.findById(conversationId);
    if (!conversation || conversation.channel !== 'call') throw DomainError.notFound('Call');
    const legs = await this.rooms.legsOf(conversationId);
    // Agents see the calls they hold or were on (one they handed over still shows them it left).
    const onIt = conversation.agentId === actor.sub || legs.some((l) => l.userId === actor.sub);
    if (actor.role === 'agent' ? !onIt : !(await this.maySupervise(actor, conversation))) throw DomainError.notFound('Call');
    const names = await this.names(legs.flatMap((l) => (l.userId ? [l.userId] : [])));
    const hidden = actor.role === 'agent' && (await this.rules.get()).hideSilentMonitoring;
    return legs.filter((l) => !(hidden && isListening(l))).map((l) => this.view(l, names));
  }

  /** Who the agent of a call sees on it: coaches and bargers always, listeners unless the floor hides them. */
  async monitorsShownToAgent(conversationId: string): Promise<CallMonitor[]> {
    const legs = await this.rooms.monitorsOf(conversationId);
    const { hideSilentMonitoring } = await this.rules.get();
    return this.monitors(legs, await this.names(legs.flatMap((l) => (l.userId ? [l.userId] : []))), hideSilentMonitoring);
  }

  /**
   * A call as each of those on it may see it now, for the socket: its conversation, its
   * legs and its supervisors (the agents on it see listeners only when the floor shows
   * them; supervisors on it see all). Null when it is not a call.
   */
  async updatesFor(conversationId: string): Promise<Array<{ userId: string; update: Omit<CallUpdate, 'recording'> }> | null> {
    const conversation = await this.conversations.findById(conversationId);
    if (!conversation || conversation.channel !== 'call') return null;
    const legs = await this.rooms.legsOf(conversationId);
    const names = await this.names(legs.flatMap((l) => (l.userId ? [l.userId] : [])));
    const { hideSilentMonitoring } = await this.rules.get();
    const views = legs.map((l) => this.view(l, names));
    // A listener the floor hides from agents is not among the legs they are sent either.
    const agentViews = hideSilentMonitoring ? views.filter((_, i) => !isListening(legs[i])) : views;
    const open = legs.filter((l) => l.status === 'dialing' || l.status === 'in-room');
    const forAgents = this.monitors(open, names, hideSilentMonitoring);
    const forSupervisors = this.monitors(open, names, false);
    const view = toConversationView(conversation);
    // Everyone who is or was on the call (one who handed it over learns they are off it), and its agent.
    const users = new Map<string, boolean>();
    if (conversation.agentId) users.set(conversation.agentId, false);
    for (const l of legs) if (l.userId) users.set(l.userId, users.get(l.userId) === true || l.role === 'monitor');
    return [...users].map(([userId, supervising]) => ({ userId, update: { conversationId, conversation: view, legs: supervising ? views : agentViews, monitors: supervising ? forSupervisors : forAgents } }));
  }

  private async callFor(actor: AccessClaims, conversationId: string): Promise<Conversation> {
    const conversation = await this.conversations.findById(conversationId);
    if (!conversation || conversation.channel !== 'call') throw DomainError.notFound('Call');
    if (!(await this.maySupervise(actor, conversation))) throw new DomainError(ErrorCode.Forbidden, 'You do not supervise this call: only its queue\'s supervisors and admins may join it');
    return conversation;
  }

  /** Whether `actor` may join and act on the call: admins any; supervisors their queues' calls. */
  async maySupervise(actor: AccessClaims, conversation: Conversation): Promise<boolean> {
    if (actor.role === 'admin') return true;
    if (actor.role !== 'supervisor') return false;
    return this.queues.supervisesCall(actor.sub, conversation.id, conversation.agentId);
  }

  private monitors(legs: CallLeg[], names: Map<string, string>, hideListeners: boolean): CallMonitor[] {
    return legs
      .filter((l) => l.role === 'monitor' && l.userId && l.mode && (l.status === 'dialing' || l.status === 'in-room') && !(hideListeners && l.mode === 'listen'))
      .map((l) => ({ userId: l.userId as string, name: names.get(l.userId as string) ?? '', mode: l.mode as MonitorMode }));
  }

  private async names(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    return new Map((await this.users.findByIds([...new Set(ids)])).map((u) => [u.id, u.name]));
  }

  /** A leg as the API shows it, with its user's name. */
  async legView(l: CallLeg): Promise<CallLegView> {
    return this.view(l, await this.names(l.userId ? [l.userId] : []));
  }

  private view(l: CallLeg, names: Map<string, string>): CallLegView {
    return {
      id: l.id,
      role: l.role,
      userId: l.userId,
      name: l.userId ? (names.get(l.userId) ?? null) : null,
      mode: l.mode,
      status: l.status,
      muted: l.muted,
      held: l.held,
      joinedAt: l.joinedAt?.toISOString() ?? null,
      leftAt: l.leftAt?.toISOString() ?? null,
    };
  }
}

/** A supervisor on the call who only listens (the floor may hide them from agents). */
function isListening(l: CallLeg): boolean {
  return l.role === 'monitor' && l.mode === 'listen';
}

/** Statuses a call ends in. */
const FINAL_CALL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);
