import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, MoreThanOrEqual } from 'typeorm';
import { EnrollmentEntity } from './schedule.entity.js';

/** Statuses in which an enrollment is open (the lead is in the schedule). */
const OPEN = ['active', 'paused'];

/**
 * Persistence port for enrollments (a lead's stays in a schedule). Methods that may join
 * a caller's transaction take its manager last (`em`).
 */
export abstract class EnrollmentsRepository {
  abstract findById(id: string, em?: EntityManager): Promise<EnrollmentEntity | null>;
  /** An enrollment known to exist; throws when it does not. */
  abstract getById(id: string, em: EntityManager): Promise<EnrollmentEntity>;
  /** Every enrollment of the lead, in any schedule and status. */
  abstract historyOfLead(leadId: string): Promise<EnrollmentEntity[]>;
  /** The lead's enrollments, newest first. */
  abstract ofLead(leadId: string): Promise<EnrollmentEntity[]>;
  abstract ofLeadInSchedule(leadId: string, scheduleId: string, em: EntityManager): Promise<EnrollmentEntity[]>;
  /** The lead's open enrollments. */
  abstract openOfLead(leadId: string): Promise<EnrollmentEntity[]>;
  abstract openIdsOfLead(leadId: string): Promise<Pick<EnrollmentEntity, 'id'>[]>;
  abstract openOfLeadInSchedule(scheduleId: string, leadId: string): Promise<EnrollmentEntity | null>;
  abstract openIdsInSchedule(scheduleId: string, em: EntityManager): Promise<Pick<EnrollmentEntity, 'id'>[]>;
  /** Which of these leads are in the schedule (`openOnly`) or have ever been. */
  abstract leadIdsInSchedule(scheduleId: string, leadIds: string[], openOnly: boolean): Promise<string[]>;
  /** A page of the schedule's enrollments, newest first. */
  abstract list(scheduleId: string, filter: { status?: string; leadId?: string }, limit: number, offset: number): Promise<EnrollmentEntity[]>;
  /** How many enrollments each schedule has in each status. */
  abstract countsByStatus(scheduleIds: string[]): Promise<{ scheduleId: string; status: string; n: string | number }[]>;
  /** When the schedule's enrollments starting at or after `since` start. */
  abstract startsSince(scheduleId: string, since: Date, em: EntityManager): Promise<Pick<EnrollmentEntity, 'startsAt'>[]>;
  /** The enrollment, its row held until `em`'s transaction ends. */
  abstract findLocked(id: string, em: EntityManager): Promise<EnrollmentEntity | null>;

  abstract insert(enrollment: EnrollmentEntity, em: EntityManager): Promise<void>;
  /** Pauses an active enrollment; false when it was not active. */
  abstract pauseIfActive(id: string, now: Date): Promise<boolean>;
  /** Resumes a paused enrollment; false when it was not paused. */
  abstract resumeIfPaused(id: string, now: Date, em: EntityManager): Promise<boolean>;
  /** Ends an open enrollment (completed clears its step); false when it was not open. */
  abstract endIfOpen(id: string, status: 'completed' | 'exited', reason: string, at: Date, em: EntityManager): Promise<boolean>;
  abstract setCurrentStep(id: string, stepId: string | null, now: Date, em: EntityManager): Promise<void>;
  /** The enrollment starts again from `at`. */
  abstract restartAt(id: string, at: Date, em: EntityManager): Promise<void>;
}

