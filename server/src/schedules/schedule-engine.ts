import { Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { orderedId } from '../common/ids.js';
import { DomainEvents, type DomainEventMap } from '../common/domain-events.js';
import { JsonLogger } from '../common/json-logger.js';
import { Transactions } from '../database/transactions.js';
import { leadName } from '../leads/lead-name.js';
import { LeadsRepository, type LeadRecord, updateLead } from '../leads/leads.repository.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { defaultTimezoneIn } from '../settings/settings.repository.js';
import { activeUserIdIn } from '../users/users.repository.js';
import { type ActionContext, type ActionResult, stepContext } from './actions/action-handler.js';
import { ActionRegistry } from './actions/action-registry.js';
import { actionItem } from './action-work-source.js';
import { evaluateCriteria, type LeadFacts } from './criteria.js';
import { EnrollmentsRepository } from './enrollments.repository.js';
import { applyLeadChanges } from './lead-changes.js';
import { LeadFactsService } from './lead-facts.js';
import { calendarOf, exitCriteriaOf, stepConfig, stepCriteria, stepFieldUpdates, stepTiming } from './schedule-codec.js';
import { ParticipantActionsRepository } from './participant-actions.repository.js';
import { ScheduleDefinitionsRepository } from './schedule-definitions.repository.js';
import type { EnrollmentEntity, ParticipantActionEntity, ScheduleEntity, ScheduleStepEntity } from './schedule.entity.js';
import { computeDueAt, type TimingWindow } from './timing.js';

export const ACTION_QUEUE = 'schedule.action';
/** A smart schedule choosing a lead's next step. */
export const SMART_PICK_QUEUE = 'schedule.smart-pick';
/** How often an action held for its criteria looks again. */
export const CRITERIA_RECHECK_MS = 15 * 60_000;
/** A run that throws this many times in a row is marked failed and the lead moves on. */
const MAX_RUN_ERRORS = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Told, inside the engine's transaction, when a lead's stay on a step begins and ends
 * (step automations plan and cancel their firings here). A stay is the step's participant action.
 */
export interface StepListener {
  entered(em: EntityManager, stay: ParticipantActionEntity, schedule: ScheduleEntity): Promise<void>;
  /** The lead completed the step (its action completed). */
  completed(em: EntityManager, stay: ParticipantActionEntity, schedule: ScheduleEntity): Promise<void>;
  /** Stays that ended, by id or every stay of an enrollment. */
  left(em: EntityManager, which: { stayIds: string[] } | { enrollmentId: string }, at: Date): Promise<void>;
}

interface Loaded {
  action: ParticipantActionEntity;
  enrollment: EnrollmentEntity;
  schedule: ScheduleEntity;
  step: ScheduleStepEntity;
  lead: LeadRecord | null;
}

/**
 * Walks enrolled leads through their schedules. Each participant action has a durable
 * job due at its time; the job's run re-reads everything (a paused enrollment, an
 * edited step, a re-dated action all simply make a stale job do nothing), checks the
 * exit rules and the step's criteria, then offers a manual action to its owner or runs
 * an automatic one through the action registry. Every state change is a conditional
 * update on the action's status, so two runs, or a run and an agent, never both win.
 */
@Injectable()
export class ScheduleEngine implements OnModuleInit, OnApplicationBootstrap {
  private readonly stepListeners: StepListener[] = [];
  private readonly dispositionHooks: Array<(e: DomainEventMap['conversation.disposed']) => Promise<void>> = [];

  constructor(
    private readonly tx: Transactions,
    private readonly definitions: ScheduleDefinitionsRepository,
    private readonly enrollments: EnrollmentsRepository,
    private readonly actions: ParticipantActionsRepository,
    private readonly scheduler: SchedulerService,
    private readonly registry: ActionRegistry,
    private readonly leads: LeadsRepository,
    private readonly facts: LeadFactsService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(ACTION_QUEUE, { handle: (payload, { job }) => this.run((payload as { id: string }).id, job.attempt > 1) });
    this.events.on('conversation.settled', (e) => this.onConversationSettled(e.causeType, e.causeId, e.conversationId, e.status));
    this.events.on('dial.item-finished', async (e) => {
      if (e.source !== 'schedule' || !e.sourceId) return;
      const loaded = await this.load(e.sourceId);
      if (!loaded || loaded.action.status !== 'in_progress') return;
      await this.finish(loaded.action, { kind: 'completed', outcome: e.outcome, conversationId: e.conversationId ?? undefined }, loaded, null, ['in_progress']);
    });
    this.events.on('conversation.disposed', async (e) => {
      for (const hook of this.dispositionHooks) await hook(e);
      if (!e.flags.exitSchedule || !e.leadId) return;
      // The enrollment the call came from ends; so do others whose exit rules name a disposition.
      if (e.enrollmentId) await this.exit(e.enrollmentId, `disposition ${e.code}`);
      await this.exitWhere(e.leadId, 'onDispositionExit', `disposition ${e.code}`, new Date(e.disposedAt));
    });
    this.events.on('lead.replied', async (e) => {
      await this.exitWhere(e.leadId, 'onReply', 'replied');
    });
    // A delivery report said the address cannot receive: every lead holding it leaves the schedules that exit on a bounce.
    this.events.on('email.bounced', async (e) => {
      for (const leadId of e.leadIds) await this.exitWhere(leadId, 'onBounce', 'email bounced');
    });
  }

  onApplicationBootstrap(): void {
    this.registry.assertComplete();
  }

  /** Heard before the engine acts on a disposition's flags: a manual call step completes with the code before an exit ends its enrollment. */
  beforeDisposition(hook: (e: DomainEventMap['conversation.disposed']) => Promise<void>): void {
    this.dispositionHooks.push(hook);
  }

  addStepListener(listener: StepListener): void {
    this.stepListeners.push(listener);
  }

  /** Stays that ended outside the engine's own paths (a deleted step's waiting leads). */
  async staysEnded(em: EntityManager, which: { stayIds: string[] } | { enrollmentId: string }, at: Date): Promise<void> {
    for (const l of this.stepListeners) await l.left(em, which, at);
  }

  // ── running one action ────────────────────────────────────────────────────────────

  /** The job's work. `reclaimed`: an earlier claim of this job died, so an action left in progress is run again. */
  async run(actionId: string, reclaimed = false): Promise<void> {
    const now = this.clock.now();
    const loaded = await this.load(actionId);
    if (!loaded) return;
    const { action, enrollment, schedule, step, lead } = loaded;
    const resumable = reclaimed && action.status === 'in_progress' && action.outcome === null;
    if (!resumable && action.status !== 'pending' && action.status !== 'deferred') return;
    if (action.dueAt > now) return; // re-dated since this job was made; a later job runs it
    if (enrollment.status !== 'active' || !schedule.active || schedule.deletedAt) return;
    if (!lead || lead.lead.deletedAt) return this.exit(enrollment.id, 'lead deleted');
    if (step.deletedAt) return this.finish(action, { kind: 'skipped', outcome: 'step deleted' }, loaded, null);

    const facts = await this.facts.build(lead, enrollment.enrolledAt, { type: 'schedule', id: schedule.id });
    const exitReason = this.exitReason(schedule, facts, now);
    if (exitReason) return this.exit(enrollment.id, exitReason);

    // A smart schedule's step was chosen by its conditions; a classic step checks them now.
    const criteria = schedule.type === 'smart' ? null : stepCriteria(step);
    if (criteria && criteria.conditions.length && !evaluateCriteria(criteria, facts, now)) {
      if (step.criteriaMode === 'hold') return this.redate(action, new Date(now.getTime() + CRITERIA_RECHECK_MS), 'waiting for the step\'s criteria');
      return this.finish(action, { kind: 'skipped', outcome: 'criteria not met' }, loaded, null);
    }

    if (action.activation === 'manual') {
      // Offered to its owner (the softphone's inbox); the agent completes, skips or defers it.
      if (await this.actions.offer(action.id, now)) {
        // What the agent is shown, from the rows just read (the push need not read them again).
        const item = actionItem({ ...action, status: 'due', detail: null, updatedAt: now }, leadName(lead.lead), schedule, step);
        await this.events.emit('work.changed', { kind: 'participant_action', ids: [action.id], known: [{ item, recipients: action.ownerId ? [action.ownerId] : 'anyone' }] });
      }
      return;
    }

    if (!resumable) {
      if (!(await this.actions.claim(action.id, action.attempts, now))) return;
      action.attempts += 1;
      action.status = 'in_progress';
    }

    const handler = this.registry.get(step.type);
    // Taken over from a dead run, or run again after one that failed: either way the earlier run is over.
    const ctx: ActionContext = { ...stepContext({ action, step, schedule, enrollment }, lead, stepConfig(step), now), resumed: resumable || action.attempts > 1 };
    let result: ActionResult;
    try {
      result = handler ? await handler.run(ctx) : { kind: 'failed', outcome: 'error', detail: `no handler for ${step.type}` };
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      if (action.attempts < MAX_RUN_ERRORS) {
        // Back to pending for the scheduler's retry with backoff; side effects carry the action's key.
        await this.actions.releaseForRetry(action.id, message.slice(0, 1000), this.clock.now());
        throw e;
      }
      result = { kind: 'failed', outcome: 'error', detail: message };
    }
    await this.finish(action, result, loaded, null);
  }

  /** Applies a run's result, or an agent's completion (`actorId`). */
  async finish(action: ParticipantActionEntity, result: ActionResult, loaded: Loaded, actorId: string | null, fromStatuses: string[] = ['in_progress', 'pending', 'deferred', 'due']): Promise<void> {
    const now = this.clock.now();
    if (result.kind === 'held') return this.redate(action, result.until, result.detail, fromStatuses);
    if (result.kind === 'waiting') {
      await this.actions.recordWaiting(action.id, { outcome: result.outcome, detail: result.detail ?? null, conversationId: result.conversationId ?? action.conversationId }, now);
      return;
    }
    const status = result.kind === 'exit' || result.kind === 'restart' ? 'completed' : result.kind;
    const outcome = result.kind === 'exit' ? `exit: ${result.reason}` : result.kind === 'restart' ? 'restarted' : result.outcome;
    const detail = 'detail' in result ? (result.detail ?? null) : null;
    const conversationId = 'conversationId' in result ? (result.conversationId ?? action.conversationId) : action.conversationId;
    await this.tx.run(async (em) => {
      if (action.activation === 'manual') this.events.emitAfterCommit(em, 'work.changed', { kind: 'participant_action', ids: [action.id] });
      const done = await this.actions.endIfIn(action.id, fromStatuses, { status, outcome: outcome.slice(0, 64), detail: detail?.slice(0, 4000) ?? null, conversationId, completedBy: actorId }, now, em);
      if (!done) return;
      if (status === 'completed' && loaded.lead) {
        const changed = applyLeadChanges(loaded.lead, stepFieldUpdates(loaded.step), now);
        if (changed) await updateLead(em, { lead: changed.lead, tags: changed.tags });
      }
      const stay = { ...action, status, completedAt: now };
      for (const l of this.stepListeners) {
        if (status === 'completed') await l.completed(em, stay, loaded.schedule);
        await l.left(em, { stayIds: [action.id] }, now);
      }
      if (result.kind === 'exit') return this.endEnrollment(em, loaded.enrollment.id, 'exited', result.reason, now);
      if (result.kind === 'restart') return this.restartIn(em, loaded, now);
      await this.advance(em, loaded.enrollment, loaded.schedule, loaded.step.position, now, loaded.lead);
    });
  }

  private async redate(action: ParticipantActionEntity, until: Date, detail: string, fromStatuses: string[] = ['in_progress', 'pending', 'deferred']): Promise<void> {
    await this.tx.run(async (em) => {
      const redated = await this.actions.redateIfIn(action.id, fromStatuses, until, detail.slice(0, 4000), this.clock.now(), em);
      if (redated) await this.enqueue(em, action.id, until, 0);
      if (redated && action.activation === 'manual') this.events.emitAfterCommit(em, 'work.changed', { kind: 'participant_action', ids: [action.id] });
    });
  }

  // ── moving through the steps ──────────────────────────────────────────────────────

  /** The lead's next step after `fromPosition`, or the end of the schedule. */
  async advance(em: EntityManager, enrollment: EnrollmentEntity, schedule: ScheduleEntity, fromPosition: number, at: Date, lead: LeadRecord | null): Promise<void> {
    const steps = await this.definitions.liveSteps(schedule.id, em);
    const next = steps.find((s) => s.position > fromPosition);
    const current = await this.enrollments.findById(enrollment.id, em);
    if (!current || (current.status !== 'active' && current.status !== 'paused')) return;
    if (schedule.type === 'smart') return this.enqueueSmartPick(em, enrollment.id, at);
    if (!next) return this.endEnrollment(em, enrollment.id, 'completed', 'all steps done', at);
    await this.createAction(em, current, schedule, next, at, lead);
  }

  /** A participant action for `step`, due by its timing counted from `basisAt`, with its job. */
  async createAction(em: EntityManager, enrollment: EnrollmentEntity, schedule: ScheduleEntity, step: ScheduleStepEntity, basisAt: Date, lead: LeadRecord | null): Promise<ParticipantActionEntity> {
    const now = this.clock.now();
    const dueAt = await this.dueFor(schedule, step, basisAt, enrollment.startsAt, em);
    const action: ParticipantActionEntity = {
      // Ordered, so a lead's actions created in the same instant list in the order they were made.
      id: orderedId(),
      enrollmentId: enrollment.id,
      scheduleId: schedule.id,
      stepId: step.id,
      leadId: enrollment.leadId,
      type: step.type,
      activation: step.activation,
      ownerId: lead ? await this.ownerFor(schedule, step, lead, em) : null,
      status: 'pending',
      dueAt,
      basisAt,
      outcome: null,
      detail: null,
      attempts: 0,
      conversationId: null,
      startedAt: null,
      completedAt: null,
      completedBy: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.actions.insert(action, em);
    await this.enrollments.setCurrentStep(enrollment.id, step.id, now, em);
    await this.enqueue(em, action.id, dueAt, schedule.priority);
    for (const l of this.stepListeners) await l.entered(em, action, schedule);
    return action;
  }

  // ── smart schedules ───────────────────────────────────────────────────────────────

  /**
   * A smart schedule's lead waits for its next step to be chosen: a job (made in the
   * caller's transaction) picks it, outside any transaction, because it reads the lead's
   * whole activity. The enrollment shows no current step meanwhile.
   */
  async enqueueSmartPick(em: EntityManager | undefined, enrollmentId: string, basisAt: Date, dueAt: Date = basisAt): Promise<void> {
    if (em) await this.enrollments.setCurrentStep(enrollmentId, null, this.clock.now(), em);
    // No dedupe key: the same enrollment asks again after each step (often in the same instant), and a pick is harmless twice.
    await this.scheduler.enqueue(SMART_PICK_QUEUE, { enrollmentId, basisAt: basisAt.toISOString() }, { dueAt, em });
  }

  /** Every read here goes through `em`: on the embedded database a query on another connection waits for the transaction. */
  async dueFor(schedule: ScheduleEntity, step: ScheduleStepEntity, basisAt: Date, anchorAt: Date, em: EntityManager): Promise<Date> {
    const defaultTimezone = await defaultTimezoneIn(em);
    return computeDueAt({ timing: stepTiming(step), window: step.timingWindow as TimingWindow, previousAt: basisAt, anchorAt, calendar: calendarOf(schedule, defaultTimezone) });
  }

  enqueue(em: EntityManager, actionId: string, dueAt: Date, priority: number): Promise<string | null> {
    return this.scheduler.enqueue(ACTION_QUEUE, { id: actionId }, { dueAt, priority, em });
  }

  /**
   * Who does this step's work: the user named by the step's owner field, else by the
   * schedule's delegation field, else the lead's owner. A field names a custom field
   * holding a user (id or email), or a lookup: `createdBy` (who made the lead) or
   * `lastModifiedBy` (who changed it last). A user no longer active names no one.
   */
  async ownerFor(schedule: ScheduleEntity, step: ScheduleStepEntity | null, lead: LeadRecord, em: EntityManager): Promise<string | null> {
    const field = step?.ownerField || schedule.delegationField;
    const named = field ? await this.userNamedBy(field, lead, em) : null;
    return named ?? lead.lead.ownerId;
  }

  private async userNamedBy(field: string, lead: LeadRecord, em: EntityManager): Promise<string | null> {
    if (field === 'createdBy' || field === 'lastModifiedBy') {
      const id = field === 'createdBy' ? lead.lead.createdBy : lead.lead.updatedBy;
      return id ? activeUserIdIn(em, { id }) : null;
    }
    const key = field.startsWith('custom.') ? field.slice('custom.'.length) : field;
    const value = (JSON.parse(lead.lead.customFields || '{}') as Record<string, unknown>)[key];
    if (typeof value !== 'string' || !value.trim()) return null;
    const v = value.trim();
    return UUID.test(v) ? activeUserIdIn(em, { id: v }) : v.includes('@') ? activeUserIdIn(em, { email: v }) : null;
  }

  async endEnrollment(em: EntityManager, enrollmentId: string, status: 'completed' | 'exited', reason: string, at: Date): Promise<void> {
    if (!(await this.enrollments.endIfOpen(enrollmentId, status, reason, at, em))) return;
    await this.withdrawOffered(em, enrollmentId);
    await this.actions.cancelOpenOfEnrollment(enrollmentId, `enrollment ${status}`, at, em);
    await this.staysEnded(em, { enrollmentId }, at);
  }

  async exit(enrollmentId: string, reason: string): Promise<void> {
    await this.tx.run((em) => this.endEnrollment(em, enrollmentId, 'exited', reason, this.clock.now()));
  }

  /** Manual work offered to agents for this enrollment leaves their inboxes once the change commits. */
  private async withdrawOffered(em: EntityManager, enrollmentId: string): Promise<void> {
    const offered = await this.actions.offeredIdsOfEnrollment(enrollmentId, em);
    if (offered.length) this.events.emitAfterCommit(em, 'work.changed', { kind: 'participant_action', ids: offered });
  }

  private async restartIn(em: EntityManager, loaded: Loaded, now: Date): Promise<void> {
    await this.withdrawOffered(em, loaded.enrollment.id);
    await this.actions.cancelOpenOfEnrollment(loaded.enrollment.id, 'restarted', now, em);
    await this.staysEnded(em, { enrollmentId: loaded.enrollment.id }, now);
    await this.enrollments.restartAt(loaded.enrollment.id, now, em);
    if (loaded.schedule.type === 'smart') return this.enqueueSmartPick(em, loaded.enrollment.id, now);
    const first = await this.definitions.firstLiveStep(loaded.schedule.id, em);
    if (!first) return this.endEnrollment(em, loaded.enrollment.id, 'completed', 'all steps done', now);
    await this.createAction(em, { ...loaded.enrollment, startsAt: now }, loaded.schedule, first, now, loaded.lead);
  }

  /** Why the enrollment must end now, or null. Checked before every action runs. */
  exitReason(schedule: ScheduleEntity, facts: LeadFacts, now: Date): string | null {
    const rules = exitCriteriaOf(schedule);
    if (rules.onOptOut && facts.activity.optedOut) return 'opted out';
    if (rules.onUnsubscribe && facts.activity.unsubscribed) return 'unsubscribed';
    if (rules.onBounce && facts.activity.emailBounced) return 'email bounced';
    if (rules.onReply && facts.activity.replied) return 'replied';
    if (rules.conditions && rules.conditions.conditions.length && evaluateCriteria(rules.conditions as Parameters<typeof evaluateCriteria>[0], facts, now)) return 'exit conditions met';
    return null;
  }

  // ── events from elsewhere ─────────────────────────────────────────────────────────

  /** A call or text a schedule placed has ended: the waiting action completes with its outcome. */
  private async onConversationSettled(causeType: string | null, causeId: string | null, conversationId: string, status: string): Promise<void> {
    if (causeType !== 'participant-action' || !causeId) return;
    const loaded = await this.load(causeId);
    if (!loaded || loaded.action.status !== 'in_progress') return;
    await this.finish(loaded.action, { kind: 'completed', outcome: status, conversationId }, loaded, null, ['in_progress']);
  }

  /** Ends the lead's open enrollments whose exit criteria name `rule`; with `enrolledBefore`, only those begun before it. */
  async exitWhere(leadId: string, rule: 'onReply' | 'onOptOut' | 'onUnsubscribe' | 'onBounce' | 'onDispositionExit', reason: string, enrolledBefore?: Date): Promise<number> {
    const open = await this.enrollments.openOfLead(leadId);
    let ended = 0;
    for (const e of open) {
      if (enrolledBefore && e.enrolledAt > enrolledBefore) continue;
      const schedule = await this.definitions.findById(e.scheduleId);
      if (!schedule || !exitCriteriaOf(schedule)[rule]) continue;
      await this.exit(e.id, reason);
      ended++;
    }
    return ended;
  }

  async load(actionId: string): Promise<Loaded | null> {
    const action = await this.actions.findById(actionId);
    if (!action) return null;
    const [enrollment, schedule, step, lead] = await Promise.all([
      this.enrollments.findById(action.enrollmentId),
      this.definitions.findById(action.scheduleId),
      this.definitions.findStep(action.stepId),
      this.leads.findById(action.leadId),
    ]);
    if (!enrollment || !schedule || !step) {
      this.logger.warn(`participant action ${actionId} refers to a missing enrollment, schedule or step`);
      return null;
    }
    return { action, enrollment, schedule, step, lead };
  }
}
