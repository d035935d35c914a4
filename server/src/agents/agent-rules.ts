import type { AfterCallAction, AfterWrapUpLimit, AgentRules, AgentState, AgentStatusView, SoftphoneHealth } from '#shared';
import type { User } from '../users/users.repository.js';
import type { AgentPresenceEntity } from './agent.entity.js';

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
  missedOffersBeforePause: 2,
};

/** Why the system paused an agent: the codes supervisors see beside the chosen pause reasons. */
export const PAUSED_WRAP_UP_EXPIRED = 'wrap-up-expired';
export const PAUSED_AFTER_CALL = 'after-call';
export const PAUSED_MISSED_OFFERS = 'missed-offers';
export const PAUSED_NO_HEARTBEAT = 'no-heartbeat';

/** What a wrap-up's limit does, carried by its job: chosen by whoever ended the call (a queue's setting). */
export interface WrapUpOptions {
  afterLimit?: AfterWrapUpLimit;
}

/** Who asks for a change: the agent, a supervisor for them, or the system (calls, offers, limits). */
export type StateActor = { kind: 'agent' | 'supervisor'; userId: string } | { kind: 'system' };

/** An agent's status as the board shows it, from their presence row and the floor's rules, at `now` (ms). */
export function statusView(user: Pick<User, 'id' | 'name' | 'createdAt'>, row: AgentPresenceEntity | null, rules: AgentRules, now: number, staleSeconds: number): AgentStatusView {
  const state = (row?.state ?? 'offline') as AgentState;
  const since = row?.stateSince ?? user.createdAt;
  const heartbeat = row?.lastHeartbeatAt ?? null;
  const alive = !!heartbeat && now - heartbeat.getTime() <= staleSeconds * 1000 && !row?.stale;
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
    afterCall: (row?.afterCall as AfterCallAction | null) ?? null,
  };
}
