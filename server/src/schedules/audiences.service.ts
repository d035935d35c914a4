import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import { type AudienceRunResult, ErrorCode, type FieldError, type LeadViewView } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { type LeadFilter, LeadsRepository } from '../leads/leads.repository.js';
import { leadFilterOf } from './lead-filter.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { defaultTimezoneIn } from '../settings/settings.repository.js';
import { SettingsService } from '../settings/settings.service.js';
import { type Criteria, evaluateCriteria, validateCriteria } from './criteria.js';
import type { LeadViewDto } from './dto/schedule.dto.js';
import { EnrollmentsRepository } from './enrollments.repository.js';
import { EnrollmentsService } from './enrollments.service.js';
import { fieldFacts, NO_ACTIVITY } from './lead-facts.js';
import type { LeadViewEntity } from './lead-view.entity.js';
import { LeadViewsRepository } from './lead-views.repository.js';
import { ScheduleDefinitionsRepository } from './schedule-definitions.repository.js';

export const AUDIENCE_QUEUE = 'schedule.audience';
const PAGE = 500;
/** Leads in these statuses never join by themselves. */
const NEVER_JOIN = ['inactive', 'archived', 'do-not-contact'];

interface Audience {
  criteria: Criteria | null;
  viewId: string | null;
}

/**
 * Schedules' audiences: entry conditions on lead fields and/or a saved lead view. On
 * the audience's interval (hourly on the hour, or daily at a local time, in the
 * schedule's zone; and at once when the schedule is saved or switched on) the schedule
 * looks for leads that match and are not in it, and enrolls them the way a person would
 * (so no duplicates, re-enrollment and exclusivity as the schedule says). A schedule
 * without an audience runs only the leads added to it. Also saved lead views.
 */
@Injectable()
export class AudiencesService implements OnModuleInit {
  constructor(
    private readonly definitions: ScheduleDefinitionsRepository,
    private readonly enrollmentRows: EnrollmentsRepository,
    private readonly views: LeadViewsRepository,
    private readonly enrollments: EnrollmentsService,
    private readonly settings: SettingsService,
    private readonly leads: LeadsRepository,
    private readonly scheduler: SchedulerService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(AUDIENCE_QUEUE, {
      handle: async (p) => {
        const { scheduleId } = p as { scheduleId: string };
        try {
          await this.run(scheduleId);
        } finally {
          await this.arm(scheduleId, false);
        }
      },
    });
  }

  /** Problems with an audience, named by path. */
  async validate(input: unknown, customFieldTypes: Parameters<typeof validateCriteria>[1]): Promise<FieldError[]> {
    if (input === undefined || input === null) return [];
    const a = input as Record<string, unknown>;
    const problems: FieldError[] = [];
    for (const k of Object.keys(a)) if (k !== 'criteria' && k !== 'viewId') problems.push({ field: `audience.${k}`, message: 'is not part of an audience (criteria, viewId)' });
    if (a.criteria !== undefined && a.criteria !== null) {
      problems.push(...validateCriteria(a.criteria, customFieldTypes, 'audience.criteria'));
      const conditions = ((a.criteria as { conditions?: Array<{ field?: unknown }> }).conditions ?? []) as Array<{ field?: unknown }>;
      conditions.forEach((c, i) => {
        if (typeof c?.field === 'string' && !c.field.startsWith('lead.') && !c.field.startsWith('custom.')) problems.push({ field: `audience.criteria.conditions[${i}].field`, message: 'an entry condition can only ask about lead and custom fields' });
      });
    }
    if (a.viewId !== undefined && a.viewId !== null) {
      if (typeof a.viewId !== 'string' || !(await this.views.exists(a.viewId))) problems.push({ field: 'audience.viewId', message: `no saved lead view ${String(a.viewId)}` });
    }
    const hasCriteria = !!a.criteria && Array.isArray((a.criteria as { conditions?: unknown[] }).conditions) && ((a.criteria as { conditions: unknown[] }).conditions.length ?? 0) > 0;
    if (!problems.length && !hasCriteria && !a.viewId) problems.push({ field: 'audience', message: 'needs entry conditions or a saved lead view (or null for none)' });
    return problems;
  }

