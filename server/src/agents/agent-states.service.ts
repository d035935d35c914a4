import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AfterCallAction, type AfterWrapUpLimit, type AgentRules, type AgentState, type AgentStateChangeView, type AgentStatusView, CHOSEN_AGENT_STATES, ErrorCode, type SoftphoneHealth } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { AppConfig } from '../config/app-config.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { SettingsService } from '../settings/settings.service.js';
import { type User, UsersRepository } from '../users/users.repository.js';
import type { AgentPresenceEntity } from './agent.entity.js';
import { AgentStatesRepository } from './agent-states.repository.js';
import { DEFAULT_AGENT_RULES, PAUSED_AFTER_CALL, PAUSED_MISSED_OFFERS, PAUSED_NO_HEARTBEAT, PAUSED_WRAP_UP_EXPIRED, type StateActor, statusView, WRAP_LIMIT_QUEUE, type WrapUpOptions } from './agent-rules.js';

/**
 * Agent states: offline, ready, reserved (work offered), on call, wrap-up, paused with a
 * reason. People choose offline, ready and paused; calls and offers move agents through
 * reserved, on call and wrap-up. Every change is a row in `agent_state_changes` with how
 * long the previous state lasted. Liveness comes from the softphone's heartbeats: an agent
 * silent for longer than the stale limit is marked stale (no new work; due callbacks go
 * to anyone) until the next heartbeat.
 */
@Injectable()
export class AgentStatesService implements OnModuleInit {
  constructor(
    private readonly repo: AgentStatesRepository,
    private readonly users: UsersRepository,
    private readonly settings: SettingsService,
    private readonly scheduler: SchedulerService,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(WRAP_LIMIT_QUEUE, {
      handle: async (p) => {
        const { userId, since, afterLimit } = p as { userId: string; since: string; afterLimit?: AfterWrapUpLimit };
        await this.endWrapUp(userId, new Date(since), afterLimit ?? 'pause');
      },
    });
    // The agent answered an offer: a run of missed ones is over.
    this.events.on('call.leg-joined', async (e) => {
      if (e.role === 'agent' && e.userId) await this.repo.clearMissedOffers(e.userId, this.clock.now());
    });
  }

  async rules(): Promise<AgentRules> {
    const json = await this.settings.getAgentRulesJson();
    // Rules saved before a setting existed take its default.
    return json ? { ...DEFAULT_AGENT_RULES, ...(JSON.parse(json) as Partial<AgentRules>) } : DEFAULT_AGENT_RULES;
  }

  async setRules(rules: AgentRules): Promise<AgentRules> {
    const codes = new Set<string>();
    rules.pauseReasons.forEach((r, i) => {
      if (codes.has(r.code)) throw DomainError.validation(`pauseReasons[${i}].code`, `"${r.code}" is listed twice`);
      codes.add(r.code);
    });
    const clean: AgentRules = {
      pauseReasons: rules.pauseReasons.map((r) => ({ code: r.code, label: r.label, maxMinutes: r.maxMinutes ?? null })),
      wrapUpMaxSeconds: rules.wrapUpMaxSeconds,
      missedOffersBeforePause: rules.missedOffersBeforePause ?? DEFAULT_AGENT_RULES.missedOffersBeforePause,
    };
    await this.settings.setAgentRulesJson(JSON.stringify(clean));
    return clean;
  }

  /** One agent's status now (offline if they never signed in). */
  async status(userId: string): Promise<AgentStatusView> {
    const user = await this.users.findById(userId);
    if (!user) throw DomainError.notFound('User');
    const row = await this.repo.find(userId);
    return this.view(user, row, await this.rules());
  }

  /** Several agents' statuses with three statements for the lot (users, rows, rules); unknown users are absent. */
  async statusMany(userIds: string[]): Promise<Map<string, AgentStatusView>> {
    if (!userIds.length) return new Map();
    const [users, rows, rules] = await Promise.all([this.users.findByIds(userIds), this.repo.findMany(userIds), this.rules()]);
    const byUser = new Map(rows.map((r) => [r.userId, r]));
    return new Map(users.map((u) => [u.id, this.view(u, byUser.get(u.id) ?? null, rules)]));
  }

