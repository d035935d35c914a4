import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { type AccessClaims, type DialItemView, type DialQueueView, ErrorCode, type QueueActivity, type QueueStats, type RetryRule } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { LeadEntity } from '../leads/lead.entity.js';
import { RingPoolEntity } from '../telephony/ring-pools/ring-pool.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { DEFAULT_ABANDON_MESSAGE, DEFAULT_RETRY_RULES, toItemView, toQueueView } from './dial-queue.codec.js';
import { DialQueueAgentEntity, DialQueueEntity, DialQueueItemEntity } from './dial-queue.entity.js';
import { DialFigures } from './dial-figures.js';
import { DialIntake } from './dial-intake.js';
import { Dialer } from './dialer.service.js';
import type { AddQueueLeadsDto, CreateDialQueueDto, ListItemsQuery, UpdateDialQueueDto } from './dto/dial-queue.dto.js';

type Settings = CreateDialQueueDto | UpdateDialQueueDto;

/** Dial queues: their settings and agents, adding leads, the items, the figures. */
@Injectable()
export class DialQueuesService {
  private readonly statsRunning = new Map<string, Promise<QueueStats>>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly intake: DialIntake,
    private readonly dialer: Dialer,
    private readonly figures: DialFigures,
    private readonly clock: Clock,
  ) {}

  private get queues() {
    return this.ds.getRepository(DialQueueEntity);
  }

  async list(): Promise<DialQueueView[]> {
    const rows = await this.queues.find({ order: { name: 'ASC' } });
    const agents = rows.length ? await this.ds.getRepository(DialQueueAgentEntity).findBy({ queueId: In(rows.map((r) => r.id)) }) : [];
    return rows.map((q) => toQueueView(q, agents.filter((a) => a.queueId === q.id).map((a) => a.userId)));
  }

  async get(id: string): Promise<DialQueueView> {
    const q = await this.find(id);
    return toQueueView(q, await this.dialer.agentsOf(id));
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
      ringSeconds: 25,
      previewSeconds: 15,
      machineAction: 'hangup',
      voicemailMessage: null,
      abandonMessage: DEFAULT_ABANDON_MESSAGE,
      maxLinesPerAgent: 3,
      abandonCapBp: 300,
      createdAt: now,
      updatedAt: now,
    };
    await this.apply(q, dto);
    await this.save(q, dto.agentIds ?? [], true);
    return this.get(q.id);
  }

  async update(id: string, dto: UpdateDialQueueDto): Promise<DialQueueView> {
    const q = await this.find(id);
    await this.apply(q, dto);
    q.updatedAt = this.clock.now();
    await this.save(q, dto.agentIds, false);
    if (q.active) void this.dialer.pace(q.id);
    return this.get(id);
  }

  /** Checks references and cross-field rules, naming each bad field, then copies the settings onto `q`. */
  private async apply(q: DialQueueEntity, dto: Settings): Promise<void> {
    const problems: Array<{ field: string; message: string }> = [];
    if (dto.ringPoolId && !(await this.ds.getRepository(RingPoolEntity).countBy({ id: dto.ringPoolId }))) problems.push({ field: 'ringPoolId', message: `is not a ring pool (${dto.ringPoolId})` });
    if (dto.retryRules) {
      const seen = new Set<string>();
      dto.retryRules.forEach((r, i) => {
        if (seen.has(r.outcome)) problems.push({ field: `retryRules[${i}].outcome`, message: `"${r.outcome}" has two rules` });
        if (r.outcome === 'answered') problems.push({ field: `retryRules[${i}].outcome`, message: 'answered calls are not retried (a disposition books a callback)' });
        seen.add(r.outcome);
      });
    }
    if (dto.callingWindow && dto.callingWindow.start >= dto.callingWindow.end) problems.push({ field: 'callingWindow.end', message: 'must be after the start' });
    const machineAction = dto.machineAction ?? q.machineAction;
    const voicemail = dto.voicemailMessage !== undefined ? dto.voicemailMessage : q.voicemailMessage;
    if (machineAction === 'voicemail' && !voicemail?.trim()) problems.push({ field: 'voicemailMessage', message: 'is required when machineAction is voicemail (the text to speak or a recording URL)' });
    if (dto.agentIds?.length) {
      const found = await this.ds.getRepository(UserEntity).find({ select: { id: true, role: true, active: true }, where: { id: In(dto.agentIds) } });
      dto.agentIds.forEach((id, i) => {
        const u = found.find((f) => f.id === id);
        if (!u || !u.active) problems.push({ field: `agentIds[${i}]`, message: `is not an active user (${id})` });
      });
    }
    if (problems.length) throw new DomainError(ErrorCode.ValidationFailed, `The queue has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);
    if (dto.name !== undefined) q.name = dto.name.trim();
    if (dto.active !== undefined) q.active = dto.active;
    if (dto.mode !== undefined) q.mode = dto.mode;
    if (dto.ringPoolId !== undefined) q.ringPoolId = dto.ringPoolId;
    if (dto.callingWindow !== undefined) q.callingWindow = dto.callingWindow ? JSON.stringify({ start: dto.callingWindow.start, end: dto.callingWindow.end }) : null;
    if (dto.retryRules) q.retryRules = JSON.stringify(dto.retryRules.map((r): RetryRule => ({ outcome: r.outcome, retryMinutes: r.retryMinutes, maxAttempts: r.maxAttempts })));
    if (dto.ringSeconds !== undefined) q.ringSeconds = dto.ringSeconds;
    if (dto.previewSeconds !== undefined) q.previewSeconds = dto.previewSeconds;
    q.machineAction = machineAction;
    q.voicemailMessage = voicemail?.trim() || null;
    if (dto.abandonMessage !== undefined) q.abandonMessage = dto.abandonMessage.trim();
    if (dto.maxLinesPerAgent !== undefined) q.maxLinesPerAgent = dto.maxLinesPerAgent;
    if (dto.abandonCapPct !== undefined) q.abandonCapBp = Math.round(dto.abandonCapPct * 100);
  }

  /** The queue and (when given) its agents, in one transaction. */
  private async save(q: DialQueueEntity, agentIds: string[] | undefined, insert: boolean): Promise<void> {
    try {
      await this.ds.transaction(async (em) => {
        if (insert) await em.getRepository(DialQueueEntity).insert({ ...q });
        else await em.getRepository(DialQueueEntity).save({ ...q });
        if (agentIds) {
          await em.getRepository(DialQueueAgentEntity).delete({ queueId: q.id });
          const unique = [...new Set(agentIds)];
          if (unique.length) await em.getRepository(DialQueueAgentEntity).insert(unique.map((userId) => ({ queueId: q.id, userId })));
        }
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError(ErrorCode.Conflict, `A dial queue named "${q.name}" already exists`, [{ field: 'name', message: 'is taken' }]);
      throw e;
    }
  }

  /** Leads added directly (a list). Leads already waiting in the queue stay where they are. */
  async addLeads(queueId: string, dto: AddQueueLeadsDto): Promise<{ added: number; alreadyQueued: number }> {
    const q = await this.find(queueId);
    const ids = [...new Set(dto.leadIds)];
    const found = await this.ds.getRepository(LeadEntity).find({ select: { id: true, deletedAt: true }, where: { id: In(ids) } });
    const missing = ids.map((id, i) => ({ id, i })).filter(({ id }) => !found.some((f) => f.id === id && !f.deletedAt));
    if (missing.length) throw new DomainError(ErrorCode.ValidationFailed, `${missing.length} lead id${missing.length === 1 ? ' is' : 's are'} unknown`, missing.slice(0, 20).map(({ id, i }) => ({ field: `leadIds[${dto.leadIds.indexOf(id, i)}]`, message: `is not a lead (${id})` })));
    const added = await this.ds.transaction((em) => this.intake.add(q.id, ids, { source: 'list', priority: dto.priority ?? 0 }, em));
    if (q.active) void this.dialer.pace(q.id);
    return { added: added.length, alreadyQueued: ids.length - added.length };
  }

  async items(queueId: string, query: ListItemsQuery): Promise<DialItemView[]> {
    await this.find(queueId);
    const rows = await this.ds.getRepository(DialQueueItemEntity).find({
      where: { queueId, ...(query.status ? { status: query.status } : {}) },
      order: { callbackFirst: 'DESC', priority: 'DESC', dueAt: 'ASC' },
      take: query.limit ?? 100,
    });
    return rows.map(toItemView);
  }

  /** Takes a waiting lead out of the queue. */
  async removeItem(queueId: string, itemId: string): Promise<DialItemView> {
    const item = await this.ds.getRepository(DialQueueItemEntity).findOneBy({ id: itemId, queueId });
    if (!item) throw DomainError.notFound('Dial queue item');
    const r = await this.ds.getRepository(DialQueueItemEntity).update({ id: itemId, status: 'pending' }, { status: 'canceled', lastOutcome: 'removed', activeKey: null, updatedAt: this.clock.now() });
    if (!r.affected) throw new DomainError(ErrorCode.Conflict, `This lead is ${item.status}; only a waiting lead can be removed`);
    return toItemView({ ...item, status: 'canceled', lastOutcome: 'removed' });
  }

  /**
   * A queue's live figures. Asked for again while they are being worked out (a wall of
   * supervisors' screens refreshing at once), the request shares that computation (a
   * dozen queries) instead of starting another: figures pushed twice a second at most
   * may be that few milliseconds old.
   */
  stats(queueId: string): Promise<QueueStats> {
    const running = this.statsRunning.get(queueId);
    if (running) return running;
    const p = this.computeStats(queueId).finally(() => this.statsRunning.delete(queueId));
    this.statsRunning.set(queueId, p);
    return p;
  }

  private async computeStats(queueId: string): Promise<QueueStats> {
    const q = await this.find(queueId);
    return this.figures.stats(q, await this.dialer.agentsOf(q.id), this.dialer.ratios.get(q.id) ?? 1);
  }

  async activity(queueId: string): Promise<QueueActivity> {
    return this.figures.activity(await this.find(queueId));
  }

  async abandonByDay(queueId: string, days: number) {
    return this.figures.abandonByDay(await this.find(queueId), days);
  }

  /** Agents see only the queues they work. */
  async visibleTo(actor: AccessClaims, queueId: string): Promise<void> {
    if (actor.role !== 'agent') return;
    if (!(await this.dialer.agentsOf(queueId)).includes(actor.sub)) throw DomainError.notFound('Dial queue');
  }

  private async find(id: string): Promise<DialQueueEntity> {
    const q = await this.queues.findOneBy({ id });
    if (!q) throw DomainError.notFound('Dial queue');
    return q;
  }
}

