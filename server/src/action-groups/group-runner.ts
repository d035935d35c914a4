import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EntityManager } from 'typeorm';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ErrorCode, type GroupPlanStepView, type GroupPlanView, type GroupRunStepView, type GroupRunView, type GroupTrigger, MAX_GROUP_DEPTH, RUN_GROUP_ACTION } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { JsonLogger } from '../common/json-logger.js';
import { ContactPolicy } from '../compliance/contact-policy.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { type LeadRecord, LeadsRepository } from '../leads/leads.repository.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import type { ActionContext, ActionResult, ScheduleRun } from '../schedules/actions/action-handler.js';
import { ActionRegistry } from '../schedules/actions/action-registry.js';
import type { ActionGroupEntity, ActionGroupRunEntity, ActionGroupRunStepEntity } from './action-group.entity.js';
import { ActionGroupsRepository } from './action-groups.repository.js';
import { parseActions } from './group-actions.js';

export const GROUP_RUN_QUEUE = 'action-group.run';

/** What fires a group, for whom. */
export interface RunRequest {
  groupId: string;
  trigger: GroupTrigger;
  /** The disposition code, participant action, phrase or caller's key. */
  triggerRef: string | null;
  leadId: string;
  conversationId: string | null;
  enrollmentId: string | null;
  actorId: string | null;
}

/** A run's key: one run per group, trigger, what fired it and subject (the conversation, else the enrollment, else the lead). */
export function runKey(r: RunRequest): string {
  const ref = r.triggerRef ?? '';
  const subject = r.conversationId ?? r.enrollmentId ?? r.leadId;
  const key = `${r.groupId}:${r.trigger}:${ref}:${subject}`;
  return key.length <= 255 ? key : `${r.groupId}:${r.trigger}:${createHash('sha256').update(`${ref}:${subject}`).digest('hex')}`;
}

/** What a walk through a run's actions found: a failure, or an action held for capacity until when. */
interface Walk {
  failed: boolean;
  heldUntil: Date | null;
}

const STEP_STATUS: Record<ActionResult['kind'], 'completed' | 'skipped' | 'failed' | 'held'> = {
  completed: 'completed',
  skipped: 'skipped',
  failed: 'failed',
  held: 'held',
  waiting: 'completed',
  exit: 'skipped',
  restart: 'skipped',
};

/**
 * Runs action groups. A run is keyed by (group, trigger, what fired it, subject): the
 * same trigger again returns the run already made. Each action is written to the run's
 * audit trail before it runs (with its input) and after (outcome, error, time taken); a
 * run cut short is resumed by running it again, which skips the actions already
 * finished and gives an interrupted one the same idempotency key, so its effect happens
 * once. Included groups run in place (their actions numbered 2.1, 2.2…). An action that
 * must wait for capacity (no caller ID free, the carrier limiting requests, the calling
 * window closed) holds the run: it is `held`, the later actions wait behind it, and the run
 * goes on from that action when capacity returns — queued again for then, or, inside a
 * schedule step, by the step being held until then.
 */
@Injectable()
export class GroupRunner implements OnModuleInit {
  constructor(
    private readonly repo: ActionGroupsRepository,
    private readonly registry: ActionRegistry,
    private readonly leads: LeadsRepository,
    private readonly policy: ContactPolicy,
    private readonly scheduler: SchedulerService,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(GROUP_RUN_QUEUE, {
      handle: async (p) => {
        // Deactivated since it was queued: it does not fire.
        if (await this.isActive((p as RunRequest).groupId)) await this.execute(p as RunRequest);
      },
    });
    // A disposition's group is queued by the disposition itself, inside its transaction (`enqueue` with its manager).
  }

  /** An inactive group fires from none of its triggers. */
  async isActive(groupId: string): Promise<boolean> {
    return this.repo.isActive(groupId);
  }

  /**
   * Queues a run (durably, retried by the scheduler); the same key queued again is one job.
   * With `em`, inside that transaction: the run is queued if and only if what fired it is written. Returns the key.
   */
  async enqueue(r: RunRequest, em?: EntityManager): Promise<string> {
    const key = runKey(r);
    await this.scheduler.enqueue(GROUP_RUN_QUEUE, r, { dedupeKey: `group-run:${key}`, em });
    return key;
  }

