import { Injectable } from '@nestjs/common';
import { Enroller } from './enroller.js';
import { OPT_OUT_CHANNELS, type OptOutChannel } from '#shared';
import { CallbacksService } from '../../callbacks/callbacks.service.js';
import { Clock } from '../../common/clock.js';
import { OptOutsService } from '../../compliance/opt-outs.service.js';
import { Transactions } from '../../database/transactions.js';
import { updateLead } from '../../leads/leads.repository.js';
import { type Criteria, evaluateCriteria, validateCriteria } from '../criteria.js';
import { applyLeadChanges, type LeadChange, validateLeadChanges } from '../lead-changes.js';
import { LeadFactsService } from '../lead-facts.js';
import { validateTemplate } from '../templates.js';
import { DELAY_UNITS, type DelayUnit } from '../timing.js';
import type { ActionContext, ActionHandler, ActionResult, FieldIssue, ValidationContext } from './action-handler.js';

const UNIT_MS: Record<DelayUnit, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Wait: nothing to do; its timing is the wait. */
@Injectable()
export class WaitAction implements ActionHandler {
  readonly type = 'wait';
  readonly inGroups = false;
  readonly activations = ['automatic'] as const;
  async validate(): Promise<FieldIssue[]> {
    return [];
  }
  async run(): Promise<ActionResult> {
    return { kind: 'completed', outcome: 'waited' };
  }
}

/** A task or call reminder for the owner: offered to them, completed by them. */
@Injectable()
export class TaskAction implements ActionHandler {
  readonly type = 'task';
  readonly inGroups = false;
  readonly activations = ['manual'] as const;
  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    if (typeof config.title !== 'string' || !config.title.trim()) return [{ field: `${ctx.prefix}.title`, message: 'is required' }];
    if (config.title.length > 200) return [{ field: `${ctx.prefix}.title`, message: 'is longer than 200 characters' }];
    if (config.note !== undefined && typeof config.note !== 'string') return [{ field: `${ctx.prefix}.note`, message: 'must be text' }];
    return typeof config.note === 'string' ? validateTemplate(config.note, Object.keys(ctx.customFieldTypes), `${ctx.prefix}.note`) : [];
  }
  async run(): Promise<ActionResult> {
    // Tasks are manual: the engine offers them and never runs them.
    return { kind: 'skipped', outcome: 'tasks are done by people' };
  }
}

/** Books a callback for the owner (or anyone) after a delay. */
@Injectable()
export class CallbackAction implements ActionHandler {
  readonly type = 'callback';
  readonly activations = ['automatic'] as const;
  constructor(private readonly callbacks: CallbacksService) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    const issues: FieldIssue[] = [];
    const after = config.after as { amount?: unknown; unit?: unknown } | undefined;
    if (after !== undefined) {
      if (!after || typeof after !== 'object' || typeof after.amount !== 'number' || after.amount < 0) issues.push({ field: `${ctx.prefix}.after.amount`, message: 'must be a number, not negative' });
      if (!after || !DELAY_UNITS.includes(after.unit as DelayUnit)) issues.push({ field: `${ctx.prefix}.after.unit`, message: `must be one of ${DELAY_UNITS.join(', ')}` });
    }
    if (config.assignTo !== undefined && config.assignTo !== 'owner' && config.assignTo !== 'anyone') issues.push({ field: `${ctx.prefix}.assignTo`, message: 'must be owner or anyone' });
    if (config.escalateAfterMinutes !== undefined && (!Number.isInteger(config.escalateAfterMinutes) || (config.escalateAfterMinutes as number) < 1)) {
      issues.push({ field: `${ctx.prefix}.escalateAfterMinutes`, message: 'must be a whole number of minutes, at least 1' });
    }
    return issues;
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const after = (ctx.config.after as { amount: number; unit: DelayUnit } | undefined) ?? { amount: 0, unit: 'minutes' };
    const cb = await this.callbacks.book({
      leadId: ctx.lead.lead.id,
      dueAt: new Date(ctx.now.getTime() + after.amount * UNIT_MS[after.unit]),
      ownerId: ctx.config.assignTo === 'anyone' ? null : ctx.ownerId,
      note: typeof ctx.config.note === 'string' ? ctx.config.note : `From ${ctx.origin}`,
      origin: ctx.run ? 'schedule' : 'action-group',
      escalateAfterMinutes: typeof ctx.config.escalateAfterMinutes === 'number' ? ctx.config.escalateAfterMinutes : undefined,
      createdBy: null,
      enrollmentId: ctx.run?.enrollment.id ?? null,
    });
    return { kind: 'completed', outcome: 'callback booked', detail: `callback ${cb.id} due ${cb.dueAt}` };
  }
}

/** Choice: ends the enrollment when its conditions match; otherwise the lead goes on. */
@Injectable()
export class ChoiceAction implements ActionHandler {
  readonly type = 'choice';
  readonly inGroups = false;
  readonly activations = ['automatic'] as const;
  constructor(private readonly facts: LeadFactsService) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    if (!config.criteria) return [{ field: `${ctx.prefix}.criteria`, message: 'is required' }];
    return validateCriteria(config.criteria, ctx.customFieldTypes, `${ctx.prefix}.criteria`);
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    if (!ctx.run) return { kind: 'skipped', outcome: 'not in a schedule' };
    const facts = await this.facts.build(ctx.lead, ctx.run.enrollment.enrolledAt, { type: 'schedule', id: ctx.run.schedule.id });
    if (evaluateCriteria(ctx.config.criteria as Criteria, facts, ctx.now)) return { kind: 'exit', reason: typeof ctx.config.reason === 'string' ? ctx.config.reason.slice(0, 64) : 'choice matched' };
    return { kind: 'completed', outcome: 'continue' };
  }
}

