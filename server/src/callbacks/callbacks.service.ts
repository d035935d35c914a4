import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import { type AccessClaims, type CallbackOrigin, type CallbackView, ErrorCode } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { DomainError } from '../common/domain-error.js';
import { isValidTimezone } from '../common/timezones.js';
import { ContactPolicy } from '../compliance/contact-policy.js';
import { AgentStatesService } from '../agents/agent-states.service.js';
import { AppConfig } from '../config/app-config.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { effectiveZones } from '../phone/zones.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { Transactions } from '../database/transactions.js';
import { SettingsService } from '../settings/settings.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { CallbackEntity } from './callback.entity.js';
import { CallbacksRepository } from './callbacks.repository.js';

export const CALLBACK_DUE_QUEUE = 'callback.due';

/** A callback checked and ready to write (`CallbacksService.prepare`), with the view it will have. */
export interface PreparedCallback {
  row: CallbackEntity;
  view: CallbackView;
}
export const CALLBACK_ESCALATE_QUEUE = 'callback.escalate';

export interface BookCallback {
  leadId: string;
  /** An instant, or a local date-time (no offset) read in the lead's zone. */
  dueAt: string | Date;
  ownerId: string | null;
  queueId?: string | null;
  note?: string | null;
  origin: CallbackOrigin;
  escalateAfterMinutes?: number;
  createdBy: string | null;
  enrollmentId?: string | null;
  conversationId?: string | null;
}

/**
 * Callbacks: booked by an agent, a disposition or a schedule step; due at a UTC instant
 * shown in the lead's local time. When due, the compliance gate is asked (then, not
 * when it was booked); a refusal re-dates it to the next allowed time. A due callback
 * goes to its owner; if nobody takes it within its escalation window it goes to
 * anyone on the queue, and it counts as overdue for supervisors.
 */
@Injectable()
export class CallbacksService implements OnModuleInit {
  constructor(
    private readonly repo: CallbacksRepository,
    private readonly tx: Transactions,
    private readonly scheduler: SchedulerService,
    private readonly leads: LeadsRepository,
    private readonly users: UsersRepository,
    private readonly agents: AgentStatesService,
    private readonly policy: ContactPolicy,
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(CALLBACK_DUE_QUEUE, { handle: (p) => this.becomeDue((p as { id: string }).id) });
    this.scheduler.register(CALLBACK_ESCALATE_QUEUE, { handle: (p) => this.escalate((p as { id: string }).id) });
    // An owner whose softphone went silent cannot take their due callbacks: anyone may.
    this.events.on('agent.went-stale', async ({ userId }) => {
      await this.escalateOwnedBy(userId);
    });
  }

  async book(input: BookCallback, em?: EntityManager): Promise<CallbackView> {
    const prepared = await this.prepare(input);
    if (em) await this.writePrepared(prepared, em);
    else await this.tx.run((m) => this.writePrepared(prepared, m));
    return prepared.view;
  }

  /**
   * Everything `book` checks and reads, before anything is written: the lead, the due time
   * in the lead's zone (refused in the past: by more than `graceMs`, a minute unless told;
   * named `dueField` in the refusal), the owner. Its result is written by `writePrepared`,
   * inside the caller's transaction, where only that transaction's manager may be used.
   */
  async prepare(input: BookCallback, options: { dueField?: string; graceMs?: number } = {}): Promise<PreparedCallback> {
    const dueField = options.dueField ?? 'dueAt';
    const record = await this.leads.findById(input.leadId);
    if (!record || record.lead.deletedAt) throw DomainError.validation('leadId', 'is not a lead');
    const zone = await this.zoneOf(record.lead);
    const dueAt = input.dueAt instanceof Date ? input.dueAt : this.parseDue(input.dueAt, zone, dueField);
    const now = this.clock.now();
    if (dueAt.getTime() < now.getTime() - (options.graceMs ?? 60_000)) throw DomainError.validation(dueField, `is in the past (${DateTime.fromJSDate(dueAt, { zone }).toFormat("yyyy-MM-dd HH:mm")} in ${zone}; now is ${DateTime.fromJSDate(now, { zone }).toFormat('yyyy-MM-dd HH:mm')})`);
    if (input.ownerId) {
      const owner = await this.users.findById(input.ownerId);
      if (!owner || !owner.active) throw DomainError.validation('ownerId', 'is not an active user');
    }
    const cb: CallbackEntity = {
      id: randomUUID(),
      leadId: record.lead.id,
      dueAt,
      ownerId: input.ownerId,
      queueId: input.queueId ?? null,
      note: input.note ?? null,
      origin: input.origin,
      status: 'scheduled',
      escalateAfterMinutes: input.escalateAfterMinutes ?? this.config.callbacks.escalateAfterMinutes,
      becameDueAt: null,
      escalatedAt: null,
      takenBy: null,
      takenAt: null,
      completedAt: null,
      outcome: null,
      heldReason: null,
      createdBy: input.createdBy,
      enrollmentId: input.enrollmentId ?? null,
      conversationId: input.conversationId ?? null,
      createdAt: now,
      updatedAt: now,
    };
    return { row: cb, view: this.view(cb, zone) };
  }

