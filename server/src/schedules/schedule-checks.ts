import { Injectable } from '@nestjs/common';
import { ACTIVATIONS, DELEGATION_LOOKUPS, type FieldError } from '#shared';
import { DomainError } from '../common/domain-error.js';
import { isCalendarDate } from '../common/iso-dates.js';
import { isValidTimezone } from '../common/timezones.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { RingPoolsService } from '../telephony/ring-pools/ring-pools.service.js';
import { UsersRepository } from '../users/users.repository.js';
import type { ValidationContext } from './actions/action-handler.js';
import { ActionRegistry } from './actions/action-registry.js';
import { AudiencesService } from './audiences.service.js';
import { AutomationsRepository } from './automations/automations.repository.js';
import { validateAutomations } from './automations/step-automations.js';
import { validateCriteria } from './criteria.js';
import type { ScheduleDto, SharingDto } from './dto/schedule.dto.js';
import { validateLeadChanges } from './lead-changes.js';
import { ScheduleAccess, type Viewer } from './schedule-access.js';
import { ScheduleDefinitionsRepository } from './schedule-definitions.repository.js';
import { validateTiming } from './timing.js';

const EXIT_FLAGS = ['onOptOut', 'onUnsubscribe', 'onBounce', 'onReply', 'onDispositionExit'] as const;

/**
 * A schedule as sent, checked before anything is written: its calendar, the fields and
 * pools it names, its audience, and each step's settings by its action type's handler.
 * Every problem is reported at once, each naming its field.
 */
@Injectable()
export class ScheduleChecks {
  constructor(
    private readonly definitions: ScheduleDefinitionsRepository,
    private readonly automations: AutomationsRepository,
    private readonly registry: ActionRegistry,
    private readonly leads: LeadsRepository,
    private readonly pools: RingPoolsService,
    private readonly users: UsersRepository,
    private readonly audiences: AudiencesService,
    private readonly access: ScheduleAccess,
  ) {}

