import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, LessThanOrEqual } from 'typeorm';
import { OPEN_ACTION_STATUSES } from '#shared';
import { ParticipantActionEntity } from './schedule.entity.js';

/** What a list of actions may be narrowed by. */
export interface ActionsFilter {
  ownerId?: string;
  statuses?: string[];
  scheduleId?: string;
  leadId?: string;
  enrollmentId?: string;
  dueFrom?: Date;
  dueTo?: Date;
}

/** One owner's open actions, optionally in a due-date range or one schedule. */
export interface OwnerWork {
  fromOwnerId: string;
  dueFrom?: Date;
  dueTo?: Date;
  scheduleId?: string;
}

/** How an action ends: written only while it is in one of the statuses given. */
export interface ActionEnd {
  status: string;
  outcome: string;
  detail: string | null;
  conversationId: string | null;
  completedBy: string | null;
}

/**
 * Persistence port for participant actions (a lead's stay on a step). Every change of
 * status is conditional on the status it comes from and says whether it won. Methods
 * that may join a caller's transaction take its manager last (`em`).
 */
export abstract class ParticipantActionsRepository {
  abstract findById(id: string, em?: EntityManager): Promise<ParticipantActionEntity | null>;
  /** An action known to exist; throws when it does not. */
  abstract getById(id: string): Promise<ParticipantActionEntity>;
  abstract findByIds(ids: string[]): Promise<ParticipantActionEntity[]>;
  /** The owner's actions offered now, earliest due first (at most `limit`). */
  abstract dueOfOwner(ownerId: string, limit: number): Promise<ParticipantActionEntity[]>;
  /** The due actions of several owners, in one statement, earliest due first. */
  abstract dueOfOwners(ownerIds: string[]): Promise<ParticipantActionEntity[]>;
  /** A page of actions, earliest due first. */
  abstract list(filter: ActionsFilter, limit: number, offset: number): Promise<ParticipantActionEntity[]>;
  abstract pendingOrDeferredOfEnrollment(enrollmentId: string, em: EntityManager): Promise<ParticipantActionEntity[]>;
  abstract pendingOrDeferredOfSchedule(scheduleId: string, em: EntityManager): Promise<ParticipantActionEntity[]>;
  abstract openOfSchedule(scheduleId: string, em: EntityManager): Promise<ParticipantActionEntity[]>;
  /** An open action shows why its last contact failed (a text not delivered); false when it is no longer open. */
  abstract noteIfOpen(id: string, detail: string, conversationId: string, now: Date): Promise<boolean>;
  /** The step's actions not yet started (pending, due or deferred). */
  abstract unstartedOnStep(stepId: string, em: EntityManager): Promise<ParticipantActionEntity[]>;
  abstract pendingOnStep(stepId: string, em: EntityManager): Promise<ParticipantActionEntity[]>;
  /** Ids of the enrollment's actions offered now. */
  abstract offeredIdsOfEnrollment(enrollmentId: string, em: EntityManager): Promise<string[]>;
  abstract hasOpen(enrollmentId: string, em?: EntityManager): Promise<boolean>;
  /** Steps and creation times of the enrollment's finished actions. */
  abstract finishedOfEnrollment(enrollmentId: string): Promise<Pick<ParticipantActionEntity, 'stepId' | 'createdAt'>[]>;
  /** The ids of an enrollment's email steps (for the email an email step replies to). */
  abstract emailActionIdsOfEnrollment(enrollmentId: string): Promise<string[]>;
  /** The lead's latest action of this type started at or before `before` (the step that last wrote to them that way). */
  abstract lastStartedOfLead(leadId: string, type: string, before: Date): Promise<ParticipantActionEntity | null>;