  /** The instant a due time names for this lead (a local time read in the lead's zone), as `prepare` reads it; null for no lead. */
  async dueInstant(leadId: string, text: string, field = 'dueAt'): Promise<Date | null> {
    const record = await this.leads.findById(leadId);
    return record ? this.parseDue(text, await this.zoneOf(record.lead), field) : null;
  }

  /** Writes a prepared callback and its due job inside `em`'s transaction. */
  async writePrepared(prepared: PreparedCallback, em: EntityManager): Promise<void> {
    await this.repo.insert(prepared.row, em);
    await this.scheduler.enqueue(CALLBACK_DUE_QUEUE, { id: prepared.row.id }, { dueAt: prepared.row.dueAt, em, priority: 10 });
  }

  /** The job at the due time: ask the gate now; due to the owner, or re-dated to when it may be made. */
  async becomeDue(id: string): Promise<void> {
    const cb = await this.repo.findById(id);
    const now = this.clock.now();
    if (!cb || cb.status !== 'scheduled' || cb.dueAt > now) return;
    const record = await this.leads.findById(cb.leadId);
    if (!record || record.lead.deletedAt) {
      await this.repo.cancelScheduled(id, 'lead deleted', undefined, now);
      return;
    }
    const decision = await this.policy.check({ lead: record.lead }, 'call', now, { recordAs: 'call:callback' });
    if (!decision.allowed) {
      const reasons = decision.reasons.map((r) => r.message).join('; ');
      if (!decision.nextAllowedAt) {
        await this.repo.cancelScheduled(id, 'refused by compliance', reasons, now);
        return;
      }
      const next = new Date(decision.nextAllowedAt);
      await this.tx.run(async (em) => {
        if (await this.repo.holdScheduled(id, next, reasons, now, em)) await this.scheduler.enqueue(CALLBACK_DUE_QUEUE, { id }, { dueAt: next, em, priority: 10 });
      });
      return;
    }
    const owner = cb.ownerId ? await this.users.findById(cb.ownerId) : null;
    // Available: an active user signed in to the softphone, not offline, heartbeats fresh.
    const ownerAvailable = owner?.active ? await this.agents.present(owner.id) : false;
    await this.tx.run(async (em) => {
      // An owner who cannot take it (away, deactivated, or none) means anyone on the queue at once.
      const applied = await this.repo.becomeDue(id, ownerAvailable, now, em);
      if (applied && ownerAvailable) {
        await this.scheduler.enqueue(CALLBACK_ESCALATE_QUEUE, { id }, { dueAt: new Date(now.getTime() + cb.escalateAfterMinutes * 60_000), em, priority: 10 });
      }
    });
    await this.changed(id);
  }

  async escalate(id: string): Promise<void> {
    const now = this.clock.now();
    if (await this.repo.escalateDue(id, now)) await this.changed(id);
  }

