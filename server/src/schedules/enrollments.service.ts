import { randomUUID } from 'node:crypto';
import { Enroller } from './actions/enroller.js';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import { type EnrollmentView, type EnrollResult, ErrorCode } from '#shared';
import { Clock } from '../common/clock.js';
import { isUniqueViolation, retryingThroughFaults } from '../database/db-errors.js';
import { Transactions } from '../database/transactions.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { LeadsRepository, type LeadRecord } from '../leads/leads.repository.js';
import { SettingsService } from '../settings/settings.service.js';
import type { EnrollFilterDto } from './dto/schedule.dto.js';
import { EnrollmentsRepository } from './enrollments.repository.js';
import { leadFilterOf } from './lead-filter.js';
import { ParticipantActionsRepository } from './participant-actions.repository.js';
import { ScheduleDefinitionsRepository } from './schedule-definitions.repository.js';
import { toEnrollmentView } from './schedule-codec.js';
import { ScheduleEngine } from './schedule-engine.js';
import type { EnrollmentEntity, ScheduleEntity } from './schedule.entity.js';

/** Most leads one request may enroll by filter. */
export const MAX_ENROLL_BY_FILTER = 50_000;

/**
 * Putting leads into schedules and taking them out. A lead is in a schedule at most once
 * at a time (a unique key on open enrollments); it may be in several schedules unless
 * one of them is exclusive; it may come back after finishing only if the schedule
 * allows re-enrollment. Slow drip spreads new enrollments over later hours and days.
 */
@Injectable()
export class EnrollmentsService implements OnModuleInit {
  constructor(
    private readonly tx: Transactions,
    private readonly definitions: ScheduleDefinitionsRepository,
    private readonly enrollments: EnrollmentsRepository,
    private readonly actions: ParticipantActionsRepository,
    private readonly engine: ScheduleEngine,
    private readonly leads: LeadsRepository,
    private readonly settings: SettingsService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly enroller: Enroller,
  ) {}

  onModuleInit(): void {
    this.enroller.provide(this);
    this.events.on('address.opted-out', async (e) => {
      // A schedule's own opt-out step finishes its action first; the exit rule then applies before the next one.
      if (e.source === 'schedule') return;
      const email = e.address.includes('@');
      const own = email ? await this.leads.findLeadIdsByEmail(e.address) : await this.leads.findLeadIdsByPhone(e.address);
      for (const leadId of new Set([...own, ...e.leadIds])) {
        // A revocation that reaches every channel ends both kinds of exit rule.
        if (email || e.channel === 'all') await this.engine.exitWhere(leadId, 'onUnsubscribe', 'unsubscribed');
        if (!email || e.channel === 'all') await this.engine.exitWhere(leadId, 'onOptOut', 'opted out');
      }
    });
  }

  /**
   * Adds leads by id, by the leads list's filter, or by account (every lead of each
   * company named, matched without regard to case).
   */
  async enroll(scheduleId: string, input: { leadIds?: string[]; filter?: EnrollFilterDto; accounts?: string[] }, source: string, actorId: string | null): Promise<EnrollResult> {
    if (!input.leadIds?.length && !input.filter && !input.accounts?.length) throw DomainError.validation('leadIds', 'give leadIds, accounts or a filter');
    const schedule = await this.schedule(scheduleId);
    const ids = input.leadIds?.length ? [...new Set(input.leadIds)] : input.accounts?.length ? await this.leadsOfAccounts(input.accounts) : await this.matching(input.filter as EnrollFilterDto);
    const result: EnrollResult = { enrolled: [], refused: [] };
    for (const leadId of ids) {
      // Each lead on its own, tried again through a dropped connection: a long list is not
      // lost (and asked for again) because the database blinked halfway through it.
      const r = await retryingThroughFaults(() => this.enrollLead(schedule, leadId, source, actorId));
      if ('enrollment' in r) result.enrolled.push(toEnrollmentView(r.enrollment));
      else result.refused.push({ leadId, reason: r.reason });
    }
    return result;
  }

  /** One lead, for the add-to-schedule action. */
  async enrollOne(scheduleId: string, leadId: string, source: string, actorId: string | null): Promise<{ enrolled: boolean; reason: string | null }> {
    const schedule = await this.definitions.findLive(scheduleId);
    if (!schedule) return { enrolled: false, reason: 'the schedule no longer exists' };
    const r = await this.enrollLead(schedule, leadId, source, actorId);
    return 'enrollment' in r ? { enrolled: true, reason: null } : { enrolled: false, reason: r.reason };
  }

