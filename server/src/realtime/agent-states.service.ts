import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull, LessThan, MoreThanOrEqual, Not, Or } from 'typeorm';
import { type AgentRules, type AgentState, type AgentStateChangeView, type AgentStatusView, CHOSEN_AGENT_STATES, ErrorCode, type SoftphoneHealth } from '../../../shared/src/index.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { AppConfig } from '../config/app-config.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { SettingsService } from '../settings/settings.service.js';
import { UserEntity } from '../users/user.entity.js';
import { AgentPresenceEntity, AgentStateChangeEntity } from './agent.entity.js';

export const WRAP_LIMIT_QUEUE = 'agent.wrap-limit';

export const DEFAULT_AGENT_RULES: AgentRules = {
  pauseReasons: [
    { code: 'break', label: 'Break', maxMinutes: 15 },
    { code: 'lunch', label: 'Lunch', maxMinutes: 60 },
    { code: 'meeting', label: 'Meeting', maxMinutes: null },
    { code: 'training', label: 'Training', maxMinutes: null },
    { code: 'technical', label: 'Technical problem', maxMinutes: 30 },
  ],
  wrapUpMaxSeconds: 120,
};

/** Who asks for a change: the agent, a supervisor for them, or the system (calls, offers, limits). */
export type StateActor = { kind: 'agent' | 'supervisor'; userId: string } | { kind: 'system' };

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
    @InjectDataSource() private readonly ds: DataSource,
    private readonly settings: SettingsService,
    private readonly scheduler: SchedulerService,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(WRAP_LIMIT_QUEUE, {
      handle: async (p) => {
        const { userId, since } = p as { userId: string; since: string };
        await this.endWrapUp(userId, new Date(since));
      },
    });
  }

  private get postgres(): boolean {
    return this.ds.options.type === 'postgres';
  }

  private get presence() {
    return this.ds.getRepository(AgentPresenceEntity);
  }

  async rules(): Promise<AgentRules> {
    const json = await this.settings.getAgentRulesJson();
    return json ? (JSON.parse(json) as AgentRules) : DEFAULT_AGENT_RULES;
  }

  async setRules(rules: AgentRules): Promise<AgentRules> {
    const codes = new Set<string>();
    rules.pauseReasons.forEach((r, i) => {
      if (codes.has(r.code)) throw DomainError.validation(`pauseReasons[${i}].code`, `"${r.code}" is listed twice`);
      codes.add(r.code);
    });
    const clean: AgentRules = { pauseReasons: rules.pauseReasons.map((r) => ({ code: r.code, label: r.label, maxMinutes: r.maxMinutes ?? null })), wrapUpMaxSeconds: rules.wrapUpMaxSeconds };
    await this.settings.setAgentRulesJson(JSON.stringify(clean));
    return clean;
  }

  /** One agent's status now (offline if they never signed in). */
  async status(userId: string): Promise<AgentStatusView> {
    const user = await this.ds.getRepository(UserEntity).findOneBy({ id: userId });
    if (!user) throw DomainError.notFound('User');
    const row = await this.presence.findOneBy({ userId });
    return this.view(user, row, await this.rules());
  }

  /** Every active agent and supervisor, for the board. */
  async board(): Promise<AgentStatusView[]> {
    const users = await this.ds.getRepository(UserEntity).find({ where: { active: true, role: In(['agent', 'supervisor']) }, order: { name: 'ASC' } });
    const rows = users.length ? await this.presence.findBy({ userId: In(users.map((u) => u.id)) }) : [];
    const byUser = new Map(rows.map((r) => [r.userId, r]));
    const rules = await this.rules();
    return users.map((u) => this.view(u, byUser.get(u.id) ?? null, rules));
  }

  async history(userId: string, limit: number): Promise<AgentStateChangeView[]> {
    const rows = await this.ds.getRepository(AgentStateChangeEntity).find({ where: { userId }, order: { at: 'DESC', id: 'DESC' }, take: limit });
    return rows.map((r) => ({ id: r.id, userId: r.userId, from: r.fromState as AgentState, to: r.toState as AgentState, reason: r.reason, actorId: r.actorId, at: r.at.toISOString(), durationMs: r.durationMs }));
  }

  /**
   * Moves an agent to `to`. People may choose offline, ready or paused (with a known
   * reason), and not while on a call; the system may set any state.
   */
  async change(userId: string, to: AgentState, actor: StateActor, reason: string | null = null): Promise<AgentStatusView> {
    if (actor.kind !== 'system') {
      if (!(CHOSEN_AGENT_STATES as readonly string[]).includes(to)) throw DomainError.validation('state', `must be one of ${CHOSEN_AGENT_STATES.join(', ')} (the others follow calls and offers)`);
      if (to !== 'paused') reason = null;
    }
    const now = this.clock.now();
    const actorId = actor.kind === 'system' ? null : actor.userId;
    const fromCall = actor.kind === 'system';
    // On Postgres a known, active agent's move that needs no rules (not a pause, whose reason
    // is checked, nor wrap-up, which also enqueues its limit) is one round trip: the
    // statement checks the user too.
    if (this.postgres && to !== 'paused' && to !== 'wrap_up') {
      const quick = await this.moveReturning(userId, to, reason, actorId, fromCall, now);
      // The state is now `to` (moved or already there): the rules only matter for pauses and wrap-up.
      if (quick) return this.moved(quick.user, quick, to, reason, now, fromCall, DEFAULT_AGENT_RULES);
    }
    const [user, rules] = await Promise.all([this.ds.getRepository(UserEntity).findOneBy({ id: userId }), this.rules()]);
    if (!user || !user.active) throw DomainError.notFound('Agent');
    if (actor.kind !== 'system' && to === 'paused') {
      if (!reason) throw DomainError.validation('reason', `is required to pause: one of ${rules.pauseReasons.map((r) => r.code).join(', ')}`);
      if (!rules.pauseReasons.some((r) => r.code === reason)) throw DomainError.validation('reason', `must be one of ${rules.pauseReasons.map((r) => r.code).join(', ')}`);
    }
    // A pause, its reason checked, is one statement too; other moves got here because that statement found no row.
    const quick = this.postgres && to === 'paused' ? await this.moveReturning(userId, to, reason, actorId, fromCall, now) : null;
    const changed =
      quick ??
      (await this.ds.transaction(async (em) => {
        const row = await em.getRepository(AgentPresenceEntity).findOne({ where: { userId }, lock: { mode: 'pessimistic_write' } });
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
    user: Pick<UserEntity, 'id' | 'name' | 'createdAt'>,
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
      ? { userId: user.id, state: to, reason, stateSince: now, lastHeartbeatAt: before?.lastHeartbeatAt ?? null, stale: before?.stale ?? false, health: before?.health ?? null, updatedAt: now }
      : (before as AgentPresenceEntity);
    const status = this.view(user, after, rules);
    if (changed.moved) await this.events.emit('agent.status-changed', { status, from: (before?.state ?? 'offline') as AgentState });
    return status;
  }

  /**
   * Postgres: an agent's row locked, moved and its history row written in one statement,
   * as `write` does in a transaction. Not moved when already there with that reason, or
   * on a call unless the system asks. Returns the row as it was, with the user; null when
   * the agent has no row yet (their first move is written in a transaction) or the user
   * is not active.
   */
  private async moveReturning(
    userId: string,
    to: AgentState,
    reason: string | null,
    actorId: string | null,
    fromCall: boolean,
    now: Date,
  ): Promise<{ row: AgentPresenceEntity; moved: boolean; user: Pick<UserEntity, 'id' | 'name' | 'createdAt'> } | null> {
    const rows = (await this.ds.query(
      `WITH cur AS (SELECT p.*, u.name AS user_name, u.created_at AS user_created_at
                      FROM agent_presence p JOIN users u ON u.id = p.user_id AND u.active = true
                     WHERE p.user_id = $1
                       FOR UPDATE OF p),
            moved AS (UPDATE agent_presence p SET state = $2, reason = $3::varchar, state_since = $4, updated_at = $4
                        FROM cur
                       WHERE p.user_id = cur.user_id
                         AND NOT (cur.state = $2 AND cur.reason IS NOT DISTINCT FROM $3::varchar)
                         AND ($6::boolean OR cur.state <> 'on_call')
                      RETURNING cur.state AS from_state, cur.state_since AS since),
            history AS (INSERT INTO agent_state_changes (id, user_id, from_state, to_state, reason, actor_id, at, duration_ms)
                        SELECT $5, $1, moved.from_state, $2, $3::varchar, $7::varchar, $4, GREATEST(0, FLOOR(EXTRACT(EPOCH FROM ($4::timestamp - moved.since)) * 1000))::bigint
                          FROM moved)
       SELECT cur.*, EXISTS (SELECT 1 FROM moved) AS moved FROM cur`,
      [userId, to, reason, now, randomUUID(), fromCall, actorId],
    )) as Array<Record<string, unknown>>;
    const r = rows[0];
    if (!r) return null;
    const row: AgentPresenceEntity = {
      userId,
      state: r.state as string,
      reason: (r.reason as string | null) ?? null,
      stateSince: r.state_since as Date,
      lastHeartbeatAt: (r.last_heartbeat_at as Date | null) ?? null,
      stale: r.stale as boolean,
      health: (r.health as string | null) ?? null,
      updatedAt: r.updated_at as Date,
    };
    return { row, moved: r.moved as boolean, user: { id: userId, name: r.user_name as string, createdAt: r.user_created_at as Date } };
  }

  /**
   * A system move that happens only from one of `from` (a call ending moves an agent on
   * call to wrap-up, not one who has since gone offline). True if it moved.
   */
  async transition(userId: string, from: readonly AgentState[], to: AgentState, reason: string | null = null): Promise<boolean> {
    const now = this.clock.now();
    const rules = to === 'wrap_up' ? await this.rules() : null;
    const moved = await this.ds.transaction(async (em) => {
      const row = await em.getRepository(AgentPresenceEntity).findOne({ where: { userId }, lock: { mode: 'pessimistic_write' } });
      if (!row || !from.includes(row.state as AgentState) || (row.state === to && row.reason === reason)) return null;
      await this.write(em, userId, row, to, reason, null, now, rules);
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
    const claimed = await this.ds.transaction(async (em) => {
      const row = await em
        .getRepository(AgentPresenceEntity)
        .createQueryBuilder('p')
        .where("p.user_id IN (:...candidates) AND p.state = 'ready' AND p.stale = :stale AND p.last_heartbeat_at >= :limit", { candidates, stale: false, limit })
        .orderBy('p.state_since', 'ASC')
        .limit(1)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getOne();
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
  private async write(em: EntityManager, userId: string, row: AgentPresenceEntity | null, to: AgentState, reason: string | null, actorId: string | null, now: Date, rules: AgentRules | null): Promise<void> {
    const repo = em.getRepository(AgentPresenceEntity);
    if (row) await repo.update({ userId }, { state: to, reason, stateSince: now, updatedAt: now });
    else await repo.insert({ userId, state: to, reason, stateSince: now, lastHeartbeatAt: null, stale: false, health: null, updatedAt: now });
    const since = row?.stateSince ?? now;
    await em.getRepository(AgentStateChangeEntity).insert({ id: randomUUID(), userId, fromState: row?.state ?? 'offline', toState: to, reason, actorId, at: now, durationMs: Math.max(0, now.getTime() - since.getTime()) });
    if (to === 'wrap_up' && rules) {
      // Wrap-up ends on its own at the limit, unless the agent moved on first.
      await this.scheduler.enqueue(WRAP_LIMIT_QUEUE, { userId, since: now.toISOString() }, { dueAt: new Date(now.getTime() + rules.wrapUpMaxSeconds * 1000), dedupeKey: `wrap:${userId}:${now.getTime()}`, em });
    }
  }

  /** Tells the rest of the system an agent moved from `from` (for moves written elsewhere in one statement with their work). */
  async announce(userId: string, from: AgentState): Promise<void> {
    await this.events.emit('agent.status-changed', { status: await this.status(userId), from });
  }

  /** The wrap-up limit: still wrapping up since `since`, the agent is made ready. */
  async endWrapUp(userId: string, since: Date): Promise<void> {
    const row = await this.presence.findOneBy({ userId });
    if (!row || row.state !== 'wrap_up' || row.stateSince.getTime() !== since.getTime()) return;
    await this.change(userId, 'ready', { kind: 'system' }, 'wrap-up limit');
  }

  /** A heartbeat from the agent's softphone: alive (no longer stale), with its health. */
  async heartbeat(userId: string, health: SoftphoneHealth | undefined): Promise<void> {
    const now = this.clock.now();
    const row = await this.presence.findOneBy({ userId });
    const healthJson = health ? JSON.stringify({ phone: health.phone, microphone: health.microphone }) : (row?.health ?? null);
    if (!row) {
      await this.presence.createQueryBuilder().insert().values({ userId, state: 'offline', reason: null, stateSince: now, lastHeartbeatAt: now, stale: false, health: healthJson, updatedAt: now }).orIgnore().execute();
      return;
    }
    await this.presence.update({ userId }, { lastHeartbeatAt: now, stale: false, health: healthJson, updatedAt: now });
    if (row.stale || healthJson !== row.health) await this.events.emit('agent.status-changed', { status: await this.status(userId), from: row.state as AgentState });
  }

  /**
   * Agents not offline whose heartbeats stopped are marked stale. Returns their ids (the
   * caller hands their offered work back). Runs once per cluster.
   */
  async sweepStale(): Promise<string[]> {
    const now = this.clock.now();
    const limit = new Date(now.getTime() - this.config.realtime.staleSeconds * 1000);
    const rows = await this.presence.find({ where: { state: Not('offline'), stale: false, lastHeartbeatAt: Or(IsNull(), LessThan(limit)) } });
    const marked: string[] = [];
    for (const r of rows) {
      const u = await this.presence.update({ userId: r.userId, stale: false, updatedAt: r.updatedAt }, { stale: true, updatedAt: now });
      if (!u.affected) continue;
      marked.push(r.userId);
      await this.events.emit('agent.status-changed', { status: await this.status(r.userId), from: r.state as AgentState });
    }
    return marked;
  }

  /** Of these agents, those ready and alive (fresh heartbeat, not stale), longest idle first. */
  async readyAmong(agentIds: string[]): Promise<string[]> {
    if (!agentIds.length) return [];
    const rows = await this.presence.find({
      select: { userId: true },
      where: { userId: In(agentIds), state: 'ready', stale: false, lastHeartbeatAt: MoreThanOrEqual(this.aliveSince()) },
      order: { stateSince: 'ASC' },
    });
    return rows.map((r) => r.userId);
  }

  /** Heartbeats since this instant mean the softphone is alive. */
  aliveSince(): Date {
    return new Date(this.clock.now().getTime() - this.config.realtime.staleSeconds * 1000);
  }

  /** Agents who may be offered work meant for anyone: signed in, alive, not offline (or just `only`, if so). */
  async availableAgents(only?: string): Promise<string[]> {
    const limit = this.aliveSince();
    const qb = this.ds
      .getRepository(AgentPresenceEntity)
      .createQueryBuilder('p')
      .innerJoin(UserEntity, 'u', 'u.id = p.user_id')
      .select('p.user_id', 'id')
      .where("p.state <> 'offline' AND p.stale = :stale AND p.last_heartbeat_at >= :limit AND u.active = :active AND u.role = 'agent'", { stale: false, limit, active: true });
    if (only) qb.andWhere('p.user_id = :only', { only });
    return (await qb.getRawMany<{ id: string }>()).map((r) => r.id);
  }

  private view(user: Pick<UserEntity, 'id' | 'name' | 'createdAt'>, row: AgentPresenceEntity | null, rules: AgentRules): AgentStatusView {
    const now = this.clock.now().getTime();
    const state = (row?.state ?? 'offline') as AgentState;
    const since = row?.stateSince ?? user.createdAt;
    const heartbeat = row?.lastHeartbeatAt ?? null;
    const alive = !!heartbeat && now - heartbeat.getTime() <= this.config.realtime.staleSeconds * 1000 && !row?.stale;
    let overLimit = false;
    if (state === 'paused') {
      const max = rules.pauseReasons.find((r) => r.code === row?.reason)?.maxMinutes;
      overLimit = max != null && now - since.getTime() > max * 60_000;
    } else if (state === 'wrap_up') overLimit = now - since.getTime() > rules.wrapUpMaxSeconds * 1000;
    return {
      userId: user.id,
      name: user.name,
      state,
      reason: row?.reason ?? null,
      since: since.toISOString(),
      connected: alive,
      lastHeartbeatAt: heartbeat?.toISOString() ?? null,
      stale: !!row?.stale,
      overLimit,
      health: row?.health ? (JSON.parse(row.health) as SoftphoneHealth) : null,
    };
  }
}
