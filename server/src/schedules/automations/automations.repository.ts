import { randomUUID } from 'node:crypto';
import { LeadsRepository } from '../../leads/leads.repository.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, LessThan } from 'typeorm';
import type { StepAutomationView } from '#shared';
import { EnrollmentEntity } from '../schedule.entity.js';
import { AutomationRunEntity, InterestAnswerEntity, StepAutomationEntity } from './automation.entity.js';
import { type AutomationInput, normalTrigger, toAutomationView } from './step-automations.js';

/** What a list of firings may be narrowed by (always one schedule). */
export interface RunsFilter {
  scheduleId: string;
  enrollmentId?: string;
  leadId?: string;
  status?: string;
}

/**
 * Persistence port for step automations, their firings (runs) and the answers to their
 * "Still interested?" links. Methods that may join a caller's transaction take its
 * manager last (`em`).
 */
export abstract class AutomationsRepository {
  // ── automations ──
  /**
   * Writes a step's automations inside the schedule's save: those sent with their id are
   * kept (and updated), new ones added, those left out deleted (their planned firings
   * canceled). `input` undefined leaves the step's automations as they are.
   */
  abstract saveForStep(scheduleId: string, stepId: string, input: AutomationInput[] | undefined, now: Date, em: EntityManager): Promise<void>;
  /** Deletes automations (by id, or every one of some steps), canceling what they had planned. */
  abstract delete(which: { ids: string[] } | { stepIds: string[] }, now: Date, em: EntityManager): Promise<void>;
  /** The automations of these steps, by step, in order. */
  abstract viewsOfSteps(stepIds: string[]): Promise<Map<string, StepAutomationView[]>>;
  /** Ids (with their step) of the automations of these steps. */
  abstract idsOfSteps(stepIds: string[]): Promise<Pick<StepAutomationEntity, 'id' | 'stepId'>[]>;
  /** The step's active automations with these triggers, in order. */
  abstract activeOfStep(stepId: string, triggerKinds: string[], em: EntityManager): Promise<StepAutomationEntity[]>;
  abstract findById(id: string): Promise<StepAutomationEntity | null>;

  // ── firings ──
  /** Throws the database's unique violation when the firing (its run key) is planned already. */
  abstract insertRun(run: AutomationRunEntity, em: EntityManager): Promise<void>;
  /** Cancels the enter and pending firings still planned for these stays (or every stay of an enrollment). */
  abstract cancelForStays(which: { stayIds: string[] } | { enrollmentId: string }, at: Date, em: EntityManager): Promise<void>;
  abstract anyPlanned(): Promise<boolean>;
  /**
   * Ids of firings due by `now` (planned, or firing since before `stuckBefore`), earliest
   * first, whose enrollment is not paused and whose lead is live and not in `inactiveLead`.
   */
  abstract dueRunIds(now: Date, stuckBefore: Date, inactiveLead: string[], limit: number): Promise<string[]>;
  abstract findRun(id: string): Promise<AutomationRunEntity | null>;
  abstract cancelRunIfStill(id: string, fromStatus: string, why: string, now: Date): Promise<void>;
  /** Planned → firing, or (`stuckBefore` given) a firing stuck since before then taken up again. */
  abstract claimRun(id: string, stuckBefore: Date | null, now: Date): Promise<boolean>;
  abstract recordFired(id: string, failed: boolean, results: string, firedAt: Date, now: Date, em: EntityManager): Promise<void>;
  /** A schedule's firings, earliest due first (at most 1,000). */
  abstract runs(filter: RunsFilter): Promise<AutomationRunEntity[]>;

  // ── answers ──
  abstract answerOfStay(participantActionId: string): Promise<InterestAnswerEntity | null>;
  /** Throws the database's unique violation when the stay was answered already. */
  abstract insertAnswer(answer: InterestAnswerEntity): Promise<void>;
}

