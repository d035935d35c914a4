import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type ConversationView, ErrorCode } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { isFinal } from '../telephony/conversations/conversation-state.js';
import { ConversationsRepository } from '../telephony/conversations/conversations.repository.js';
import { type ContactForWork, ContactWork, type ContactWorkSource, type WorkContactTerms } from '../telephony/outbound/contact-work.js';
import { ParticipantActionsRepository } from './participant-actions.repository.js';
import { stepConfig } from './schedule-codec.js';
import { ScheduleEngine } from './schedule-engine.js';

const FIELD = 'participantActionId';
/** A manual step an agent's call or text may be for. */
const WORKABLE = ['pending', 'due', 'deferred'];
const STEP_OF: Record<ContactForWork['channel'], string> = { call: 'dial', sms: 'sms' };

/**
 * An agent's own call or text for a manual call or SMS step (`POST /api/calls` or
 * `/api/sms` with `participantActionId`). The conversation is the step's (cause
 * `participant-action`) and the step completes with it: a call once it has ended and has
 * a disposition (whichever comes last; the code is the outcome), a text once the carrier
 * sent it, or delivered it when the step says `completeOn: 'delivery'`. A text that failed
 * leaves the step open with the failure as its detail, to be tried again.
 */
@Injectable()
export class ManualContacts implements OnModuleInit, ContactWorkSource {
  constructor(
    private readonly work: ContactWork,
    private readonly engine: ScheduleEngine,
    private readonly actions: ParticipantActionsRepository,
    private readonly conversations: ConversationsRepository,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.work.register('participant-action', this);
    this.events.on('conversation.settled', (e) => (e.causeType === 'participant-action' && e.causeId ? this.review(e.causeId, e.conversationId) : undefined));
    this.events.on('text.status', (e) => (e.causeType === 'participant-action' && e.causeId ? this.review(e.causeId, e.conversationId) : undefined));
    // Before the engine acts on the disposition's flags, so a step completes with an exiting code too.
    this.engine.beforeDisposition(async (e) => {
      const c = await this.conversations.findById(e.conversationId);
      if (c?.causeType === 'participant-action' && c.causeId) await this.review(c.causeId, c.id);
    });
  }

  async check(id: string, contact: ContactForWork): Promise<WorkContactTerms> {
    const loaded = await this.engine.load(id);
    // An agent's actions are their own; another's is answered as absent.
    if (!loaded || (contact.actor.role === 'agent' && loaded.action.ownerId !== contact.actor.sub)) {
      throw new DomainError(ErrorCode.NotFound, 'Action not found', [{ field: FIELD, message: 'is not an action of yours' }]);
    }
    const { action, enrollment, schedule } = loaded;
    if (action.leadId !== contact.leadId) throw DomainError.validation(FIELD, "is another lead's action");
    if (action.type !== STEP_OF[contact.channel]) throw DomainError.validation(FIELD, `is a ${action.type} step, not a ${STEP_OF[contact.channel]} step`);
    if (action.activation !== 'manual') throw DomainError.validation(FIELD, 'is an automatic step; the schedule makes its contact');
    if (!WORKABLE.includes(action.status)) throw new DomainError(ErrorCode.Conflict, `The action is already ${action.status}`, [{ field: FIELD, message: `is ${action.status}` }]);
    if (enrollment.status !== 'active') throw new DomainError(ErrorCode.Conflict, `The lead's enrollment is ${enrollment.status}`, [{ field: FIELD, message: `belongs to an enrollment that is ${enrollment.status}` }]);
    // The schedule's own ring pool and opt-outs, as for the steps it runs itself.
    return { poolId: contact.channel === 'call' ? schedule.dialPoolId : schedule.smsPoolId, scope: { type: 'schedule', id: schedule.id } };
  }

  async placed(id: string, conversation: ConversationView): Promise<void> {
    await this.review(id, conversation.id);
  }

  /** Completes the step when its conversation says it is done, or shows why a text failed. */
  async review(actionId: string, conversationId: string): Promise<void> {
    const loaded = await this.engine.load(actionId);
    if (!loaded || loaded.action.activation !== 'manual' || !WORKABLE.includes(loaded.action.status)) return;
    const c = await this.conversations.findById(conversationId);
    if (!c || c.causeId !== actionId || c.direction !== 'outbound') return;
    const from = [loaded.action.status];
    if (c.channel === 'call') {
      if (!isFinal('call', c.status) || !c.disposition) return;
      return this.engine.finish(loaded.action, { kind: 'completed', outcome: c.disposition, conversationId: c.id }, loaded, c.dispositionBy ?? c.agentId, from);
    }
    const onDelivery = stepConfig(loaded.step).completeOn === 'delivery';
    if (c.status === 'delivered' || (!onDelivery && c.status === 'sent')) {
      return this.engine.finish(loaded.action, { kind: 'completed', outcome: onDelivery ? 'delivered' : 'sent', conversationId: c.id }, loaded, c.agentId, from);
    }
    if (['failed', 'undelivered', 'canceled'].includes(c.status)) {
      const why = c.errorMessage ?? (c.errorCode ? `error ${c.errorCode}` : 'no reason given');
      if (await this.actions.noteIfOpen(actionId, `the text was ${c.status}: ${why}`.slice(0, 4000), c.id, this.clock.now())) {
        await this.events.emit('work.changed', { kind: 'participant_action', ids: [actionId] });
      }
    }
  }
}
