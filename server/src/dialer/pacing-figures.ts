import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AgentStatesRepository } from '../agents/agent-states.repository.js';
import { Clock } from '../common/clock.js';
import { SettingsService } from '../settings/settings.service.js';
import { type AnswerSample, DialCallsRepository } from './dial-calls.repository.js';
import { listKeyOf } from './dial-queue.codec.js';
import type { DialQueueEntity } from './dial-queue.entity.js';
import { DialItemsRepository } from './dial-items.repository.js';
import { Durations } from './pacing/estimates.js';
import type { AgentNow, FloorNow } from './pacing/model.js';

/** The answer rate and the ring, talk and wrap-up distributions are measured over this many recent calls. */
const RATE_WINDOW = 500;
/** Until measured, a person answers after 8 s, talks 3 minutes and wraps up for 15 s (memoryless). */
const FALLBACK = { ring: 8, talk: 180, wrap: 15 };

/** The answer rate by hour of day is measured over this hour on this many days (today's included). */
export const HOUR_DAYS = 14;
/** An hour's sample is read again after this long (its past days do not change; today's hour grows slowly against them). */
const HOUR_TTL_MS = 60_000;

/** The same hour of day as `now` (the floor's zone) on each of the last `days` days: [from, to) instants, today's ending now. */
export function sameHourRanges(now: Date, zone: string, days: number): Array<[Date, Date]> {
  const start = DateTime.fromJSDate(now, { zone }).startOf('hour');
  return Array.from({ length: days }, (_, d) => {
    const from = start.minus({ days: d });
    return [from.toJSDate(), d === 0 ? now : from.plus({ hours: 1 }).toJSDate()] as [Date, Date];
  });
}

/** Start of today in the account's zone, as an instant. */
export async function dayStart(settings: SettingsService, now: Date): Promise<Date> {
  const zone = (await settings.get()).defaultTimezone;
  return DateTime.fromJSDate(now, { zone }).startOf('day').toJSDate();
}

/**
 * What predictive pacing is decided on: the queue's recent calls (answer rate, ring to
 * answer, talk), the answer samples of this hour of day and of the list the next lead
 * comes from, its agents' recent wrap-ups, what rings and waits now, who is ready,
 * talking or wrapping up and since when, and the abandon shares (30 days, today, last hour).
 */
@Injectable()
export class PacingFigures {
  constructor(
    private readonly calls: DialCallsRepository,
    private readonly items: DialItemsRepository,
    private readonly agents: AgentStatesRepository,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  /** Each queue's answer sample for its current hour of day, read at most once a minute. */
  private readonly hours = new Map<string, { hour: number; at: number; sample: AnswerSample }>();

  /** The queue's known calls placed in this hour of day (the floor's zone) over the last `HOUR_DAYS` days. */
  async hourSample(queueId: string, now: Date): Promise<AnswerSample> {
    const zone = (await this.settings.get()).defaultTimezone;
    const hour = DateTime.fromJSDate(now, { zone }).startOf('hour').toMillis();
    const hit = this.hours.get(queueId);
    if (hit && hit.hour === hour && now.getTime() - hit.at < HOUR_TTL_MS && now.getTime() >= hit.at) return hit.sample;
    const sample = await this.calls.answeredWithin(queueId, sameHourRanges(now, zone, HOUR_DAYS));
    this.hours.set(queueId, { hour, at: now.getTime(), sample });
    return sample;
  }

  /** The list the queue's next lead comes from and that list's recent answer sample; null when nothing is due. */
  async listSample(queueId: string, now: Date): Promise<(AnswerSample & { key: string }) | null> {
    const [next] = await this.items.head(queueId, now, 1);
    if (!next) return null;
    const key = listKeyOf(next);
    return { key, ...(await this.calls.answeredOfList(queueId, key, RATE_WINDOW)) };
  }

  async floorNow(q: DialQueueEntity, agentIds: string[], ready: number): Promise<FloorNow> {
    const now = this.clock.now();
    const tenMinutesAgo = new Date(now.getTime() - 10 * 60_000);
    const dayAgo = new Date(now.getTime() - 24 * 3600_000);
    const [recent, ringing, waiting, busy, wraps, thirty, today, lastHour, hour, list] = await Promise.all([
      this.calls.recent(q.id, RATE_WINDOW),
      this.calls.ringing(q.id, tenMinutesAgo),
      this.calls.waiting(q.id, tenMinutesAgo),
      this.agents.busyAmong(agentIds),
      this.agents.recentWrapUpsMs(agentIds, dayAgo, RATE_WINDOW),
      this.calls.rates(q.id, new Date(now.getTime() - 30 * 86_400_000)),
      dayStart(this.settings, now).then((from) => this.calls.rates(q.id, from)),
      this.calls.rates(q.id, new Date(now.getTime() - 3600_000)),
      this.hourSample(q.id, now),
      this.listSample(q.id, now),
    ]);
    // A call counts toward the answer rate once its outcome is known: ended, or answered by a person.
    const known = recent.filter((c) => c.outcome !== null || c.human);
    const answeredBy = known.filter((c) => c.human && c.answeredAt);
    const agents: AgentNow[] = Array.from({ length: ready }, () => ({ state: 'ready' as const, seconds: 0 }));
    for (const a of busy) agents.push({ state: a.state === 'on_call' ? 'on_call' : 'wrap_up', seconds: Math.max(0, (now.getTime() - a.stateSince.getTime()) / 1000) });
    const cap = q.abandonCapBp / 10_000;
    return {
      agents,
      ringing: ringing.map((at) => Math.max(0, (now.getTime() - at.getTime()) / 1000)),
      waiting,
      recent: { calls: known.length, human: known.filter((c) => c.human).length },
      hour,
      ...(list ? { list } : {}),
      ringToAnswer: new Durations(answeredBy.map((c) => ((c.answeredAt as Date).getTime() - c.placedAt.getTime()) / 1000), FALLBACK.ring),
      talk: new Durations(known.filter((c) => c.outcome === 'answered' && c.talkSeconds !== null).map((c) => c.talkSeconds as number), FALLBACK.talk),
      wrap: new Durations(wraps.map((ms) => ms / 1000), FALLBACK.wrap),
      ringSeconds: q.ringSeconds,
      abandon: { thirtyDays: thirty, today, lastHour },
      // Below the queue's own cap whatever it was set to.
      target: Math.min(q.targetAbandonBp / 10_000, cap * (5 / 6)),
      cap,
      maxLinesPerAgent: q.maxLinesPerAgent,
    };
  }
}