  /** Every active agent and supervisor, for the board. */
  async board(): Promise<AgentStatusView[]> {
    const users = await this.users.listActive(['agent', 'supervisor']);
    const rows = await this.repo.findMany(users.map((u) => u.id));
    const byUser = new Map(rows.map((r) => [r.userId, r]));
    const rules = await this.rules();
    return users.map((u) => this.view(u, byUser.get(u.id) ?? null, rules));
  }

  async history(userId: string, limit: number): Promise<AgentStateChangeView[]> {
    const rows = await this.repo.history(userId, limit);
    return rows.map((r) => ({ id: r.id, userId: r.userId, from: r.fromState as AgentState, to: r.toState as AgentState, reason: r.reason, actorId: r.actorId, at: r.at.toISOString(), durationMs: r.durationMs }));
  }

  /**
   * Moves an agent to `to`. People may choose offline, ready or paused (with a known
   * reason), and not while on a call; the system may set any state.
   */
  async change(userId: string, to: AgentState, actor: StateActor, reason: string | null = null): Promise<AgentStatusView> {
    const status = await this.changeState(userId, to, actor, reason);
    // Signed off by hand: a choice for after the call does not wait for tomorrow's first call.
    if (to !== 'offline' || !status.afterCall) return status;
    await this.repo.update(userId, { afterCall: null });
    return { ...status, afterCall: null };
  }

  private async changeState(userId: string, to: AgentState, actor: StateActor, reason: string | null): Promise<AgentStatusView> {
    if (actor.kind !== 'system') {
      if (!(CHOSEN_AGENT_STATES as readonly string[]).includes(to)) throw DomainError.validation('state', `must be one of ${CHOSEN_AGENT_STATES.join(', ')} (the others follow calls and offers)`);
      if (to !== 'paused') reason = null;
    }
    const now = this.clock.now();
    const actorId = actor.kind === 'system' ? null : actor.userId;
    const fromCall = actor.kind === 'system';
    // A known, active agent's move that needs no rules (not a pause, whose reason is
    // checked, nor wrap-up, which also enqueues its limit) is one round trip where the
    // database allows (the statement checks the user too); null sends it the long way.
    if (to !== 'paused' && to !== 'wrap_up') {
      const quick = await this.repo.moveAtOnce(userId, to, reason, actorId, fromCall, now);
      // The state is now `to` (moved or already there): the rules only matter for pauses and wrap-up.
      if (quick) return this.moved(quick.user, quick, to, reason, now, fromCall, DEFAULT_AGENT_RULES);
    }
    const [user, rules] = await Promise.all([this.users.findById(userId), this.rules()]);
    if (!user || !user.active) throw DomainError.notFound('Agent');
    if (actor.kind !== 'system' && to === 'paused') {
      if (!reason) throw DomainError.validation('reason', `is required to pause: one of ${rules.pauseReasons.map((r) => r.code).join(', ')}`);
      if (!rules.pauseReasons.some((r) => r.code === reason)) throw DomainError.validation('reason', `must be one of ${rules.pauseReasons.map((r) => r.code).join(', ')}`);
    }
    // A pause, its reason checked, is one statement too; other moves got here because that statement found no row.
    const quick = to === 'paused' ? await this.repo.moveAtOnce(userId, to, reason, actorId, fromCall, now) : null;
    const changed =
      quick ??
      (await this.repo.transaction(async (em) => {
        const row = await this.repo.lock(em, userId);
        const from = (row?.state ?? 'offline') as AgentState;
        if (!fromCall && from === 'on_call') return { row, moved: false };
        if (from === to && (row?.reason ?? null) === reason) return { row, moved: false };
        await this.write(em, userId, row, to, reason, actorId, now, rules);
        return { row, moved: true };
      }));
    return this.moved(user, changed, to, reason, now, fromCall, rules);
  }

