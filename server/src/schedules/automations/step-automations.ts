import { randomUUID } from 'node:crypto';
import { type EntityManager, In } from 'typeorm';
import { AUTOMATION_ACTION_TYPES, type AutomationActionView, type StepAutomationView } from '#shared';
import type { FieldIssue, ValidationContext } from '../actions/action-handler.js';
import type { ActionRegistry } from '../actions/action-registry.js';
import { type AutomationTrigger, type DelayParts, describeTrigger, type RepeatUnit, validateTrigger } from './automation-timing.js';
import { AutomationRunEntity, StepAutomationEntity } from './automation.entity.js';

/** An automation as a schedule save sends it (checked by `validateAutomations` first). */
export interface AutomationInput {
  id?: string;
  name?: string | null;
  active?: boolean;
  trigger: Record<string, unknown>;
  actions: Array<{ type: string; config?: Record<string, unknown> }>;
}

const MAX_PER_STEP = 20;
const MAX_ACTIONS = 10;

/** Problems with a step's automations, named by path (`steps[1].automations[0].trigger.after.days`…). */
export async function validateAutomations(input: unknown, registry: ActionRegistry, ctx: Omit<ValidationContext, 'prefix' | 'activation'>, prefix: string, knownIds: ReadonlySet<string>): Promise<FieldIssue[]> {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) return [{ field: prefix, message: 'must be a list' }];
  if (input.length > MAX_PER_STEP) return [{ field: prefix, message: `must have at most ${MAX_PER_STEP} automations` }];
  const issues: FieldIssue[] = [];
  for (const [i, raw] of input.entries()) {
    const at = `${prefix}[${i}]`;
    const a = raw as Record<string, unknown> | null;
    if (!a || typeof a !== 'object') {
      issues.push({ field: at, message: 'must be an object' });
      continue;
    }
    if (a.id !== undefined && (typeof a.id !== 'string' || !knownIds.has(a.id))) issues.push({ field: `${at}.id`, message: 'is not an automation of this step' });
    if (a.name !== undefined && a.name !== null && (typeof a.name !== 'string' || a.name.length > 120)) issues.push({ field: `${at}.name`, message: 'must be text of at most 120 characters' });
    if (a.active !== undefined && typeof a.active !== 'boolean') issues.push({ field: `${at}.active`, message: 'must be true or false' });
    issues.push(...validateTrigger(a.trigger, `${at}.trigger`));
    if (!Array.isArray(a.actions) || !a.actions.length) {
      issues.push({ field: `${at}.actions`, message: 'must list at least one action' });
      continue;
    }
    if (a.actions.length > MAX_ACTIONS) issues.push({ field: `${at}.actions`, message: `must have at most ${MAX_ACTIONS} actions` });
    for (const [j, rawAction] of (a.actions as unknown[]).entries()) {
      const ap = `${at}.actions[${j}]`;
      const action = rawAction as { type?: unknown; config?: unknown } | null;
      if (!action || typeof action !== 'object') {
        issues.push({ field: ap, message: 'must be an object' });
        continue;
      }
      if (typeof action.type !== 'string' || !(AUTOMATION_ACTION_TYPES as readonly string[]).includes(action.type)) {
        issues.push({ field: `${ap}.type`, message: `must be one of ${AUTOMATION_ACTION_TYPES.join(', ')}` });
        continue;
      }
      if (action.config !== undefined && (typeof action.config !== 'object' || action.config === null || Array.isArray(action.config))) {
        issues.push({ field: `${ap}.config`, message: 'must be an object' });
        continue;
      }
      const handler = registry.get(action.type);
      if (!handler) {
        issues.push({ field: `${ap}.type`, message: `no handler for ${action.type}` });
        continue;
      }
      issues.push(...(await handler.validate((action.config as Record<string, unknown> | undefined) ?? {}, { ...ctx, prefix: `${ap}.config`, activation: 'automatic' })));
    }
  }
  return issues;
}

function normalTrigger(t: Record<string, unknown>): AutomationTrigger {
  if (t.kind === 'complete') return { kind: 'complete' };
  const parts = (d: unknown): DelayParts => {
    const x = (d ?? {}) as DelayParts;
    return { ...(x.months ? { months: x.months } : {}), ...(x.weeks ? { weeks: x.weeks } : {}), ...(x.days ? { days: x.days } : {}) };
  };
  if (t.kind === 'enter') return { kind: 'enter', delay: parts(t.delay) };
  const repeat = t.repeat as { every: number; unit: RepeatUnit; maxTimes: number } | null | undefined;
  return { kind: 'pending', after: parts(t.after), repeat: repeat ? { every: repeat.every, unit: repeat.unit, maxTimes: repeat.maxTimes } : null };
}

/**
 * Writes a step's automations inside the schedule's save: those sent with their id are
 * kept (and updated), new ones added, those left out deleted (their planned firings
 * canceled). `input` undefined leaves the step's automations as they are.
 */
export async function saveAutomations(em: EntityManager, scheduleId: string, stepId: string, input: AutomationInput[] | undefined, now: Date): Promise<void> {
  if (input === undefined) return;
  const repo = em.getRepository(StepAutomationEntity);
  const existing = await repo.find({ select: { id: true }, where: { stepId } });
  const keep = new Set(input.map((a) => a.id).filter(Boolean) as string[]);
  const gone = existing.map((a) => a.id).filter((id) => !keep.has(id));
  await deleteAutomations(em, { ids: gone }, now);
  for (const [i, a] of input.entries()) {
    const trigger = normalTrigger(a.trigger);
    const columns = {
      position: i + 1,
      name: a.name?.trim() || null,
      active: a.active ?? true,
      triggerKind: trigger.kind,
      trigger: JSON.stringify(trigger),
      actions: JSON.stringify(a.actions.map((x) => ({ type: x.type, config: x.config ?? {} }))),
      updatedAt: now,
    };
    if (a.id) await repo.update({ id: a.id, stepId }, columns);
    else await repo.insert({ id: randomUUID(), scheduleId, stepId, createdAt: now, ...columns });
  }
}

/** Deletes automations (by id, or every one of some steps), canceling what they had planned. */
export async function deleteAutomations(em: EntityManager, which: { ids: string[] } | { stepIds: string[] }, now: Date): Promise<void> {
  const repo = em.getRepository(StepAutomationEntity);
  const ids = 'ids' in which ? which.ids : (await repo.find({ select: { id: true }, where: { stepId: In(which.stepIds.length ? which.stepIds : ['-']) } })).map((a) => a.id);
  if (!ids.length) return;
  await em.getRepository(AutomationRunEntity).update({ automationId: In(ids), status: 'scheduled' }, { status: 'canceled', detail: 'the automation was deleted', updatedAt: now });
  await repo.delete({ id: In(ids) });
}

export function toAutomationView(a: StepAutomationEntity): StepAutomationView {
  const trigger = JSON.parse(a.trigger) as AutomationTrigger;
  return { id: a.id, name: a.name, active: a.active, trigger, triggerSummary: describeTrigger(trigger), actions: JSON.parse(a.actions) as AutomationActionView[] };
}

/** The automations of these steps, by step, in order. */
export async function automationsOf(em: EntityManager, stepIds: string[]): Promise<Map<string, StepAutomationView[]>> {
  const out = new Map<string, StepAutomationView[]>();
  if (!stepIds.length) return out;
  const rows = await em.getRepository(StepAutomationEntity).find({ where: { stepId: In(stepIds) }, order: { position: 'ASC' } });
  for (const r of rows) out.set(r.stepId, [...(out.get(r.stepId) ?? []), toAutomationView(r)]);
  return out;
}
