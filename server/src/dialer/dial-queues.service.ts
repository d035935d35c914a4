import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type AccessClaims, type DialItemView, type DialQueueView, ErrorCode, type QueueRecording, type QueueResetView, type RecycleRule, type RetryRule } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { RingPoolsService } from '../telephony/ring-pools/ring-pools.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { DEFAULT_ABANDON_MESSAGE, DEFAULT_RETRY_RULES, recordingOf, toItemView, toQueueView } from './dial-queue.codec.js';
import type { DialQueueEntity } from './dial-queue.entity.js';
import { DialIntake } from './dial-intake.js';
import { DialCallsRepository } from './dial-calls.repository.js';
import { DialItemsRepository } from './dial-items.repository.js';
import { DialPacer } from './dial-pacer.service.js';
import { DialRecycling } from './dial-recycling.service.js';
import { DialQueuesRepository } from './dial-queues.repository.js';
import type { AddQueueLeadsDto, CreateDialQueueDto, ListItemsQuery, ResetQueueDto, UpdateDialQueueDto } from './dto/dial-queue.dto.js';

type Settings = CreateDialQueueDto | UpdateDialQueueDto;

/** Dial queues: their settings and agents, adding leads, the items. */
@Injectable()
export class DialQueuesService {
  constructor(
    private readonly queues: DialQueuesRepository,
    private readonly itemRows: DialItemsRepository,
    private readonly intake: DialIntake,
    private readonly pacer: DialPacer,
    private readonly leads: LeadsRepository,
    private readonly pools: RingPoolsService,
    private readonly users: UsersRepository,
    private readonly clock: Clock,
    private readonly calls: DialCallsRepository,
    private readonly recycling: DialRecycling,
  ) {}

  async list(): Promise<DialQueueView[]> {
    return (await this.queues.list()).map(({ queue, agentIds, supervisorIds }) => toQueueView(queue, agentIds, supervisorIds));
  }

  /**
   * Whether `userId` supervises the call: a queue call's queue lists them, or (a call not
   * placed by a queue) its agent works a queue they supervise.
   */
  async supervisesCall(userId: string, conversationId: string, agentId: string | null): Promise<boolean> {
    const [call, supervised] = await Promise.all([this.calls.findByConversation(conversationId), this.queues.supervisedBy(userId)]);
    if (call) return supervised.includes(call.queueId);
    if (!agentId || !supervised.length) return false;
    return (await this.queues.workedBy(agentId)).some((q) => supervised.includes(q));
  }

  /** The recording rule of the queue a call was placed from; null for calls no queue placed. */
  async recordingOfCall(conversationId: string): Promise<QueueRecording | null> {
    const call = await this.calls.findByConversation(conversationId);
    const q = call ? await this.queues.findById(call.queueId) : null;
    return q ? recordingOf(q) : null;
  }

  /** The queue a call was placed from, with its name; null for calls no queue placed. */
  async queueOfCall(conversationId: string): Promise<{ id: string; name: string } | null> {
    const call = await this.calls.findByConversation(conversationId);
    const q = call ? await this.queues.findById(call.queueId) : null;
    return q ? { id: q.id, name: q.name } : null;
  }

  async get(id: string): Promise<DialQueueView> {
    const q = await this.find(id);
    const [agentIds, supervisorIds] = await Promise.all([this.queues.agentsOf(id), this.queues.supervisorsOf(id)]);
    return toQueueView(q, agentIds, supervisorIds);
  }