/** Adds the lead to another schedule (duplicates and exclusivity are that schedule's rules). */
@Injectable()
export class AddToScheduleAction implements ActionHandler {
  readonly type = 'add_to_schedule';
  readonly activations = ['automatic'] as const;
  constructor(private readonly enroller: Enroller) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    const id = config.scheduleId;
    if (typeof id !== 'string' || !UUID.test(id)) return [{ field: `${ctx.prefix}.scheduleId`, message: 'must be a schedule id' }];
    if (id === ctx.scheduleId) return [{ field: `${ctx.prefix}.scheduleId`, message: 'must be another schedule (use restart_schedule to start again)' }];
    if (!(await ctx.scheduleExists(id))) return [{ field: `${ctx.prefix}.scheduleId`, message: `no schedule ${id} that you may add leads to` }];
    return [];
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const r = await this.enroller.enrollOne(String(ctx.config.scheduleId), ctx.lead.lead.id, ctx.run ? 'schedule' : 'action-group', null);
    return r.enrolled ? { kind: 'completed', outcome: 'enrolled' } : { kind: 'completed', outcome: 'not enrolled', detail: r.reason };
  }
}

/** Starts this enrollment again from the first step. */
@Injectable()
export class RestartScheduleAction implements ActionHandler {
  readonly type = 'restart_schedule';
  readonly inGroups = false;
  readonly activations = ['automatic'] as const;
  async validate(): Promise<FieldIssue[]> {
    return [];
  }
  async run(): Promise<ActionResult> {
    return { kind: 'restart' };
  }
}

/** Sets, increments or clears lead fields, adds or removes tags, toggles instant dial. */
@Injectable()
export class ModifyLeadAction implements ActionHandler {
  readonly type = 'modify_lead';
  readonly activations = ['automatic'] as const;
  constructor(
    private readonly tx: Transactions,
    private readonly clock: Clock,
  ) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    if (!Array.isArray(config.changes) || !config.changes.length) return [{ field: `${ctx.prefix}.changes`, message: 'must list at least one change' }];
    return validateLeadChanges(config.changes, ctx.customFieldTypes, `${ctx.prefix}.changes`);
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const changed = applyLeadChanges(ctx.lead, ctx.config.changes as LeadChange[], this.clock.now());
    if (!changed) return { kind: 'completed', outcome: 'unchanged' };
    await this.tx.run((em) => updateLead(em, { lead: changed.lead, tags: changed.tags }));
    return { kind: 'completed', outcome: 'updated' };
  }
}

/** Opts the lead's numbers and email out (the ledger keeps that a schedule did it). */
@Injectable()
export class OptOutAction implements ActionHandler {
  readonly type = 'opt_out';
  readonly activations = ['automatic'] as const;
  constructor(private readonly optOuts: OptOutsService) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    const issues: FieldIssue[] = [];
    if (config.channel !== undefined && !OPT_OUT_CHANNELS.includes(config.channel as OptOutChannel)) issues.push({ field: `${ctx.prefix}.channel`, message: `must be one of ${OPT_OUT_CHANNELS.join(', ')}` });
    if (config.scope !== undefined && config.scope !== 'global' && config.scope !== 'schedule') issues.push({ field: `${ctx.prefix}.scope`, message: 'must be global or schedule' });
    return issues;
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const channel = (ctx.config.channel as OptOutChannel | undefined) ?? 'all';
    const scope = ctx.config.scope === 'schedule' && ctx.run ? { type: 'schedule' as const, id: ctx.run.schedule.id } : undefined;
    const addresses = [...ctx.lead.phones.map((p) => p.e164), ...(ctx.lead.lead.email && (channel === 'email' || channel === 'all') ? [ctx.lead.lead.email] : [])];
    const phoneChannel = channel === 'email' ? null : channel;
    let written = 0;
    for (const address of addresses) {
      const isEmail = address.includes('@');
      if (!isEmail && !phoneChannel) continue;
      await this.optOuts.write({ address, action: 'opt-out', channel: isEmail ? 'email' : (phoneChannel as OptOutChannel), scope, source: ctx.run ? 'schedule' : 'action-group', actorId: null, note: ctx.origin });
      written++;
    }
    return { kind: 'completed', outcome: written ? 'opted out' : 'no address', detail: `${written} address${written === 1 ? '' : 'es'}` };
  }
}

/** Blocks every number of the lead. */
@Injectable()
export class BlockAction implements ActionHandler {
  readonly type = 'block';
  readonly activations = ['automatic'] as const;
  constructor(private readonly optOuts: OptOutsService) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    return config.reason !== undefined && (typeof config.reason !== 'string' || config.reason.length > 200) ? [{ field: `${ctx.prefix}.reason`, message: 'must be text of at most 200 characters' }] : [];
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    for (const p of ctx.lead.phones) await this.optOuts.blockNumber(p.e164, typeof ctx.config.reason === 'string' ? ctx.config.reason : ctx.origin, ctx.run ? 'schedule' : 'action-group', null);
    return { kind: 'completed', outcome: ctx.lead.phones.length ? 'blocked' : 'no number', detail: `${ctx.lead.phones.length} number(s)` };
  }
}