  /** An agent who went away (stale, signed off): their due callbacks go to anyone now. */
  async escalateOwnedBy(userId: string): Promise<number> {
    const ids = await this.repo.dueIdsOwnedBy(userId);
    if (!ids.length) return 0;
    const now = this.clock.now();
    await this.repo.escalateDueMany(ids, now);
    await this.events.emit('work.changed', { kind: 'callback', ids });
    return ids.length;
  }

  private changed(id: string): Promise<void> {
    return this.events.emit('work.changed', { kind: 'callback', ids: [id] });
  }

  async take(id: string, actor: AccessClaims): Promise<CallbackView> {
    const cb = await this.find(id);
    const now = this.clock.now();
    const mine = cb.ownerId === actor.sub;
    const open = cb.status === 'escalated' || (cb.status === 'due' && (mine || !cb.ownerId || actor.role !== 'agent')) || (cb.status === 'scheduled' && mine);
    if (!open) throw new DomainError(ErrorCode.Conflict, cb.status === 'taken' ? 'Someone already took this callback' : `This callback is ${cb.status} and cannot be taken by you now`);
    if (!(await this.repo.take(id, cb.status, actor.sub, now))) throw new DomainError(ErrorCode.Conflict, 'Someone already took this callback');
    await this.changed(id);
    return this.get(id);
  }

  /** The power dialer takes a due callback to dial it (for `agentId`, or before an agent is chosen). */
  async takeForDial(id: string, agentId: string | null): Promise<boolean> {
    const now = this.clock.now();
    const taken = await this.repo.takeForDial(id, agentId, now);
    if (taken) await this.changed(id);
    return taken;
  }

  /** The dialer's call for this callback ended: completed with the call's outcome. */
  async completeFromDial(id: string, outcome: string, conversationId: string | null): Promise<void> {
    const now = this.clock.now();
    if (await this.repo.completeOpen(id, { outcome: outcome.slice(0, 64), conversationId }, now)) await this.changed(id);
  }

  async complete(id: string, actor: AccessClaims, outcome: string | undefined, conversationId: string | undefined): Promise<CallbackView> {
    const cb = await this.find(id);
    if (actor.role === 'agent' && cb.takenBy !== actor.sub && cb.ownerId !== actor.sub) throw new DomainError(ErrorCode.Forbidden, 'This callback is not yours');
    const now = this.clock.now();
    const done = await this.repo.completeOpen(id, { outcome: outcome ?? 'done', conversationId: conversationId ?? cb.conversationId, takenBy: cb.takenBy ?? actor.sub, takenAt: cb.takenAt ?? now }, now);
    if (!done) throw new DomainError(ErrorCode.Conflict, `This callback is already ${cb.status}`);
    await this.changed(id);
    return this.get(id);
  }

  async cancel(id: string, actor: AccessClaims): Promise<CallbackView> {
    const cb = await this.find(id);
    if (actor.role === 'agent' && cb.ownerId !== actor.sub && cb.createdBy !== actor.sub) throw new DomainError(ErrorCode.Forbidden, 'This callback is not yours');
    const now = this.clock.now();
    if (!(await this.repo.cancelOpen(id, now))) throw new DomainError(ErrorCode.Conflict, `This callback is already ${cb.status}`);
    await this.changed(id);
    return this.get(id);
  }

  async reschedule(id: string, dueAtText: string, note: string | null | undefined, actor: AccessClaims): Promise<CallbackView> {
    const cb = await this.find(id);
    if (actor.role === 'agent' && cb.ownerId !== actor.sub && cb.takenBy !== actor.sub) throw new DomainError(ErrorCode.Forbidden, 'This callback is not yours');
    const record = await this.leads.findById(cb.leadId);
    const zone = record ? await this.zoneOf(record.lead) : 'UTC';
    const dueAt = this.parseDue(dueAtText, zone);
    const now = this.clock.now();
    if (dueAt < now) throw DomainError.validation('dueAt', 'is in the past');
    await this.tx.run(async (em) => {
      if (!(await this.repo.rescheduleOpen(id, dueAt, note === undefined ? cb.note : note, now, em))) throw new DomainError(ErrorCode.Conflict, `This callback is already ${cb.status}`);
      await this.scheduler.enqueue(CALLBACK_DUE_QUEUE, { id }, { dueAt, em, priority: 10 });
    });
    await this.changed(id);
    return this.get(id);
  }

