import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';
import { OPEN_ACTION_STATUSES } from '#shared';
import { Clock } from '../common/clock.js';
import { leadRecordIn, LeadsRepository } from '../leads/leads.repository.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { pickSmartStep } from './automations/smart-step.js';
import { LeadFactsService } from './lead-facts.js';
import { stepCriteria } from './schedule-codec.js';
import { CRITERIA_RECHECK_MS, ScheduleEngine, SMART_PICK_QUEUE } from './schedule-engine.js';
import { EnrollmentEntity, ParticipantActionEntity, ScheduleEntity, ScheduleStepEntity } from './schedule.entity.js';

/** Smart schedules' picks: the engine asks for one (a job) when a lead is between steps; this makes it. */
@Injectable()
export class SmartPicks implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly engine: ScheduleEngine,
    private readonly scheduler: SchedulerService,
    private readonly leads: LeadsRepository,
    private readonly facts: LeadFactsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(SMART_PICK_QUEUE, { handle: (p) => this.pickSmart((p as { enrollmentId: string; basisAt: string }).enrollmentId, new Date((p as { basisAt: string }).basisAt)) });
  }

  /**
   * Chooses a smart schedule lead's next step: among the steps it has not done since it
   * (re)started, the most specific one whose conditions its behaviour and fields meet now
   * (a step without conditions only when none with conditions does). None fits: it looks
   * again after CRITERIA_RECHECK_MS. Every step done: the enrollment is complete. Paused or
   * the schedule off: it looks again later. The step's timing counts from `basisAt`.
   */
  async pickSmart(enrollmentId: string, basisAt: Date): Promise<void> {
    const now = this.clock.now();
    const later = () => this.engine.enqueueSmartPick(undefined, enrollmentId, basisAt, new Date(now.getTime() + CRITERIA_RECHECK_MS));
    const enrollment = await this.ds.getRepository(EnrollmentEntity).findOneBy({ id: enrollmentId });
    if (!enrollment || (enrollment.status !== 'active' && enrollment.status !== 'paused')) return;
    const schedule = await this.ds.getRepository(ScheduleEntity).findOneBy({ id: enrollment.scheduleId });
    if (!schedule || schedule.deletedAt) return;
    if (enrollment.status === 'paused' || !schedule.active) return later();
    // Already on a step (a repeated job): nothing to choose.
    if (await this.ds.getRepository(ParticipantActionEntity).exists({ where: { enrollmentId, status: In([...OPEN_ACTION_STATUSES]) } })) return;
    const lead = await this.leads.findById(enrollment.leadId);
    if (!lead || lead.lead.deletedAt) return this.engine.exit(enrollmentId, 'lead deleted');
    const steps = await this.ds.getRepository(ScheduleStepEntity).find({ where: { scheduleId: schedule.id, deletedAt: IsNull() }, order: { position: 'ASC' } });
    const done = new Set(
      (await this.ds.getRepository(ParticipantActionEntity).find({ select: { stepId: true, createdAt: true }, where: { enrollmentId, status: In(['completed', 'skipped', 'failed']) } }))
        .filter((a) => a.createdAt >= enrollment.startsAt)
        .map((a) => a.stepId),
    );
    const candidates = steps.filter((st) => !done.has(st.id));
    if (!candidates.length) {
      await this.ds.transaction((em) => this.engine.endEnrollment(em, enrollmentId, 'completed', 'all steps done', now));
      return;
    }
    const facts = await this.facts.build(lead, enrollment.enrolledAt, { type: 'schedule', id: schedule.id });
    const exitReason = this.engine.exitReason(schedule, facts, now);
    if (exitReason) return this.engine.exit(enrollmentId, exitReason);
    const picked = pickSmartStep(candidates.map((st) => ({ id: st.id, position: st.position, criteria: stepCriteria(st) })), facts, now);
    if (!picked) return later();
    const step = candidates.find((st) => st.id === picked.id) as ScheduleStepEntity;
    await this.ds.transaction(async (em) => {
      // The enrollment row held while its step is made: two picks never both make one.
      const current = await em.getRepository(EnrollmentEntity).createQueryBuilder('e').setLock('pessimistic_write').where('e.id = :id', { id: enrollmentId }).getOne();
      if (!current || current.status !== 'active') return;
      if (await em.getRepository(ParticipantActionEntity).exists({ where: { enrollmentId, status: In([...OPEN_ACTION_STATUSES]) } })) return;
      await this.engine.createAction(em, current, schedule, step, basisAt, await leadRecordIn(em, current.leadId));
    });
  }
}
