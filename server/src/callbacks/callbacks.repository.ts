import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, LessThan } from 'typeorm';
import { CallbackEntity } from './callback.entity.js';

/** A callback as stored, for the rooms that read callbacks through this port. */
export type Callback = CallbackEntity;

/** Statuses in which a callback is still open (not completed or canceled). */
export const OPEN_CALLBACK_STATUSES = ['scheduled', 'due', 'escalated', 'taken'];

export interface CallbackFilter {
  /** Agents see their own (owned or taken), the escalated ones and those with no owner. */
  visibleTo?: string;
  /** An owner's id, or 'anyone' for callbacks with no owner. */
  owner?: string;
  statuses?: string[];
  leadId?: string;
  /** Only due or escalated callbacks due before this instant. */
  overdueAt?: Date;
  limit: number;
}

/**
 * Persistence port for callbacks: the callbacks room's writes, and what the dialer and the
 * dispositions read of them. Each change is fenced by the status it expects and says
 * whether it applied (false: the callback moved on meanwhile).
 */
export abstract class CallbacksRepository {
  abstract findById(id: string): Promise<CallbackEntity | null>;
  /** Several callbacks in one statement; ids with no callback are absent. */
  abstract findByIds(ids: string[]): Promise<CallbackEntity[]>;
  /** Callbacks by due time (then id), filtered. */
  abstract list(filter: CallbackFilter): Promise<CallbackEntity[]>;
  /** An owner's due callbacks and those escalated to anyone (still theirs too), earliest first. */
  abstract dueOwnedBy(userId: string, limit: number): Promise<CallbackEntity[]>;
  /** The due and escalated callbacks of several owners, in one statement, earliest first. */
  abstract dueOwnedByMany(userIds: string[]): Promise<CallbackEntity[]>;
  /** Every escalated callback, earliest first. */
  abstract escalated(limit: number): Promise<CallbackEntity[]>;
  /** The ids of an owner's due callbacks. */
  abstract dueIdsOwnedBy(userId: string): Promise<string[]>;
  abstract insert(cb: CallbackEntity, em?: EntityManager): Promise<void>;
  /** A scheduled callback canceled (its lead went, or the gate refuses it for good); `heldReason` is set only when given. */
  abstract cancelScheduled(id: string, outcome: string, heldReason: string | undefined, now: Date): Promise<boolean>;
  /** A scheduled callback the gate holds: re-dated to `dueAt`, with the reasons. */
  abstract holdScheduled(id: string, dueAt: Date, heldReason: string, now: Date, em?: EntityManager): Promise<boolean>;
  /** A scheduled callback falls due: to its owner (`due`), or to anyone at once (`escalated`). */
  abstract becomeDue(id: string, toOwner: boolean, now: Date, em?: EntityManager): Promise<boolean>;
  /** A due callback (due by `now`) goes to anyone. */
  abstract escalateDue(id: string, now: Date): Promise<boolean>;
  /** These callbacks, those still due, go to anyone. */
  abstract escalateDueMany(ids: string[], now: Date): Promise<void>;
  /** Taken by `takenBy`, if still in `fromStatus`. */
  abstract take(id: string, fromStatus: string, takenBy: string, now: Date): Promise<boolean>;
  /** Taken by the dialer (for `agentId`, or before an agent is chosen), if due or escalated. */
  abstract takeForDial(id: string, agentId: string | null, now: Date): Promise<boolean>;
  /** An open callback completed; `takenBy`/`takenAt` are written only when given. */
  abstract completeOpen(id: string, done: { outcome: string; conversationId: string | null; takenBy?: string | null; takenAt?: Date | null }, now: Date): Promise<boolean>;
  abstract cancelOpen(id: string, now: Date): Promise<boolean>;
  /** An open callback scheduled again for `dueAt`, its due/escalated/taken marks cleared. */
  abstract rescheduleOpen(id: string, dueAt: Date, note: string | null, now: Date, em?: EntityManager): Promise<boolean>;
  /** A callback not yet taken moved to another owner (or none). */
  abstract reassignUntaken(id: string, ownerId: string | null, now: Date): Promise<boolean>;
}

