import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource, In, MoreThanOrEqual } from 'typeorm';
import type { DialMode, QueueActivity, QueueStats, SoftphoneHealth } from '#shared';
import { CallbackEntity } from '../callbacks/callback.entity.js';
import { Clock } from '../common/clock.js';
import { AgentStatesRepository } from '../agents/agent-states.repository.js';
import { ParticipantActionEntity } from '../schedules/schedule.entity.js';
import { SettingsService } from '../settings/settings.service.js';
import { ConversationEntity } from '../telephony/conversations/conversation.entity.js';
import { RingPoolsService } from '../telephony/ring-pools/ring-pools.service.js';
import { UserEntity } from '../users/user.entity.js';
import { LeadEntity } from '../leads/lead.entity.js';
import { DialCallEntity, type DialQueueEntity, DialQueueItemEntity } from './dial-queue.entity.js';
import { DialItemsRepository } from './dial-items.repository.js';
import type { PacingInput } from './pacing.js';

/** The answer rate is measured over this many recent calls, and not trusted below `MIN_SAMPLE`. */
const RATE_WINDOW = 200;
const MIN_SAMPLE = 20;
/** A participant action due longer ago than this is overdue. */
const ACTION_OVERDUE_MS = 60 * 60_000;

/** a/b in percent with two decimals; 0 when nothing was counted. */
const pct = (a: number, b: number) => (b ? Math.round((a / b) * 10_000) / 100 : 0);

interface Rates {
  answered: number;
  abandoned: number;
}

/**
 * What a queue's calls add up to: the inputs of predictive pacing and the supervisors'
 * live figures. Everything is read from `dial_calls` (one row per call the queue placed)
 * on its (queue, placed_at) index, agents' states and the work tables.
 */