  /** The next look at the schedule's audience: now (`soon`, after a save) or at the next boundary of its interval. */
  async arm(scheduleId: string, soon: boolean, em?: EntityManager): Promise<void> {
    // Read through `em`: inside a save's transaction the embedded database serves no other connection.
    const s = await this.definitions.findById(scheduleId, em);
    if (!s || !s.audience || !s.active || s.deletedAt) return;
    const zone = s.timezone ?? (em ? await defaultTimezoneIn(em) : (await this.settings.get()).defaultTimezone);
    const now = DateTime.fromJSDate(this.clock.now(), { zone });
    let at: DateTime;
    if (soon) at = now;
    else if (s.audienceEvery === 'daily') {
      const [h, m] = s.audienceAt.split(':').map(Number);
      at = now.set({ hour: h, minute: m, second: 0, millisecond: 0 });
      if (at <= now) at = now.plus({ days: 1 }).set({ hour: h, minute: m, second: 0, millisecond: 0 });
    } else at = now.plus({ hours: 1 }).startOf('hour');
    const dueAt = at.toJSDate();
    await this.scheduler.enqueue(AUDIENCE_QUEUE, { scheduleId }, { dueAt, em, dedupeKey: `audience:${scheduleId}:${dueAt.getTime()}` });
  }

  /** Looks at the audience now: enrolls the leads that match and are not in the schedule. */
  async run(scheduleId: string): Promise<AudienceRunResult> {
    const result: AudienceRunResult = { matched: 0, enrolled: 0, refused: [] };
    const s = await this.definitions.findLive(scheduleId);
    if (!s || !s.audience || !s.active) return result;
    const audience = JSON.parse(s.audience) as Audience;
    const view = audience.viewId ? await this.views.findById(audience.viewId) : null;
    if (audience.viewId && !view) return result; // the view was deleted: nobody joins until the audience is fixed
    const filter: LeadFilter = view ? leadFilterOf(JSON.parse(view.filter) as LeadViewView['filter']) : {};
    const now = this.clock.now();
    let after: { createdAt: Date; id: string } | null = null;
    for (;;) {
      const page = await this.leads.search(filter, after, PAGE);
      // Leads already in the schedule (or through it, when it takes nobody twice) are not looked at again.
      const ids = page.map((r) => r.lead.id);
      const inside = ids.length
        ? new Set(await this.enrollmentRows.leadIdsInSchedule(scheduleId, ids, s.allowReenrollment))
        : new Set<string>();
      for (const record of page) {
        if (inside.has(record.lead.id) || NEVER_JOIN.includes(record.lead.status)) continue;
        if (audience.criteria?.conditions.length && !evaluateCriteria(audience.criteria, { ...fieldFacts(record), activity: NO_ACTIVITY }, now)) continue;
        result.matched++;
        const r = await this.enrollments.enrollOne(scheduleId, record.lead.id, 'audience', null);
        if (r.enrolled) result.enrolled++;
        else result.refused.push({ leadId: record.lead.id, reason: r.reason ?? 'refused' });
      }
      if (page.length < PAGE) break;
      const last = page[page.length - 1].lead;
      after = { createdAt: last.createdAt, id: last.id };
    }
    await this.definitions.markAudienceChecked(scheduleId, now);
    return result;
  }

  // ── saved lead views ──────────────────────────────────────────────────────────────

  async listViews(): Promise<LeadViewView[]> {
    return (await this.views.list()).map(toViewView);
  }

  async createView(dto: LeadViewDto, actorId: string): Promise<LeadViewView> {
    const now = this.clock.now();
    const row: LeadViewEntity = { id: randomUUID(), name: dto.name, nameKey: dto.name.trim().toLowerCase(), filter: JSON.stringify(dto.filter ?? {}), createdBy: actorId, createdAt: now, updatedAt: now };
    try {
      await this.views.insert(row);
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError(ErrorCode.Conflict, `A lead view named "${dto.name}" already exists`, [{ field: 'name', message: 'is taken' }]);
      throw e;
    }
    return toViewView(row);
  }

  async deleteView(id: string): Promise<void> {
    const view = await this.views.findById(id);
    if (!view) throw DomainError.notFound('Lead view');
    const users = (await this.definitions.listLiveAudiences()).filter((s) => s.audience && (JSON.parse(s.audience) as Audience).viewId === id);
    if (users.length) throw new DomainError(ErrorCode.Conflict, `The view is the audience of ${users.map((s) => s.name).join(', ')}`);
    await this.views.delete(id);
  }
}

function toViewView(v: LeadViewEntity): LeadViewView {
  return { id: v.id, name: v.name, filter: JSON.parse(v.filter) as LeadViewView['filter'], createdAt: v.createdAt.toISOString() };
}
