import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AccessClaims, ErrorCode, type FieldError, type ScheduleAccessLevel, type ScheduleSharingResult, type ScheduleSharingView, type ScheduleView } from '#shared';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { Transactions } from '../database/transactions.js';
import { DomainEvents } from '../common/domain-events.js';
import { DomainError } from '../common/domain-error.js';
import { leadRecordIn } from '../leads/leads.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { AudiencesService } from './audiences.service.js';
import { AutomationsRepository } from './automations/automations.repository.js';
import { ActionRegistry } from './actions/action-registry.js';
import type { NewScheduleDto, ScheduleDto, ScheduleSharingDto, ShareDto, StepDto } from './dto/schedule.dto.js';
import { ScheduleAccess, type Viewer } from './schedule-access.js';
import { ScheduleChecks } from './schedule-checks.js';
import { DEFAULT_EXIT_CRITERIA, toScheduleView } from './schedule-codec.js';
import { EnrollmentsRepository } from './enrollments.repository.js';
import { ParticipantActionsRepository } from './participant-actions.repository.js';
import { ScheduleDefinitionsRepository, type ScheduleSettings, type StepSettings } from './schedule-definitions.repository.js';
import { ScheduleEngine } from './schedule-engine.js';
import type { ScheduleEntity, ScheduleStepEntity } from './schedule.entity.js';