  private async enrollLead(schedule: ScheduleEntity, leadId: string, source: string, actorId: string | null): Promise<{ enrollment: EnrollmentEntity } | { reason: string }> {
    const lead = await this.leads.findById(leadId);
    if (!lead || lead.lead.deletedAt) return { reason: 'no such lead' };
    const history = await this.enrollments.historyOfLead(leadId);
    const again = this.enrolledBefore(schedule, history);
    if (again) return { reason: again };
    const openElsewhere = history.filter((e) => e.scheduleId !== schedule.id && (e.status === 'active' || e.status === 'paused'));
    if (schedule.exclusive && openElsewhere.length) return { reason: 'in another schedule, and this one is exclusive' };
    if (openElsewhere.length) {
      const exclusive = await this.definitions.findExclusiveAmong(openElsewhere.map((e) => e.scheduleId));
      if (exclusive) return { reason: `in exclusive schedule ${exclusive.name}` };
    }
    const zone = schedule.timezone ?? (await this.settings.get()).defaultTimezone;
    try {
      return await this.tx.run(async (em) => {
        // One enrollment at a time per schedule, so slow-drip counts are exact across instances.
        await this.definitions.lockForEnrollment(schedule.id, em);
        // Read again under the lock: another request may have enrolled the lead since, and its
        // enrollment may even have ended already (freeing the one-open-enrollment key).
        const refused = this.enrolledBefore(schedule, await this.enrollments.ofLeadInSchedule(leadId, schedule.id, em));
        if (refused) return { reason: refused };
        const now = this.clock.now();
        const startsAt = await this.dripSlot(em, schedule, now, zone);
        const first = await this.definitions.firstLiveStep(schedule.id, em);
        const enrollment: EnrollmentEntity = {
          id: randomUUID(),
          scheduleId: schedule.id,
          leadId,
          status: 'active',
          activeKey: `${schedule.id}:${leadId}`,
          currentStepId: null,
          source,
          enrolledBy: actorId,
          enrolledAt: now,
          startsAt,
          exitReason: null,
          endedAt: null,
          pausedAt: null,
          updatedAt: now,
        };
        await this.enrollments.insert(enrollment, em);
        if (!first) {
          await this.engine.endEnrollment(em, enrollment.id, 'completed', 'all steps done', now);
          return { enrollment: { ...enrollment, status: 'completed', activeKey: null, endedAt: now, exitReason: 'all steps done' } };
        }
        if (schedule.type === 'smart') {
          // The first step is chosen by what the lead has done and is like, as each next one.
          await this.engine.enqueueSmartPick(em, enrollment.id, startsAt);
          return { enrollment };
        }
        const action = await this.engine.createAction(em, enrollment, schedule, first, startsAt, lead as LeadRecord);
        return { enrollment: { ...enrollment, currentStepId: action.stepId } };
      });
    } catch (e) {
      if (isUniqueViolation(e)) return { reason: 'already enrolled' };
      throw e;
    }
  }

  /** Why the lead may not join this schedule given its enrollments, if it may not. */
  private enrolledBefore(schedule: ScheduleEntity, history: EnrollmentEntity[]): string | null {
    const here = history.filter((e) => e.scheduleId === schedule.id);
    if (here.some((e) => e.status === 'active' || e.status === 'paused')) return 'already enrolled';
    if (!schedule.allowReenrollment && here.length) return 'already went through this schedule, which does not allow re-enrollment';
    return null;
  }

  /**
   * The earliest start with room under the schedule's slow drip: no more than
   * `dripPerHour` starts in any clock hour and `dripPerDay` in any local day of the
   * schedule's zone. Without limits, now.
   */
  private async dripSlot(em: EntityManager, schedule: ScheduleEntity, now: Date, zone: string): Promise<Date> {
    if (!schedule.dripPerHour && !schedule.dripPerDay) return now;
    const dayStart = DateTime.fromJSDate(now, { zone }).startOf('day');
    const starts = await this.enrollments.startsSince(schedule.id, dayStart.toJSDate(), em);
    const perHour = new Map<number, number>();
    const perDay = new Map<string, number>();
    for (const s of starts) {
      const t = DateTime.fromJSDate(s.startsAt, { zone });
      perHour.set(t.startOf('hour').toMillis(), (perHour.get(t.startOf('hour').toMillis()) ?? 0) + 1);
      perDay.set(t.toISODate() as string, (perDay.get(t.toISODate() as string) ?? 0) + 1);
    }
    let t = DateTime.fromJSDate(now, { zone });
    for (let i = 0; i < 24 * 400; i++) {
      const dayFull = schedule.dripPerDay !== null && (perDay.get(t.toISODate() as string) ?? 0) >= schedule.dripPerDay;
      if (dayFull) {
        t = t.plus({ days: 1 }).startOf('day');
        continue;
      }
      const hourFull = schedule.dripPerHour !== null && (perHour.get(t.startOf('hour').toMillis()) ?? 0) >= schedule.dripPerHour;
      if (!hourFull) return t.toJSDate();
      t = t.plus({ hours: 1 }).startOf('hour');
    }
    throw new DomainError(ErrorCode.Conflict, 'The schedule\'s slow drip has no room within 400 days');
  }