@Injectable()
export class TypeormAutomationsRepository extends AutomationsRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly leads: LeadsRepository,
  ) {
    super();
  }

  private automations(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(StepAutomationEntity);
  }

  private runRows(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(AutomationRunEntity);
  }

  async saveForStep(scheduleId: string, stepId: string, input: AutomationInput[] | undefined, now: Date, em: EntityManager): Promise<void> {
    if (input === undefined) return;
    const repo = this.automations(em);
    const existing = await repo.find({ select: { id: true }, where: { stepId } });
    const keep = new Set(input.map((a) => a.id).filter(Boolean) as string[]);
    const gone = existing.map((a) => a.id).filter((id) => !keep.has(id));
    await this.delete({ ids: gone }, now, em);
    for (const [i, a] of input.entries()) {
      const trigger = normalTrigger(a.trigger);
      const columns = {
        position: i + 1,
        name: a.name?.trim() || null,
        active: a.active ?? true,
        triggerKind: trigger.kind,
        trigger: JSON.stringify(trigger),
        actions: JSON.stringify(a.actions.map((x) => ({ type: x.type, config: x.config ?? {} }))),
        updatedAt: now,
      };
      if (a.id) await repo.update({ id: a.id, stepId }, columns);
      else await repo.insert({ id: randomUUID(), scheduleId, stepId, createdAt: now, ...columns });
    }
  }

  async delete(which: { ids: string[] } | { stepIds: string[] }, now: Date, em: EntityManager): Promise<void> {
    const repo = this.automations(em);
    const ids = 'ids' in which ? which.ids : (await repo.find({ select: { id: true }, where: { stepId: In(which.stepIds.length ? which.stepIds : ['-']) } })).map((a) => a.id);
    if (!ids.length) return;
    await this.runRows(em).update({ automationId: In(ids), status: 'scheduled' }, { status: 'canceled', detail: 'the automation was deleted', updatedAt: now });
    await repo.delete({ id: In(ids) });
  }

  async viewsOfSteps(stepIds: string[]): Promise<Map<string, StepAutomationView[]>> {
    const out = new Map<string, StepAutomationView[]>();
    if (!stepIds.length) return out;
    const rows = await this.automations().find({ where: { stepId: In(stepIds) }, order: { position: 'ASC' } });
    for (const r of rows) out.set(r.stepId, [...(out.get(r.stepId) ?? []), toAutomationView(r)]);
    return out;
  }

  idsOfSteps(stepIds: string[]): Promise<Pick<StepAutomationEntity, 'id' | 'stepId'>[]> {
    return this.automations().find({ select: { id: true, stepId: true }, where: { stepId: In(stepIds) } });
  }

  activeOfStep(stepId: string, triggerKinds: string[], em: EntityManager): Promise<StepAutomationEntity[]> {
    return this.automations(em).find({ where: { stepId, active: true, triggerKind: In(triggerKinds) }, order: { position: 'ASC' } });
  }

  findById(id: string): Promise<StepAutomationEntity | null> {
    return this.automations().findOneBy({ id });
  }

  async insertRun(run: AutomationRunEntity, em: EntityManager): Promise<void> {
    await this.runRows(em).insert({ ...run });
  }

  async cancelForStays(which: { stayIds: string[] } | { enrollmentId: string }, at: Date, em: EntityManager): Promise<void> {
    const where = 'stayIds' in which ? { participantActionId: In(which.stayIds.length ? which.stayIds : ['-']) } : { enrollmentId: which.enrollmentId };
    await this.runRows(em).update({ ...where, status: 'scheduled', triggerKind: In(['enter', 'pending']) }, { status: 'canceled', detail: 'the lead left the step', updatedAt: at });
  }

  anyPlanned(): Promise<boolean> {
    return this.runRows().exists({ where: { status: 'scheduled' } });
  }

  async dueRunIds(now: Date, stuckBefore: Date, inactiveLead: string[], limit: number): Promise<string[]> {
    const due = await this.runRows()
      .createQueryBuilder('r')
      .select('r.id', 'id')
      .innerJoin(EnrollmentEntity, 'e', 'e.id = r.enrollment_id')
      .where('r.due_at <= :now', { now })
      .andWhere("(r.status = 'scheduled' OR (r.status = 'firing' AND r.updated_at < :stuck))", { stuck: stuckBefore })
      .andWhere("e.status <> 'paused'")
      .andWhere(`r.lead_id IN (${this.leads.liveLeadIdsSubquery('inactive')})`, { inactive: inactiveLead })
      .orderBy('r.due_at', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    return due.map((r) => r.id);
  }

  findRun(id: string): Promise<AutomationRunEntity | null> {
    return this.runRows().findOneBy({ id });
  }

  async cancelRunIfStill(id: string, fromStatus: string, why: string, now: Date): Promise<void> {
    await this.runRows().update({ id, status: fromStatus }, { status: 'canceled', detail: why, updatedAt: now });
  }

  async claimRun(id: string, stuckBefore: Date | null, now: Date): Promise<boolean> {
    const claimed = await this.runRows().update(stuckBefore ? { id, status: 'firing', updatedAt: LessThan(stuckBefore) } : { id, status: 'scheduled' }, { status: 'firing', updatedAt: now });
    return !!claimed.affected;
  }

  async recordFired(id: string, failed: boolean, results: string, firedAt: Date, now: Date, em: EntityManager): Promise<void> {
    await this.runRows(em).update({ id, status: 'firing' }, { status: failed ? 'failed' : 'fired', firedAt, results, updatedAt: now });
  }

  runs(f: RunsFilter): Promise<AutomationRunEntity[]> {
    return this.runRows().find({
      where: { scheduleId: f.scheduleId, ...(f.enrollmentId ? { enrollmentId: f.enrollmentId } : {}), ...(f.leadId ? { leadId: f.leadId } : {}), ...(f.status ? { status: f.status } : {}) },
      order: { dueAt: 'ASC', occurrence: 'ASC' },
      take: 1000,
    });
  }

  answerOfStay(participantActionId: string): Promise<InterestAnswerEntity | null> {
    return this.ds.getRepository(InterestAnswerEntity).findOneBy({ participantActionId });
  }

  async insertAnswer(answer: InterestAnswerEntity): Promise<void> {
    await this.ds.getRepository(InterestAnswerEntity).insert({ ...answer });
  }
}
