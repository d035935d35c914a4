import { AUTOMATION_ACTION_TYPES, type AutomationActionView, type StepAutomationView } from '#shared';
import type { FieldIssue, ValidationContext } from '../actions/action-handler.js';
import type { ActionRegistry } from '../actions/action-registry.js';
import { type AutomationTrigger, type DelayParts, describeTrigger, type RepeatUnit, validateTrigger } from './automation-timing.js';
import type { StepAutomationEntity } from './automation.entity.js';

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

/** A trigger as stored: only the fields its kind has. */
export function normalTrigger(t: Record<string, unknown>): AutomationTrigger {
  if (t.kind === 'complete') return { kind: 'complete' };
  const parts = (d: unknown): DelayParts => {
    const x = (d ?? {}) as DelayParts;
    return { ...(x.months ? { months: x.months } : {}), ...(x.weeks ? { weeks: x.weeks } : {}), ...(x.days ? { days: x.days } : {}) };
  };
  if (t.kind === 'enter') return { kind: 'enter', delay: parts(t.delay) };
  const repeat = t.repeat as { every: number; unit: RepeatUnit; maxTimes: number } | null | undefined;
  return { kind: 'pending', after: parts(t.after), repeat: repeat ? { every: repeat.every, unit: repeat.unit, maxTimes: repeat.maxTimes } : null };
}

export function toAutomationView(a: StepAutomationEntity): StepAutomationView {
  const trigger = JSON.parse(a.trigger) as AutomationTrigger;
  return { id: a.id, name: a.name, active: a.active, trigger, triggerSummary: describeTrigger(trigger), actions: JSON.parse(a.actions) as AutomationActionView[] };
}
