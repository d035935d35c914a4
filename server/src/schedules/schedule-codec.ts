import type { ScheduleAccessLevel, ScheduleSharingView, StepAutomationView, CriteriaView, EnrollmentView, ExitCriteriaView, ParticipantActionView, ScheduleStepView, ScheduleView } from '#shared';
import type { Criteria } from './criteria.js';
import type { LeadChange } from './lead-changes.js';
import type { EnrollmentEntity, ParticipantActionEntity, ScheduleEntity, ScheduleStepEntity } from './schedule.entity.js';
import { type BusinessCalendar, describeTiming, type StepTiming, type TimingWindow } from './timing.js';

/** Reading and writing the JSON columns of schedules and steps, and the API views. */

export const DEFAULT_EXIT_CRITERIA: ExitCriteriaView = { onOptOut: true, onUnsubscribe: true, onBounce: true, onReply: true, onDispositionExit: true, conditions: null };

export function exitCriteriaOf(s: ScheduleEntity): ExitCriteriaView {
  return { ...DEFAULT_EXIT_CRITERIA, ...(JSON.parse(s.exitCriteria || '{}') as Partial<ExitCriteriaView>) };
}

export function stepTiming(step: ScheduleStepEntity): StepTiming {
  return JSON.parse(step.timing) as StepTiming;
}

export function stepCriteria(step: ScheduleStepEntity): Criteria | null {
  return step.criteria ? (JSON.parse(step.criteria) as Criteria) : null;
}

export function stepFieldUpdates(step: ScheduleStepEntity): LeadChange[] {
  return step.fieldUpdates ? (JSON.parse(step.fieldUpdates) as LeadChange[]) : [];
}

export function stepConfig(step: ScheduleStepEntity): Record<string, unknown> {
  return JSON.parse(step.config || '{}') as Record<string, unknown>;
}

export function calendarOf(s: ScheduleEntity, defaultTimezone: string): BusinessCalendar {
  return {
    timezone: s.timezone ?? defaultTimezone,
    hours: { start: s.businessStart, end: s.businessEnd },
    days: s.businessDays.split(',').filter(Boolean).map(Number),
    excludeWeekends: s.excludeWeekends,
    holidays: JSON.parse(s.holidays || '[]') as string[],
  };
}

export function toStepView(step: ScheduleStepEntity, automations: StepAutomationView[] = []): ScheduleStepView {
  const timing = stepTiming(step);
  return {
    id: step.id,
    position: step.position,
    type: step.type,
    name: step.name,
    config: stepConfig(step),
    timing,
    window: step.timingWindow as TimingWindow,
    timingSummary: describeTiming(timing, step.timingWindow as TimingWindow),
    activation: step.activation as ScheduleStepView['activation'],
    criteria: stepCriteria(step) as CriteriaView | null,
    criteriaMode: step.criteriaMode as 'hold' | 'skip',
    fieldUpdates: step.fieldUpdates ? (JSON.parse(step.fieldUpdates) as unknown[]) : null,
    ownerField: step.ownerField,
    onRefusal: step.onRefusal as 'hold' | 'skip',
    automations,
  };
}

export function toScheduleView(
  s: ScheduleEntity,
  steps: ScheduleStepEntity[],
  seen: { sharing: ScheduleSharingView; access: ScheduleAccessLevel },
  counts?: ScheduleView['counts'],
  automations: Map<string, StepAutomationView[]> = new Map(),
): ScheduleView {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    active: s.active,
    type: s.type as ScheduleView['type'],
    timezone: s.timezone,
    businessHours: { start: s.businessStart, end: s.businessEnd },
    businessDays: s.businessDays.split(',').filter(Boolean).map(Number),
    excludeWeekends: s.excludeWeekends,
    holidays: JSON.parse(s.holidays || '[]') as string[],
    dripPerHour: s.dripPerHour,
    dripPerDay: s.dripPerDay,
    dialPoolId: s.dialPoolId,
    smsPoolId: s.smsPoolId,
    delegationField: s.delegationField,
    coordinatorId: s.coordinatorId,
    audience: s.audience ? (JSON.parse(s.audience) as ScheduleView['audience']) : null,
    audienceEvery: s.audienceEvery as ScheduleView['audienceEvery'],
    audienceAt: s.audienceAt,
    audienceCheckedAt: s.audienceCheckedAt?.toISOString() ?? null,
    watcherIds: JSON.parse(s.watcherIds || '[]') as string[],
    exitCriteria: exitCriteriaOf(s),
    allowReenrollment: s.allowReenrollment,
    exclusive: s.exclusive,
    priority: s.priority,
    steps: steps.filter((x) => !x.deletedAt).sort((a, b) => a.position - b.position).map((x) => toStepView(x, automations.get(x.id) ?? [])),
    ...(counts ? { counts } : {}),
    ownerId: s.ownerId,
    sharing: seen.sharing,
    access: seen.access,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function toEnrollmentView(e: EnrollmentEntity): EnrollmentView {
  return {
    id: e.id,
    scheduleId: e.scheduleId,
    leadId: e.leadId,
    status: e.status as EnrollmentView['status'],
    currentStepId: e.currentStepId,
    source: e.source,
    enrolledBy: e.enrolledBy,
    enrolledAt: e.enrolledAt.toISOString(),
    startsAt: e.startsAt.toISOString(),
    exitReason: e.exitReason,
    endedAt: e.endedAt?.toISOString() ?? null,
    pausedAt: e.pausedAt?.toISOString() ?? null,
  };
}

export function toActionView(a: ParticipantActionEntity): ParticipantActionView {
  return {
    id: a.id,
    enrollmentId: a.enrollmentId,
    scheduleId: a.scheduleId,
    stepId: a.stepId,
    leadId: a.leadId,
    type: a.type,
    activation: a.activation as ParticipantActionView['activation'],
    ownerId: a.ownerId,
    status: a.status as ParticipantActionView['status'],
    dueAt: a.dueAt.toISOString(),
    outcome: a.outcome,
    detail: a.detail,
    attempts: a.attempts,
    conversationId: a.conversationId,
    startedAt: a.startedAt?.toISOString() ?? null,
    completedAt: a.completedAt?.toISOString() ?? null,
    completedBy: a.completedBy,
    createdAt: a.createdAt.toISOString(),
  };
}
