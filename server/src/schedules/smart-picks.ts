import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { Transactions } from '../database/transactions.js';
import { leadRecordIn, LeadsRepository } from '../leads/leads.repository.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { pickSmartStep } from './automations/smart-step.js';
import { EnrollmentsRepository } from './enrollments.repository.js';
import { LeadFactsService } from './lead-facts.js';
import { ParticipantActionsRepository } from './participant-actions.repository.js';
import { stepCriteria } from './schedule-codec.js';
import { ScheduleDefinitionsRepository } from './schedule-definitions.repository.js';
import { CRITERIA_RECHECK_MS, ScheduleEngine, SMART_PICK_QUEUE } from './schedule-engine.js';
import type { ScheduleStepEntity } from './schedule.entity.js';

/** Smart schedules' picks: the engine asks for one (a job) when a lead is between steps; this makes it. */
@Injectable()
export class SmartPicks implements OnModuleInit {
  constructor(
    private readonly tx: Transactions,
    private readonly definitions: ScheduleDefinitionsRepository,
    private readonly enrollments: EnrollmentsRepository,
    private readonly actions: ParticipantActionsRepository,
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
    const enrollment = await this.enrollments.findById(enrollmentId);
    if (!enrollment || (enrollment.status !== 'active' && enrollment.status !== 'paused')) return;
    const schedule = await this.definitions.findById(enrollment.scheduleId);
    if (!schedule || schedule.deletedAt) return;
    if (enrollment.status === 'paused' || !schedule.active) return later();
    // Already on a step (a repeated job): nothing to choose.
    if (await this.actions.hasOpen(enrollmentId)) return;
    const lead = await this.leads.findById(enrollment.leadId);
    if (!lead || lead.lead.deletedAt) return this.engine.exit(enrollmentId, 'lead deleted');
    const steps = await this.definitions.liveSteps(schedule.id);
    const done = new Set(
      (await this.actions.finishedOfEnrollment(enrollmentId))
        .filter((a) => a.createdAt >= enrollment.startsAt)
        .map((a) => a.stepId),
    );
    const candidates = steps.filter((st) => !done.has(st.id));
    if (!candidates.length) {
      await this.tx.run((em) => this.engine.endEnrollment(em, enrollmentId, 'completed', 'all steps done', now));
      return;
    }
    const facts = await this.facts.build(lead, enrollment.enrolledAt, { type: 'schedule', id: schedule.id });
    const exitReason = this.engine.exitReason(schedule, facts, now);
    if (exitReason) return this.engine.exit(enrollmentId, exitReason);
    const picked = pickSmartStep(candidates.map((st) => ({ id: st.id, position: st.position, criteria: stepCriteria(st) })), facts, now);
    if (!picked) return later();
    const step = candidates.find((st) => st.id === picked.id) as ScheduleStepEntity;
    await this.tx.run(async (em) => {
      // The enrollment row held while its step is made: two picks never both make one.
      const current = await this.enrollments.findLocked(enrollmentId, em);
      if (!current || current.status !== 'active') return;
      if (await this.actions.hasOpen(enrollmentId, em)) return;
      await this.engine.createAction(em, current, schedule, step, basisAt, await leadRecordIn(em, current.leadId));
    });
  }
}
