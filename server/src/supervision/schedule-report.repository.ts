import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LeadReplyEntity } from '../replies/lead-reply.entity.js';
import { EnrollmentEntity, ParticipantActionEntity, ScheduleStepEntity } from '../schedules/schedule.entity.js';

type Raw = Record<string, unknown>;
const n = (v: unknown) => Number(v ?? 0);

/** A schedule's report read across its tables and the replies' (the read model's SQL; it writes nothing). */
@Injectable()
export class ScheduleReportRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  steps(scheduleId: string): Promise<ScheduleStepEntity[]> {
    return this.ds.getRepository(ScheduleStepEntity).find({ where: { scheduleId }, order: { position: 'ASC' } });
  }

  /** Enrolled in the range, active or paused now, and ended in the range by status and reason. */
  async enrollments(scheduleId: string, from: Date, to: Date): Promise<{ enrolled: number; active: number; ended: Array<{ status: string; reason: string | null; count: number }> }> {
    const repo = this.ds.getRepository(EnrollmentEntity);
    const [enrolled, active, ended] = await Promise.all([
      repo.createQueryBuilder('e').where('e.schedule_id = :scheduleId AND e.enrolled_at >= :from AND e.enrolled_at < :to', { scheduleId, from, to }).getCount(),
      repo.createQueryBuilder('e').where("e.schedule_id = :scheduleId AND e.status IN ('active', 'paused')", { scheduleId }).getCount(),
      repo
        .createQueryBuilder('e')
        .select('e.status', 'status')
        .addSelect('e.exit_reason', 'reason')
        .addSelect('COUNT(*)', 'count')
        .where("e.schedule_id = :scheduleId AND e.status IN ('completed', 'exited') AND e.ended_at >= :from AND e.ended_at < :to", { scheduleId, from, to })
        .groupBy('e.status')
        .addGroupBy('e.exit_reason')
        .getRawMany<Raw>(),
    ]);
    return { enrolled, active, ended: ended.map((r) => ({ status: String(r.status), reason: (r.reason as string | null) ?? null, count: n(r.count) })) };
  }

  /** The schedule's actions created in the range, by step, status and outcome; and those open now by step, with how many are overdue at `now`. */
  async actions(scheduleId: string, from: Date, to: Date, now: Date): Promise<{ byStatus: Array<{ stepId: string; status: string; outcome: string | null; count: number }>; open: Array<{ stepId: string; open: number; overdue: number }> }> {
    const repo = this.ds.getRepository(ParticipantActionEntity);
    const [byStatus, open] = await Promise.all([
      repo
        .createQueryBuilder('a')
        .select('a.step_id', 'step_id')
        .addSelect('a.status', 'status')
        .addSelect('a.outcome', 'outcome')
        .addSelect('COUNT(*)', 'count')
        .where('a.schedule_id = :scheduleId AND a.created_at >= :from AND a.created_at < :to', { scheduleId, from, to })
        .groupBy('a.step_id')
        .addGroupBy('a.status')
        .addGroupBy('a.outcome')
        .getRawMany<Raw>(),
      repo
        .createQueryBuilder('a')
        .select('a.step_id', 'step_id')
        .addSelect('COUNT(*)', 'open')
        .addSelect("SUM(CASE WHEN a.due_at < :now AND a.status IN ('due', 'in_progress') THEN 1 ELSE 0 END)", 'overdue')
        .where("a.schedule_id = :scheduleId AND a.status IN ('pending', 'deferred', 'due', 'in_progress')", { scheduleId, now })
        .groupBy('a.step_id')
        .getRawMany<Raw>(),
    ]);
    return {
      byStatus: byStatus.map((r) => ({ stepId: String(r.step_id), status: String(r.status), outcome: (r.outcome as string | null) ?? null, count: n(r.count) })),
      open: open.map((r) => ({ stepId: String(r.step_id), open: n(r.open), overdue: n(r.overdue) })),
    };
  }

  /** Replies received in the range from leads while they were enrolled in the schedule. */
  replies(scheduleId: string, from: Date, to: Date): Promise<number> {
    return this.ds
      .getRepository(LeadReplyEntity)
      .createQueryBuilder('r')
      .where('r.received_at >= :from AND r.received_at < :to', { from, to })
      .andWhere(
        'EXISTS (SELECT 1 FROM schedule_enrollments e WHERE e.schedule_id = :scheduleId AND e.lead_id = r.lead_id AND e.enrolled_at <= r.received_at AND (e.ended_at IS NULL OR e.ended_at >= r.received_at))',
        { scheduleId },
      )
      .getCount();
  }
}
