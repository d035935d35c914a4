import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { ScheduleEntity, ScheduleShareEntity, ScheduleStepEntity } from './schedule.entity.js';

/** A schedule's settings as a save writes them (everything but identity, ownership, sharing and times). */
export type ScheduleSettings = Omit<ScheduleEntity, 'id' | 'createdBy' | 'ownerId' | 'sharedWith' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'audienceCheckedAt'>;
/** A step's settings as a save writes them. */
export type StepSettings = Omit<ScheduleStepEntity, 'id' | 'scheduleId' | 'createdAt' | 'updatedAt' | 'deletedAt'>;

/**
 * Persistence port for schedules as defined: the schedules, their steps and their shares.
 * Methods that may join a caller's transaction take its manager last (`em`).
 */
export abstract class ScheduleDefinitionsRepository {
  // ── schedules ──
  /** A schedule that is not deleted; null when there is none. */
  abstract findLive(id: string, em?: EntityManager): Promise<ScheduleEntity | null>;
  /** A schedule, deleted or not. */
  abstract findById(id: string, em?: EntityManager): Promise<ScheduleEntity | null>;
  /** Several schedules, deleted or not; ids with none are absent. */
  abstract findByIds(ids: string[]): Promise<ScheduleEntity[]>;
  abstract liveExists(id: string): Promise<boolean>;
  /** Every live schedule, highest priority first, then by name. */
  abstract listLive(): Promise<ScheduleEntity[]>;
  /** Id, name and audience of every live schedule. */
  abstract listLiveAudiences(): Promise<Pick<ScheduleEntity, 'id' | 'name' | 'audience'>[]>;
  /** One exclusive schedule among these, if any. */
  abstract findExclusiveAmong(ids: string[]): Promise<ScheduleEntity | null>;
  /** Holds the schedule's row until `em`'s transaction ends (enrollments one at a time). */
  abstract lockForEnrollment(id: string, em: EntityManager): Promise<void>;
  abstract insert(schedule: ScheduleEntity, em: EntityManager): Promise<void>;
  abstract updateSettings(id: string, settings: ScheduleSettings, now: Date, em: EntityManager): Promise<void>;
  abstract setSharing(id: string, sharedWith: string, ownerId: string | null, now: Date, em: EntityManager): Promise<void>;
  /** Deleted and off; its name is free again. */
  abstract markDeleted(id: string, now: Date, em: EntityManager): Promise<void>;
  abstract setActive(id: string, active: boolean, now: Date, em: EntityManager): Promise<void>;
  abstract markAudienceChecked(id: string, at: Date): Promise<void>;

  // ── steps ──
  /** The schedule's live steps in order. */
  abstract liveSteps(scheduleId: string, em?: EntityManager): Promise<ScheduleStepEntity[]>;
  /** The live steps of several schedules, in no order. */
  abstract liveStepsOf(scheduleIds: string[]): Promise<ScheduleStepEntity[]>;
  /** The schedule's first live step, or null. */
  abstract firstLiveStep(scheduleId: string, em: EntityManager): Promise<ScheduleStepEntity | null>;
  /** A step, deleted or not. */
  abstract findStep(id: string): Promise<ScheduleStepEntity | null>;
  abstract findStepsByIds(ids: string[]): Promise<ScheduleStepEntity[]>;
  abstract insertSteps(steps: ScheduleStepEntity[], em: EntityManager): Promise<void>;
  abstract updateStep(id: string, settings: StepSettings, now: Date, em: EntityManager): Promise<void>;
  abstract markStepsDeleted(ids: string[], now: Date, em: EntityManager): Promise<void>;

  // ── shares ──
  /** The user's own shares among these schedules. */
  abstract sharesOfUser(userId: string, scheduleIds: string[]): Promise<ScheduleShareEntity[]>;
  abstract shareOf(scheduleId: string, userId: string): Promise<ScheduleShareEntity | null>;
  /** The shares of these schedules, oldest first. */
  abstract sharesOf(scheduleIds: string[]): Promise<ScheduleShareEntity[]>;
  abstract deleteShares(scheduleId: string, em: EntityManager): Promise<void>;
  abstract insertShares(shares: ScheduleShareEntity[], em: EntityManager): Promise<void>;
}

