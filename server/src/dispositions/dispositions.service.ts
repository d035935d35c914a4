import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { type AccessClaims, type DispositionChangeView, type DispositionFlags, type DispositionScope, type DispositionView, ErrorCode } from '#shared';
import { ActionGroupEntity } from '../action-groups/action-group.entity.js';
import { CallbackEntity } from '../callbacks/callback.entity.js';
import { CallbacksService } from '../callbacks/callbacks.service.js';
import { Clock } from '../common/clock.js';
import { orderedId } from '../common/ids.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { OptOutsService } from '../compliance/opt-outs.service.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { DialQueueEntity, DialQueueItemEntity } from '../dialer/dial-queue.entity.js';
import { AgentStatesService } from '../agents/agent-states.service.js';
import { ParticipantActionEntity, ScheduleEntity } from '../schedules/schedule.entity.js';
import { ConversationEntity } from '../telephony/conversations/conversation.entity.js';
import { DispositionChangeEntity, DispositionEntity } from './disposition.entity.js';
import type { CreateDispositionDto, SetDispositionDto, UpdateDispositionDto } from './dto/disposition.dto.js';

const NO_FLAGS: DispositionFlags = { contacted: false, humanAnswered: false, success: false, doNotCall: false, callback: false, exitSchedule: false, final: false };

/** What every account starts with; an account-wide row with the same code replaces one (inactive hides it). */
export const SHIPPED_DISPOSITIONS: Array<Pick<DispositionView, 'code' | 'label' | 'flags' | 'callbackDelayMinutes'>> = [
  { code: 'sale', label: 'Sale', flags: { ...NO_FLAGS, contacted: true, humanAnswered: true, success: true, final: true, exitSchedule: true }, callbackDelayMinutes: null },
  { code: 'interested', label: 'Interested: call back', flags: { ...NO_FLAGS, contacted: true, humanAnswered: true, callback: true }, callbackDelayMinutes: 24 * 60 },
  { code: 'not-interested', label: 'Not interested', flags: { ...NO_FLAGS, contacted: true, humanAnswered: true, final: true, exitSchedule: true }, callbackDelayMinutes: null },
  { code: 'do-not-call', label: 'Do not call', flags: { ...NO_FLAGS, contacted: true, humanAnswered: true, doNotCall: true, final: true, exitSchedule: true }, callbackDelayMinutes: null },
  { code: 'wrong-number', label: 'Wrong number', flags: { ...NO_FLAGS, humanAnswered: true, final: true, exitSchedule: true }, callbackDelayMinutes: null },
  { code: 'voicemail', label: 'Left a voicemail', flags: { ...NO_FLAGS }, callbackDelayMinutes: null },
  { code: 'no-answer', label: 'No answer', flags: { ...NO_FLAGS }, callbackDelayMinutes: null },
];

/** Where a conversation came from, for its catalogue and its effects. */
interface Origin {
  queueId: string | null;
  scheduleId: string | null;
  enrollmentId: string | null;
}

/**
 * Disposition catalogues (shipped defaults, account-wide rows, a queue's or schedule's
 * own, each replacing the one before by code) and setting a disposition on a
 * conversation: who and when, the change audited, and its flags' effects — do-not-call
 * writes an opt-out with provenance, callback books one, exit schedule ends the lead's
 * enrollment, final stops the queue's retries, human answered counts toward the
 * abandon rate. Posting the disposition a conversation already has changes nothing.
 */