  /**
   * After a move was written (or refused): the status as written, without reading it
   * back, announced when the agent moved. A person's move refused because the agent is on
   * a call is a conflict.
   */
  private async moved(
    user: Pick<User, 'id' | 'name' | 'createdAt'>,
    changed: { row: AgentPresenceEntity | null; moved: boolean },
    to: AgentState,
    reason: string | null,
    now: Date,
    fromCall: boolean,
    rules: AgentRules,
  ): Promise<AgentStatusView> {
    const before = changed.row;
    if (!changed.moved && !fromCall && before?.state === 'on_call') throw new DomainError(ErrorCode.Conflict, 'The agent is on a call; the state changes when the call ends');
    const after: AgentPresenceEntity = changed.moved
      ? { userId: user.id, state: to, reason, stateSince: now, lastHeartbeatAt: before?.lastHeartbeatAt ?? null, stale: before?.stale ?? false, health: before?.health ?? null, afterCall: before?.afterCall ?? null, missedOffers: before?.missedOffers ?? 0, updatedAt: now }
      : (before as AgentPresenceEntity);
    const status = this.view(user, after, rules);
    if (changed.moved) await this.events.emit('agent.status-changed', { status, from: (before?.state ?? 'offline') as AgentState });
    return status;
  }

  /**
   * A system move that happens only from one of `from` (a call ending moves an agent on
   * call to wrap-up, not one who has since gone offline). True if it moved.
   */
  async transition(userId: string, from: readonly AgentState[], to: AgentState, reason: string | null = null, wrapUp: WrapUpOptions = {}): Promise<boolean> {
    const now = this.clock.now();
    const rules = to === 'wrap_up' ? await this.rules() : null;
    const moved = await this.repo.transaction(async (em) => {
      const row = await this.repo.lock(em, userId);
      if (!row || !from.includes(row.state as AgentState) || (row.state === to && row.reason === reason)) return null;
      await this.write(em, userId, row, to, reason, null, now, rules, wrapUp);
      return row.state as AgentState;
    });
    if (moved) await this.announce(userId, moved);
    return moved !== null;
  }

  /**
   * Takes the longest-idle of `candidates` who is ready and alive, moving them to `to`
   * in the same transaction, so two instances or two calls never take one agent. Null
   * when nobody is free.
   */
  async claimReady(candidates: string[], to: 'reserved' | 'on_call', reason: string | null): Promise<string | null> {
    if (!candidates.length) return null;
    const now = this.clock.now();
    const limit = this.aliveSince();
    const claimed = await this.repo.transaction(async (em) => {
      const row = await this.repo.lockLongestIdleReady(em, candidates, limit);
      if (!row) return null;
      await this.write(em, row.userId, row, to, reason, null, now, null);
      return row.userId;
    });
    if (claimed) await this.announce(claimed, 'ready');
    return claimed;
  }

  /**
   * Writes the new state and its history row inside the caller's transaction; wrap-up
   * also gets its limit job. `rules` must be read before the transaction (only `em` may
   * be used inside one).
   */
  private async write(
    em: EntityManager,
    userId: string,
    row: AgentPresenceEntity | null,
    to: AgentState,
    reason: string | null,
    actorId: string | null,
    now: Date,
    rules: AgentRules | null,
    wrapUp: WrapUpOptions = {},
  ): Promise<void> {
    await this.repo.move(em, userId, row, to, reason, actorId, now);
    if (to === 'wrap_up' && rules) {
      // Wrap-up ends on its own at the limit, unless the agent moved on first; what it does then travels with the job.
      const payload = { userId, since: now.toISOString(), afterLimit: wrapUp.afterLimit ?? 'pause' };
      await this.scheduler.enqueue(WRAP_LIMIT_QUEUE, payload, { dueAt: new Date(now.getTime() + rules.wrapUpMaxSeconds * 1000), dedupeKey: `wrap:${userId}:${now.getTime()}`, em });
    }
  }

  /** Tells the rest of the system an agent moved from `from` (for moves written elsewhere in one statement with their work). */
  async announce(userId: string, from: AgentState): Promise<void> {
    await this.events.emit('agent.status-changed', { status: await this.status(userId), from });
  }

  /**
   * The wrap-up limit: still wrapping up since `since`, the agent is paused (wrap-up-expired),
   * never made ready on a timer's word that someone is at the desk, unless the queue says
   * `ready` and the agent asked for nothing after the call. The call is still owed its
   * disposition, which may be saved later and leaves the agent paused.
   */
  async endWrapUp(userId: string, since: Date, afterLimit: AfterWrapUpLimit = 'pause'): Promise<void> {
    const row = await this.repo.find(userId);
    if (!row || row.state !== 'wrap_up' || row.stateSince.getTime() !== since.getTime()) return;
    if (afterLimit === 'ready' && !row.afterCall) await this.transition(userId, ['wrap_up'], 'ready', 'wrap-up limit');
    else await this.transition(userId, ['wrap_up'], 'paused', PAUSED_WRAP_UP_EXPIRED);
  }