@Injectable()
export class TypeormCallbacksRepository extends CallbacksRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  private repo(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(CallbackEntity);
  }

  findById(id: string): Promise<CallbackEntity | null> {
    return this.repo().findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<CallbackEntity[]> {
    return this.repo().find({ where: { id: In(ids) } });
  }

  list(q: CallbackFilter): Promise<CallbackEntity[]> {
    const qb = this.repo().createQueryBuilder('c');
    if (q.visibleTo) qb.andWhere("(c.owner_id = :me OR c.taken_by = :me OR c.status = 'escalated' OR c.owner_id IS NULL)", { me: q.visibleTo });
    if (q.owner === 'anyone') qb.andWhere('c.owner_id IS NULL');
    else if (q.owner) qb.andWhere('c.owner_id = :owner', { owner: q.owner });
    if (q.statuses?.length) qb.andWhere('c.status IN (:...statuses)', { statuses: q.statuses });
    if (q.leadId) qb.andWhere('c.lead_id = :leadId', { leadId: q.leadId });
    if (q.overdueAt) qb.andWhere("c.status IN ('due', 'escalated') AND c.due_at < :now", { now: q.overdueAt });
    return qb.orderBy('c.due_at', 'ASC').addOrderBy('c.id', 'ASC').take(q.limit).getMany();
  }

  dueOwnedBy(userId: string, limit: number): Promise<CallbackEntity[]> {
    return this.repo().find({ where: { ownerId: userId, status: In(['due', 'escalated']) }, order: { dueAt: 'ASC', id: 'ASC' }, take: limit });
  }

  dueOwnedByMany(userIds: string[]): Promise<CallbackEntity[]> {
    return this.repo().find({ where: { ownerId: In(userIds), status: In(['due', 'escalated']) }, order: { dueAt: 'ASC', id: 'ASC' } });
  }

  escalated(limit: number): Promise<CallbackEntity[]> {
    return this.repo().find({ where: { status: 'escalated' }, order: { dueAt: 'ASC' }, take: limit });
  }

  async dueIdsOwnedBy(userId: string): Promise<string[]> {
    return (await this.repo().find({ select: { id: true }, where: { ownerId: userId, status: 'due' } })).map((c) => c.id);
  }

  async insert(cb: CallbackEntity, em?: EntityManager): Promise<void> {
    await this.repo(em).insert({ ...cb });
  }

  async cancelScheduled(id: string, outcome: string, heldReason: string | undefined, now: Date): Promise<boolean> {
    const held = heldReason === undefined ? {} : { heldReason };
    return affected(await this.repo().update({ id, status: 'scheduled' }, { status: 'canceled', outcome, ...held, completedAt: now, updatedAt: now }));
  }

  async holdScheduled(id: string, dueAt: Date, heldReason: string, now: Date, em?: EntityManager): Promise<boolean> {
    return affected(await this.repo(em).update({ id, status: 'scheduled' }, { dueAt, heldReason, updatedAt: now }));
  }

  async becomeDue(id: string, toOwner: boolean, now: Date, em?: EntityManager): Promise<boolean> {
    return affected(
      await this.repo(em).update(
        { id, status: 'scheduled' },
        toOwner ? { status: 'due', becameDueAt: now, heldReason: null, updatedAt: now } : { status: 'escalated', becameDueAt: now, escalatedAt: now, heldReason: null, updatedAt: now },
      ),
    );
  }

  async escalateDue(id: string, now: Date): Promise<boolean> {
    return affected(await this.repo().update({ id, status: 'due', becameDueAt: LessThan(new Date(now.getTime() + 1)) }, { status: 'escalated', escalatedAt: now, updatedAt: now }));
  }

  async escalateDueMany(ids: string[], now: Date): Promise<void> {
    await this.repo().update({ id: In(ids), status: 'due' }, { status: 'escalated', escalatedAt: now, updatedAt: now });
  }

  async take(id: string, fromStatus: string, takenBy: string, now: Date): Promise<boolean> {
    return affected(await this.repo().update({ id, status: fromStatus }, { status: 'taken', takenBy, takenAt: now, updatedAt: now }));
  }

  async takeForDial(id: string, agentId: string | null, now: Date): Promise<boolean> {
    return affected(await this.repo().update({ id, status: In(['due', 'escalated']) }, { status: 'taken', takenBy: agentId, takenAt: now, updatedAt: now }));
  }

  async completeOpen(id: string, done: { outcome: string; conversationId: string | null; takenBy?: string | null; takenAt?: Date | null }, now: Date): Promise<boolean> {
    return affected(await this.repo().update({ id, status: In(OPEN_CALLBACK_STATUSES) }, { status: 'completed', completedAt: now, ...done, updatedAt: now }));
  }

  async cancelOpen(id: string, now: Date): Promise<boolean> {
    return affected(await this.repo().update({ id, status: In(OPEN_CALLBACK_STATUSES) }, { status: 'canceled', outcome: 'canceled', completedAt: now, updatedAt: now }));
  }

  async rescheduleOpen(id: string, dueAt: Date, note: string | null, now: Date, em?: EntityManager): Promise<boolean> {
    return affected(
      await this.repo(em).update(
        { id, status: In(OPEN_CALLBACK_STATUSES) },
        { status: 'scheduled', dueAt, note, becameDueAt: null, escalatedAt: null, takenBy: null, takenAt: null, heldReason: null, updatedAt: now },
      ),
    );
  }

  async reassignUntaken(id: string, ownerId: string | null, now: Date): Promise<boolean> {
    return affected(await this.repo().update({ id, status: In(['scheduled', 'due', 'escalated']) }, { ownerId, updatedAt: now }));
  }
}

function affected(r: { affected?: number | null }): boolean {
  return (r.affected ?? 0) > 0;
}
