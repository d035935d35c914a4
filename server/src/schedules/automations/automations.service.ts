import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AutomationRunView, type InterestAnswer, type InterestEffect, type InterestOutcome, OPEN_ACTION_STATUSES } from '#shared';
import { Clock } from '../../common/clock.js';
import { JsonLogger } from '../../common/json-logger.js';
import { AppConfig } from '../../config/app-config.js';
import { isUniqueViolation } from '../../database/db-errors.js';
import { Transactions } from '../../database/transactions.js';
import { LeadsRepository } from '../../leads/leads.repository.js';
import { SchedulerService } from '../../scheduler/scheduler.service.js';
import { defaultTimezoneIn } from '../../settings/settings.repository.js';
import type { ActionContext, ActionResult } from '../actions/action-handler.js';
import { ActionRegistry } from '../actions/action-registry.js';
import { EnrollmentsRepository } from '../enrollments.repository.js';
import { ParticipantActionsRepository } from '../participant-actions.repository.js';
import { ScheduleDefinitionsRepository } from '../schedule-definitions.repository.js';
import { ScheduleEngine } from '../schedule-engine.js';
import type { ParticipantActionEntity, ScheduleEntity } from '../schedule.entity.js';
import { type AutomationTrigger, firstFireAt, nextFireAt } from './automation-timing.js';
import type { AutomationRunEntity, StepAutomationEntity } from './automation.entity.js';
import { AutomationsRepository } from './automations.repository.js';
import { InterestLinks } from './interest-links.js';

export const AUTOMATION_FIRE_QUEUE = 'automation.fire';
export const AUTOMATION_SCAN_QUEUE = 'automation.scan';
/** A firing left `firing` this long (its instance died mid-way) is taken up again. */
const STUCK_MS = 10 * 60_000;
const SCAN_BATCH = 500;
/** A lead in one of these statuses gets no automation until it is active again. */
const INACTIVE_LEAD = ['inactive', 'archived'];

type RunResult = AutomationRunView['results'][number];

/**
 * Step automations at work. When a lead enters a step, its automations' firings are
 * planned (enter: after the delay; pending: after the duration, then the repeats one
 * at a time); when it completes the step, the complete ones are planned at once; when
 * it leaves the step, what is still planned for that stay is canceled (so coming back
 * starts the clock again). Firings due now run at once through a durable job; the rest
 * are found by the scan, a durable job at the AUTOMATION_SCAN_SECONDS boundaries while
 * anything is planned. Nothing fires
 * while the enrollment is paused or the lead inactive: those firings wait.
 */
