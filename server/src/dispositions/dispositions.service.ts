import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type AccessClaims, type AgentState, type DispositionChangeView, type DispositionScope, type DispositionView, ErrorCode } from '#shared';
import { ActionGroupsRepository } from '../action-groups/action-groups.repository.js';
import { GroupRunner, type RunRequest } from '../action-groups/group-runner.js';
import { CallbacksRepository } from '../callbacks/callbacks.repository.js';
import { CallbacksService, type PreparedCallback } from '../callbacks/callbacks.service.js';
import { Clock } from '../common/clock.js';
import { orderedId } from '../common/ids.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents, type DomainEventMap } from '../common/domain-events.js';
import { JsonLogger } from '../common/json-logger.js';
import { OptOutsService, type PreparedLedgerWrite } from '../compliance/opt-outs.service.js';
import { Transactions } from '../database/transactions.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { AgentStatesService } from '../agents/agent-states.service.js';
import { DialIntake } from '../dialer/dial-intake.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { SchedulesRepository } from '../schedules/schedules.repository.js';
import { type Conversation, ConversationsRepository } from '../telephony/conversations/conversations.repository.js';
import { DispositionChangeEntity, DispositionEntity } from './disposition.entity.js';
import { DispositionsRepository } from './dispositions.repository.js';
import { NO_FLAGS, SHIPPED_DISPOSITIONS, toChangeView, toView } from './disposition-views.js';
import type { CreateDispositionDto, SetDispositionDto, UpdateDispositionDto } from './dto/disposition.dto.js';

/** The answer to a disposition post: `created` false when it repeated the stored one. */
export interface DispositionResult {
  disposition: DispositionView;
  change: DispositionChangeView | null;
  created: boolean;
}

/** What a disposition was posted with, as resolved: a repeat is compared with it. */
interface StoredContent {
  code: string;
  notes: string | null;
  callbackAt: string | null;
}

/** A disposition's effects, checked and read before its transaction. */
interface PreparedEffects {
  optOut: PreparedLedgerWrite | null;
  callback: PreparedCallback | null;
  /** The disposition's active action group's run, queued with the rest (once per conversation and code: its key). */
  group: RunRequest | null;
  address: string | null;
}

/**
 * The job that carries a disposition's reactions elsewhere (its schedule exits, its dial
 * queue's retries): written in the disposition's transaction, due a minute later, and
 * canceled once they are done at once after the commit, so a process that dies in
 * between, or a fault while they run, leaves them to run from the job.
 */
export const DISPOSITION_EFFECTS_QUEUE = 'disposition.effects';
const EFFECTS_BACKSTOP_MS = 60_000;
const effectsKey = (changeId: string) => `disposition-effects:${changeId}`;

/** Another post set the conversation's disposition between our read and our write. */
class LostRace extends Error {}

/** What a disposition's transaction wrote: its audit row, the agent's move, and what reacts to it elsewhere. */
interface Written {
  change: DispositionChangeEntity;
  agent: { from: AgentState; to: AgentState | null } | null;
  reactions: DomainEventMap['conversation.disposed'];
}

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
 * abandon rate. All of it is written in one transaction or not at all; posting the same
 * disposition again changes nothing and gets the same answer.
 */
@Injectable()
export class DispositionsService implements OnModuleInit {
  constructor(
    private readonly rows: DispositionsRepository,
    private readonly conversations: ConversationsRepository,
    private readonly dialIntake: DialIntake,
    private readonly schedules: SchedulesRepository,
    private readonly callbackRows: CallbacksRepository,
    private readonly groups: ActionGroupsRepository,
    private readonly optOuts: OptOutsService,
    private readonly callbacks: CallbacksService,
    private readonly states: AgentStatesService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly tx: Transactions,
    private readonly runner: GroupRunner,
    private readonly scheduler: SchedulerService,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(DISPOSITION_EFFECTS_QUEUE, {
      handle: (payload) => this.events.deliver('conversation.disposed', payload as DomainEventMap['conversation.disposed']),
    });
  }