  /** Runs a group now (or finishes a run cut short); a run already finished is returned as it was. */
  async execute(r: RunRequest, scheduleRun: ScheduleRun | null = null): Promise<GroupRunView> {
    return (await this.executeRun(r, scheduleRun)).view;
  }

  /** `execute`, with when a held run goes on (null when it is not held). */
  async executeRun(r: RunRequest, scheduleRun: ScheduleRun | null): Promise<{ view: GroupRunView; heldUntil: Date | null }> {
    const group = await this.repo.findById(r.groupId);
    if (!group) throw DomainError.notFound('Action group');
    if (!group.active) throw new DomainError(ErrorCode.Conflict, `The action group ${group.name} is inactive`);
    const key = runKey(r);
    let run = await this.repo.findRunByKey(key);
    if (!run) {
      const row: ActionGroupRunEntity = {
        id: randomUUID(),
        groupId: r.groupId,
        runKey: key,
        trigger: r.trigger,
        triggerRef: r.triggerRef?.slice(0, 200) ?? null,
        leadId: r.leadId,
        conversationId: r.conversationId,
        enrollmentId: r.enrollmentId,
        actorId: r.actorId,
        status: 'running',
        startedAt: this.clock.now(),
        finishedAt: null,
      };
      try {
        await this.repo.insertRun(row);
        run = row;
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        run = await this.repo.getRunByKey(key);
      }
    }
    if (run.status === 'held') {
      await this.repo.resumeHeldRun(run.id);
      run = { ...run, status: 'running' };
    }
    if (run.status !== 'running') return { view: await this.view(run), heldUntil: null };
    const done = new Map((await this.repo.stepsOf(run.id)).map((s) => [s.path, s]));
    const walked: Walk = { failed: false, heldUntil: null };
    const lead = await this.leads.findById(run.leadId);
    if (!lead || lead.lead.deletedAt) {
      await this.record(run, done, { path: '1', groupId: group.id, type: 'lead', input: { leadId: run.leadId } }, async () => ({ kind: 'failed', outcome: 'no lead', detail: `lead ${run.leadId} is gone` }));
      walked.failed = true;
    } else {
      await this.walk(run, group, '', 1, done, scheduleRun, walked);
    }
    if (walked.heldUntil) {
      await this.repo.holdRun(run.id);
      // Outside a schedule the run is queued again for then; a schedule step holds itself.
      if (!scheduleRun) await this.scheduler.enqueue(GROUP_RUN_QUEUE, r, { dueAt: walked.heldUntil, dedupeKey: `group-run:${key}:held:${walked.heldUntil.toISOString()}` });
    } else {
      await this.repo.finishRun(run.id, walked.failed ? 'failed' : 'completed', this.clock.now());
    }
    return { view: await this.view(await this.repo.getRun(run.id)), heldUntil: walked.heldUntil };
  }

  /** Runs a group's actions in order under `prefix`, noting in `walked` any failure, and stopping at an action held for capacity. */
  private async walk(run: ActionGroupRunEntity, group: ActionGroupEntity, prefix: string, depth: number, done: Map<string, ActionGroupRunStepEntity>, scheduleRun: ScheduleRun | null, walked: Walk): Promise<void> {
    for (const [i, action] of parseActions(group.actions).entries()) {
      if (walked.heldUntil) return;
      const path = prefix ? `${prefix}.${i + 1}` : `${i + 1}`;
      if (action.type === RUN_GROUP_ACTION) {
        const inner = await this.repo.findById(String(action.config.groupId));
        const ok = !!inner && inner.active && depth < MAX_GROUP_DEPTH;
        await this.record(run, done, { path, groupId: group.id, type: action.type, input: action.config }, async () =>
          ok ? { kind: 'completed', outcome: 'included', detail: `group ${inner.name}` } : { kind: 'failed', outcome: inner ? 'not run' : 'no group', detail: !inner ? `group ${String(action.config.groupId)} is gone` : !inner.active ? `group ${inner.name} is inactive` : `deeper than ${MAX_GROUP_DEPTH} groups` },
        );
        if (ok) await this.walk(run, inner, path, depth + 1, done, scheduleRun, walked);
        else walked.failed = true;
        continue;
      }
      const handler = this.registry.get(action.type);
      let heldUntil: Date | null = null;
      const status = await this.record(run, done, { path, groupId: group.id, type: action.type, input: action.config }, async () => {
        if (!handler) return { kind: 'failed', outcome: 'unknown type', detail: `no handler for ${action.type}` };
        // Re-read: an earlier action of the run may have changed the lead.
        const lead = (await this.leads.findById(run.leadId)) as LeadRecord;
        const result = await handler.run(this.context(run, group, path, lead, action.config, scheduleRun));
        if (result.kind === 'held') heldUntil = result.until;
        return result;
      });
      if (status === 'failed') walked.failed = true;
      if (status === 'held') walked.heldUntil = heldUntil ?? new Date(this.clock.now().getTime() + 60_000);
    }
  }