  /**
   * The call's disposition was saved, inside its transaction `em`: an agent wrapping up
   * goes Ready, or where they asked, is paused (after-call) or signed off; one paused when
   * the wrap-up expired stays paused (or signs off, if asked). The choice is spent either
   * way. Returns where the agent was and went (`to` null: stayed), null when nothing
   * changed; the caller announces it (`announce`) once `em` has committed.
   */
  async afterDisposition(em: EntityManager, userId: string, now: Date): Promise<{ from: AgentState; to: AgentState | null } | null> {
    const row = await this.repo.lock(em, userId);
    if (!row) return null;
    const from = row.state as AgentState;
    const expired = from === 'paused' && row.reason === PAUSED_WRAP_UP_EXPIRED;
    if (from !== 'wrap_up' && !expired) return null;
    const asked = row.afterCall as AfterCallAction | null;
    if (asked) await this.repo.patch(em, userId, { afterCall: null, updatedAt: now });
    let to: AgentState | null;
    let reason: string;
    if (asked === 'sign-off') [to, reason] = ['offline', 'signed off after the call'];
    else if (expired) [to, reason] = [null, ''];
    else if (asked === 'pause') [to, reason] = ['paused', PAUSED_AFTER_CALL];
    else [to, reason] = ['ready', 'disposition set'];
    if (to) await this.write(em, userId, { ...row, afterCall: null }, to, reason, null, now, null);
    return to || asked ? { from, to } : null;
  }

  /** The agent's choice for after the current call (pause, sign off, or nothing: Ready as usual); it holds until spent or changed. */
  async setAfterCall(userId: string, action: AfterCallAction | null): Promise<AgentStatusView> {
    const user = await this.users.findById(userId);
    if (!user || !user.active) throw DomainError.notFound('Agent');
    const now = this.clock.now();
    await this.repo.insertIfAbsent({ userId, state: 'offline', reason: null, stateSince: now, lastHeartbeatAt: null, stale: false, health: null, afterCall: null, missedOffers: 0, updatedAt: now });
    await this.repo.update(userId, { afterCall: action, updatedAt: now });
    const status = await this.status(userId);
    await this.events.emit('agent.status-changed', { status, from: status.state });
    return status;
  }

  /**
   * The agent's phone left an offered call unanswered (the dialer sends the call elsewhere).
   * After the rules' number of misses in a row the agent is paused (missed-offers) and the
   * count starts again; before that they are made ready for the next offer. True if paused.
   */
  async missedOffer(userId: string): Promise<boolean> {
    const now = this.clock.now();
    const rules = await this.rules();
    const moved = await this.repo.transaction(async (em) => {
      const row = await this.repo.lock(em, userId);
      if (!row || row.state !== 'on_call') return null;
      const missed = row.missedOffers + 1;
      const pause = missed >= rules.missedOffersBeforePause;
      await this.repo.patch(em, userId, { missedOffers: pause ? 0 : missed, updatedAt: now });
      await this.write(em, userId, row, pause ? 'paused' : 'ready', pause ? PAUSED_MISSED_OFFERS : `missed an offer (${missed} of ${rules.missedOffersBeforePause})`, null, now, null);
      return { pause };
    });
    if (moved) await this.announce(userId, 'on_call');
    return !!moved?.pause;
  }

  /** A heartbeat from the agent's softphone: alive (no longer stale), with its health. */
  async heartbeat(userId: string, health: SoftphoneHealth | undefined): Promise<void> {
    const now = this.clock.now();
    const row = await this.repo.find(userId);
    const healthJson = health ? JSON.stringify({ phone: health.phone, microphone: health.microphone }) : (row?.health ?? null);
    if (!row) {
      await this.repo.insertIfAbsent({ userId, state: 'offline', reason: null, stateSince: now, lastHeartbeatAt: now, stale: false, health: healthJson, afterCall: null, missedOffers: 0, updatedAt: now });
      return;
    }
    await this.repo.update(userId, { lastHeartbeatAt: now, stale: false, health: healthJson, updatedAt: now });
    if (row.stale || healthJson !== row.health) await this.events.emit('agent.status-changed', { status: await this.status(userId), from: row.state as AgentState });
  }