  async create(dto: CreateDialQueueDto): Promise<DialQueueView> {
    const now = this.clock.now();
    const q: DialQueueEntity = {
      id: randomUUID(),
      name: dto.name.trim(),
      active: dto.active ?? true,
      mode: dto.mode,
      ringPoolId: null,
      callingWindow: null,
      retryRules: JSON.stringify(DEFAULT_RETRY_RULES),
      recycleRules: null,
      ringSeconds: 25,
      previewSeconds: 15,
      machineAction: 'hangup',
      voicemailMessage: null,
      abandonMessage: DEFAULT_ABANDON_MESSAGE,
      maxLinesPerAgent: 3,
      abandonCapBp: 300,
      targetAbandonBp: 250,
      recordingMode: 'never',
      recordingConsent: 'announce',
      recordingAnnouncement: null,
      recordingRetentionDays: null,
      afterWrapUpLimit: 'pause',
      holdMusicUrl: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.apply(q, dto);
    await this.save(q, dto.agentIds ?? [], true, dto.supervisorIds ?? []);
    if (q.recycleRules) await this.recycling.scanSoon();
    return this.get(q.id);
  }

  async update(id: string, dto: UpdateDialQueueDto): Promise<DialQueueView> {
    const q = await this.find(id);
    await this.apply(q, dto);
    q.updatedAt = this.clock.now();
    await this.save(q, dto.agentIds, false, dto.supervisorIds);
    if (q.recycleRules) await this.recycling.scanSoon();
    if (q.active) void this.pacer.pace(q.id);
    return this.get(id);
  }

  /** Checks references and cross-field rules, naming each bad field, then copies the settings onto `q`. */
  private async apply(q: DialQueueEntity, dto: Settings): Promise<void> {
    const problems: Array<{ field: string; message: string }> = [];
    if (dto.ringPoolId && !(await this.pools.exists(dto.ringPoolId))) problems.push({ field: 'ringPoolId', message: `is not a ring pool (${dto.ringPoolId})` });
    if (dto.retryRules) {
      const seen = new Set<string>();
      dto.retryRules.forEach((r, i) => {
        if (seen.has(r.outcome)) problems.push({ field: `retryRules[${i}].outcome`, message: `"${r.outcome}" has two rules` });
        if (r.outcome === 'answered') problems.push({ field: `retryRules[${i}].outcome`, message: 'answered calls are not retried (a disposition books a callback)' });
        seen.add(r.outcome);
      });
    }
    if (dto.recycleRules) {
      const seen = new Set<string>();
      for (const [i, r] of dto.recycleRules.entries()) {
        const key = `${r.outcome}:${r.outcome === 'disposition' ? (r.code ?? '') : ''}`;
        if (r.outcome === 'disposition' && !r.code) problems.push({ field: `recycleRules[${i}].code`, message: 'is required for a disposition rule (the code it reacts to)' });
        if (r.outcome !== 'disposition' && r.code) problems.push({ field: `recycleRules[${i}].code`, message: 'is only for a disposition rule' });
        if (seen.has(key)) problems.push({ field: `recycleRules[${i}].outcome`, message: `"${r.outcome}${r.code ? ` ${r.code}` : ''}" has two rules` });
        seen.add(key);
        if (r.intoQueueId && r.intoQueueId !== q.id && !(await this.queues.findById(r.intoQueueId))) problems.push({ field: `recycleRules[${i}].intoQueueId`, message: `is not a dial queue (${r.intoQueueId})` });
      }
    }
    const capBp = dto.abandonCapPct !== undefined ? Math.round(dto.abandonCapPct * 100) : q.abandonCapBp;
    if (dto.targetAbandonPct !== undefined && Math.round(dto.targetAbandonPct * 100) >= capBp) problems.push({ field: 'targetAbandonPct', message: `must be below the queue's abandon cap (${capBp / 100}%)` });
    if (dto.callingWindow && dto.callingWindow.start >= dto.callingWindow.end) problems.push({ field: 'callingWindow.end', message: 'must be after the start' });
    const machineAction = dto.machineAction ?? q.machineAction;
    const voicemail = dto.voicemailMessage !== undefined ? dto.voicemailMessage : q.voicemailMessage;
    if (machineAction === 'voicemail' && !voicemail?.trim()) problems.push({ field: 'voicemailMessage', message: 'is required when machineAction is voicemail (the text to speak or a recording URL)' });
    if (dto.agentIds?.length) {
      const found = await this.users.findByIds(dto.agentIds);
      dto.agentIds.forEach((id, i) => {
        const u = found.find((f) => f.id === id);
        if (!u || !u.active) problems.push({ field: `agentIds[${i}]`, message: `is not an active user (${id})` });
      });
    }
    if (dto.supervisorIds?.length) {
      const found = await this.users.findByIds(dto.supervisorIds);
      dto.supervisorIds.forEach((id, i) => {
        const u = found.find((f) => f.id === id);
        if (!u || !u.active) problems.push({ field: `supervisorIds[${i}]`, message: `is not an active user (${id})` });
        else if (u.role !== 'supervisor' && u.role !== 'admin') problems.push({ field: `supervisorIds[${i}]`, message: `is an ${u.role}, not a supervisor or admin` });
      });
    }
    if (problems.length) throw new DomainError(ErrorCode.ValidationFailed, `The queue has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);
    if (dto.name !== undefined) q.name = dto.name.trim();
    if (dto.active !== undefined) q.active = dto.active;
    if (dto.mode !== undefined) q.mode = dto.mode;
    if (dto.ringPoolId !== undefined) q.ringPoolId = dto.ringPoolId;
    if (dto.callingWindow !== undefined) q.callingWindow = dto.callingWindow ? JSON.stringify({ start: dto.callingWindow.start, end: dto.callingWindow.end }) : null;
    if (dto.retryRules) q.retryRules = JSON.stringify(dto.retryRules.map((r): RetryRule => ({ outcome: r.outcome, retryMinutes: r.retryMinutes, maxAttempts: r.maxAttempts })));
    if (dto.recycleRules)
      q.recycleRules = dto.recycleRules.length
        ? JSON.stringify(dto.recycleRules.map((r): RecycleRule => ({ outcome: r.outcome, code: r.code ?? null, afterMinutes: r.afterMinutes, maxPasses: r.maxPasses, intoQueueId: r.intoQueueId && r.intoQueueId !== q.id ? r.intoQueueId : null })))
        : null;
    if (dto.ringSeconds !== undefined) q.ringSeconds = dto.ringSeconds;
    if (dto.previewSeconds !== undefined) q.previewSeconds = dto.previewSeconds;
    q.machineAction = machineAction;
    q.voicemailMessage = voicemail?.trim() || null;
    if (dto.abandonMessage !== undefined) q.abandonMessage = dto.abandonMessage.trim();
    if (dto.maxLinesPerAgent !== undefined) q.maxLinesPerAgent = dto.maxLinesPerAgent;
    if (dto.abandonCapPct !== undefined) q.abandonCapBp = Math.round(dto.abandonCapPct * 100);
    if (dto.targetAbandonPct !== undefined) q.targetAbandonBp = Math.round(dto.targetAbandonPct * 100);
    if (dto.recording?.mode !== undefined) q.recordingMode = dto.recording.mode;
    if (dto.recording?.consent !== undefined) q.recordingConsent = dto.recording.consent;
    if (dto.recording?.announcement !== undefined) q.recordingAnnouncement = dto.recording.announcement?.trim() || null;
    if (dto.recording?.retentionDays !== undefined) q.recordingRetentionDays = dto.recording.retentionDays;
    if (dto.afterWrapUpLimit !== undefined) q.afterWrapUpLimit = dto.afterWrapUpLimit;
    if (dto.holdMusicUrl !== undefined) q.holdMusicUrl = dto.holdMusicUrl?.trim() || null;
  }

  /** The queue and (when given) its agents and supervisors, in one transaction. */
  private async save(q: DialQueueEntity, agentIds: string[] | undefined, insert: boolean, supervisorIds: string[] | undefined): Promise<void> {
    try {
      await this.queues.save(q, agentIds, insert, supervisorIds);
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError(ErrorCode.Conflict, `A dial queue named "${q.name}" already exists`, [{ field: 'name', message: 'is taken' }]);
      throw e;
    }
  }

  /** Leads added directly (a list). Leads already waiting in the queue stay where they are. */
  async addLeads(queueId: string, dto: AddQueueLeadsDto): Promise<{ added: number; alreadyQueued: number }> {
    const q = await this.find(queueId);
    const ids = [...new Set(dto.leadIds)];
    const found = new Set(await this.leads.existingIds(ids));
    const missing = ids.map((id, i) => ({ id, i })).filter(({ id }) => !found.has(id));
    if (missing.length) throw new DomainError(ErrorCode.ValidationFailed, `${missing.length} lead id${missing.length === 1 ? ' is' : 's are'} unknown`, missing.slice(0, 20).map(({ id, i }) => ({ field: `leadIds[${dto.leadIds.indexOf(id, i)}]`, message: `is not a lead (${id})` })));
    const added = await this.intake.addAtOnce(q.id, ids, { source: 'list', priority: dto.priority ?? 0 });
    if (q.active) void this.pacer.pace(q.id);
    return { added: added.length, alreadyQueued: ids.length - added.length };
  }

  /** The queue's finished leads back for another pass (or, with `preview`, only counted). */
  async reset(queueId: string, dto: ResetQueueDto): Promise<QueueResetView> {
    const q = await this.find(queueId);
    const view = await this.recycling.reset(q, dto.outcomes?.length ? dto.outcomes : null, dto.preview ?? false);
    if (!view.preview && view.leads && q.active) void this.pacer.pace(q.id);
    return view;
  }

  async items(queueId: string, query: ListItemsQuery): Promise<DialItemView[]> {
    await this.find(queueId);
    return (await this.itemRows.list(queueId, query.status, query.limit ?? 100)).map(toItemView);
  }

  /** Takes a waiting lead out of the queue. */
  async removeItem(queueId: string, itemId: string): Promise<DialItemView> {
    const item = await this.itemRows.findInQueue(itemId, queueId);
    if (!item) throw DomainError.notFound('Dial queue item');
    if (!(await this.itemRows.move(itemId, ['pending'], { status: 'canceled', lastOutcome: 'removed', updatedAt: this.clock.now() }))) throw new DomainError(ErrorCode.Conflict, `This lead is ${item.status}; only a waiting lead can be removed`);
    return toItemView({ ...item, status: 'canceled', lastOutcome: 'removed' });
  }

  /** Agents see only the queues they work. */
  async visibleTo(actor: AccessClaims, queueId: string): Promise<void> {
    if (actor.role !== 'agent') return;
    if (!(await this.queues.agentsOf(queueId)).includes(actor.sub)) throw DomainError.notFound('Dial queue');
  }

  private async find(id: string): Promise<DialQueueEntity> {
    const q = await this.queues.findById(id);
    if (!q) throw DomainError.notFound('Dial queue');
    return q;
  }
}

