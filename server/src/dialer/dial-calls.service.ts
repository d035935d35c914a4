import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type AfterWrapUpLimit, type DialOutcome, ErrorCode } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { JsonLogger } from '../common/json-logger.js';
import { AgentStatesService } from '../agents/agent-states.service.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { CallScript } from '../telephony/call-script.js';
import { CallRooms } from '../telephony/rooms/call-rooms.service.js';
import { CallRecorder } from '../telephony/rooms/call-recorder.service.js';
import { type LeadRecord, LeadsRepository } from '../leads/leads.repository.js';
import { recordingPlan } from '../compliance/recording-consent.js';
import { zonesForNumber } from '../phone/area-codes.js';
import { type Conversation, ConversationsRepository } from '../telephony/conversations/conversations.repository.js';
import { OutboundService } from '../telephony/outbound/outbound.service.js';
import { BridgeRoutes } from '../telephony/webhooks/bridge-routes.js';
import { HoldMusic } from '../telephony/rooms/hold-music.js';
import type { CarrierParams } from '../telephony/webhooks/carrier-params.js';
import { WebhookUrls } from '../telephony/webhooks/webhook-urls.js';
import { DialCallsRepository } from './dial-calls.repository.js';
import { callingWindowOf, listKeyOf, recordingOf, retryRulesOf } from './dial-queue.codec.js';
import type { DialCallEntity, DialQueueEntity, DialQueueItemEntity } from './dial-queue.entity.js';
import { DialQueuesRepository } from './dial-queues.repository.js';
import { DialItemMoves } from './dial-item-moves.service.js';
import { DialItemsRepository } from './dial-items.repository.js';

export const AUTO_DIAL_QUEUE = 'dialer.auto-dial';
/** Seconds an answered call waits for an agent before the abandon message (the rule is two). */
export const BRIDGE_WAIT_SECONDS = 2;
/** A carrier or caller-ID failure: the lead is tried again after this long. */
const FAILURE_RETRY_MINUTES = 5;

const CALLER_REFUSED = new Set<string>([ErrorCode.ContactRefused]);

/**
 * A queue's calls: placing the call for a reserved lead, bridging an answered call to
 * its reserved agent or the longest-idle ready one (a person who waits two seconds with
 * nobody free hears the abandon message), and the outcome when the call ends, which
 * follows the queue's retry rules. The agent dials or the countdown dials the lead on
 * their card (preview, progressive).
 */
@Injectable()
export class DialCalls implements OnModuleInit {
  /** Asks for a pass of a queue whose call ended: the pacer sets it (it stands above the calls). */
  paceAfterCall: (queueId: string) => void = () => undefined;

  constructor(
    private readonly items: DialItemsRepository,
    private readonly calls: DialCallsRepository,
    private readonly queues: DialQueuesRepository,
    private readonly moves: DialItemMoves,
    private readonly states: AgentStatesService,
    private readonly outbound: OutboundService,
    private readonly conversations: ConversationsRepository,
    private readonly routes: BridgeRoutes,
    private readonly urls: WebhookUrls,
    private readonly scheduler: SchedulerService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
    private readonly rooms: CallRooms,
    private readonly recorder: CallRecorder,
    private readonly leads: LeadsRepository,
    private readonly holdMusic: HoldMusic,
  ) {}

  onModuleInit(): void {
    this.routes.register('queue-item', (c, p, q) => this.bridge(c, p, q));
    // A queue's calls hold to its own music (a hold, a warm transfer, a park).
    this.holdMusic.register(async (conversationId) => {
      const call = await this.calls.findByConversation(conversationId);
      return call ? ((await this.queues.findById(call.queueId))?.holdMusicUrl ?? null) : null;
    });
    this.scheduler.register(AUTO_DIAL_QUEUE, {
      handle: async (p) => {
        const { itemId, agentId } = p as { itemId: string; agentId: string };
        await this.autoDial(itemId, agentId);
      },
    });
    this.events.on('conversation.settled', async (e) => {
      if (e.causeType === 'queue-item' && e.causeId) await this.callEnded(e.causeId, e.conversationId);
    });
  }