@Injectable()
export class TypeormScheduleDefinitionsRepository extends ScheduleDefinitionsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  private schedules(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(ScheduleEntity);
  }

  private steps(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(ScheduleStepEntity);
  }

  private shares(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(ScheduleShareEntity);
  }

  findLive(id: string, em?: EntityManager): Promise<ScheduleEntity | null> {
    return this.schedules(em).findOneBy({ id, deletedAt: IsNull() });
  }

  findById(id: string, em?: EntityManager): Promise<ScheduleEntity | null> {
    return this.schedules(em).findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<ScheduleEntity[]> {
    return this.schedules().findBy({ id: In(ids) });
  }

  liveExists(id: string): Promise<boolean> {
    return this.schedules().exists({ where: { id, deletedAt: IsNull() } });
  }

  listLive(): Promise<ScheduleEntity[]> {
    return this.schedules().find({ where: { deletedAt: IsNull() }, order: { priority: 'DESC', name: 'ASC' } });
  }

  listLiveAudiences(): Promise<Pick<ScheduleEntity, 'id' | 'name' | 'audience'>[]> {
    return this.schedules().find({ select: { id: true, name: true, audience: true }, where: { deletedAt: IsNull() } });
  }

  findExclusiveAmong(ids: string[]): Promise<ScheduleEntity | null> {
    return this.schedules().findOne({ where: { id: In(ids), exclusive: true } });
  }

  async lockForEnrollment(id: string, em: EntityManager): Promise<void> {
    await this.schedules(em).createQueryBuilder('s').setLock('pessimistic_write').where('s.id = :id', { id }).getOne();
  }

  async insert(schedule: ScheduleEntity, em: EntityManager): Promise<void> {
    await this.schedules(em).insert({ ...schedule });
  }

  async updateSettings(id: string, settings: ScheduleSettings, now: Date, em: EntityManager): Promise<void> {
    await this.schedules(em).update({ id }, { ...settings, updatedAt: now });
  }

  async setSharing(id: string, sharedWith: string, ownerId: string | null, now: Date, em: EntityManager): Promise<void> {
    await this.schedules(em).update({ id }, { sharedWith, ownerId, updatedAt: now });
  }

  async markDeleted(id: string, now: Date, em: EntityManager): Promise<void> {
    await this.schedules(em).update({ id }, { deletedAt: now, updatedAt: now, active: false, nameKey: `deleted:${id}` });
  }

  async setActive(id: string, active: boolean, now: Date, em: EntityManager): Promise<void> {
    await this.schedules(em).update({ id }, { active, updatedAt: now });
  }

  async markAudienceChecked(id: string, at: Date): Promise<void> {
    await this.schedules().update({ id }, { audienceCheckedAt: at });
  }

  liveSteps(scheduleId: string, em?: EntityManager): Promise<ScheduleStepEntity[]> {
    return this.steps(em).find({ where: { scheduleId, deletedAt: IsNull() }, order: { position: 'ASC' } });
  }

  liveStepsOf(scheduleIds: string[]): Promise<ScheduleStepEntity[]> {
    return this.steps().find({ where: { scheduleId: In(scheduleIds), deletedAt: IsNull() } });
  }

  firstLiveStep(scheduleId: string, em: EntityManager): Promise<ScheduleStepEntity | null> {
    return this.steps(em).findOne({ where: { scheduleId, deletedAt: IsNull() }, order: { position: 'ASC' } });
  }

  findStep(id: string): Promise<ScheduleStepEntity | null> {
    return this.steps().findOneBy({ id });
  }

  findStepsByIds(ids: string[]): Promise<ScheduleStepEntity[]> {
    return this.steps().findBy({ id: In(ids) });
  }

  async insertSteps(steps: ScheduleStepEntity[], em: EntityManager): Promise<void> {
    await this.steps(em).insert(steps);
  }

  async updateStep(id: string, settings: StepSettings, now: Date, em: EntityManager): Promise<void> {
    await this.steps(em).update({ id }, { ...settings, updatedAt: now });
  }

  async markStepsDeleted(ids: string[], now: Date, em: EntityManager): Promise<void> {
    await this.steps(em).update({ id: In(ids) }, { deletedAt: now, updatedAt: now });
  }

  sharesOfUser(userId: string, scheduleIds: string[]): Promise<ScheduleShareEntity[]> {
    return this.shares().findBy({ userId, scheduleId: In(scheduleIds) });
  }

  shareOf(scheduleId: string, userId: string): Promise<ScheduleShareEntity | null> {
    return this.shares().findOneBy({ scheduleId, userId });
  }

  sharesOf(scheduleIds: string[]): Promise<ScheduleShareEntity[]> {
    return this.shares().find({ where: { scheduleId: In(scheduleIds) }, order: { createdAt: 'ASC', userId: 'ASC' } });
  }

  async deleteShares(scheduleId: string, em: EntityManager): Promise<void> {
    await this.shares(em).delete({ scheduleId });
  }

  async insertShares(shares: ScheduleShareEntity[], em: EntityManager): Promise<void> {
    await this.shares(em).insert(shares);
  }
}