  /** Every lead of these accounts (companies, matched without regard to case), oldest first. */
  private async leadsOfAccounts(accounts: string[]): Promise<string[]> {
    // One more than may be enrolled at once: enough to know there are too many.
    const ids = await this.leads.findLeadIdsByCompany(accounts, MAX_ENROLL_BY_FILTER + 1);
    if (ids.length > MAX_ENROLL_BY_FILTER) throw DomainError.validation('accounts', `have more than ${MAX_ENROLL_BY_FILTER} leads; add fewer at a time`);
    return ids;
  }

  private async matching(filter: EnrollFilterDto): Promise<string[]> {
    const f = leadFilterOf(filter);
    const ids: string[] = [];
    let after: { createdAt: Date; id: string } | null = null;
    for (;;) {
      const page = await this.leads.search(f, after, 500);
      ids.push(...page.map((r) => r.lead.id));
      if (ids.length > MAX_ENROLL_BY_FILTER) throw DomainError.validation('filter', `matches more than ${MAX_ENROLL_BY_FILTER} leads; narrow it`);
      if (page.length < 500) return ids;
      const last = page[page.length - 1].lead;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  async list(scheduleId: string, q: { status?: string; leadId?: string; limit?: number; offset?: number }): Promise<EnrollmentView[]> {
    await this.schedule(scheduleId);
    const rows = await this.enrollments.list(scheduleId, { status: q.status, leadId: q.leadId }, q.limit ?? 100, q.offset ?? 0);
    return rows.map(toEnrollmentView);
  }

  async forLead(leadId: string): Promise<EnrollmentView[]> {
    return (await this.enrollments.ofLead(leadId)).map(toEnrollmentView);
  }

  async pause(id: string): Promise<EnrollmentView> {
    const now = this.clock.now();
    if (!(await this.enrollments.pauseIfActive(id, now))) await this.conflict(id, 'active');
    return this.get(id);
  }

  /** Back to active: work that fell due while paused runs now, the rest at its time. */
  async resume(id: string): Promise<EnrollmentView> {
    const now = this.clock.now();
    await this.tx.run(async (em) => {
      if (!(await this.enrollments.resumeIfPaused(id, now, em))) await this.conflict(id, 'paused');
      const schedule = await this.definitions.findById((await this.enrollments.getById(id, em)).scheduleId, em);
      const open = await this.actions.pendingOrDeferredOfEnrollment(id, em);
      for (const a of open) await this.engine.enqueue(em, a.id, a.dueAt > now ? a.dueAt : now, schedule?.priority ?? 0);
    });
    return this.get(id);
  }

  async exit(id: string, reason = 'removed'): Promise<EnrollmentView> {
    const e = await this.enrollments.findById(id);
    if (!e) throw DomainError.notFound('Enrollment');
    if (e.status !== 'active' && e.status !== 'paused') throw new DomainError(ErrorCode.Conflict, `The enrollment is already ${e.status}`);
    await this.engine.exit(id, reason);
    return this.get(id);
  }

  async get(id: string): Promise<EnrollmentView> {
    const e = await this.enrollments.findById(id);
    if (!e) throw DomainError.notFound('Enrollment');
    return toEnrollmentView(e);
  }

  private async conflict(id: string, wanted: string): Promise<never> {
    const e = await this.enrollments.findById(id);
    if (!e) throw DomainError.notFound('Enrollment');
    throw new DomainError(ErrorCode.Conflict, `The enrollment is ${e.status}, not ${wanted}`);
  }

  private async schedule(id: string): Promise<ScheduleEntity> {
    const s = await this.definitions.findLive(id);
    if (!s) throw DomainError.notFound('Schedule');
    return s;
  }
}

