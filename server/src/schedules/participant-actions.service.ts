import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { type AccessClaims, ErrorCode, OPEN_ACTION_STATUSES, type ParticipantActionView } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { DomainError } from '../common/domain-error.js';
import { UsersRepository } from '../users/users.repository.js';
import { ActionRegistry } from './actions/action-registry.js';
import { stepContext } from './actions/action-handler.js';
import type { BulkReassignDto, CompleteActionDto, DeferActionDto, ListActionsQuery } from './dto/schedule.dto.js';
import { stepConfig, toActionView } from './schedule-codec.js';
import { ScheduleEngine } from './schedule-engine.js';
import { ParticipantActionEntity } from './schedule.entity.js';

/** Statuses an agent may complete, skip or defer from. */
const WORKABLE = ['pending', 'due', 'deferred', 'in_progress'];

/**
 * Each enrolled lead's actions as people see and work them: the owner's list of due
 * work, complete / skip / defer, and reassignment (one action, or an agent's open work
 * in a due-date range while they are away).
 */
@Injectable()
export class ParticipantActionsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly engine: ScheduleEngine,
    private readonly registry: ActionRegistry,
    private readonly users: UsersRepository,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  private get repo() {
    return this.ds.getRepository(ParticipantActionEntity);
  }

  async list(q: ListActionsQuery, actor: AccessClaims): Promise<ParticipantActionView[]> {
    const qb = this.repo.createQueryBuilder('a');
    const owner = q.ownerId === 'me' ? actor.sub : q.ownerId;
    if (actor.role === 'agent') qb.andWhere('a.owner_id = :me', { me: actor.sub });
    else if (owner) qb.andWhere('a.owner_id = :owner', { owner });
    if (q.status?.length) qb.andWhere('a.status IN (:...statuses)', { statuses: q.status });
    if (q.scheduleId) qb.andWhere('a.schedule_id = :scheduleId', { scheduleId: q.scheduleId });
    if (q.leadId) qb.andWhere('a.lead_id = :leadId', { leadId: q.leadId });
    if (q.enrollmentId) qb.andWhere('a.enrollment_id = :enrollmentId', { enrollmentId: q.enrollmentId });
    if (q.dueFrom) qb.andWhere('a.due_at >= :dueFrom', { dueFrom: new Date(q.dueFrom) });
    if (q.dueTo) qb.andWhere('a.due_at < :dueTo', { dueTo: new Date(q.dueTo) });
    const rows = await qb.orderBy('a.due_at', 'ASC').addOrderBy('a.created_at', 'ASC').addOrderBy('a.id', 'ASC').take(q.limit ?? 100).skip(q.offset ?? 0).getMany();
    return rows.map(toActionView);
  }

  async get(id: string, actor: AccessClaims): Promise<ParticipantActionView & { preview?: Record<string, unknown> }> {
    const a = await this.visible(id, actor);
    const loaded = await this.engine.load(id);
    const handler = loaded ? this.registry.get(loaded.step.type) : undefined;
    let preview: Record<string, unknown> | undefined;
    if (loaded?.lead && handler?.preview && WORKABLE.includes(a.status)) {
      preview = await handler.preview(stepContext(loaded, loaded.lead, stepConfig(loaded.step), this.clock.now()));
    }
    return { ...toActionView(a), ...(preview ? { preview } : {}) };
  }

  async complete(id: string, dto: CompleteActionDto, actor: AccessClaims): Promise<ParticipantActionView> {
    const loaded = await this.workable(id, actor);
    await this.engine.finish(loaded.action, { kind: 'completed', outcome: dto.outcome || 'done', detail: dto.notes ?? null, conversationId: dto.conversationId ?? null }, loaded, actor.sub, [loaded.action.status]);
    return this.after(id, loaded.action.status);
  }

  async skip(id: string, notes: string | undefined, actor: AccessClaims): Promise<ParticipantActionView> {
    const loaded = await this.workable(id, actor);
    await this.engine.finish(loaded.action, { kind: 'skipped', outcome: 'skipped', detail: notes ?? null }, loaded, actor.sub, [loaded.action.status]);
    return this.after(id, loaded.action.status);
  }

  /** Re-dates the action; it is offered (or run) again then. The lead stays on this step. */
  async defer(id: string, dto: DeferActionDto, actor: AccessClaims): Promise<ParticipantActionView> {
    const loaded = await this.workable(id, actor);
    const until = new Date(dto.until);
    const now = this.clock.now();
    if (until <= now) throw DomainError.validation('until', 'must be in the future');
    await this.ds.transaction(async (em) => {
      const r = await em
        .getRepository(ParticipantActionEntity)
        .update({ id, status: loaded.action.status }, { status: 'deferred', dueAt: until, detail: dto.notes ?? loaded.action.detail, outcome: null, updatedAt: now });
      if (!r.affected) throw new DomainError(ErrorCode.Conflict, 'The action changed meanwhile; reload it');
      await this.engine.enqueue(em, id, until, loaded.schedule.priority);
      this.events.emitAfterCommit(em, 'work.changed', { kind: 'participant_action', ids: [id] });
    });
    return toActionView(await this.repo.findOneByOrFail({ id }));
  }

  async reassign(id: string, ownerId: string): Promise<ParticipantActionView> {
    await this.activeUser(ownerId);
    const r = await this.repo.update({ id, status: In([...OPEN_ACTION_STATUSES]) }, { ownerId, updatedAt: this.clock.now() });
    if (!r.affected) throw (await this.repo.findOneBy({ id })) ? new DomainError(ErrorCode.Conflict, 'The action is no longer open') : DomainError.notFound('Action');
    await this.events.emit('work.changed', { kind: 'participant_action', ids: [id] });
    return toActionView(await this.repo.findOneByOrFail({ id }));
  }

  /** Moves one owner's open actions (optionally in a due-date range or one schedule) to another. */
  async bulkReassign(dto: BulkReassignDto): Promise<{ reassigned: number }> {
    await this.activeUser(dto.toOwnerId);
    const where = (qb: { andWhere(sql: string, params: Record<string, unknown>): unknown }) => {
      qb.andWhere('owner_id = :from AND status IN (:...open)', { from: dto.fromOwnerId, open: [...OPEN_ACTION_STATUSES] });
      if (dto.dueFrom) qb.andWhere('due_at >= :dueFrom', { dueFrom: new Date(dto.dueFrom) });
      if (dto.dueTo) qb.andWhere('due_at < :dueTo', { dueTo: new Date(dto.dueTo) });
      if (dto.scheduleId) qb.andWhere('schedule_id = :scheduleId', { scheduleId: dto.scheduleId });
    };
    // The ones on the old owner's screen now move to the new owner's.
    const offered = this.repo.createQueryBuilder().select('id', 'id').where("status = 'due'");
    where(offered);
    const shown = (await offered.getRawMany<{ id: string }>()).map((r) => r.id);
    const update = this.repo.createQueryBuilder().update().set({ ownerId: dto.toOwnerId, updatedAt: this.clock.now() }).where('1 = 1');
    where(update);
    const r = await update.execute();
    if (shown.length) await this.events.emit('work.changed', { kind: 'participant_action', ids: shown });
    return { reassigned: r.affected ?? 0 };
  }

  private async after(id: string, from: string): Promise<ParticipantActionView> {
    const a = await this.repo.findOneByOrFail({ id });
    if (a.status === from) throw new DomainError(ErrorCode.Conflict, 'The action changed meanwhile; reload it');
    return toActionView(a);
  }

  private async workable(id: string, actor: AccessClaims) {
    await this.visible(id, actor);
    const loaded = await this.engine.load(id);
    if (!loaded) throw DomainError.notFound('Action');
    if (!WORKABLE.includes(loaded.action.status)) throw new DomainError(ErrorCode.Conflict, `The action is already ${loaded.action.status}`);
    if (loaded.enrollment.status !== 'active') throw new DomainError(ErrorCode.Conflict, `The lead's enrollment is ${loaded.enrollment.status}`);
    return loaded;
  }

  private async visible(id: string, actor: AccessClaims): Promise<ParticipantActionEntity> {
    const a = await this.repo.findOneBy({ id });
    if (!a || (actor.role === 'agent' && a.ownerId !== actor.sub)) throw DomainError.notFound('Action');
    return a;
  }

  private async activeUser(id: string): Promise<void> {
    const u = await this.users.findById(id);
    if (!u || !u.active) throw DomainError.validation('ownerId', 'is not an active user');
  }
}