@Injectable()
export class TypeormEnrollmentsRepository extends EnrollmentsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  private enrollments(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(EnrollmentEntity);
  }

  findById(id: string, em?: EntityManager): Promise<EnrollmentEntity | null> {
    return this.enrollments(em).findOneBy({ id });
  }

  getById(id: string, em: EntityManager): Promise<EnrollmentEntity> {
    return this.enrollments(em).findOneByOrFail({ id });
  }

  historyOfLead(leadId: string): Promise<EnrollmentEntity[]> {
    return this.enrollments().find({ where: { leadId } });
  }

  ofLead(leadId: string): Promise<EnrollmentEntity[]> {
    return this.enrollments().find({ where: { leadId }, order: { enrolledAt: 'DESC' } });
  }

  ofLeadInSchedule(leadId: string, scheduleId: string, em: EntityManager): Promise<EnrollmentEntity[]> {
    return this.enrollments(em).find({ where: { leadId, scheduleId } });
  }

  openOfLead(leadId: string): Promise<EnrollmentEntity[]> {
    return this.enrollments().find({ where: { leadId, status: In(OPEN) } });
  }

  openIdsOfLead(leadId: string): Promise<Pick<EnrollmentEntity, 'id'>[]> {
    return this.enrollments().find({ select: { id: true }, where: { leadId, status: In(OPEN) } });
  }

  openOfLeadInSchedule(scheduleId: string, leadId: string): Promise<EnrollmentEntity | null> {
    return this.enrollments().findOneBy({ scheduleId, leadId, status: In(OPEN) });
  }

  openIdsInSchedule(scheduleId: string, em: EntityManager): Promise<Pick<EnrollmentEntity, 'id'>[]> {
    return this.enrollments(em).find({ select: { id: true }, where: { scheduleId, status: In(OPEN) } });
  }

  async leadIdsInSchedule(scheduleId: string, leadIds: string[], openOnly: boolean): Promise<string[]> {
    const rows = await this.enrollments().find({ select: { leadId: true }, where: { scheduleId, leadId: In(leadIds), ...(openOnly ? { status: In(OPEN) } : {}) } });
    return rows.map((e) => e.leadId);
  }

  list(scheduleId: string, filter: { status?: string; leadId?: string }, limit: number, offset: number): Promise<EnrollmentEntity[]> {
    return this.enrollments().find({
      where: { scheduleId, ...(filter.status ? { status: filter.status } : {}), ...(filter.leadId ? { leadId: filter.leadId } : {}) },
      order: { enrolledAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  countsByStatus(scheduleIds: string[]): Promise<{ scheduleId: string; status: string; n: string | number }[]> {
    return this.enrollments()
      .createQueryBuilder('e')
      .select('e.schedule_id', 'scheduleId')
      .addSelect('e.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('e.schedule_id IN (:...ids)', { ids: scheduleIds })
      .groupBy('e.schedule_id')
      .addGroupBy('e.status')
      .getRawMany<{ scheduleId: string; status: string; n: string | number }>();
  }

  startsSince(scheduleId: string, since: Date, em: EntityManager): Promise<Pick<EnrollmentEntity, 'startsAt'>[]> {
    return this.enrollments(em).find({ select: { startsAt: true }, where: { scheduleId, startsAt: MoreThanOrEqual(since) } });
  }

  findLocked(id: string, em: EntityManager): Promise<EnrollmentEntity | null> {
    return this.enrollments(em).createQueryBuilder('e').setLock('pessimistic_write').where('e.id = :id', { id }).getOne();
  }

  async insert(enrollment: EnrollmentEntity, em: EntityManager): Promise<void> {
    await this.enrollments(em).insert({ ...enrollment });
  }

  async pauseIfActive(id: string, now: Date): Promise<boolean> {
    return !!(await this.enrollments().update({ id, status: 'active' }, { status: 'paused', pausedAt: now, updatedAt: now })).affected;
  }

  async resumeIfPaused(id: string, now: Date, em: EntityManager): Promise<boolean> {
    return !!(await this.enrollments(em).update({ id, status: 'paused' }, { status: 'active', pausedAt: null, updatedAt: now })).affected;
  }

  async endIfOpen(id: string, status: 'completed' | 'exited', reason: string, at: Date, em: EntityManager): Promise<boolean> {
    const r = await this.enrollments(em).update(
      { id, status: In(OPEN) },
      { status, activeKey: null, exitReason: reason.slice(0, 64), endedAt: at, updatedAt: at, currentStepId: status === 'completed' ? null : undefined },
    );
    return !!r.affected;
  }

  async setCurrentStep(id: string, stepId: string | null, now: Date, em: EntityManager): Promise<void> {
    await this.enrollments(em).update({ id }, { currentStepId: stepId, updatedAt: now });
  }

  async restartAt(id: string, at: Date, em: EntityManager): Promise<void> {
    await this.enrollments(em).update({ id }, { startsAt: at, updatedAt: at });
  }
}
