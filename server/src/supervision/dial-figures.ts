import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { DialMode, QueueActivity, QueueStats, SoftphoneHealth } from '#shared';
import { Clock } from '../common/clock.js';
import { AgentStatesRepository } from '../agents/agent-states.repository.js';
import { DialCallsRepository } from '../dialer/dial-calls.repository.js';
import type { DialQueueEntity } from '../dialer/dial-queue.entity.js';
import { DialItemsRepository } from '../dialer/dial-items.repository.js';
import { dayStart } from '../dialer/pacing-figures.js';
import { SettingsService } from '../settings/settings.service.js';
import { RingPoolsService } from '../telephony/ring-pools/ring-pools.service.js';
import type { PacingDecision } from '../dialer/pacing/model.js';
import { FiguresRepository } from './figures.repository.js';
import { pacingView } from './pacing-view.js';

/** The pacer's last decision on a queue, as `DialPacer.decisions` keeps it. */
type PacerDecision = PacingDecision & { target: number; cap: number; at: Date };

/** A participant action due longer ago than this is overdue. */
const ACTION_OVERDUE_MS = 60 * 60_000;

/** a/b in percent with two decimals; 0 when nothing was counted. */
const pct = (a: number, b: number) => (b ? Math.round((a / b) * 10_000) / 100 : 0);

/**
 * What a queue's calls add up to: the supervisors' live figures, the charts and the
 * abandon rate. A read model: it reads `dial_calls` (one row per call the queue placed)
 * on its (queue, placed_at) index, agents' states and the work tables, and writes nothing.
 */
@Injectable()
export class DialFigures {
  constructor(
    private readonly figures: FiguresRepository,
    private readonly items: DialItemsRepository,
    private readonly dialCalls: DialCallsRepository,
    private readonly agents: AgentStatesRepository,
    private readonly settings: SettingsService,
    private readonly pools: RingPoolsService,
    private readonly clock: Clock,
  ) {}