  /** Every problem with a schedule as sent; with a `viewer`, schedules its steps add leads to must be ones they may edit. */
  async check(dto: ScheduleDto, scheduleId: string | null, problems: FieldError[] = [], viewer?: Viewer): Promise<void> {
    if (!dto.steps.length) problems.push({ field: 'steps', message: 'must have at least one step' });
    if (dto.timezone && !isValidTimezone(dto.timezone)) problems.push({ field: 'timezone', message: `unknown time zone ${dto.timezone}` });
    if (dto.businessHours && dto.businessHours.start >= dto.businessHours.end) problems.push({ field: 'businessHours.end', message: 'must be after the start' });
    if (dto.businessDays && !dto.businessDays.length) problems.push({ field: 'businessDays', message: 'must name at least one day' });
    if (dto.businessDays && new Set(dto.businessDays).size !== dto.businessDays.length) problems.push({ field: 'businessDays', message: 'names a day twice' });
    for (const holiday of dto.holidays ?? []) if (!isCalendarDate(holiday)) problems.push({ field: 'holidays', message: `${holiday} is not a date` });
    const customFields = await this.leads.listCustomFields();
    const customFieldTypes = Object.fromEntries(customFields.map((f) => [f.key, f.type])) as ValidationContext['customFieldTypes'];
    const userField = (v: string | null | undefined, field: string) => {
      if (!v || (DELEGATION_LOOKUPS as readonly string[]).includes(v)) return;
      const key = v.startsWith('custom.') ? v.slice('custom.'.length) : v;
      if (!customFieldTypes[key]) problems.push({ field, message: `no custom field ${key} (name a custom field holding a user, or ${DELEGATION_LOOKUPS.join(' or ')})` });
    };
    userField(dto.delegationField, 'delegationField');
    for (const [field, poolId] of [['dialPoolId', dto.dialPoolId], ['smsPoolId', dto.smsPoolId]] as const) {
      if (poolId && !(await this.pools.exists(poolId))) problems.push({ field, message: `no ring pool ${poolId}` });
    }
    if (dto.exitCriteria) {
      for (const [k, v] of Object.entries(dto.exitCriteria)) {
        if ((EXIT_FLAGS as readonly string[]).includes(k)) {
          if (typeof v !== 'boolean') problems.push({ field: `exitCriteria.${k}`, message: 'must be true or false' });
        } else if (k === 'conditions') {
          if (v !== null) problems.push(...validateCriteria(v, customFieldTypes, 'exitCriteria.conditions'));
        } else problems.push({ field: `exitCriteria.${k}`, message: `is not an exit rule (${[...EXIT_FLAGS, 'conditions'].join(', ')})` });
      }
    }
    const scheduleExists = viewer ? (id: string) => this.access.canEdit(id, viewer) : (id: string) => this.definitions.liveExists(id);
    for (const [field, ids] of [['coordinatorId', dto.coordinatorId ? [dto.coordinatorId] : []], ['watcherIds', dto.watcherIds ?? []]] as const) {
      for (const userId of ids) if (!(await this.users.findById(userId))?.active) problems.push({ field, message: `no active user ${userId}` });
    }
    problems.push(...(await this.audiences.validate(dto.audience, customFieldTypes)));
    const stepIds = dto.steps.map((s) => s.id).filter(Boolean) as string[];
    const knownAutomations = stepIds.length ? await this.automations.idsOfSteps(stepIds) : [];
    for (const [i, step] of dto.steps.entries()) {
      const at = `steps[${i}]`;
      const handler = this.registry.get(step.type);
      if (!handler) {
        problems.push({ field: `${at}.type`, message: `unknown action type ${step.type} (one of ${this.registry.types().join(', ')})` });
        continue;
      }
      const activation = step.activation ?? handler.activations[0];
      if (!handler.activations.includes(activation)) problems.push({ field: `${at}.activation`, message: `${step.type} can only be ${handler.activations.join(' or ')}` });
      if (!(ACTIVATIONS as readonly string[]).includes(activation)) problems.push({ field: `${at}.activation`, message: 'must be automatic or manual' });
      problems.push(...validateTiming(step.timing, step.window ?? 'immediate').map((p) => ({ ...p, field: `${at}.${p.field}` })));
      if (step.criteria) problems.push(...validateCriteria(step.criteria, customFieldTypes, `${at}.criteria`));
      problems.push(...validateLeadChanges(step.fieldUpdates, customFieldTypes, `${at}.fieldUpdates`));
      userField(step.ownerField, `${at}.ownerField`);
      problems.push(...(await handler.validate(step.config ?? {}, { prefix: `${at}.config`, activation, customFieldTypes, scheduleId, scheduleExists })));
      const known = new Set(knownAutomations.filter((a) => a.stepId === step.id).map((a) => a.id));
      problems.push(...(await validateAutomations(step.automations, this.registry, { customFieldTypes, scheduleId, scheduleExists }, `${at}.automations`, known)));
    }
    if (problems.length) throw DomainError.invalid(problems);
  }

  async checkSharing(dto: SharingDto, ownerId: string | null, prefix: string): Promise<FieldError[]> {
    const problems: FieldError[] = [];
    const users = dto.users ?? [];
    const active = new Set(await this.users.activeIds(users.map((u) => u.userId)));
    const seen = new Set<string>();
    for (const [i, share] of users.entries()) {
      if (seen.has(share.userId)) problems.push({ field: `${prefix}users[${i}].userId`, message: 'names the same user twice' });
      else if (share.userId === ownerId) problems.push({ field: `${prefix}users[${i}].userId`, message: 'is the owner, who has every right already' });
      else if (!active.has(share.userId)) problems.push({ field: `${prefix}users[${i}].userId`, message: `no active user ${share.userId}` });
      seen.add(share.userId);
    }
    return problems;
  }
}