  /**
   * `heartbeat` for many softphones at once (those that reconnect together): the rows read
   * in one statement, first rows inserted in one, and one update per distinct health. Agents
   * who were stale or whose health changed are announced, as `heartbeat` does.
   */
  async heartbeatMany(beats: Map<string, SoftphoneHealth | undefined>): Promise<void> {
    if (!beats.size) return;
    const now = this.clock.now();
    const rows = new Map((await this.repo.findMany([...beats.keys()])).map((r) => [r.userId, r]));
    const fresh: AgentPresenceEntity[] = [];
    const byHealth = new Map<string | null, string[]>();
    const changed: AgentPresenceEntity[] = [];
    for (const [userId, health] of beats) {
      const row = rows.get(userId);
      const healthJson = health ? JSON.stringify({ phone: health.phone, microphone: health.microphone }) : (row?.health ?? null);
      if (!row) {
        fresh.push({ userId, state: 'offline', reason: null, stateSince: now, lastHeartbeatAt: now, stale: false, health: healthJson, afterCall: null, missedOffers: 0, updatedAt: now });
        continue;
      }
      byHealth.set(healthJson, [...(byHealth.get(healthJson) ?? []), userId]);
      if (row.stale || healthJson !== row.health) changed.push(row);
    }
    await this.repo.insertManyIfAbsent(fresh);
    for (const [health, userIds] of byHealth) await this.repo.updateMany(userIds, { lastHeartbeatAt: now, stale: false, health, updatedAt: now });
    if (!changed.length) return;
    const statuses = await this.statusMany(changed.map((r) => r.userId));
    for (const row of changed) {
      const status = statuses.get(row.userId);
      if (status) await this.events.emit('agent.status-changed', { status, from: row.state as AgentState });
    }
  }

  /**
   * Agents not offline whose heartbeats stopped are marked stale. Returns their ids (the
   * caller hands their offered work back). Runs once per cluster.
   */
  async sweepStale(): Promise<string[]> {
    const now = this.clock.now();
    const limit = new Date(now.getTime() - this.config.realtime.staleSeconds * 1000);
    const rows = await this.repo.silentSince(limit);
    const marked: string[] = [];
    for (const r of rows) {
      if (!(await this.repo.markStale(r.userId, r.updatedAt, now))) continue;
      marked.push(r.userId);
      // Nobody answers at a seat whose softphone went silent: Ready becomes a pause, so no timer or pacer counts it as staffed.
      if (r.state === 'ready' && (await this.transition(r.userId, ['ready'], 'paused', PAUSED_NO_HEARTBEAT))) continue;
      await this.events.emit('agent.status-changed', { status: await this.status(r.userId), from: r.state as AgentState });
    }
    return marked;
  }

  /** Whether the agent is signed in, not offline and not marked stale: one who can be handed their own due work. */
  async present(userId: string): Promise<boolean> {
    const row = await this.repo.find(userId);
    return !!row && row.state !== 'offline' && !row.stale;
  }

  /** Of these agents, those ready and alive (fresh heartbeat, not stale), longest idle first. */
  async readyAmong(agentIds: string[]): Promise<string[]> {
    if (!agentIds.length) return [];
    return this.repo.readyAmong(agentIds, this.aliveSince());
  }

  /** Heartbeats since this instant mean the softphone is alive. */
  aliveSince(): Date {
    return new Date(this.clock.now().getTime() - this.config.realtime.staleSeconds * 1000);
  }

  /** Agents who may be offered work meant for anyone: signed in, alive, not offline (or only `only`, one or several, if so). */
  async availableAgents(only?: string | string[]): Promise<string[]> {
    return this.repo.available(this.aliveSince(), only);
  }

  private view(user: Pick<User, 'id' | 'name' | 'createdAt'>, row: AgentPresenceEntity | null, rules: AgentRules): AgentStatusView {
    return statusView(user, row, rules, this.clock.now().getTime(), this.config.realtime.staleSeconds);
  }
}
