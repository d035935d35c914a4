import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AgentStatesRepository } from '../agents/agent-states.repository.js';
import { Clock } from '../common/clock.js';
import { SettingsService } from '../settings/settings.service.js';
import { DialCallsRepository } from './dial-calls.repository.js';
import type { DialQueueEntity } from './dial-queue.entity.js';
import type { PacingInput } from './pacing.js';

/** The answer rate is measured over this many recent calls, and not trusted below `MIN_SAMPLE`. */
const RATE_WINDOW = 200;
const MIN_SAMPLE = 20;

/** Start of today in the account's zone, as an instant. */
export async function dayStart(settings: SettingsService, now: Date): Promise<Date> {
  const zone = (await settings.get()).defaultTimezone;
  return DateTime.fromJSDate(now, { zone }).startOf('day').toJSDate();
}

/** What predictive pacing is decided on: the queue's recent calls, what rings and waits now, and its agents. */
@Injectable()
export class PacingFigures {
  constructor(
    private readonly calls: DialCallsRepository,
    private readonly agents: AgentStatesRepository,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  async pacingInput(q: DialQueueEntity, agentIds: string[], ready: number): Promise<PacingInput> {
    const now = this.clock.now();
    const tenMinutesAgo = new Date(now.getTime() - 10 * 60_000);
    const [recent, ringing, waiting, avgTalk, thirty, today] = await Promise.all([
      this.calls.recent(q.id, RATE_WINDOW),
      this.calls.ringing(q.id, tenMinutesAgo),
      this.calls.waiting(q.id, tenMinutesAgo),
      this.calls.averageTalk(q.id, new Date(now.getTime() - 24 * 3600_000)),
      this.calls.rates(q.id, new Date(now.getTime() - 30 * 86_400_000)),
      dayStart(this.settings, now).then((from) => this.calls.rates(q.id, from)),
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
}