/**
 * Schedules and their steps: create, read, edit, delete. Everything a request names is
 * checked before anything is written (each step's settings by its action type's
 * handler), and a save is one transaction. Editing applies to work not yet done:
 * pending actions of a step whose timing changed are re-dated from the same starting
 * point; a deleted step's waiting leads move on to the step after it.
 */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly tx: Transactions,
    private readonly definitions: ScheduleDefinitionsRepository,
    private readonly enrollments: EnrollmentsRepository,
    private readonly actions: ParticipantActionsRepository,
    private readonly automations: AutomationsRepository,
    private readonly registry: ActionRegistry,
    private readonly engine: ScheduleEngine,
    private readonly users: UsersRepository,
    private readonly audiences: AudiencesService,
    private readonly access: ScheduleAccess,
    private readonly checks: ScheduleChecks,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  /** The schedules the viewer may see, each with what they may do with it. */
  async list(viewer: Viewer): Promise<ScheduleView[]> {
    const all = await this.definitions.listLive();
    const levels = await this.access.levels(all, viewer);
    const schedules = all.filter((s) => levels.has(s.id));
    if (!schedules.length) return [];
    const steps = await this.definitions.liveStepsOf(schedules.map((s) => s.id));
    const counts = await this.enrollments.countsByStatus(schedules.map((s) => s.id));
    const automations = await this.automations.viewsOfSteps(steps.map((x) => x.id));
    const sharing = await this.access.sharing(schedules);
    return schedules.map((s) =>
      toScheduleView(
        s,
        steps.filter((x) => x.scheduleId === s.id),
        { sharing: sharing.get(s.id) as ScheduleSharingView, access: levels.get(s.id) as ScheduleAccessLevel },
        Object.fromEntries(counts.filter((c) => c.scheduleId === s.id).map((c) => [c.status, Number(c.n)])),
        automations,
      ),
    );
  }

  /** One schedule as someone with `access` to it sees it. */
  async get(id: string, access: ScheduleAccessLevel = 'manage'): Promise<ScheduleView> {
    return this.view(await this.find(id), access);
  }

  /** A schedule already read, with its steps and sharing, as someone with `access` to it sees it. */
  async view(s: ScheduleEntity, access: ScheduleAccessLevel): Promise<ScheduleView> {
    const steps = await this.definitions.liveSteps(s.id);
    const sharing = (await this.access.sharing([s])).get(s.id) as ScheduleSharingView;
    return toScheduleView(s, steps, { sharing, access }, undefined, await this.automations.viewsOfSteps(steps.map((x) => x.id)));
  }

  /** A new schedule owned by its creator, private unless `sharing` says otherwise (`viewer`: the creator's permissions, when already read). */
  async create(dto: NewScheduleDto, actor: AccessClaims, viewer?: Viewer): Promise<ScheduleView> {
    await this.checks.check(dto, null, dto.sharing ? await this.checks.checkSharing(dto.sharing, actor.sub, 'sharing.') : [], viewer ?? (await this.access.viewer(actor)));
    const now = this.clock.now();
    const schedule: ScheduleEntity = {
      id: randomUUID(),
      ...this.columns(dto),
      audienceCheckedAt: null,
      createdBy: actor.sub,
      ownerId: actor.sub,
      sharedWith: dto.sharing?.everyone ?? 'none',
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    const stepIds = dto.steps.map(() => randomUUID());
    await this.tx.run(async (em) => {
      await this.insertSchedule(em, schedule);
      if (dto.sharing) await this.writeShares(em, schedule.id, dto.sharing.users ?? [], schedule.ownerId, now);
      await this.definitions.insertSteps(dto.steps.map((s, i) => ({ ...this.stepColumns(s, i + 1), id: stepIds[i], scheduleId: schedule.id, createdAt: now, updatedAt: now, deletedAt: null })), em);
      for (const [i, s] of dto.steps.entries()) await this.automations.saveForStep(schedule.id, stepIds[i], s.automations ?? [], now, em);
      await this.audiences.arm(schedule.id, true, em);
    });
    return this.get(schedule.id);
  }

  /** Replaces the schedule's settings and steps. Steps sent with their id are kept (and reordered); others are new; missing ones are deleted. */
  async update(id: string, dto: ScheduleDto, viewer?: Viewer): Promise<ScheduleView> {
    const before = await this.find(id);
    const oldSteps = await this.definitions.liveSteps(id);
    const known = new Set(oldSteps.map((s) => s.id));
    const problems: FieldError[] = [];
    dto.steps.forEach((s, i) => {
      if (s.id && !known.has(s.id)) problems.push({ field: `steps[${i}].id`, message: 'is not a step of this schedule' });
    });
    const ids = dto.steps.map((s) => s.id).filter(Boolean);
    if (new Set(ids).size !== ids.length) problems.push({ field: 'steps', message: 'names the same step twice' });
    if (problems.length) throw DomainError.invalid(problems);
    await this.checks.check(dto, id, [], viewer);

    const now = this.clock.now();
    const kept = new Map(dto.steps.filter((s) => s.id).map((s) => [s.id as string, s]));
    const removed = oldSteps.filter((s) => !kept.has(s.id));
    const timingChanged = new Set(oldSteps.filter((s) => kept.has(s.id) && JSON.stringify(this.stepColumns(kept.get(s.id) as StepDto, 0).timing) !== s.timing || (kept.has(s.id) && (kept.get(s.id)?.window ?? 'immediate') !== s.timingWindow)).map((s) => s.id));
    const next = { ...before, ...this.columns(dto), updatedAt: now };

    await this.tx.run(async (em) => {
      try {
        await this.definitions.updateSettings(id, this.columns(dto), now, em);
      } catch (e) {
        throw this.nameTaken(e, dto.name);
      }
      // Positions first moved out of the way, then set: no two live steps share one mid-way.
      const newIds: string[] = [];
      for (const [i, s] of dto.steps.entries()) {
        const columns = this.stepColumns(s, i + 1);
        if (s.id) {
          await this.definitions.updateStep(s.id, columns, now, em);
          await this.automations.saveForStep(id, s.id, s.automations, now, em);
        } else {
          const stepId = randomUUID();
          newIds.push(stepId);
          await this.definitions.insertSteps([{ ...columns, id: stepId, scheduleId: id, createdAt: now, updatedAt: now, deletedAt: null }], em);
          await this.automations.saveForStep(id, stepId, s.automations ?? [], now, em);
        }
      }
      if (removed.length) {
        await this.definitions.markStepsDeleted(removed.map((s) => s.id), now, em);
        // A deleted step's automations go with it.
        await this.automations.delete({ stepIds: removed.map((s) => s.id) }, now, em);
      }

      const live = await this.definitions.liveSteps(id, em);
      // A deleted step's waiting leads go on to the step that followed it.
      for (const step of removed) {
        const successor = this.successor(oldSteps, step, kept, live);
        await this.moveWaiting(em, next, step, successor, now);
      }
      for (const stepId of timingChanged) {
        const step = live.find((s) => s.id === stepId);
        if (step) await this.redatePending(em, next, step);
      }
      if ((before.delegationField ?? null) !== (next.delegationField ?? null)) await this.reassignOpen(em, next, live);
      if (!before.active && next.active) await this.wakeOpen(em, id);
      // An audience set or changed is looked at once the save commits.
      if (next.audience && (next.audience !== before.audience || !before.active)) await this.audiences.arm(id, true, em);
    });
    return this.get(id);
  }

  /** Replaces who the schedule is shared with, and hands it to another owner when `ownerId` is given. */
  async share(s: ScheduleEntity, dto: ScheduleSharingDto): Promise<ScheduleSharingResult> {
    const id = s.id;
    const ownerId = dto.ownerId ?? s.ownerId;
    const problems = await this.checks.checkSharing(dto, ownerId, '');
    if (dto.ownerId && !(await this.users.findById(dto.ownerId))?.active) problems.push({ field: 'ownerId', message: `no active user ${dto.ownerId}` });
    if (problems.length) throw DomainError.invalid(problems);
    const now = this.clock.now();
    await this.tx.run(async (em) => {
      await this.definitions.setSharing(id, dto.everyone, ownerId, now, em);
      await this.definitions.deleteShares(id, em);
      await this.writeShares(em, id, dto.users ?? [], ownerId, now);
    });
    return { scheduleId: id, ownerId, sharing: (await this.access.sharing([{ id, sharedWith: dto.everyone }])).get(id) as ScheduleSharingView };
  }

  async remove(id: string): Promise<void> {
    const s = await this.find(id);
    const now = this.clock.now();
    await this.tx.run(async (em) => {
      await this.definitions.markDeleted(s.id, now, em);
      const open = await this.enrollments.openIdsInSchedule(id, em);
      for (const e of open) await this.engine.endEnrollment(em, e.id, 'exited', 'schedule deleted', now);
    });
  }

  async setActive(id: string, active: boolean): Promise<ScheduleView> {
    const s = await this.find(id);
    if (s.active !== active) {
      await this.tx.run(async (em) => {
        await this.definitions.setActive(id, active, this.clock.now(), em);
        if (active) await this.wakeOpen(em, id);
        if (active) await this.audiences.arm(id, true, em);
      });
    }
    return this.get(id);
  }

  /** Whether a schedule (not deleted) has this id. */
  async exists(id: string): Promise<boolean> {
    return this.definitions.liveExists(id);
  }

  async find(id: string): Promise<ScheduleEntity> {
    const s = await this.definitions.findLive(id);
    if (!s) throw DomainError.notFound('Schedule');
    return s;
  }

  private async writeShares(em: EntityManager, scheduleId: string, users: ShareDto[], ownerId: string | null, now: Date): Promise<void> {
    const rows = users.filter((u) => u.userId !== ownerId).map((u) => ({ scheduleId, userId: u.userId, access: u.access, createdAt: now }));
    if (rows.length) await this.definitions.insertShares(rows, em);
  }

  // ── writing ───────────────────────────────────────────────────────────────────────

  private columns(dto: ScheduleDto): ScheduleSettings {
    return {
      name: dto.name,
      nameKey: dto.name.trim().toLowerCase(),
      description: dto.description ?? null,
      active: dto.active ?? true,
      type: dto.type ?? 'classic',
      timezone: dto.timezone || null,
      businessStart: dto.businessHours?.start ?? '09:00',
      businessEnd: dto.businessHours?.end ?? '17:00',
      businessDays: (dto.businessDays ?? [1, 2, 3, 4, 5]).slice().sort().join(','),
      excludeWeekends: dto.excludeWeekends ?? false,
      holidays: JSON.stringify([...new Set(dto.holidays ?? [])].sort()),
      dripPerHour: dto.dripPerHour ?? null,
      dripPerDay: dto.dripPerDay ?? null,
      dialPoolId: dto.dialPoolId ?? null,
      smsPoolId: dto.smsPoolId ?? null,
      delegationField: dto.delegationField || null,
      coordinatorId: dto.coordinatorId ?? null,
      watcherIds: JSON.stringify([...new Set(dto.watcherIds ?? [])]),
      audience: dto.audience ? JSON.stringify({ criteria: dto.audience.criteria ?? null, viewId: dto.audience.viewId ?? null }) : null,
      audienceEvery: dto.audienceEvery ?? 'hourly',
      audienceAt: dto.audienceAt ?? '09:00',
      exitCriteria: JSON.stringify({ ...DEFAULT_EXIT_CRITERIA, ...(dto.exitCriteria ?? {}) }),
      allowReenrollment: dto.allowReenrollment ?? false,
      exclusive: dto.exclusive ?? false,
      priority: dto.priority ?? 0,
    };
  }

  private stepColumns(s: StepDto, position: number): StepSettings {
    const handler = this.registry.get(s.type);
    return {
      position,
      type: s.type,
      name: s.name || null,
      config: JSON.stringify(s.config ?? {}),
      timing: JSON.stringify(normalTiming(s.timing)),
      timingWindow: s.window ?? 'immediate',
      activation: s.activation ?? handler?.activations[0] ?? 'automatic',
      criteria: s.criteria && Array.isArray((s.criteria as { conditions?: unknown }).conditions) && (s.criteria as { conditions: unknown[] }).conditions.length ? JSON.stringify(s.criteria) : null,
      criteriaMode: s.criteriaMode ?? 'skip',
      fieldUpdates: s.fieldUpdates?.length ? JSON.stringify(s.fieldUpdates) : null,
      ownerField: s.ownerField || null,
      onRefusal: s.onRefusal ?? 'hold',
    };
  }

  private async insertSchedule(em: EntityManager, s: ScheduleEntity): Promise<void> {
    try {
      await this.definitions.insert(s, em);
    } catch (e) {
      throw this.nameTaken(e, s.name);
    }
  }

  private nameTaken(e: unknown, name: string): unknown {
    if (isUniqueViolation(e)) return new DomainError(ErrorCode.Conflict, `A schedule named "${name}" already exists`, [{ field: 'name', message: 'is taken' }]);
    return e;
  }

  /** The first surviving step that came after `step` in the old order, or null (the end). */
  private successor(oldSteps: ScheduleStepEntity[], step: ScheduleStepEntity, kept: Map<string, StepDto>, live: ScheduleStepEntity[]): ScheduleStepEntity | null {
    const after = oldSteps.filter((s) => s.position > step.position && kept.has(s.id)).sort((a, b) => a.position - b.position)[0];
    return after ? (live.find((s) => s.id === after.id) ?? null) : null;
  }

  private async moveWaiting(em: EntityManager, schedule: ScheduleEntity, step: ScheduleStepEntity, successor: ScheduleStepEntity | null, now: Date): Promise<void> {
    const waiting = await this.actions.unstartedOnStep(step.id, em);
    for (const a of waiting) {
      if (!(await this.actions.skipIfStill(a.id, a.status, 'step deleted', now, em))) continue;
      await this.engine.staysEnded(em, { stayIds: [a.id] }, now);
      const enrollment = await this.enrollments.findById(a.enrollmentId, em);
      if (!enrollment) continue;
      if (schedule.type === 'smart') await this.engine.enqueueSmartPick(em, enrollment.id, now);
      else if (!successor) await this.engine.endEnrollment(em, enrollment.id, 'completed', 'all steps done', now);
      else await this.engine.createAction(em, enrollment, schedule, successor, now, await leadRecordIn(em, a.leadId));
    }
  }

  private async redatePending(em: EntityManager, schedule: ScheduleEntity, step: ScheduleStepEntity): Promise<void> {
    const pending = await this.actions.pendingOnStep(step.id, em);
    for (const a of pending) {
      const enrollment = await this.enrollments.findById(a.enrollmentId, em);
      if (!enrollment) continue;
      const dueAt = await this.engine.dueFor(schedule, step, a.basisAt, enrollment.startsAt, em);
      if (dueAt.getTime() === a.dueAt.getTime()) continue;
      await this.actions.redatePending(a.id, dueAt, this.clock.now(), em);
      await this.engine.enqueue(em, a.id, dueAt, schedule.priority);
    }
  }

  /** The delegation field changed: open actions go to whoever it names now. */
  private async reassignOpen(em: EntityManager, schedule: ScheduleEntity, steps: ScheduleStepEntity[]): Promise<void> {
    const open = await this.actions.openOfSchedule(schedule.id, em);
    for (const a of open) {
      const lead = await leadRecordIn(em, a.leadId);
      if (!lead) continue;
      const owner = await this.engine.ownerFor(schedule, steps.find((s) => s.id === a.stepId) ?? null, lead, em);
      if (owner === a.ownerId) continue;
      await this.actions.setOwner(a.id, owner, this.clock.now(), em);
      if (a.status === 'due') this.events.emitAfterCommit(em, 'work.changed', { kind: 'participant_action', ids: [a.id] });
    }
  }

  /** Jobs for open work that came due while the schedule was off. */
  private async wakeOpen(em: EntityManager, scheduleId: string): Promise<void> {
    const open = await this.actions.pendingOrDeferredOfSchedule(scheduleId, em);
    const now = this.clock.now();
    for (const a of open) await this.engine.enqueue(em, a.id, a.dueAt > now ? a.dueAt : now, 0);
  }
}

function normalTiming(t: Record<string, unknown>): Record<string, unknown> {
  return t.kind === 'day' ? { kind: 'day', day: t.day, at: t.at } : { kind: 'delay', amount: t.amount ?? 0, unit: t.unit ?? 'minutes' };
}


