import { Injectable } from '@nestjs/common';
import { type AccessClaims, ErrorCode, type ParticipantActionView } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { DomainError } from '../common/domain-error.js';
import { Transactions } from '../database/transactions.js';
import { UsersRepository } from '../users/users.repository.js';
import { ActionRegistry } from './actions/action-registry.js';
import { stepContext } from './actions/action-handler.js';
import type { BulkReassignDto, CompleteActionDto, DeferActionDto, ListActionsQuery } from './dto/schedule.dto.js';
import { ParticipantActionsRepository } from './participant-actions.repository.js';
import { stepConfig, toActionView } from './schedule-codec.js';
import { ScheduleEngine } from './schedule-engine.js';
import type { ParticipantActionEntity } from './schedule.entity.js';

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
    private readonly tx: Transactions,
    private readonly actions: ParticipantActionsRepository,
    private readonly engine: ScheduleEngine,
    private readonly registry: ActionRegistry,
    private readonly users: UsersRepository,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  async list(q: ListActionsQuery, actor: AccessClaims): Promise<ParticipantActionView[]> {
    // An agent sees only their own actions, whatever the query asks.
    const owner = actor.role === 'agent' ? actor.sub : q.ownerId === 'me' ? actor.sub : q.ownerId;
    const rows = await this.actions.list(
      {
        ownerId: owner || undefined,
        statuses: q.status,
        scheduleId: q.scheduleId,
        leadId: q.leadId,
        enrollmentId: q.enrollmentId,
        dueFrom: q.dueFrom ? new Date(q.dueFrom) : undefined,
        dueTo: q.dueTo ? new Date(q.dueTo) : undefined,
      },
      q.limit ?? 100,
      q.offset ?? 0,
    );
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
    await this.tx.run(async (em) => {
      if (!(await this.actions.deferIfStill(id, loaded.action.status, until, dto.notes ?? loaded.action.detail, now, em))) throw new DomainError(ErrorCode.Conflict, 'The action changed meanwhile; reload it');
      await this.engine.enqueue(em, id, until, loaded.schedule.priority);
      this.events.emitAfterCommit(em, 'work.changed', { kind: 'participant_action', ids: [id] });
    });
    return toActionView(await this.actions.getById(id));
  }

  async reassign(id: string, ownerId: string): Promise<ParticipantActionView> {
    await this.activeUser(ownerId);
    if (!(await this.actions.reassignIfOpen(id, ownerId, this.clock.now()))) throw (await this.actions.findById(id)) ? new DomainError(ErrorCode.Conflict, 'The action is no longer open') : DomainError.notFound('Action');
    await this.events.emit('work.changed', { kind: 'participant_action', ids: [id] });
    return toActionView(await this.actions.getById(id));
  }

  /** Moves one owner's open actions (optionally in a due-date range or one schedule) to another. */
  async bulkReassign(dto: BulkReassignDto): Promise<{ reassigned: number }> {
    await this.activeUser(dto.toOwnerId);
    const work = { fromOwnerId: dto.fromOwnerId, dueFrom: dto.dueFrom ? new Date(dto.dueFrom) : undefined, dueTo: dto.dueTo ? new Date(dto.dueTo) : undefined, scheduleId: dto.scheduleId || undefined };
    // The ones on the old owner's screen now move to the new owner's.
    const shown = await this.actions.offeredIdsOfOwner(work);
    const reassigned = await this.actions.reassignOwnerWork(work, dto.toOwnerId, this.clock.now());
    if (shown.length) await this.events.emit('work.changed', { kind: 'participant_action', ids: shown });
    return { reassigned };
  }

  private async after(id: string, from: string): Promise<ParticipantActionView> {
    const a = await this.actions.getById(id);
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
    const a = await this.actions.findById(id);
    if (!a || (actor.role === 'agent' && a.ownerId !== actor.sub)) throw DomainError.notFound('Action');
    return a;
  }

  private async activeUser(id: string): Promise<void> {
    const u = await this.users.findById(id);
    if (!u || !u.active) throw DomainError.validation('ownerId', 'is not an active user');
  }
}
