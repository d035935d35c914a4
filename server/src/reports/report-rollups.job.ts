import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Clock } from '../common/clock.js';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { Transactions } from '../database/transactions.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { SettingsService } from '../settings/settings.service.js';
import { DayRollupsRepository } from './day-rollups.repository.js';
import { RollupsRepository } from './rollups.repository.js';
import { hourOf, stateHours } from './state-hours.js';

const HOUR = 3_600_000;
const NAME = 'hourly';
/** Rows committed a little after the instant they carry (a call placed at t, written at t + a moment) are still caught. */
const MARGIN_MS = 5 * 60_000;
/** A call left unended longer than this is taken as lost and no longer holds its hour open. */
const OPEN_CALL_HORIZON_MS = 24 * HOUR;
const EVERY_MS = 60_000;

/**
 * Keeps the report rollups: each run recomputes every hour from its watermark's hour to
 * now (calls by the hour they were placed, dispositions with their calls, agent time from
 * the state changes and the states still running), and the earlier hours of calls whose
 * disposition changed since, then moves the watermark to the earlier of now (less a
 * margin) and the oldest call still live. Recomputing deletes and rewrites whole hours in
 * one transaction, so a run that dies changes nothing and a second run gives the same
 * rows; a cluster lock keeps instances from running it at once. The days of the floor's
 * zone holding a rebuilt hour are then rebuilt from their hours (all of them, the first
 * time a zone is seen: its days watermark says they are whole).
 */
@Injectable()
export class ReportRollups implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: RollupsRepository,
    private readonly days: DayRollupsRepository,
    private readonly settings: SettingsService,
    private readonly tx: Transactions,
    private readonly scheduler: SchedulerService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.env === 'test') return; // tests run it by hand on their fixed clock
    const pass = () => {
      this.running = this.run().catch((e: unknown) => this.logger.warn(`report rollups: ${(e as Error).message}`));
    };
    this.timer = setInterval(pass, EVERY_MS);
    this.timer.unref();
    pass();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run under the cluster lock; false when another instance holds it. */
  async run(): Promise<boolean> {
    const done = await this.scheduler.once('reports.rollup', 15 * 60_000, async () => {
      await this.rollUp();
      return true;
    });
    return done ?? false;
  }

  private async rollUp(): Promise<void> {
    const now = this.clock.now();
    const mark = (await this.repo.watermark(NAME)) ?? (await this.repo.firstActivity()) ?? now;
    const from = new Date(hourOf(Math.min(mark.getTime(), now.getTime())));
    const to = new Date(hourOf(now.getTime()) + HOUR);
    const redisposed = await this.repo.hoursRedisposedSince(new Date(mark.getTime() - MARGIN_MS), from);
    const periods = await this.repo.statePeriodsEndingAfter(from, now);
    const openSince = await this.repo.oldestOpenCall(new Date(now.getTime() - OPEN_CALL_HORIZON_MS));
    const next = new Date(Math.min(now.getTime() - MARGIN_MS, openSince?.getTime() ?? Infinity));
    const zone = (await this.settings.get()).defaultTimezone;
    const zoneMark = `days:${zone}`;
    const daysFrom = (await this.repo.watermark(zoneMark)) ? from : new Date(Math.min(from.getTime(), (await this.days.firstHour())?.getTime() ?? Infinity));
    await this.tx.run(async (em) => {
      await this.repo.rebuildCallHours(from, to, em);
      for (const h of redisposed) await this.repo.rebuildCallHours(h, new Date(h.getTime() + HOUR), em);
      await this.repo.replaceStateHours(from, to, stateHours(periods, from.getTime(), now.getTime()), em);
      await this.days.forgetOtherZones(zone, em);
      const run = daysOf(zone, daysFrom, to);
      await this.days.rebuildDays(zone, run.starts, run.end, em);
      const earlier = new Map(redisposed.map((h) => daysOf(zone, h, new Date(h.getTime() + HOUR))).filter((d) => d.starts[0] < run.starts[0]).map((d) => [d.starts[0].getTime(), d]));
      for (const one of earlier.values()) await this.days.rebuildDays(zone, one.starts, one.end, em);
      await this.repo.setWatermark(NAME, next, em);
      await this.repo.setWatermark(zoneMark, now, em);
    });
  }
}

/** The days of `zone` that hold any of [from, to): their starts (local midnights) and the end of the last. */
export function daysOf(zone: string, from: Date, to: Date): { starts: Date[]; end: Date } {
  const starts: Date[] = [];
  let d = DateTime.fromJSDate(from, { zone }).startOf('day');
  for (; d.toMillis() < to.getTime(); d = d.plus({ days: 1 })) starts.push(d.toJSDate());
  return { starts, end: d.toJSDate() };
}