@Injectable()
export class DialFigures {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly items: DialItemsRepository,
    private readonly agents: AgentStatesRepository,
    private readonly settings: SettingsService,
    private readonly pools: RingPoolsService,
    private readonly clock: Clock,
  ) {}

  private get calls() {
    return this.ds.getRepository(DialCallEntity);
  }

  /** Start of today in the account's zone, as an instant. */
  async dayStart(now: Date): Promise<Date> {
    const zone = (await this.settings.get()).defaultTimezone;
    return DateTime.fromJSDate(now, { zone }).startOf('day').toJSDate();
  }

  /** Calls a person answered (bridged or not) and those abandoned, placed since `from`. */
  private async rates(queueId: string, from: Date): Promise<Rates> {
    const row = await this.calls
      .createQueryBuilder('c')
      .select('SUM(CASE WHEN c.human = :human THEN 1 ELSE 0 END)', 'answered')
      .addSelect("SUM(CASE WHEN c.outcome = 'abandoned' THEN 1 ELSE 0 END)", 'abandoned')
      .where('c.queue_id = :queueId AND c.placed_at >= :from', { queueId, from, human: true })
      .getRawOne<{ answered: string | number | null; abandoned: string | number | null }>();
    return { answered: Number(row?.answered ?? 0), abandoned: Number(row?.abandoned ?? 0) };
  }

  async pacingInput(q: DialQueueEntity, agentIds: string[], ready: number): Promise<PacingInput> {
    const now = this.clock.now();
    const [recent, ringing, waiting, avgTalk, thirty, today] = await Promise.all([
      this.calls.find({ select: { human: true, outcome: true }, where: { queueId: q.id }, order: { placedAt: 'DESC' }, take: RATE_WINDOW }),
      this.calls
        .createQueryBuilder('c')
        .where('c.queue_id = :id AND c.ended_at IS NULL AND c.bridged_at IS NULL AND c.answered_at IS NULL AND c.placed_at >= :since', { id: q.id, since: new Date(now.getTime() - 10 * 60_000) })
        .getCount(),
      this.calls
        .createQueryBuilder('c')
        .where('c.queue_id = :id AND c.ended_at IS NULL AND c.bridged_at IS NULL AND c.answered_at IS NOT NULL AND c.human = :human AND c.placed_at >= :since', { id: q.id, human: true, since: new Date(now.getTime() - 10 * 60_000) })
        .getCount(),
      this.averageTalk(q.id, new Date(now.getTime() - 24 * 3600_000)),
      this.rates(q.id, new Date(now.getTime() - 30 * 86_400_000)),
      this.dayStart(now).then((from) => this.rates(q.id, from)),
    ]);
    const ended = recent.filter((c) => c.outcome !== null);
    const onCall = await this.agents.onCall(agentIds);
    const finishing = onCall.filter((a) => now.getTime() - a.stateSince.getTime() >= (avgTalk ?? 60) * 1000).length;
    return {
      ready,
      finishing,
      ringing,
      waiting,
      answerRate: ended.length >= MIN_SAMPLE ? ended.filter((c) => c.human).length / ended.length : null,
      abandon30d: thirty.answered ? thirty.abandoned / thirty.answered : 0,
      abandonToday: today.answered ? today.abandoned / today.answered : 0,
      answeredToday: today.answered,
      cap: q.abandonCapBp / 10_000,
      maxLinesPerAgent: q.maxLinesPerAgent,
    };
  }

  private async averageTalk(queueId: string, from: Date): Promise<number | null> {
    const row = await this.calls
      .createQueryBuilder('c')
      .select('AVG(c.talk_seconds)', 'avg')
      .where("c.queue_id = :queueId AND c.placed_at >= :from AND c.outcome = 'answered'", { queueId, from })
      .getRawOne<{ avg: string | number | null }>();
    return row?.avg == null ? null : Number(row.avg);
  }

  /**
   * The abandon rate day by day (the account zone's days) over the last `days`, with the
   * rolling total: what the 3% rule is judged on.
   */
  /** The last hour minute by minute (dials, connects) and today's calls by disposition. */
  async activity(q: DialQueueEntity): Promise<QueueActivity> {
    const now = this.clock.now();
    const hourAgo = new Date(Math.floor(now.getTime() / 60_000) * 60_000 - 59 * 60_000);
    const zone = (await this.settings.get()).defaultTimezone;
    const dayStart = DateTime.fromJSDate(now, { zone }).startOf('day').toJSDate();
    const from = dayStart < hourAgo ? dayStart : hourAgo;
    const rows = await this.calls
      .createQueryBuilder('c')
      .leftJoin(ConversationEntity, 'v', 'v.id = c.conversation_id')
      .select(['c.placed_at AS "placedAt"', 'c.bridged_at AS "bridgedAt"', 'v.disposition AS "disposition"'])
      .where('c.queue_id = :queueId AND c.placed_at >= :from', { queueId: q.id, from })
      .getRawMany<{ placedAt: Date | string; bridgedAt: Date | string | null; disposition: string | null }>();
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

  async abandonByDay(q: DialQueueEntity, days: number): Promise<{ days: Array<{ day: string; answered: number; abandoned: number; ratePct: number }>; rolling: { answered: number; abandoned: number; ratePct: number }; capPct: number }> {
    const now = this.clock.now();
    const zone = (await this.settings.get()).defaultTimezone;
    const from = DateTime.fromJSDate(now, { zone }).startOf('day').minus({ days: days - 1 }).toJSDate();
    const rows = await this.calls.find({ select: { placedAt: true, outcome: true }, where: { queueId: q.id, human: true, placedAt: MoreThanOrEqual(from) } });
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
  async stats(q: DialQueueEntity, agentIds: string[], pacingRatio: number): Promise<QueueStats> {
    const now = this.clock.now();
    const from = await this.dayStart(now);
    const [eligibleNow, users, presence, live, todayRow, avgTalk, wrap, thirty, callbacks, actions, pool, onLeads] = await Promise.all([
      this.items.countEligible(q.id, now),
      agentIds.length ? this.ds.getRepository(UserEntity).find({ select: { id: true, name: true }, where: { id: In(agentIds) } }) : Promise.resolve([]),
      this.agents.findMany(agentIds),
      this.calls
        .createQueryBuilder('c')
        .select('SUM(CASE WHEN c.answered_at IS NULL THEN 1 ELSE 0 END)', 'ringing')
        .addSelect('SUM(CASE WHEN c.answered_at IS NOT NULL THEN 1 ELSE 0 END)', 'talking')
        .where('c.queue_id = :id AND c.ended_at IS NULL AND c.placed_at >= :since', { id: q.id, since: new Date(now.getTime() - 4 * 3600_000) })
        .getRawOne<{ ringing: string | null; talking: string | null }>(),
      this.calls
        .createQueryBuilder('c')
        .select('COUNT(*)', 'dials')
        .addSelect('SUM(CASE WHEN c.human = :human THEN 1 ELSE 0 END)', 'human')
        .addSelect('SUM(CASE WHEN c.bridged_at IS NOT NULL THEN 1 ELSE 0 END)', 'connects')
        .addSelect("SUM(CASE WHEN c.outcome = 'abandoned' THEN 1 ELSE 0 END)", 'abandoned')
        .where('c.queue_id = :id AND c.placed_at >= :from', { id: q.id, from, human: true })
        .getRawOne<{ dials: string | number; human: string | null; connects: string | null; abandoned: string | null }>(),
      this.averageTalk(q.id, from),
      this.agents.averageWrapUpMs(agentIds, from),
      this.rates(q.id, new Date(now.getTime() - 30 * 86_400_000)),
      this.ds
        .getRepository(CallbackEntity)
        .createQueryBuilder('c')
        .select("SUM(CASE WHEN c.status = 'due' THEN 1 ELSE 0 END)", 'due')
        .addSelect("SUM(CASE WHEN c.status = 'escalated' THEN 1 ELSE 0 END)", 'overdue')
        .where("c.queue_id = :id AND c.status IN ('due', 'escalated')", { id: q.id })
        .getRawOne<{ due: string | null; overdue: string | null }>(),
      agentIds.length
        ? this.ds
            .getRepository(ParticipantActionEntity)
            .createQueryBuilder('a')
            .select('a.owner_id', 'userId')
            .addSelect('COUNT(*)', 'due')
            .addSelect('SUM(CASE WHEN a.due_at < :overdue THEN 1 ELSE 0 END)', 'overdue')
            .where("a.owner_id IN (:...agentIds) AND a.status = 'due'", { agentIds, overdue: new Date(now.getTime() - ACTION_OVERDUE_MS) })
            .groupBy('a.owner_id')
            .getRawMany<{ userId: string; due: string | number; overdue: string | number | null }>()
        : Promise.resolve([]),
      q.ringPoolId ? this.pools.health(q.ringPoolId, now).catch(() => null) : Promise.resolve(null),
      agentIds.length
        ? this.ds
            .getRepository(DialQueueItemEntity)
            .createQueryBuilder('i')
            .innerJoin(LeadEntity, 'l', 'l.id = i.lead_id')
            .select('i.agent_id', 'agentId')
            .addSelect('l.first_name', 'firstName')
            .addSelect('l.last_name', 'lastName')
            .where("i.queue_id = :id AND i.status IN ('reserved', 'dialing') AND i.agent_id IN (:...agentIds)", { id: q.id, agentIds })
            .getRawMany<{ agentId: string; firstName: string | null; lastName: string | null }>()
        : Promise.resolve([]),
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
