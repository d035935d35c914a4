import { Readable } from 'node:stream';
import { Controller, Get, Injectable, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Response } from 'express';
import type { AccessClaims, ScheduleReportView, ScheduleStepReport } from '#shared';
import { DateTime } from 'luxon';
import { Clock } from '../common/clock.js';
import { csvLine } from '../common/csv.js';
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
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' }) @IsOptional() @IsIn(['json', 'csv'], { message: 'must be json or csv' }) format?: 'json' | 'csv';
}

/** A schedule's report as CSV lines: the schedule's figures (step empty), then each step's, one row per figure and detail. */
export function* scheduleReportCsv(r: ScheduleReportView): Generator<string> {
  yield csvLine(['schedule', 'from', 'to', 'step', 'position', 'type', 'figure', 'detail', 'count']);
  const row = (step: ScheduleStepReport | null, figure: string, detail: string, n: number) =>
    csvLine([r.name, r.from, r.to, step ? (step.name ?? '') : '', step ? step.position : '', step ? step.type : '', figure, detail, n]);
  yield row(null, 'enrolled', '', r.enrolled);
  yield row(null, 'active', '', r.active);
  yield row(null, 'completed', '', r.completed);
  yield row(null, 'exited', '', r.exited);
  for (const [why, n] of Object.entries(r.exitsBy).sort()) yield row(null, 'exited', why, n);
  yield row(null, 'replies', '', r.replies);
  for (const s of r.steps) {
    yield row(s, 'actions', '', s.actions);
    yield row(s, 'completed', '', s.completed);
    for (const [outcome, n] of Object.entries(s.completedBy).sort()) yield row(s, 'completed', outcome, n);
    yield row(s, 'skipped', '', s.skipped);
    for (const [why, n] of Object.entries(s.skippedBy).sort()) yield row(s, 'skipped', why, n);
    yield row(s, 'failed', '', s.failed);
    yield row(s, 'canceled', '', s.canceled);
    yield row(s, 'open', '', s.open);
    yield row(s, 'overdue', '', s.overdue);
  }
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
  @ApiOperation({ summary: "A schedule's report over the floor's days from..to: enrolled, completed, exits by criterion, replies, and per step completed, skipped (why), failed, open and overdue; format=csv downloads it" })
  async report(@Param('id', UuidParamPipe) id: string, @Query() q: ScheduleReportQuery, @CurrentUser() actor: AccessClaims, @Res({ passthrough: true }) res: Response): Promise<ScheduleReportView | StreamableFile> {
    const report = await this.reports.report(id, q.from, q.to, actor);
    if (q.format !== 'csv') return report;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="schedule-${id}-${q.from}-${q.to}.csv"`);
    return new StreamableFile(Readable.from(scheduleReportCsv(report)));
  }
}