  abstract insert(action: ParticipantActionEntity, em: EntityManager): Promise<void>;
  /** Pending or deferred → due (offered to its owner). */
  abstract offer(id: string, now: Date): Promise<boolean>;
  /** Pending or deferred, with `attempts` as read → in progress, one more attempt. */
  abstract claim(id: string, attempts: number, now: Date): Promise<boolean>;
  /** In progress → pending again, for the scheduler's retry. */
  abstract releaseForRetry(id: string, detail: string, now: Date): Promise<void>;
  /** An action in progress waits on something outside (a call, a text). */
  abstract recordWaiting(id: string, waiting: { outcome: string; detail: string | null; conversationId: string | null }, now: Date): Promise<void>;
  abstract endIfIn(id: string, fromStatuses: string[], end: ActionEnd, now: Date, em: EntityManager): Promise<boolean>;
  /** Back to pending, due at `until`. */
  abstract redateIfIn(id: string, fromStatuses: string[], until: Date, detail: string, now: Date, em: EntityManager): Promise<boolean>;
  /** Deferred to `until` by a person. */
  abstract deferIfStill(id: string, fromStatus: string, until: Date, detail: string | null, now: Date, em: EntityManager): Promise<boolean>;
  /** A pending action's due time moves. */
  abstract redatePending(id: string, dueAt: Date, now: Date, em: EntityManager): Promise<void>;
  abstract skipIfStill(id: string, fromStatus: string, outcome: string, now: Date, em: EntityManager): Promise<boolean>;
  abstract cancelOpenOfEnrollment(enrollmentId: string, outcome: string, at: Date, em: EntityManager): Promise<void>;
  abstract setOwner(id: string, ownerId: string | null, now: Date, em: EntityManager): Promise<void>;
  /** Gives an open action to another owner; false when it is not open. */
  abstract reassignIfOpen(id: string, ownerId: string, now: Date): Promise<boolean>;
  /** Ids of the owner's work that is offered now. */
  abstract offeredIdsOfOwner(work: OwnerWork): Promise<string[]>;
  /** Gives the owner's open work to another; how many moved. */
  abstract reassignOwnerWork(work: OwnerWork, toOwnerId: string, now: Date): Promise<number>;
}