  private context(run: Pick<ActionGroupRunEntity, 'id' | 'actorId' | 'conversationId'>, group: ActionGroupEntity, path: string, lead: LeadRecord, config: Record<string, unknown>, scheduleRun: ScheduleRun | null): ActionContext {
    return {
      lead,
      config,
      now: this.clock.now(),
      idempotencyKey: `ag:${run.id}:${path}`,
      ownerId: scheduleRun?.action.ownerId ?? run.actorId ?? lead.lead.ownerId,
      cause: { type: 'action-run', id: run.id },
      origin: `action group ${group.name}`,
      // A closed calling window holds the action until it opens; an opt-out or block skips it.
      onRefusal: 'hold',
      conversationId: run.conversationId,
      run: scheduleRun,
    };
  }

  /**
   * One action in the audit trail: written as running with its input, run, then finished
   * with its outcome and time. An action already finished in an earlier try is not run
   * again; one another runner is on (its row exists, running, from this very pass) is left.
   */
  private async record(
    run: ActionGroupRunEntity,
    done: Map<string, ActionGroupRunStepEntity>,
    step: { path: string; groupId: string; type: string; input: Record<string, unknown> },
    body: () => Promise<ActionResult>,
  ): Promise<string> {
    const earlier = done.get(step.path);
    if (earlier && earlier.status !== 'running' && earlier.status !== 'held') return earlier.status;
    let id = earlier?.id;
    // Held for capacity: tried again now, under the same row and idempotency key.
    if (earlier?.status === 'held') await this.repo.retryHeldStep(earlier.id, this.clock.now());
    if (!id) {
      id = randomUUID();
      try {
        await this.repo.insertStep({ id, runId: run.id, path: step.path, groupId: step.groupId, type: step.type, input: JSON.stringify(step.input), status: 'running', outcome: null, detail: null, error: null, startedAt: this.clock.now(), finishedAt: null, durationMs: null });
      } catch (e) {
        // Another pass of this run is on this action now: it finishes it.
        if (isUniqueViolation(e)) return 'running';
        throw e;
      }
    }
    const t0 = performance.now();
    let result: ActionResult;
    let error: string | null = null;
    try {
      result = await body();
    } catch (e) {
      error = (e as Error).message ?? String(e);
      result = { kind: 'failed', outcome: 'error', detail: '' };
      this.logger.warn(`action group run ${run.id} step ${step.path} (${step.type}) failed: ${error}`);
    }
    const status = STEP_STATUS[result.kind];
    const outcome = 'outcome' in result ? result.outcome : result.kind === 'exit' ? 'exit ignored' : result.kind === 'restart' ? 'restart ignored' : 'held';
    const detail = (result.kind === 'held' ? `held until ${result.until.toISOString()}: ${result.detail}` : 'detail' in result ? result.detail : null) || null;
    // A failure's reason is its error: what was thrown, or what the action reported.
    const reason = error ?? (status === 'failed' ? detail : null);
    await this.repo.finishStep(id, { status, outcome: outcome.slice(0, 64), detail: detail?.slice(0, 4000) ?? null, error: reason?.slice(0, 4000) ?? null, finishedAt: status === 'held' ? null : this.clock.now(), durationMs: Math.round(performance.now() - t0) });
    return status;
  }

  // ── dry runs ─────────────────────────────────────────────────────────────────────

