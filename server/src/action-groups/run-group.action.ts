import { Injectable } from '@nestjs/common';
import { RUN_GROUP_ACTION } from '#shared';
import type { ActionContext, ActionHandler, ActionResult, FieldIssue, ValidationContext } from '../schedules/actions/action-handler.js';
import { ActionGroupsRepository } from './action-groups.repository.js';
import { GroupRunner } from './group-runner.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs an action group: as a schedule step (once per participant action, with the
 * schedule's pools and owner), or inside another group (the runner expands it in place).
 */
@Injectable()
export class RunGroupAction implements ActionHandler {
  readonly type = RUN_GROUP_ACTION;
  readonly activations = ['automatic'] as const;

  constructor(
    private readonly groups: ActionGroupsRepository,
    private readonly runner: GroupRunner,
  ) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    const id = config.groupId;
    if (typeof id !== 'string' || !UUID.test(id)) return [{ field: `${ctx.prefix}.groupId`, message: 'must be an action group id' }];
    if (!(await this.groups.exists(id))) return [{ field: `${ctx.prefix}.groupId`, message: `no action group ${id}` }];
    return [];
  }

  async describe(ctx: ActionContext): Promise<string> {
    const g = await this.groups.findById(String(ctx.config.groupId));
    return `run the actions of group ${g?.name ?? String(ctx.config.groupId)}`;
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    if (!ctx.run) return { kind: 'skipped', outcome: 'not in a schedule', detail: 'groups inside groups run in place' };
    const groupId = String(ctx.config.groupId);
    if (!(await this.runner.isActive(groupId))) return { kind: 'skipped', outcome: 'group inactive', detail: `action group ${groupId} is inactive` };
    const { view: run, heldUntil } = await this.runner.executeRun(
      // Each firing of an automation runs the group again; a schedule step runs it once per stay.
      { groupId, trigger: ctx.cause.type === 'automation-run' ? 'automation' : 'schedule_step', triggerRef: ctx.cause.type === 'automation-run' ? ctx.cause.id : ctx.run.action.id, leadId: ctx.lead.lead.id, conversationId: null, enrollmentId: ctx.run.enrollment.id, actorId: null },
      ctx.run,
    );
    // An action of the group waits for capacity: so does the step, and the run goes on from it then.
    if (heldUntil) return { kind: 'held', until: heldUntil, detail: `run ${run.id}: ${run.steps.find((s) => s.status === 'held')?.detail ?? 'an action waits for capacity'}` };
    const failed = run.steps.filter((s) => s.status === 'failed');
    if (failed.length) return { kind: 'failed', outcome: 'group failed', detail: `run ${run.id}: ${failed.map((s) => `${s.path} ${s.type}: ${s.error ?? s.outcome}`).join('; ')}` };
    return { kind: 'completed', outcome: 'group run', detail: `run ${run.id}: ${run.steps.length} action(s)` };
  }
}