@Injectable()
export class AutomationsService implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly tx: Transactions,
    private readonly automations: AutomationsRepository,
    private readonly definitions: ScheduleDefinitionsRepository,
    private readonly enrollments: EnrollmentsRepository,
    private readonly actions: ParticipantActionsRepository,
    private readonly engine: ScheduleEngine,
    private readonly registry: ActionRegistry,
    private readonly leads: LeadsRepository,
    private readonly scheduler: SchedulerService,
    private readonly links: InterestLinks,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.engine.addStepListener({
      entered: (em, stay, schedule) => this.plan(em, stay, schedule, ['enter', 'pending']),
      completed: (em, stay, schedule) => this.plan(em, stay, schedule, ['complete']),
      left: (em, which, at) => this.cancelStays(em, which, at),
    });
    this.scheduler.register(AUTOMATION_FIRE_QUEUE, { handle: async (p) => void (await this.fire((p as { id: string }).id)) });
    this.scheduler.register(AUTOMATION_SCAN_QUEUE, {
      handle: async () => {
        try {
          await this.scan();
        } finally {
          // Firings still planned (later, or waiting on a paused enrollment or an inactive lead): keep looking.
          if (await this.automations.anyPlanned()) await this.scanAt(this.clock.now());
        }
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (await this.automations.anyPlanned()) await this.scanAt(this.clock.now());
  }

  /**
   * A scan at the first boundary of the interval after `at` (one job per boundary, whoever
   * asks for it). Scans run only while something is planned: planning a firing asks for
   * the scan at its due time, and a scan that leaves firings planned asks for the next.
   */
  private async scanAt(at: Date, em?: EntityManager): Promise<void> {
    const every = this.config.automations.scanSeconds * 1000;
    const boundary = (Math.floor(at.getTime() / every) + 1) * every;
    await this.scheduler.enqueue(AUTOMATION_SCAN_QUEUE, {}, { dueAt: new Date(boundary), dedupeKey: `automation.scan:${boundary}`, em });
  }

  // ── planning ──────────────────────────────────────────────────────────────────────

  private async plan(em: EntityManager, stay: ParticipantActionEntity, schedule: ScheduleEntity, kinds: string[]): Promise<void> {
    const automations = await this.automations.activeOfStep(stay.stepId, kinds, em);
    if (!automations.length) return;
    const zone = await this.zoneOf(em, schedule);
    const now = this.clock.now();
    for (const a of automations) {
      const trigger = JSON.parse(a.trigger) as AutomationTrigger;
      const dueAt = firstFireAt(trigger, stay.createdAt, zone) ?? now;
      await this.insertRun(em, a, stay, 1, dueAt);
    }
  }

  private async insertRun(em: EntityManager, a: StepAutomationEntity, stay: ParticipantActionEntity, occurrence: number, dueAt: Date): Promise<void> {
    const now = this.clock.now();
    const run: AutomationRunEntity = {
      id: randomUUID(),
      runKey: `${a.id}:${stay.id}:${occurrence}`,
      automationId: a.id,
      scheduleId: a.scheduleId,
      stepId: a.stepId,
      enrollmentId: stay.enrollmentId,
      leadId: stay.leadId,
      participantActionId: stay.id,
      occurrence,
      triggerKind: a.triggerKind,
      status: 'scheduled',
      dueAt,
      firedAt: null,
      results: null,
      detail: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.automations.insertRun(run, em);
    } catch (e) {
      if (isUniqueViolation(e)) return; // planned already
      throw e;
    }
    // Due now (enter at once, complete): a job of its own fires it as soon as this commits; later, the scan at its time.
    if (dueAt <= now) await this.scheduler.enqueue(AUTOMATION_FIRE_QUEUE, { id: run.id }, { em, dedupeKey: `automation.fire:${run.id}` });
    else await this.scanAt(new Date(dueAt.getTime() - 1), em);
  }

  /** The lead left the step: what enter and pending automations still had planned for the stay is canceled. */
  private async cancelStays(em: EntityManager, which: { stayIds: string[] } | { enrollmentId: string }, at: Date): Promise<void> {
    await this.automations.cancelForStays(which, at, em);
  }

  // ── firing ────────────────────────────────────────────────────────────────────────

  /** Fires every firing that is due and may fire now. Returns how many fired. */
  async scan(): Promise<number> {
    const now = this.clock.now();
    const stuck = new Date(now.getTime() - STUCK_MS);
    const due = await this.automations.dueRunIds(now, stuck, INACTIVE_LEAD, SCAN_BATCH);
    let fired = 0;
    for (const id of due) {
      try {
        if (await this.fire(id)) fired++;
      } catch (e) {
        this.logger.warn(`automation firing ${id} failed: ${(e as Error).message}`);
      }
    }
    return fired;
  }

  /** Fires one firing if it is due and may fire; true when it did. */
  async fire(runId: string): Promise<boolean> {
    const now = this.clock.now();
    const run = await this.automations.findRun(runId);
    if (!run || run.dueAt > now) return false;
    const resumed = run.status === 'firing' && run.updatedAt.getTime() < now.getTime() - STUCK_MS;
    if (run.status !== 'scheduled' && !resumed) return false;
    const [automation, stay, enrollment, schedule, step, lead] = await Promise.all([
      this.automations.findById(run.automationId),
      this.actions.findById(run.participantActionId),
      this.enrollments.findById(run.enrollmentId),
      this.definitions.findById(run.scheduleId),
      this.definitions.findStep(run.stepId),
      this.leads.findById(run.leadId),
    ]);
    const cancel = (why: string) => this.automations.cancelRunIfStill(run.id, run.status, why, now).then(() => false);
    if (!automation || !automation.active) return cancel('the automation was deleted or turned off');
    if (!stay || !enrollment || !schedule || !step || schedule.deletedAt || step.deletedAt) return cancel('the step or schedule is gone');
    if (!lead || lead.lead.deletedAt) return cancel('the lead was deleted');
    // Paused, or the lead inactive: it waits (the scan takes it up once that changes).
    if (enrollment.status === 'paused' || INACTIVE_LEAD.includes(lead.lead.status)) return false;
    if (run.triggerKind === 'complete') {
      if (enrollment.status === 'exited') return cancel('the enrollment ended');
    } else if (!(OPEN_ACTION_STATUSES as readonly string[]).includes(stay.status) || enrollment.status !== 'active') {
      return cancel('the lead left the step');
    }
    if (!(await this.automations.claimRun(run.id, resumed ? new Date(now.getTime() - STUCK_MS) : null, now))) return false;

    const trigger = JSON.parse(automation.trigger) as AutomationTrigger;
    const actions = JSON.parse(automation.actions) as Array<{ type: string; config: Record<string, unknown> }>;
    const results: RunResult[] = [];
    for (const [i, a] of actions.entries()) {
      // Each action sees the lead as the previous one left it.
      const current = (await this.leads.findById(run.leadId)) ?? lead;
      const ctx: ActionContext = {
        lead: current,
        config: a.config,
        now: this.clock.now(),
        idempotencyKey: `ar:${run.id}:${i}`,
        ownerId: stay.ownerId,
        cause: { type: 'automation-run', id: run.id, action: i },
        origin: `automation ${automation.name ?? `#${automation.position}`} on schedule ${schedule.name}`,
        onRefusal: 'skip',
        conversationId: null,
        run: { action: stay, step, schedule, enrollment },
      };
      const handler = this.registry.get(a.type);
      let result: ActionResult;
      try {
        result = handler ? await handler.run(ctx) : { kind: 'failed', outcome: 'error', detail: `no handler for ${a.type}` };
      } catch (e) {
        result = { kind: 'failed', outcome: 'error', detail: (e as Error).message };
      }
      results.push(summarize(a.type, result));
    }
    const failed = results.some((r) => r.status === 'failed');
    await this.tx.run(async (em) => {
      await this.automations.recordFired(run.id, failed, JSON.stringify(results), now, this.clock.now(), em);
      // A pending automation that repeats, while the lead is still on the step: the next firing, counted from this one's due time.
      const still = await this.actions.findById(stay.id, em);
      const next = nextFireAt(trigger, run.dueAt, run.occurrence, await this.zoneOf(em, schedule));
      if (next && still && (OPEN_ACTION_STATUSES as readonly string[]).includes(still.status)) await this.insertRun(em, automation, stay, run.occurrence + 1, next);
    });
    return true;
  }

  private async zoneOf(em: EntityManager, schedule: ScheduleEntity): Promise<string> {
    if (schedule.timezone) return schedule.timezone;
    return defaultTimezoneIn(em);
  }

  // ── reading ───────────────────────────────────────────────────────────────────────

  async runs(filter: { scheduleId: string; enrollmentId?: string; leadId?: string; status?: string }): Promise<AutomationRunView[]> {
    const rows = await this.automations.runs(filter);
    return rows.map(toRunView);
  }

  // ── "Still interested?" ──────────────────────────────────────────────────────────

  /**
   * A click on a yes/no link. A valid answer on a stay still open is kept (once; a
   * second click answers that it was already given) and does what the notification
   * said (complete the step, end the enrollment, or nothing). After the lead moved on it
   * answers that progress has already advanced and changes nothing; an expired link says so.
   */
  async answer(token: string): Promise<InterestOutcome> {
    const now = this.clock.now();
    const checked = this.links.check(token, now);
    if (!checked.ok) return checked.reason === 'expired' ? { status: 'expired', answer: null, message: 'This link has expired.' } : { status: 'invalid', answer: null, message: 'This link is not valid.' };
    const { runId, action, answer } = checked.claim;
    const run = await this.automations.findRun(runId);
    if (!run) return { status: 'invalid', answer: null, message: 'This link is not valid.' };
    const earlier = await this.automations.answerOfStay(run.participantActionId);
    if (earlier) return { status: 'already_answered', answer: earlier.answer as InterestAnswer, message: `Your answer (${earlier.answer}) was already recorded. Thank you.` };
    const [stay, enrollment] = await Promise.all([
      this.actions.findById(run.participantActionId),
      this.enrollments.findById(run.enrollmentId),
    ]);
    const open = !!stay && (OPEN_ACTION_STATUSES as readonly string[]).includes(stay.status) && !!enrollment && (enrollment.status === 'active' || enrollment.status === 'paused') && enrollment.currentStepId === run.stepId;
    if (!open) return { status: 'already_advanced', answer: null, message: 'Thanks — this has already moved on, so nothing was changed.' };
    const automation = await this.automations.findById(run.automationId);
    const config = ((automation ? (JSON.parse(automation.actions) as Array<{ config?: Record<string, unknown> }>)[action]?.config : undefined) ?? {}) as { interest?: { onYes?: InterestEffect; onNo?: InterestEffect } };
    const effect: InterestEffect = (answer === 'yes' ? config.interest?.onYes : config.interest?.onNo) ?? (answer === 'no' ? 'exit' : 'none');
    try {
      await this.automations.insertAnswer({ id: randomUUID(), leadId: run.leadId, enrollmentId: run.enrollmentId, stepId: run.stepId, participantActionId: run.participantActionId, answer, effect, answeredAt: now });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return this.answer(token); // answered at the same moment from another click
    }
    if (effect === 'exit') await this.engine.exit(run.enrollmentId, `answered ${answer} to "Still interested?"`);
    else if (effect === 'complete_step' && stay) {
      const loaded = await this.engine.load(stay.id);
      if (loaded) await this.engine.finish(loaded.action, { kind: 'completed', outcome: `interested: ${answer}` }, loaded, null);
    }
    return { status: 'recorded', answer, message: answer === 'yes' ? 'Thank you — we will be in touch.' : 'Thank you — we will not contact you about this again.' };
  }
}

function summarize(type: string, r: ActionResult): RunResult {
  const status = r.kind === 'failed' ? 'failed' : r.kind === 'skipped' || r.kind === 'held' ? 'skipped' : 'completed';
  const outcome = 'outcome' in r ? r.outcome : r.kind;
  const detail = 'detail' in r ? (r.detail ?? null) : null;
  return { type, status, outcome, detail };
}

export function toRunView(r: AutomationRunEntity): AutomationRunView {
  return {
    id: r.id,
    automationId: r.automationId,
    scheduleId: r.scheduleId,
    stepId: r.stepId,
    enrollmentId: r.enrollmentId,
    leadId: r.leadId,
    participantActionId: r.participantActionId,
    occurrence: r.occurrence,
    status: r.status as AutomationRunView['status'],
    dueAt: r.dueAt.toISOString(),
    firedAt: r.firedAt?.toISOString() ?? null,
    results: r.results ? (JSON.parse(r.results) as RunResult[]) : [],
    detail: r.detail,
  };
}