  /** What the group would do for this lead now: inputs with merge fields resolved, the gate's answer for contacts. Writes nothing. */
  async plan(groupId: string, leadId: string, conversationId: string | null): Promise<GroupPlanView> {
    const group = await this.repo.findById(groupId);
    if (!group) throw DomainError.notFound('Action group');
    const lead = await this.leads.findById(leadId);
    if (!lead || lead.lead.deletedAt) throw DomainError.validation('leadId', `no lead ${leadId}`);
    const steps: GroupPlanStepView[] = [];
    const dry = { id: 'dry-run', actorId: null, conversationId };
    const visit = async (g: ActionGroupEntity, prefix: string, depth: number): Promise<void> => {
      for (const [i, action] of parseActions(g.actions).entries()) {
        const path = prefix ? `${prefix}.${i + 1}` : `${i + 1}`;
        if (action.type === RUN_GROUP_ACTION) {
          const inner = await this.repo.findById(String(action.config.groupId));
          const ok = !!inner && inner.active && depth < MAX_GROUP_DEPTH;
          steps.push({ path, groupId: g.id, type: action.type, input: action.config, wouldDo: ok ? `run the actions of group ${inner.name}` : 'nothing: the included group is missing, inactive or too deep', allowed: null });
          if (ok) await visit(inner, path, depth + 1);
          continue;
        }
        const handler = this.registry.get(action.type);
        if (!handler) {
          steps.push({ path, groupId: g.id, type: action.type, input: action.config, wouldDo: `nothing: no handler for ${action.type}`, allowed: null });
          continue;
        }
        const ctx = this.context(dry, g, path, lead, action.config, null);
        const input = handler.preview ? { ...action.config, ...(await handler.preview(ctx)) } : action.config;
        const allowed = handler.channel ? (await this.policy.check({ lead: lead.lead }, handler.channel, ctx.now)).allowed : null;
        const wouldDo = handler.describe ? await handler.describe(ctx) : `${action.type}`;
        steps.push({ path, groupId: g.id, type: action.type, input, wouldDo: allowed === false ? `nothing now: the compliance gate would refuse (${wouldDo})` : wouldDo, allowed });
      }
    };
    await visit(group, '', 1);
    return { groupId, leadId, steps };
  }

  // ── reading ──────────────────────────────────────────────────────────────────────

  async runs(groupId: string, limit: number): Promise<GroupRunView[]> {
    const rows = await this.repo.runsOf(groupId, limit);
    const steps = rows.length ? await this.repo.stepsOfRuns(rows.map((r) => r.id)) : [];
    return rows.map((r) => toRunView(r, steps.filter((s) => s.runId === r.id)));
  }

  async run(id: string): Promise<GroupRunView> {
    const row = await this.repo.findRun(id);
    if (!row) throw DomainError.notFound('Action group run');
    return this.view(row);
  }

  async byKey(key: string): Promise<GroupRunView | null> {
    const row = await this.repo.findRunByKey(key);
    return row ? this.view(row) : null;
  }

  private async view(run: ActionGroupRunEntity): Promise<GroupRunView> {
    return toRunView(run, await this.repo.stepsOf(run.id));
  }
}

/** Paths in reading order: 2 < 2.1 < 2.2 < 3 < 10. */
function byPath(a: { path: string }, b: { path: string }): number {
  const x = a.path.split('.').map(Number);
  const y = b.path.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === undefined) return -1;
    if (y[i] === undefined) return 1;
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return 0;
}

function toRunView(r: ActionGroupRunEntity, steps: ActionGroupRunStepEntity[]): GroupRunView {
  return {
    id: r.id,
    groupId: r.groupId,
    key: r.runKey,
    trigger: r.trigger as GroupTrigger,
    triggerRef: r.triggerRef,
    leadId: r.leadId,
    conversationId: r.conversationId,
    enrollmentId: r.enrollmentId,
    actorId: r.actorId,
    status: r.status as GroupRunView['status'],
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    steps: [...steps].sort(byPath).map(
      (s): GroupRunStepView => ({
        path: s.path,
        groupId: s.groupId,
        type: s.type,
        input: JSON.parse(s.input) as Record<string, unknown>,
        status: s.status as GroupRunStepView['status'],
        outcome: s.outcome,
        detail: s.detail,
        error: s.error,
        startedAt: s.startedAt.toISOString(),
        finishedAt: s.finishedAt?.toISOString() ?? null,
        durationMs: s.durationMs,
      }),
    ),
  };
}