@Injectable()
export class DispositionsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly optOuts: OptOutsService,
    private readonly callbacks: CallbacksService,
    private readonly states: AgentStatesService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  private get rows() {
    return this.ds.getRepository(DispositionEntity);
  }

  /** The rows of one catalogue as stored (account-wide, or one queue's or schedule's). */
  async catalogue(scope: DispositionScope): Promise<DispositionView[]> {
    const rows = await this.rows.find({ where: { scopeType: scope.type, scopeId: scope.type === 'account' ? '' : scope.id }, order: { position: 'ASC', code: 'ASC' } });
    return rows.map(toView);
  }

  /** What agents pick from: shipped defaults, then account-wide rows, then the schedule's, then the queue's, by code; inactive ones left out. */
  async effective(origin: { queueId?: string | null; scheduleId?: string | null }): Promise<DispositionView[]> {
    const byCode = new Map<string, DispositionView>();
    SHIPPED_DISPOSITIONS.forEach((d, i) => byCode.set(d.code, { id: null, scope: { type: 'account' }, actionGroupId: null, position: i, active: true, ...d }));
    const layers: DispositionScope[] = [{ type: 'account' }];
    if (origin.scheduleId) layers.push({ type: 'schedule', id: origin.scheduleId });
    if (origin.queueId) layers.push({ type: 'queue', id: origin.queueId });
    for (const layer of layers) for (const d of await this.catalogue(layer)) byCode.set(d.code, d);
    return [...byCode.values()].filter((d) => d.active).sort((a, b) => a.position - b.position || a.code.localeCompare(b.code));
  }

  async forConversation(conversationId: string, actor: AccessClaims): Promise<DispositionView[]> {
    const c = await this.conversation(conversationId, actor);
    return this.effective(await this.originOf(c));
  }

  async create(dto: CreateDispositionDto): Promise<DispositionView> {
    await this.checkRefs(dto.scopeType, dto.scopeId, dto.actionGroupId);
    const now = this.clock.now();
    const row: DispositionEntity = {
      id: randomUUID(),
      scopeType: dto.scopeType,
      scopeId: dto.scopeType === 'account' ? '' : (dto.scopeId as string),
      code: dto.code,
      label: dto.label.trim(),
      ...NO_FLAGS,
      ...(dto.flags ?? {}),
      actionGroupId: dto.actionGroupId ?? null,
      callbackDelayMinutes: dto.callbackDelayMinutes ?? null,
      position: dto.position ?? 0,
      active: dto.active ?? true,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.rows.insert(row);
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError(ErrorCode.Conflict, `This catalogue already has a disposition "${dto.code}"`, [{ field: 'code', message: 'is taken in this catalogue' }]);
      throw e;
    }
    return toView(row);
  }

  async update(id: string, dto: UpdateDispositionDto): Promise<DispositionView> {
    const row = await this.rows.findOneBy({ id });
    if (!row) throw DomainError.notFound('Disposition');
    if (dto.actionGroupId) await this.checkRefs(row.scopeType as DispositionScope['type'], row.scopeId || undefined, dto.actionGroupId);
    const next: DispositionEntity = {
      ...row,
      label: dto.label?.trim() ?? row.label,
      ...(dto.flags ?? {}),
      actionGroupId: dto.actionGroupId !== undefined ? dto.actionGroupId : row.actionGroupId,
      callbackDelayMinutes: dto.callbackDelayMinutes !== undefined ? dto.callbackDelayMinutes : row.callbackDelayMinutes,
      position: dto.position ?? row.position,
      active: dto.active ?? row.active,
      updatedAt: this.clock.now(),
    };
    await this.rows.save(next);
    return toView(next);
  }

  private async checkRefs(scopeType: DispositionScope['type'], scopeId: string | undefined, actionGroupId: string | null | undefined): Promise<void> {
    const problems: Array<{ field: string; message: string }> = [];
    if (scopeType === 'account' && scopeId) problems.push({ field: 'scopeId', message: 'is only for a queue or schedule catalogue' });
    if (scopeType !== 'account') {
      if (!scopeId) problems.push({ field: 'scopeId', message: `is required for a ${scopeType} catalogue` });
      else {
        const found = scopeType === 'queue' ? await this.ds.getRepository(DialQueueEntity).countBy({ id: scopeId }) : await this.ds.getRepository(ScheduleEntity).countBy({ id: scopeId, deletedAt: IsNull() });
        if (!found) problems.push({ field: 'scopeId', message: `is not a ${scopeType === 'queue' ? 'dial queue' : 'schedule'} (${scopeId})` });
      }
    }
    if (actionGroupId && !(await this.ds.getRepository(ActionGroupEntity).countBy({ id: actionGroupId }))) problems.push({ field: 'actionGroupId', message: `is not an action group (${actionGroupId})` });
    if (problems.length) throw new DomainError(ErrorCode.ValidationFailed, problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
  }

  /** The queue, schedule and enrollment a conversation came from. */
  private async originOf(c: ConversationEntity): Promise<Origin> {
    const none: Origin = { queueId: null, scheduleId: null, enrollmentId: null };
    if (!c.causeId) return none;
    const fromAction = async (actionId: string, queueId: string | null): Promise<Origin> => {
      const a = await this.ds.getRepository(ParticipantActionEntity).findOne({ select: { scheduleId: true, enrollmentId: true }, where: { id: actionId } });
      return { queueId, scheduleId: a?.scheduleId ?? null, enrollmentId: a?.enrollmentId ?? null };
    };
    if (c.causeType === 'participant-action') return fromAction(c.causeId, null);
    if (c.causeType === 'queue-item') {
      const item = await this.ds.getRepository(DialQueueItemEntity).findOneBy({ id: c.causeId });
      if (!item) return none;
      return item.source === 'schedule' && item.sourceId ? fromAction(item.sourceId, item.queueId) : { ...none, queueId: item.queueId };
    }
    if (c.causeType === 'callback') {
      const cb = await this.ds.getRepository(CallbackEntity).findOneBy({ id: c.causeId });
      return { ...none, queueId: cb?.queueId ?? null, enrollmentId: cb?.enrollmentId ?? null };
    }
    return none;
  }

  private async conversation(id: string, actor: AccessClaims): Promise<ConversationEntity> {
    const c = await this.ds.getRepository(ConversationEntity).findOneBy({ id });
    if (!c || (actor.role === 'agent' && c.agentId !== actor.sub)) throw DomainError.notFound('Conversation');
    return c;
  }

  /**
   * Sets (or changes) the disposition of a conversation. The same code posted again is
   * a no-op (effects happen once); a change is recorded with who, when and what it set off.
   */
  async set(conversationId: string, dto: SetDispositionDto, actor: AccessClaims): Promise<{ disposition: DispositionView; change: DispositionChangeView | null }> {
    const c = await this.conversation(conversationId, actor);
    const origin = await this.originOf(c);
    const catalogue = await this.effective(origin);
    const d = catalogue.find((x) => x.code === dto.code);
    if (!d) throw DomainError.validation('code', `is not a disposition here: one of ${catalogue.map((x) => x.code).join(', ')}`);
    if (c.disposition === d.code) return { disposition: d, change: null };
    if (dto.callbackAt && !d.flags.callback) throw DomainError.validation('callbackAt', `"${d.code}" does not book a callback`);
    const now = this.clock.now();
    // Only from the disposition read: of two posts racing, one wins and the other finds it set.
    const moved = await this.ds.getRepository(ConversationEntity).update(
      { id: c.id, disposition: c.disposition === null ? IsNull() : c.disposition },
      { disposition: d.code, dispositionBy: actor.sub, dispositionAt: now, ...(dto.notes !== undefined ? { notes: dto.notes } : {}), updatedAt: now },
    );
    if (!moved.affected) {
      const again = await this.conversation(conversationId, actor);
      if (again.disposition === d.code) return { disposition: d, change: null };
      throw new DomainError(ErrorCode.Conflict, `The disposition was changed to "${again.disposition}" meanwhile`);
    }

    const effects: string[] = [];
    const address = c.direction === 'outbound' ? c.toNumber : c.fromNumber;
    if (d.flags.doNotCall && address?.startsWith('+')) {
      // The person asked on the call: their revocation, with the agent, the call and the words.
      await this.optOuts.write({
        address,
        action: 'opt-out',
        channel: 'call',
        source: 'disposition',
        kind: 'revocation',
        origin: c.channel === 'call' ? 'call' : 'sms',
        words: dto.notes?.trim() || d.label,
        conversationId: c.id,
        sourceRef: `disposition:${c.id}:${d.code}`,
        actorId: actor.sub,
        note: `disposition ${d.code} on conversation ${c.id}`,
      });
      effects.push(`opted out ${address} of calls`);
    }
    if (d.flags.callback && c.leadId) {
      const dueAt = dto.callbackAt ?? new Date(now.getTime() + (d.callbackDelayMinutes ?? 24 * 60) * 60_000);
      const cb = await this.callbacks.book({ leadId: c.leadId, dueAt, ownerId: c.agentId ?? actor.sub, queueId: origin.queueId, note: dto.notes ?? null, origin: 'disposition', createdBy: actor.sub, enrollmentId: origin.enrollmentId, conversationId: c.id });
      effects.push(`callback ${cb.id} booked for ${cb.dueAt}`);
    }
    if (d.flags.exitSchedule && c.leadId) effects.push('the lead leaves its schedule');
    if (d.flags.final && origin.queueId) effects.push('no more attempts from the queue');
    if (c.agentId && (await this.states.transition(c.agentId, ['wrap_up'], 'ready', 'disposition set'))) effects.push('agent ready');
    await this.events.emit('conversation.disposed', {
      conversationId: c.id,
      leadId: c.leadId,
      code: d.code,
      flags: { humanAnswered: d.flags.humanAnswered, exitSchedule: d.flags.exitSchedule, final: d.flags.final, success: d.flags.success, contacted: d.flags.contacted },
      queueId: origin.queueId,
      enrollmentId: origin.enrollmentId,
      actorId: actor.sub,
      actionGroupId: d.actionGroupId,
    });
    const change: DispositionChangeEntity = { id: orderedId(), conversationId: c.id, fromCode: c.disposition, toCode: d.code, actorId: actor.sub, at: now, effects: JSON.stringify(effects) };
    await this.ds.getRepository(DispositionChangeEntity).insert(change);
    return { disposition: d, change: toChangeView(change) };
  }

  async history(conversationId: string, actor: AccessClaims): Promise<DispositionChangeView[]> {
    await this.conversation(conversationId, actor);
    const rows = await this.ds.getRepository(DispositionChangeEntity).find({ where: { conversationId }, order: { at: 'ASC', id: 'ASC' } });
    return rows.map(toChangeView);
  }
}

function toView(r: DispositionEntity): DispositionView {
  return {
    id: r.id,
    scope: r.scopeType === 'account' ? { type: 'account' } : { type: r.scopeType as 'queue' | 'schedule', id: r.scopeId },
    code: r.code,
    label: r.label,
    flags: { contacted: r.contacted, humanAnswered: r.humanAnswered, success: r.success, doNotCall: r.doNotCall, callback: r.callback, exitSchedule: r.exitSchedule, final: r.final },
    actionGroupId: r.actionGroupId,
    callbackDelayMinutes: r.callbackDelayMinutes,
    position: r.position,
    active: r.active,
  };
}

function toChangeView(c: DispositionChangeEntity): DispositionChangeView {
  return { id: c.id, conversationId: c.conversationId, from: c.fromCode, to: c.toCode, actorId: c.actorId, at: c.at.toISOString(), effects: JSON.parse(c.effects) as string[] };
}