@Injectable()
export class TypeormParticipantActionsRepository extends ParticipantActionsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  private actions(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(ParticipantActionEntity);
  }

  findById(id: string, em?: EntityManager): Promise<ParticipantActionEntity | null> {
    return this.actions(em).findOneBy({ id });
  }

  getById(id: string): Promise<ParticipantActionEntity> {
    return this.actions().findOneByOrFail({ id });
  }

  lastStartedOfLead(leadId: string, type: string, before: Date): Promise<ParticipantActionEntity | null> {
    return this.ds.getRepository(ParticipantActionEntity).findOne({ where: { leadId, type, startedAt: LessThanOrEqual(before) }, order: { startedAt: 'DESC', id: 'DESC' } });
  }

  findByIds(ids: string[]): Promise<ParticipantActionEntity[]> {
    return this.actions().findBy({ id: In(ids) });
  }

  dueOfOwner(ownerId: string, limit: number): Promise<ParticipantActionEntity[]> {
    return this.actions().find({ where: { ownerId, status: 'due' }, order: { dueAt: 'ASC' }, take: limit });
  }

  dueOfOwners(ownerIds: string[]): Promise<ParticipantActionEntity[]> {
    return this.actions().find({ where: { ownerId: In(ownerIds), status: 'due' }, order: { dueAt: 'ASC', id: 'ASC' } });
  }

  list(f: ActionsFilter, limit: number, offset: number): Promise<ParticipantActionEntity[]> {
    const qb = this.actions().createQueryBuilder('a');
    if (f.ownerId) qb.andWhere('a.owner_id = :owner', { owner: f.ownerId });
    if (f.statuses?.length) qb.andWhere('a.status IN (:...statuses)', { statuses: f.statuses });
    if (f.scheduleId) qb.andWhere('a.schedule_id = :scheduleId', { scheduleId: f.scheduleId });
    if (f.leadId) qb.andWhere('a.lead_id = :leadId', { leadId: f.leadId });
    if (f.enrollmentId) qb.andWhere('a.enrollment_id = :enrollmentId', { enrollmentId: f.enrollmentId });
    if (f.dueFrom) qb.andWhere('a.due_at >= :dueFrom', { dueFrom: f.dueFrom });
    if (f.dueTo) qb.andWhere('a.due_at < :dueTo', { dueTo: f.dueTo });
    return qb.orderBy('a.due_at', 'ASC').addOrderBy('a.created_at', 'ASC').addOrderBy('a.id', 'ASC').take(limit).skip(offset).getMany();
  }

  pendingOrDeferredOfEnrollment(enrollmentId: string, em: EntityManager): Promise<ParticipantActionEntity[]> {
    return this.actions(em).find({ where: { enrollmentId, status: In(['pending', 'deferred']) } });
  }

  pendingOrDeferredOfSchedule(scheduleId: string, em: EntityManager): Promise<ParticipantActionEntity[]> {
    return this.actions(em).find({ where: { scheduleId, status: In(['pending', 'deferred']) } });
  }

  openOfSchedule(scheduleId: string, em: EntityManager): Promise<ParticipantActionEntity[]> {
    return this.actions(em).find({ where: { scheduleId, status: In([...OPEN_ACTION_STATUSES]) } });
  }

  async noteIfOpen(id: string, detail: string, conversationId: string, now: Date): Promise<boolean> {
    return !!(await this.actions().update({ id, status: In([...OPEN_ACTION_STATUSES]) }, { detail, conversationId, updatedAt: now })).affected;
  }

  unstartedOnStep(stepId: string, em: EntityManager): Promise<ParticipantActionEntity[]> {
    return this.actions(em).find({ where: { stepId, status: In(['pending', 'due', 'deferred']) } });
  }

  pendingOnStep(stepId: string, em: EntityManager): Promise<ParticipantActionEntity[]> {
    return this.actions(em).find({ where: { stepId, status: In(['pending']) } });
  }

  async offeredIdsOfEnrollment(enrollmentId: string, em: EntityManager): Promise<string[]> {
    return (await this.actions(em).find({ select: { id: true }, where: { enrollmentId, status: 'due' } })).map((a) => a.id);
  }

  hasOpen(enrollmentId: string, em?: EntityManager): Promise<boolean> {
    return this.actions(em).exists({ where: { enrollmentId, status: In([...OPEN_ACTION_STATUSES]) } });
  }

  finishedOfEnrollment(enrollmentId: string): Promise<Pick<ParticipantActionEntity, 'stepId' | 'createdAt'>[]> {
    return this.actions().find({ select: { stepId: true, createdAt: true }, where: { enrollmentId, status: In(['completed', 'skipped', 'failed']) } });
  }

  async emailActionIdsOfEnrollment(enrollmentId: string): Promise<string[]> {
    return (await this.actions().find({ select: { id: true }, where: { enrollmentId, type: 'email' } })).map((a) => a.id);
  }

  async insert(action: ParticipantActionEntity, em: EntityManager): Promise<void> {
    await this.actions(em).insert({ ...action });
  }

  async offer(id: string, now: Date): Promise<boolean> {
    return !!(await this.actions().update({ id, status: In(['pending', 'deferred']) }, { status: 'due', detail: null, updatedAt: now })).affected;
  }

  async claim(id: string, attempts: number, now: Date): Promise<boolean> {
    const claimed = await this.actions()
      .createQueryBuilder()
      .update()
      .set({ status: 'in_progress', attempts: () => 'attempts + 1', startedAt: now, updatedAt: now, outcome: null })
      .where("id = :id AND status IN ('pending', 'deferred') AND attempts = :attempts", { id, attempts })
      .execute();
    return !!claimed.affected;
  }

  async releaseForRetry(id: string, detail: string, now: Date): Promise<void> {
    await this.actions().update({ id, status: 'in_progress' }, { status: 'pending', detail, updatedAt: now });
  }

  async recordWaiting(id: string, waiting: { outcome: string; detail: string | null; conversationId: string | null }, now: Date): Promise<void> {
    await this.actions().update({ id, status: 'in_progress' }, { outcome: waiting.outcome, detail: waiting.detail, conversationId: waiting.conversationId, updatedAt: now });
  }

  async endIfIn(id: string, fromStatuses: string[], end: ActionEnd, now: Date, em: EntityManager): Promise<boolean> {
    const done = await this.actions(em).update(
      { id, status: In(fromStatuses) },
      { status: end.status, outcome: end.outcome, detail: end.detail, conversationId: end.conversationId, completedAt: now, completedBy: end.completedBy, updatedAt: now },
    );
    return !!done.affected;
  }

  async redateIfIn(id: string, fromStatuses: string[], until: Date, detail: string, now: Date, em: EntityManager): Promise<boolean> {
    return !!(await this.actions(em).update({ id, status: In(fromStatuses) }, { status: 'pending', dueAt: until, detail, updatedAt: now })).affected;
  }

  async deferIfStill(id: string, fromStatus: string, until: Date, detail: string | null, now: Date, em: EntityManager): Promise<boolean> {
    return !!(await this.actions(em).update({ id, status: fromStatus }, { status: 'deferred', dueAt: until, detail, outcome: null, updatedAt: now })).affected;
  }

  async redatePending(id: string, dueAt: Date, now: Date, em: EntityManager): Promise<void> {
    await this.actions(em).update({ id, status: 'pending' }, { dueAt, updatedAt: now });
  }

  async skipIfStill(id: string, fromStatus: string, outcome: string, now: Date, em: EntityManager): Promise<boolean> {
    return !!(await this.actions(em).update({ id, status: fromStatus }, { status: 'skipped', outcome, completedAt: now, updatedAt: now })).affected;
  }

  async cancelOpenOfEnrollment(enrollmentId: string, outcome: string, at: Date, em: EntityManager): Promise<void> {
    await this.actions(em).update({ enrollmentId, status: In([...OPEN_ACTION_STATUSES]) }, { status: 'canceled', outcome, completedAt: at, updatedAt: at });
  }

  async setOwner(id: string, ownerId: string | null, now: Date, em: EntityManager): Promise<void> {
    await this.actions(em).update({ id }, { ownerId, updatedAt: now });
  }

  async reassignIfOpen(id: string, ownerId: string, now: Date): Promise<boolean> {
    return !!(await this.actions().update({ id, status: In([...OPEN_ACTION_STATUSES]) }, { ownerId, updatedAt: now })).affected;
  }

  async offeredIdsOfOwner(work: OwnerWork): Promise<string[]> {
    const offered = this.actions().createQueryBuilder().select('id', 'id').where("status = 'due'");
    ownerWhere(offered, work);
    return (await offered.getRawMany<{ id: string }>()).map((r) => r.id);
  }

  async reassignOwnerWork(work: OwnerWork, toOwnerId: string, now: Date): Promise<number> {
    const update = this.actions().createQueryBuilder().update().set({ ownerId: toOwnerId, updatedAt: now }).where('1 = 1');
    ownerWhere(update, work);
    return (await update.execute()).affected ?? 0;
  }
}

function ownerWhere(qb: { andWhere(sql: string, params: Record<string, unknown>): unknown }, work: OwnerWork): void {
  qb.andWhere('owner_id = :from AND status IN (:...open)', { from: work.fromOwnerId, open: [...OPEN_ACTION_STATUSES] });
  if (work.dueFrom) qb.andWhere('due_at >= :dueFrom', { dueFrom: work.dueFrom });
  if (work.dueTo) qb.andWhere('due_at < :dueTo', { dueTo: work.dueTo });
  if (work.scheduleId) qb.andWhere('schedule_id = :scheduleId', { scheduleId: work.scheduleId });
}