  /**
   * Places the call for a reserved lead (for `agentId`, or before any agent is chosen);
   * `lead` is its record when the reservation's gate read it just now, so it is not read again;
   * `predicted` the abandon share the pacer expected of its calls in flight (predictive).
   */
  async dial(q: DialQueueEntity, item: DialQueueItemEntity, agentId: string | null, lead: LeadRecord | null = null, predicted: number | null = null): Promise<void> {
    const window = callingWindowOf(q);
    const attempt = item.attempts + 1;
    let conversationId: string;
    let final = false;
    try {
      const call = await this.outbound.placeCall({
        leadId: item.leadId,
        lead: lead ?? undefined,
        agentId,
        poolId: q.ringPoolId,
        cause: { type: 'queue-item', id: item.id },
        idempotencyKey: `dq:${item.id}:${attempt}`,
        machineDetection: true,
        ringSeconds: q.ringSeconds,
        gate: { scope: { type: 'queue', id: q.id }, narrowTo: window ? [window] : undefined },
      });
      conversationId = call.id;
      final = ['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(call.status);
    } catch (e) {
      const err = e instanceof DomainError ? e : null;
      const now = this.clock.now();
      const details = err?.details as { nextAllowedAt?: string | null; reasons?: Array<{ code: string }> } | undefined;
      if (err && CALLER_REFUSED.has(err.code) && !details?.nextAllowedAt) await this.moves.finish(item, 'refused', err.message, ['reserved'], true, details?.reasons?.map((r) => r.code) ?? [err.code]);
      else {
        const next = err && CALLER_REFUSED.has(err.code) && details?.nextAllowedAt ? new Date(details.nextAllowedAt) : new Date(now.getTime() + FAILURE_RETRY_MINUTES * 60_000);
        await this.moves.putBack(item, next, (err?.message ?? (e as Error).message ?? 'error').slice(0, 300));
      }
      if (agentId) await this.states.transition(agentId, ['reserved'], 'ready', 'the call could not be placed');
      this.moves.announce([item.id]);
      if (!err) this.logger.warn(`dialer: placing a call for item ${item.id} failed: ${(e as Error).message}`);
      return;
    }
    const now = this.clock.now();
    await this.calls.recordPlaced({ conversationId, queueId: q.id, itemId: item.id, leadId: item.leadId, agentId, placedAt: now, answeredAt: null, bridgedAt: null, endedAt: null, human: false, outcome: null, talkSeconds: null, listKey: listKeyOf(item), predictedBp: predicted === null ? null : Math.round(predicted * 10_000) });
    await this.items.move(item.id, ['reserved'], { status: 'dialing', conversationId, attempts: attempt, agentId, updatedAt: now });
    if (agentId) this.moves.announce([item.id]);
    await this.events.emit('dial.queue-changed', { queueId: q.id });
    if (final) await this.callEnded(item.id, conversationId);
  }

  /**
   * What an answered queue call does next. A machine gets the queue's voicemail or a
   * hang-up; a person is put in the call's conference room with the reserved agent's
   * phone dialed in, else the longest-idle ready agent's of the queue (an agent whose
   * phone does not answer is paused and the call comes back here once); with nobody free the call waits a second at a time, and after
   * two seconds hears the abandon message.
   */
  async bridge(conversation: Conversation, p: CarrierParams, query: Record<string, string | undefined>): Promise<string> {
    const script = new CallScript();
    const item = conversation.causeId ? await this.items.findById(conversation.causeId) : null;
    const q = item ? await this.queues.findById(item.queueId) : null;
    if (!item || !q) return script.hangUp().toString();
    const now = this.clock.now();
    // Sent back because the agent's phone did not answer: the customer has waited long enough already.
    const waited = query.missed ? BRIDGE_WAIT_SECONDS : Math.max(0, Math.min(BRIDGE_WAIT_SECONDS, Number(query.w ?? 0) || 0));
    if (p.AnsweredBy?.startsWith('machine') || p.AnsweredBy === 'fax') {
      const drop = q.machineAction === 'voicemail' && !!q.voicemailMessage && p.AnsweredBy !== 'fax';
      // The agent held for this call is free at once (and no longer tied to it, so the call's end
      // cannot touch the next lead they are given); the card goes with the agent.
      await this.calls.update(conversation.id, { answeredAt: now, human: false, outcome: drop ? 'voicemail' : 'machine', agentId: null });
      if (item.agentId) {
        await this.items.move(item.id, ['reserved', 'dialing'], { agentId: null, updatedAt: now });
        this.moves.announce([item.id]);
        await this.states.transition(item.agentId, ['reserved'], 'ready', 'a machine answered');
      }
      if (drop) script.speak(q.voicemailMessage as string);
      return script.hangUp().toString();
    }
    if (waited === 0 && !query.missed) await this.calls.update(conversation.id, { answeredAt: now, human: true });
    if (query.missed) {
      // The agent's phone did not answer: a miss counts toward their pause (after the rules' number in a row: not at their desk).
      await this.states.missedOffer(query.missed);
      await this.calls.update(conversation.id, { agentId: null, bridgedAt: null });
    }
    let agentId: string | null = null;
    if (item.agentId && item.agentId !== query.missed && (await this.states.transition(item.agentId, ['reserved'], 'on_call', `dial queue ${q.name}`.slice(0, 64)))) agentId = item.agentId;
    // Not the agent who just missed this very call, even when one miss left them ready.
    else agentId = await this.states.claimReady((await this.queues.agentsOf(q.id)).filter((id) => id !== query.missed), 'on_call', `dial queue ${q.name}`.slice(0, 64));
    if (agentId) {
      await this.calls.update(conversation.id, { agentId, bridgedAt: now });
      await this.items.move(item.id, ['reserved', 'dialing'], { agentId, updatedAt: now });
      this.moves.announce([item.id]);
      await this.events.emit('dial.queue-changed', { queueId: q.id });
      // The queue's recording rule against the person's state: record now (announced first where every party must consent), or wait.
      const plan = recordingPlan(recordingOf(q), await this.regionOf(item.leadId, conversation.toNumber));
      const twiml = await this.rooms.connectAgent(conversation, agentId, p.CallSid, { announce: plan.announce });
      if (plan.startNow && plan.basis) {
        await this.recorder.start(conversation.id, { consent: plan.basis, startedBy: null, retentionDays: q.recordingRetentionDays }).catch((e: unknown) => this.logger.warn(`dialer: call ${conversation.id} could not be recorded: ${(e as Error).message}`));
      }
      return twiml;
    }
    if (waited < BRIDGE_WAIT_SECONDS) return script.waitThenAsk(1, `${this.urls.bridge(conversation.id)}&w=${waited + 1}`).toString();
    await this.calls.update(conversation.id, { outcome: 'abandoned' });
    return script.say(q.abandonMessage).hangUp().toString();
  }

  /** The person's state: the lead's, else their number's area. */
  private async regionOf(leadId: string, number: string): Promise<string | null> {
    const record = await this.leads.findById(leadId);
    return record?.lead.region ?? zonesForNumber(number)?.region ?? null;
  }

  /** A queue call reached its final status: the figures, the agent, and the lead's next try or its end. */
  async callEnded(itemId: string, conversationId: string): Promise<void> {
    const [item, call, conversation] = await Promise.all([this.items.findById(itemId), this.calls.findByConversation(conversationId), this.conversations.findById(conversationId)]);
    if (!item || !call || !conversation || call.endedAt) return;
    const q = await this.queues.findById(item.queueId);
    if (!q) return;
    const now = this.clock.now();
    const outcome = outcomeOf(conversation, call);
    const talk = call.bridgedAt ? (conversation.durationSeconds ?? 0) : null;
    const claimed = await this.calls.endOnce(conversationId, { endedAt: conversation.endedAt ?? now, outcome, talkSeconds: talk, human: call.human || outcome === 'answered' || outcome === 'abandoned' });
    if (!claimed) return;
    const agentId = call.agentId ?? item.agentId;
    if (agentId && call.bridgedAt) await this.states.transition(agentId, ['on_call'], 'wrap_up', 'call ended', { afterLimit: q.afterWrapUpLimit as AfterWrapUpLimit });
    else if (agentId) await this.states.transition(agentId, ['reserved'], 'ready', outcome);

    if (outcome === 'answered') await this.moves.finish(item, 'answered', null, ['dialing', 'reserved'], true);
    else {
      const rule = retryRulesOf(q).find((r) => r.outcome === outcome);
      if (rule && item.attempts < rule.maxAttempts) {
        const due = new Date(now.getTime() + rule.retryMinutes * 60_000);
        await this.items.move(item.id, ['dialing', 'reserved'], { status: 'pending', dueAt: due, agentId: null, reservedAt: null, checkedAt: null, lastOutcome: outcome, detail: `${outcome}: tried ${item.attempts} of ${rule.maxAttempts}, again after ${rule.retryMinutes} min`, updatedAt: now });
        this.moves.announce([item.id]);
      } else {
        await this.moves.finish(item, outcome, rule ? `${outcome} on ${item.attempts} attempts` : null, ['dialing', 'reserved'], true);
      }
    }
    await this.events.emit('dial.queue-changed', { queueId: q.id });
    this.paceAfterCall(q.id);
  }

  /** The agent dials the lead on their card (preview, or before progressive's countdown ends). */
  async dialCard(itemId: string, agentId: string): Promise<void> {
    const item = await this.items.findById(itemId);
    if (!item || item.agentId !== agentId) throw DomainError.notFound('Dial queue item');
    if (item.status !== 'reserved') throw new DomainError(ErrorCode.Conflict, `This lead is ${item.status}, not waiting to be dialed`);
    await this.dial(await this.queues.getById(item.queueId), item, agentId);
  }

  /** Progressive: the preview time is up and the lead is still on the agent's card. */
  async autoDial(itemId: string, agentId: string): Promise<void> {
    const item = await this.items.findById(itemId);
    if (!item || item.status !== 'reserved' || item.agentId !== agentId) return;
    const q = await this.queues.findById(item.queueId);
    if (q) await this.dial(q, item, agentId);
  }
}

/** How a queue call ended, from the Conversation and what the bridge recorded. */
export function outcomeOf(c: Pick<Conversation, 'status' | 'answeredBy' | 'answeredAt'>, call: Pick<DialCallEntity, 'outcome' | 'bridgedAt' | 'answeredAt' | 'human'>): DialOutcome {
  if (call.outcome === 'abandoned' || call.outcome === 'voicemail' || call.outcome === 'machine') return call.outcome;
  switch (c.status) {
    case 'completed':
      if (call.bridgedAt) return 'answered';
      if ((c.answeredBy ?? '').startsWith('machine')) return 'machine';
      // A person answered and hung up before an agent was connected: abandoned.
      return call.answeredAt || c.answeredAt ? 'abandoned' : 'failed';
    case 'busy':
      return 'busy';
    case 'no-answer':
      return 'no-answer';
    case 'canceled':
      return 'canceled';
    default:
      return 'failed';
  }
}