  /** The last hour minute by minute (dials, connects) and today's calls by disposition. */
  async activity(q: DialQueueEntity): Promise<QueueActivity> {
    const now = this.clock.now();
    const hourAgo = new Date(Math.floor(now.getTime() / 60_000) * 60_000 - 59 * 60_000);
    const zone = (await this.settings.get()).defaultTimezone;
    const dayStart = DateTime.fromJSDate(now, { zone }).startOf('day').toJSDate();
    const from = dayStart < hourAgo ? dayStart : hourAgo;
    const rows = await this.figures.callsWithDispositionSince(q.id, from);
    const minutes = Array.from({ length: 60 }, (_, i) => ({ at: new Date(hourAgo.getTime() + i * 60_000).toISOString(), dials: 0, connects: 0 }));
    const byCode = new Map<string | null, number>();
    const ms = (v: Date | string) => (v instanceof Date ? v : new Date(v)).getTime();
    for (const r of rows) {
      const placed = ms(r.placedAt);
      const slot = Math.floor((placed - hourAgo.getTime()) / 60_000);
      if (slot >= 0 && slot < 60) minutes[slot].dials++;
      if (r.bridgedAt) {
        const b = Math.floor((ms(r.bridgedAt) - hourAgo.getTime()) / 60_000);
        if (b >= 0 && b < 60) minutes[b].connects++;
      }
      if (placed >= dayStart.getTime() && r.bridgedAt) byCode.set(r.disposition, (byCode.get(r.disposition) ?? 0) + 1);
    }
    const dispositions = [...byCode.entries()].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count);
    return { queueId: q.id, minutes, dispositions };
  }

  /**
   * The abandon rate day by day (the account zone's days) over the last `days`, with the
   * rolling total: what the 3% rule is judged on.
   */
  async abandonByDay(q: DialQueueEntity, days: number): Promise<{ days: Array<{ day: string; answered: number; abandoned: number; ratePct: number }>; rolling: { answered: number; abandoned: number; ratePct: number }; capPct: number }> {
    const now = this.clock.now();
    const zone = (await this.settings.get()).defaultTimezone;
    const from = DateTime.fromJSDate(now, { zone }).startOf('day').minus({ days: days - 1 }).toJSDate();
    const rows = await this.figures.humanCallsSince(q.id, from);
    const byDay = new Map<string, { answered: number; abandoned: number }>();
    for (let d = 0; d < days; d++) byDay.set(DateTime.fromJSDate(from, { zone }).plus({ days: d }).toFormat('yyyy-MM-dd'), { answered: 0, abandoned: 0 });
    for (const r of rows) {
      const day = byDay.get(DateTime.fromJSDate(r.placedAt, { zone }).toFormat('yyyy-MM-dd'));
      if (!day) continue;
      day.answered++;
      if (r.outcome === 'abandoned') day.abandoned++;
    }
    const list = [...byDay.entries()].map(([day, v]) => ({ day, ...v, ratePct: pct(v.abandoned, v.answered) }));
    const answered = list.reduce((n, d) => n + d.answered, 0);
    const abandoned = list.reduce((n, d) => n + d.abandoned, 0);
    return { days: list, rolling: { answered, abandoned, ratePct: pct(abandoned, answered) }, capPct: q.abandonCapBp / 100 };
  }

  /** The live figures of one queue. */
  async stats(q: DialQueueEntity, agentIds: string[], pacingRatio: number, decision: PacerDecision | null = null): Promise<QueueStats> {
    const now = this.clock.now();
    const from = await dayStart(this.settings, now);
    const paced = q.mode === 'predictive' && decision !== null;
    const none = Promise.resolve(null);
    const [eligibleNow, users, presence, live, todayRow, avgTalk, wrap, thirty, callbacks, actions, pool, onLeads, todayShare, lastHourShare] = await Promise.all([
      this.items.countEligible(q.id, now),
      this.figures.userNames(agentIds),
      this.agents.findMany(agentIds),
      this.figures.liveCalls(q.id, new Date(now.getTime() - 4 * 3600_000)),
      this.figures.callCountsSince(q.id, from),
      this.dialCalls.averageTalk(q.id, from),
      this.agents.averageWrapUpMs(agentIds, from),
      this.dialCalls.rates(q.id, new Date(now.getTime() - 30 * 86_400_000)),
      this.figures.openCallbacks(q.id),
      this.figures.dueActionsByOwner(agentIds, new Date(now.getTime() - ACTION_OVERDUE_MS)),
      q.ringPoolId ? this.pools.health(q.ringPoolId, now).catch(() => null) : Promise.resolve(null),
      this.figures.leadsHeldBy(q.id, agentIds),
      paced ? this.dialCalls.rates(q.id, from) : none,
      paced ? this.dialCalls.rates(q.id, new Date(now.getTime() - 3600_000)) : none,
    ]);
    const leadOf = new Map(onLeads.map((r) => [r.agentId, [r.firstName, r.lastName].filter(Boolean).join(' ') || 'Unnamed lead']));
    const names = new Map(users.map((u) => [u.id, u.name]));
    const byUser = new Map(presence.map((p) => [p.userId, p]));
    const agents = agentIds.map((id) => {
      const p = byUser.get(id);
      return {
        userId: id,
        name: names.get(id) ?? id,
        state: p?.state ?? 'offline',
        reason: p?.reason ?? null,
        seconds: p ? Math.max(0, Math.round((now.getTime() - p.stateSince.getTime()) / 1000)) : 0,
        stale: !!p?.stale,
        lead: leadOf.get(id) ?? null,
        health: p?.health ? (JSON.parse(p.health) as SoftphoneHealth) : null,
      };
    });
    const agentsByState: Record<string, number> = {};
    for (const a of agents) agentsByState[a.state] = (agentsByState[a.state] ?? 0) + 1;
    const dials = Number(todayRow?.dials ?? 0);
    const human = Number(todayRow?.human ?? 0);
    const connects = Number(todayRow?.connects ?? 0);
    const abandoned = Number(todayRow?.abandoned ?? 0);
    return {
      queueId: q.id,
      name: q.name,
      mode: q.mode as DialMode,
      at: now.toISOString(),
      eligibleNow,
      agents: agents.sort((a, b) => a.name.localeCompare(b.name)),
      agentsByState,
      callsRinging: Number(live?.ringing ?? 0),
      callsInProgress: Number(live?.talking ?? 0),
      today: {
        dials,
        connects,
        connectRatePct: pct(connects, dials),
        avgTalkSeconds: Math.round(avgTalk ?? 0),
        avgWrapSeconds: Math.round((wrap ?? 0) / 1000),
        abandoned,
        abandonRatePct: pct(abandoned, human),
      },
      abandonRate30dPct: pct(thirty.abandoned, thirty.answered),
      abandonCapPct: q.abandonCapBp / 100,
      pacingRatio: Math.round(pacingRatio * 100) / 100,
      pacing:
        paced && todayShare && lastHourShare
          ? pacingView(decision, { today: todayShare, lastHour: lastHourShare, thirtyDays: thirty }, { ringing: Number(live?.ringing ?? 0), ready: agentsByState.ready ?? 0 })
          : null,
      callbacks: { due: Number(callbacks?.due ?? 0), overdue: Number(callbacks?.overdue ?? 0) },
      actionsByAgent: actions.map((a) => ({ userId: a.userId, due: Number(a.due), overdue: Number(a.overdue ?? 0) })),
      ringPool: pool
        ? {
            poolId: pool.poolId,
            numbers: pool.numbers.length,
            available: pool.numbers.filter((n) => !n.usable.call).length,
            quarantined: pool.numbers.filter((n) => n.status === 'quarantined').length,
            exhausted: pool.numbers.filter((n) => n.remaining.calls <= 0).length,
          }
        : null,
    };
  }
}