  /** Moves a callback to another agent (a supervisor covering for one who is away). */
  async reassign(id: string, ownerId: string | null): Promise<CallbackView> {
    if (ownerId) {
      const owner = await this.users.findById(ownerId);
      if (!owner || !owner.active) throw DomainError.validation('ownerId', 'is not an active user');
    }
    if (!(await this.repo.reassignUntaken(id, ownerId, this.clock.now()))) throw (await this.repo.findById(id)) ? new DomainError(ErrorCode.Conflict, 'This callback is no longer open') : DomainError.notFound('Callback');
    await this.changed(id);
    return this.get(id);
  }

  async list(q: { ownerId?: string; status?: string[]; overdue?: boolean; leadId?: string; limit?: number }, actor: AccessClaims): Promise<CallbackView[]> {
    const now = this.clock.now();
    const owner = q.ownerId === 'me' ? actor.sub : q.ownerId;
    const rows = await this.repo.list({
      // Agents see their own and those open to anyone.
      visibleTo: actor.role === 'agent' ? actor.sub : undefined,
      owner,
      statuses: q.status,
      leadId: q.leadId,
      overdueAt: q.overdue ? now : undefined,
      limit: q.limit ?? 100,
    });
    const zones = new Map<string, string>();
    const out: CallbackView[] = [];
    for (const r of rows) {
      if (!zones.has(r.leadId)) {
        const rec = await this.leads.findById(r.leadId);
        zones.set(r.leadId, rec ? await this.zoneOf(rec.lead) : 'UTC');
      }
      out.push(this.view(r, zones.get(r.leadId) as string));
    }
    return out;
  }

  async get(id: string): Promise<CallbackView> {
    const cb = await this.find(id);
    const rec = await this.leads.findById(cb.leadId);
    return this.view(cb, rec ? await this.zoneOf(rec.lead) : 'UTC');
  }

  private async find(id: string): Promise<CallbackEntity> {
    const cb = await this.repo.findById(id);
    if (!cb) throw DomainError.notFound('Callback');
    return cb;
  }

  private async zoneOf(lead: Parameters<typeof effectiveZones>[0]): Promise<string> {
    const z = effectiveZones(lead, await this.settings.get()).zones.find(isValidTimezone);
    return z ?? (await this.settings.get()).defaultTimezone;
  }

  /** An ISO instant with an offset or Z, or a local date-time read in the lead's zone. */
  parseDue(text: string, zone: string, field = 'dueAt'): Date {
    const hasOffset = /(Z|[+-]\d\d:?\d\d)$/i.test(text.trim());
    const dt = hasOffset ? DateTime.fromISO(text.trim(), { setZone: true }) : DateTime.fromISO(text.trim(), { zone });
    if (!dt.isValid) throw DomainError.validation(field, 'must be an ISO date-time (with an offset, or local to the lead)');
    return dt.toJSDate();
  }

  view(c: CallbackEntity, zone: string): CallbackView {
    const now = this.clock.now();
    return {
      id: c.id,
      leadId: c.leadId,
      dueAt: c.dueAt.toISOString(),
      dueLocal: { time: DateTime.fromJSDate(c.dueAt, { zone }).toISO({ suppressMilliseconds: true }) as string, zone },
      ownerId: c.ownerId,
      queueId: c.queueId,
      note: c.note,
      origin: c.origin as CallbackOrigin,
      status: c.status as CallbackView['status'],
      escalateAfterMinutes: c.escalateAfterMinutes,
      becameDueAt: c.becameDueAt?.toISOString() ?? null,
      escalatedAt: c.escalatedAt?.toISOString() ?? null,
      takenBy: c.takenBy,
      takenAt: c.takenAt?.toISOString() ?? null,
      completedAt: c.completedAt?.toISOString() ?? null,
      outcome: c.outcome,
      heldReason: c.heldReason,
      overdue: (c.status === 'due' || c.status === 'escalated') && c.dueAt < now,
      createdBy: c.createdBy,
      createdAt: c.createdAt.toISOString(),
    };
  }
}