  /** The rows of one catalogue as stored (account-wide, or one queue's or schedule's). */
  async catalogue(scope: DispositionScope): Promise<DispositionView[]> {
    const rows = await this.rows.catalogue(scope.type, scope.type === 'account' ? '' : scope.id);
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
    const row = await this.rows.findById(id);
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
        const found = scopeType === 'queue' ? await this.dialIntake.queueExists(scopeId) : await this.schedules.scheduleExists(scopeId);
        if (!found) problems.push({ field: 'scopeId', message: `is not a ${scopeType === 'queue' ? 'dial queue' : 'schedule'} (${scopeId})` });
      }
    }
    if (actionGroupId && !(await this.groups.exists(actionGroupId))) problems.push({ field: 'actionGroupId', message: `is not an action group (${actionGroupId})` });
    if (problems.length) throw new DomainError(ErrorCode.ValidationFailed, problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
  }

  /** The queue, schedule and enrollment a conversation came from. */
  private async originOf(c: Conversation): Promise<Origin> {
    const none: Origin = { queueId: null, scheduleId: null, enrollmentId: null };
    if (!c.causeId) return none;
    const fromAction = async (actionId: string, queueId: string | null): Promise<Origin> => {
      const a = await this.schedules.actionRefs(actionId);
      return { queueId, scheduleId: a?.scheduleId ?? null, enrollmentId: a?.enrollmentId ?? null };
    };
    if (c.causeType === 'participant-action') return fromAction(c.causeId, null);
    if (c.causeType === 'queue-item') {
      const item = await this.dialIntake.originOf(c.causeId);
      if (!item) return none;
      return item.source === 'schedule' && item.sourceId ? fromAction(item.sourceId, item.queueId) : { ...none, queueId: item.queueId };
    }
    if (c.causeType === 'callback') {
      const cb = await this.callbackRows.findById(c.causeId);
      return { ...none, queueId: cb?.queueId ?? null, enrollmentId: cb?.enrollmentId ?? null };
    }
    return none;
  }

  private async conversation(id: string, actor: AccessClaims): Promise<Conversation> {
    const c = await this.conversations.findById(id);
    if (!c || (actor.role === 'agent' && c.agentId !== actor.sub)) throw DomainError.notFound('Conversation');
    return c;
  }

  /**
   * Sets the disposition of a conversation with all its effects, or nothing. Everything
   * is checked first (the code is in the conversation's catalogue; a callback time, given
   * or from the disposition's delay, is in the future and read in the lead's zone, refused
   * naming `callbackAt`), then the disposition, its audit row, the opt-out, the callback and
   * the agent leaving wrap-up are written in one transaction. The same content posted
   * again is answered as the first time (`created: false`) and writes nothing; a different
   * one is a DISPOSITION_CONFLICT naming what differs, unless it says which code it
   * `replaces` (a correction, audited as a change). Of two posts racing, the conditional
   * update lets one write; the other is answered as a repeat or a conflict.
   */
  async set(conversationId: string, dto: SetDispositionDto, actor: AccessClaims): Promise<DispositionResult> {
    const c = await this.conversation(conversationId, actor);
    const origin = await this.originOf(c);
    const catalogue = await this.effective(origin);
    const d = catalogue.find((x) => x.code === dto.code);
    if (!d) throw DomainError.validation('code', `is not a disposition here: one of ${catalogue.map((x) => x.code).join(', ')}`);
    if (dto.callbackAt && !d.flags.callback) throw DomainError.validation('callbackAt', `"${d.code}" does not book a callback`);
    if (c.disposition !== null) {
      const held = await this.asStored(c, d, dto);
      if (held) return held;
    }
    const now = this.clock.now();
    const effects = await this.prepareEffects(c, d, dto, origin, actor, now);
    const content: StoredContent = { code: d.code, notes: dto.notes ?? null, callbackAt: effects.callback?.row.dueAt.toISOString() ?? null };
    let written: Written;
    try {
      written = await this.tx.run((em) => this.write(em, c, d, dto, content, effects, origin, actor, now));
    } catch (e) {
      if (!(e instanceof LostRace)) throw e;
      // Another post got there first: the same content is that post's answer; another is a conflict.
      const again = await this.conversation(conversationId, actor);
      const held = again.disposition !== null ? await this.asStored(again, d, { ...dto, replaces: undefined }) : null;
      if (held) return held;
      throw new DomainError(ErrorCode.DispositionConflict, `The disposition was set to "${again.disposition}" meanwhile`, [{ field: 'code', message: `is now "${again.disposition}"` }]);
    }
    if (c.agentId && written.agent) await this.states.announce(c.agentId, written.agent.from);
    try {
      await this.events.deliver('conversation.disposed', written.reactions);
      await this.scheduler.cancel(effectsKey(written.change.id));
    } catch (e) {
      // Written and answered; what is left runs from the job written with it.
      this.logger.event('warn', 'disposition.effects-deferred', { conversationId: c.id, code: d.code, error: (e as Error).message });
    }
    return { disposition: d, change: toChangeView(written.change), created: true };
  }

  /**
   * A post on a conversation that has a disposition: the stored answer when it says the
   * same (code, and notes and callback time where given), null when it is a correction
   * naming the code it replaces, else a conflict naming each field that differs.
   */
  private async asStored(c: Conversation, d: DispositionView, dto: SetDispositionDto): Promise<DispositionResult | null> {
    if (c.disposition !== d.code) {
      if (dto.replaces !== undefined && dto.replaces === c.disposition) return null;
      const how = `to change it, post again with replaces: "${c.disposition}"`;
      throw new DomainError(ErrorCode.DispositionConflict, `This call is already dispositioned "${c.disposition}"; ${how}`, [{ field: 'code', message: `differs from the stored "${c.disposition}" (${how})` }]);
    }
    const last = await this.rows.lastChange(c.id);
    const stored: StoredContent = last?.content ? (JSON.parse(last.content) as StoredContent) : { code: c.disposition, notes: c.notes, callbackAt: null };
    const differs: Array<{ field: string; message: string }> = [];
    if (dto.notes !== undefined && dto.notes !== (stored.notes ?? '')) differs.push({ field: 'notes', message: 'differs from the notes saved with this disposition' });
    if (dto.callbackAt && c.leadId && d.flags.callback) {
      const at = await this.callbacks.dueInstant(c.leadId, dto.callbackAt, 'callbackAt');
      if (at && at.toISOString() !== stored.callbackAt) differs.push({ field: 'callbackAt', message: `differs from the callback booked with this disposition (${stored.callbackAt ?? 'none'})` });
    }
    if (differs.length) {
      throw new DomainError(ErrorCode.DispositionConflict, `This call is already dispositioned "${c.disposition}" with other ${differs.map((x) => x.field).join(' and ')}; change it in the lead's callbacks or notes`, differs);
    }
    const view = last ? toChangeView(last) : null;
    return { disposition: d, change: view, created: false };
  }

  /** Reads and checks what the disposition sets off (the callback, the opt-out) before anything is written. */
  private async prepareEffects(c: Conversation, d: DispositionView, dto: SetDispositionDto, origin: Origin, actor: AccessClaims, now: Date): Promise<PreparedEffects> {
    const address = c.direction === 'outbound' ? c.toNumber : c.fromNumber;
    const optOut =
      d.flags.doNotCall && address?.startsWith('+')
        ? await this.optOuts.prepareAppend({
            // The person asked on the call: their revocation, with the agent, the call and the words.
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
          })
        : null;
    let callback: PreparedCallback | null = null;
    if (d.flags.callback && c.leadId) {
      const dueAt = dto.callbackAt ?? new Date(now.getTime() + (d.callbackDelayMinutes ?? 24 * 60) * 60_000);
      const booking = { leadId: c.leadId, dueAt, ownerId: c.agentId ?? actor.sub, queueId: origin.queueId, note: dto.notes ?? null, origin: 'disposition' as const, createdBy: actor.sub, enrollmentId: origin.enrollmentId, conversationId: c.id };
      callback = await this.callbacks.prepare(booking, { dueField: 'callbackAt', graceMs: 0 });
    }
    const group: RunRequest | null =
      d.actionGroupId && c.leadId && (await this.runner.isActive(d.actionGroupId))
        ? { groupId: d.actionGroupId, trigger: 'disposition', triggerRef: d.code, leadId: c.leadId, conversationId: c.id, enrollmentId: origin.enrollmentId, actorId: actor.sub }
        : null;
    return { optOut, callback, group, address };
  }

  /** The disposition and its effects, in `em`'s transaction. Throws LostRace when another post set it first. */
  private async write(
    em: EntityManager,
    c: Conversation,
    d: DispositionView,
    dto: SetDispositionDto,
    content: StoredContent,
    effects: PreparedEffects,
    origin: Origin,
    actor: AccessClaims,
    now: Date,
  ): Promise<Written> {
    // First, so that of two posts racing the second waits here and then finds nothing to change.
    const moved = await this.conversations.setDisposition(c.id, c.disposition, { disposition: d.code, dispositionBy: actor.sub, dispositionAt: now, ...(dto.notes !== undefined ? { notes: dto.notes } : {}), updatedAt: now }, em);
    if (!moved) throw new LostRace();
    const done: string[] = [];
    if (effects.optOut) {
      await this.optOuts.appendIn(em, effects.optOut);
      done.push(`opted out ${effects.address} of calls`);
    }
    if (effects.callback) {
      await this.callbacks.writePrepared(effects.callback, em);
      done.push(`callback ${effects.callback.row.id} booked for ${effects.callback.view.dueAt}`);
    }
    if (effects.group) await this.runner.enqueue(effects.group, em);
    if (d.flags.exitSchedule && c.leadId) done.push('the lead leaves its schedule');
    if (d.flags.final && origin.queueId) done.push('no more attempts from the queue');
    const agent = c.agentId ? await this.states.afterDisposition(em, c.agentId, now) : null;
    if (agent?.to === 'ready') done.push('agent ready');
    else if (agent?.to === 'paused') done.push('agent paused after the call');
    else if (agent?.to === 'offline') done.push('agent signed off after the call');
    const change: DispositionChangeEntity = { id: orderedId(), conversationId: c.id, fromCode: c.disposition, toCode: d.code, actorId: actor.sub, at: now, effects: JSON.stringify(done), content: JSON.stringify(content) };
    await this.rows.recordChange(change, em);
    const reactions: DomainEventMap['conversation.disposed'] = {
      conversationId: c.id,
      leadId: c.leadId,
      code: d.code,
      flags: { humanAnswered: d.flags.humanAnswered, exitSchedule: d.flags.exitSchedule, final: d.flags.final, success: d.flags.success, contacted: d.flags.contacted, callback: d.flags.callback },
      queueId: origin.queueId,
      enrollmentId: origin.enrollmentId,
      actorId: actor.sub,
      actionGroupId: d.actionGroupId,
      disposedAt: now.toISOString(),
    };
    await this.scheduler.enqueue(DISPOSITION_EFFECTS_QUEUE, reactions, { em, dedupeKey: effectsKey(change.id), dueAt: new Date(now.getTime() + EFFECTS_BACKSTOP_MS) });
    return { change, agent, reactions };
  }

  async history(conversationId: string, actor: AccessClaims): Promise<DispositionChangeView[]> {
    await this.conversation(conversationId, actor);
    const rows = await this.rows.changesOf(conversationId);
    return rows.map(toChangeView);
  }
}
