import { Controller, Get, Injectable, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, ScheduleReportView, ScheduleStepReport } from '#shared';
import { DateTime } from 'luxon';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { UuidParamPipe } from '../common/param-pipes.js';
import { IsCalendarDate } from '../common/validation.js';
import { ScheduleAccess } from '../schedules/schedule-access.js';
import { SettingsService } from '../settings/settings.service.js';
import { CurrentUser, Roles } from '../web/access.decorators.js';
import { ScheduleReportRepository } from './schedule-report.repository.js';

export class ScheduleReportQuery {
  @ApiProperty({ example: '2026-12-01', description: "The first calendar day, in the floor's time zone" }) @IsCalendarDate() from: string;
  @ApiProperty({ example: '2026-12-06', description: 'The last calendar day (at most 366 days after the first)' }) @IsCalendarDate() to: string;
}

/**
 * A schedule's report: enrolled, active, completed and exited by criterion, replies, and
 * per step the actions completed (by outcome), skipped (by why), failed, canceled, open
 * and overdue. Only for those who may see the schedule.
 */
@Injectable()
export class ScheduleReports {
  constructor(
    private readonly rows: ScheduleReportRepository,
    private readonly access: ScheduleAccess,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  async report(scheduleId: string, fromDate: string, toDate: string, actor: AccessClaims): Promise<ScheduleReportView> {
    const { schedule } = await this.access.require(scheduleId, actor, 'view');
    const zone = (await this.settings.get()).defaultTimezone;
    const first = DateTime.fromISO(fromDate, { zone }).startOf('day');
    const last = DateTime.fromISO(toDate, { zone }).startOf('day');
    if (!first.isValid) throw DomainError.validation('from', 'is not a calendar date (YYYY-MM-DD)');
    if (!last.isValid || last < first) throw DomainError.validation('to', 'must be a calendar date not before from');
    if (last.diff(first, 'days').days >= 366) throw DomainError.validation('to', 'must be within 366 days of from');
    const from = first.toJSDate();
    const to = last.plus({ days: 1 }).toJSDate();
    const [steps, enrollments, actions, replies] = await Promise.all([
      this.rows.steps(schedule.id),
      this.rows.enrollments(schedule.id, from, to),
      this.rows.actions(schedule.id, from, to, this.clock.now()),
      this.rows.replies(schedule.id, from, to),
    ]);
    const add = (into: Record<string, number>, key: string, count: number) => (into[key] = (into[key] ?? 0) + count);
    const exitsBy: Record<string, number> = {};
    let completed = 0;
    let exited = 0;
    for (const e of enrollments.ended) {
      if (e.status === 'completed') completed += e.count;
      else {
        exited += e.count;
        add(exitsBy, e.reason ?? 'unknown', e.count);
      }
    }
    const stepReports: ScheduleStepReport[] = steps
      .filter((s) => !s.deletedAt || actions.byStatus.some((a) => a.stepId === s.id))
      .map((s) => ({ stepId: s.id, position: s.position, type: s.type, name: s.name, actions: 0, completed: 0, completedBy: {}, skipped: 0, skippedBy: {}, failed: 0, canceled: 0, open: 0, overdue: 0 }));
    const byId = new Map(stepReports.map((s) => [s.stepId, s]));
    for (const a of actions.byStatus) {
      const s = byId.get(a.stepId);
      if (!s) continue;
      s.actions += a.count;
      if (a.status === 'completed') {
        s.completed += a.count;
        add(s.completedBy, a.outcome ?? 'done', a.count);
      } else if (a.status === 'skipped') {
        s.skipped += a.count;
        add(s.skippedBy, a.outcome ?? 'skipped', a.count);
      } else if (a.status === 'failed') s.failed += a.count;
      else if (a.status === 'canceled') s.canceled += a.count;
    }
    for (const o of actions.open) {
      const s = byId.get(o.stepId);
      if (s) Object.assign(s, { open: o.open, overdue: o.overdue });
    }
    return { scheduleId: schedule.id, name: schedule.name, from: fromDate, to: toDate, zone, enrolled: enrollments.enrolled, active: enrollments.active, completed, exited, exitsBy, replies, steps: stepReports };
  }
}

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('schedules')
export class ScheduleReportsController {
  constructor(private readonly reports: ScheduleReports) {}

  @Roles('admin', 'supervisor')
  @Get(':id/report')
  @ApiOperation({ summary: "A schedule's report over the floor's days from..to: enrolled, completed, exits by criterion, replies, and per step completed, skipped (why), failed, open and overdue" })
  report(@Param('id', UuidParamPipe) id: string, @Query() q: ScheduleReportQuery, @CurrentUser() actor: AccessClaims): Promise<ScheduleReportView> {
    return this.reports.report(id, q.from, q.to, actor);
  }
}
