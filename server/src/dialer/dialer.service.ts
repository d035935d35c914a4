import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';
import { type AgentStatusView, type DialOutcome, ErrorCode } from '#shared';
import { CallbackEntity } from '../callbacks/callback.entity.js';
import { CallbacksService } from '../callbacks/callbacks.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { JsonLogger } from '../common/json-logger.js';
import { ContactPolicy } from '../compliance/contact-policy.js';
import { AppConfig } from '../config/app-config.js';
import { LeadEntity, LeadPhoneEntity } from '../leads/lead.entity.js';
import { AgentStatesService } from '../agents/agent-states.service.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { ParticipantActionEntity } from '../schedules/schedule.entity.js';
import type { ConversationEntity } from '../telephony/conversations/conversation.entity.js';
import { ConversationsRepository } from '../telephony/conversations/conversations.repository.js';
import { OutboundService } from '../telephony/outbound/outbound.service.js';
import { BridgeRoutes } from '../telephony/webhooks/bridge-routes.js';
import { CallScript } from '../telephony/call-script.js';
import type { CarrierParams } from '../telephony/webhooks/carrier-params.js';
import { WebhookUrls } from '../telephony/webhooks/webhook-urls.js';
import { callingWindowOf, retryRulesOf } from './dial-queue.codec.js';
import { DialCallEntity, DialQueueAgentEntity, DialQueueEntity, DialQueueItemEntity } from './dial-queue.entity.js';
import { DialIntake } from './dial-intake.js';
import { DialItemsRepository } from './dial-items.repository.js';
import { DialFigures } from './dial-figures.js';
import { predictiveLines } from './pacing.js';
import { forEachLimit } from '../common/concurrency.js';

export const AUTO_DIAL_QUEUE = 'dialer.auto-dial';
/** Seconds an answered call waits for an agent before the abandon message (the rule is two). */
export const BRIDGE_WAIT_SECONDS = 2;
/** A lead the agent skipped comes back after this long. */
const SKIP_MINUTES = 15;
/** A carrier or caller-ID failure: the lead is tried again after this long. */
const FAILURE_RETRY_MINUTES = 5;

const CALLER_REFUSED = new Set<string>([ErrorCode.ContactRefused]);
/** A lead the gate let through this recently is reserved without asking again (the dial asks again). */
export const PRECHECK_FRESH_MS = 60_000;
/** An opt-out written this long before a precheck began may still have been committing while the gate read: the mark is not written. */
const PRECHECK_COMMIT_MARGIN_MS = 10_000;
/** Leads checked at once ahead of the agents, out of the pool's connections. */
const PRECHECK_CONCURRENCY = 4;

/**
 * The power dialer. Ready agents pull leads from their queues: in preview and
 * progressive modes the lead is reserved for the agent and shown on their card (the
 * agent dials it, or progressive dials it after the preview time); in power mode one call
 * is placed per ready agent; in predictive mode more lines than ready agents ring, as
 * many as the measured answer rate allows while the expected abandon share stays under
 * a third of the cap (none over one line per agent once the measured rate reaches the cap).
 * Answered calls are bridged to their reserved agent or the longest-idle ready one; a
 * person who waits two seconds with nobody free hears the abandon message. Outcomes
 * follow the queue's retry rules.
 */
@Injectable()
export class Dialer implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  /** Queues being paced here now, and whether another pass was asked for meanwhile. */
  private readonly pacing = new Map<string, { again: boolean; done: Promise<void> }>();
  /** The predictive ratio each queue last used, for the figures. */
  readonly ratios = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly announcing = new Set<Promise<void>>();
  /** Agents being served the moment they went ready. */
  private readonly readying = new Set<Promise<unknown>>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly items: DialItemsRepository,
    private readonly intake: DialIntake,
    private readonly figures: DialFigures,
    private readonly states: AgentStatesService,
    private readonly outbound: OutboundService,
    private readonly conversations: ConversationsRepository,
    private readonly policy: ContactPolicy,
    private readonly callbacks: CallbacksService,
    private readonly routes: BridgeRoutes,
    private readonly urls: WebhookUrls,
    private readonly scheduler: SchedulerService,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.routes.register('queue-item', (c, p, q) => this.bridge(c, p, q));
    this.scheduler.register(AUTO_DIAL_QUEUE, {
      handle: async (p) => {
        const { itemId, agentId } = p as { itemId: string; agentId: string };
        await this.autoDial(itemId, agentId);
      },
    });
    this.events.on('agent.status-changed', (e) => this.onAgentChanged(e.status));
    this.events.on('conversation.settled', async (e) => {
      if (e.causeType === 'queue-item' && e.causeId) await this.callEnded(e.causeId, e.conversationId);
    });
    this.events.on('work.changed', async (e) => {
      if (e.kind === 'callback') await this.callbacksChanged(e.ids);
    });
    this.events.on('conversation.disposed', (e) => this.disposed(e.conversationId, e.code, e.flags));
    // An opt-out makes the gate's earlier answer for that number's leads worthless.
    this.events.on('address.opted-out', async (e) => {
      if (e.channel === 'email') return;
      const byNumber = e.address.includes('@') ? [] : await this.ds.getRepository(LeadPhoneEntity).find({ select: { leadId: true }, where: { e164: e.address } });
      const leadIds = [...new Set([...byNumber.map((l) => l.leadId), ...e.leadIds])];
      if (leadIds.length) await this.ds.getRepository(DialQueueItemEntity).update({ leadId: In(leadIds), status: 'pending' }, { checkedAt: null });
    });
  }

  /** Outside tests every active queue is paced each `DIALER_TICK_MS`; tests call `paceAll()` on their fixed clock. */
  onApplicationBootstrap(): void {
    if (this.config.env === 'test') return;
    this.timer = setInterval(() => void this.paceAll().catch((e: Error) => this.logger.warn(`dialer: ${e.message}`)), this.config.dialer.tickMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.pacing.values()].map((p) => p.done));
    await Promise.all([...this.readying, ...this.announcing]);
  }

  private get queues() {
    return this.ds.getRepository(DialQueueEntity);
  }

  private get calls() {
    return this.ds.getRepository(DialCallEntity);
  }

  // ── pacing ─────────────────────────────────────────────────────────────────────

  async paceAll(): Promise<void> {
    // Agents being served as they went ready finish first, so a pass sees what they took.
    await Promise.all([...this.readying]);
    const active = await this.queues.find({ select: { id: true }, where: { active: true } });
    await Promise.all(active.map((q) => this.pace(q.id)));
  }

  /**
   * Paces one queue. Passes asked for while one runs here fold into one more pass; across
   * instances a cluster lock keeps one pacer per queue at a time.
   */
  pace(queueId: string): Promise<void> {
    const running = this.pacing.get(queueId);
    if (running) {
      running.again = true;
      return running.done;
    }
    const state = { again: false, done: Promise.resolve() };
    state.done = (async () => {
      try {
        do {
          state.again = false;
          await this.scheduler.once(`dialer.pace:${queueId}`, 30_000, () => this.paceOnce(queueId));
        } while (state.again);
      } catch (e) {
        this.logger.warn(`dialer: pacing queue ${queueId} failed: ${(e as Error).message}`);
      } finally {
        this.pacing.delete(queueId);
      }
    })();
    this.pacing.set(queueId, state);
    return state.done;
  }

  private async paceOnce(queueId: string): Promise<void> {
    const q = await this.queues.findOneBy({ id: queueId });
    if (!q?.active) return;
    const agentIds = await this.agentsOf(q.id);
    if (!agentIds.length) return;
    if (q.mode === 'predictive') await this.pacePredictive(q, agentIds);
    // One lead per ready agent, the agents side by side (SKIP LOCKED hands each a different lead).
    else await Promise.all((await this.states.readyAmong(agentIds)).map((agentId) => this.serve(q, agentId)));
    await this.precheck(q, Math.min(200, Math.max(10, agentIds.length * 2)));
  }

  /**
   * One lead for one ready agent: true when they got it. The lead is claimed and the agent
   * moved to reserved in one step; a lead the gate refuses goes back and the agent, still
   * reserved, takes the next; with none callable they are ready again.
   */
  private async serve(q: DialQueueEntity, agentId: string): Promise<boolean> {
    const reason = `dial queue ${q.name}`.slice(0, 64);
    const first = await this.items.reserveForReady(q.id, agentId, this.clock.now(), reason, this.states.aliveSince());
    return first ? this.served(q, agentId, first) : false;
  }

  /**
   * A lead just reserved for an agent (who is now reserved): checked and handed over. A
   * lead the gate refuses goes back and the agent, still reserved, takes the next in the
   * queue; with none callable they are ready again.
   */
  private async served(q: DialQueueEntity, agentId: string, first: DialQueueItemEntity): Promise<boolean> {
    const now = this.clock.now();
    const item = (await this.vet(q, first, now, callingWindowOf(q))) ? first : ((await this.reserve(q, agentId, 1))[0] ?? null);
    if (!item) {
      await this.states.announce(agentId, 'ready');
      await this.states.transition(agentId, ['reserved'], 'ready', 'no lead may be called now');
      return false;
    }
    void this.events.emit('dial.reserved', { queueId: q.id, itemId: item.id, agentId });
    await this.states.announce(agentId, 'ready');
    await this.handOver(q, item, agentId);
    return true;
  }

  /** A lead reserved for an agent: dialed at once (power) or shown on their card (preview, progressive). */
  private async handOver(q: DialQueueEntity, item: DialQueueItemEntity, agentId: string): Promise<void> {
    if (item.source === 'callback' && item.sourceId) await this.callbacks.takeForDial(item.sourceId, agentId);
    if (q.mode === 'power') return this.dial(q, item, agentId);
    if (q.mode === 'progressive') {
      const at = new Date(this.clock.now().getTime() + q.previewSeconds * 1000);
      await this.scheduler.enqueue(AUTO_DIAL_QUEUE, { itemId: item.id, agentId }, { dueAt: at, dedupeKey: `autodial:${item.id}:${item.attempts}` });
    }
    this.announce([item.id]);
    await this.events.emit('dial.queue-changed', { queueId: q.id });
  }

  private async pacePredictive(q: DialQueueEntity, agentIds: string[]): Promise<void> {
    const input = await this.figures.pacingInput(q, agentIds, (await this.states.readyAmong(agentIds)).length);
    const decision = predictiveLines(input);
    this.ratios.set(q.id, decision.ratio);
    if (decision.lines <= 0) return;
    const reserved = await this.reserve(q, null, decision.lines);
    for (const item of reserved) if (item.source === 'callback' && item.sourceId) await this.callbacks.takeForDial(item.sourceId, null);
    await Promise.all(reserved.map((item) => this.dial(q, item, null)));
  }

  /**
   * Reserves up to `n` leads and asks the compliance gate about each now: a refused lead
   * goes back re-dated to when it may be called (or ends, when never), and another is
   * taken in its place.
   */
  async reserve(q: DialQueueEntity, agentId: string | null, n: number): Promise<DialQueueItemEntity[]> {
    const out: DialQueueItemEntity[] = [];
    const window = callingWindowOf(q);
    for (let round = 0; round < 5 && out.length < n; round++) {
      const now = this.clock.now();
      const got = await this.items.reserve(q.id, agentId, now, n - out.length);
      if (!got.length) break;
      const vetted = await Promise.all(got.map(async (item) => ((await this.vet(q, item, now, window)) ? item : null)));
      out.push(...vetted.filter((i): i is DialQueueItemEntity => i !== null));
    }
    return out;
  }

  /**
   * Whether a reserved lead may be dialed now: its schedule step is still running, and the
   * gate let it through a moment ago (the precheck) or does now. Otherwise it has gone
   * back or ended.
   */
  private async vet(q: DialQueueEntity, item: DialQueueItemEntity, now: Date, window: ReturnType<typeof callingWindowOf>): Promise<boolean> {
    if (item.source === 'schedule' && item.sourceId) {
      const action = await this.ds.getRepository(ParticipantActionEntity).findOne({ select: { id: true, status: true }, where: { id: item.sourceId } });
      if (action?.status !== 'in_progress') {
        await this.finishItem(item, 'canceled', 'the schedule step ended', ['reserved'], false);
        return false;
      }
    }
    if (item.checkedAt && now.getTime() - item.checkedAt.getTime() < PRECHECK_FRESH_MS) return true;
    return this.gate(q, item, now, window, ['reserved']);
  }

  /**
   * Asks the compliance gate about a lead now. Refused: the item goes back (from
   * `from`) re-dated to when it may be called, or ends as `refused` when it never may.
   */
  private async gate(q: DialQueueEntity, item: DialQueueItemEntity, now: Date, window: ReturnType<typeof callingWindowOf>, from: readonly string[]): Promise<boolean> {
    const lead = await this.ds.getRepository(LeadEntity).findOneBy({ id: item.leadId });
    if (!lead || lead.deletedAt) {
      await this.finishItem(item, 'canceled', 'lead deleted', from, false);
      return false;
    }
    const decision = await this.policy.check({ lead }, 'call', now, { scope: { type: 'queue', id: q.id }, narrowTo: window ? [window] : undefined });
    if (decision.allowed) return true;
    const reasons = decision.reasons.map((r) => r.message).join('; ');
    if (decision.nextAllowedAt) await this.putBack(item, new Date(decision.nextAllowedAt), reasons, from);
    else await this.finishItem(item, 'refused', reasons, from, false);
    return false;
  }

  /**
   * Checks the leads at the head of the queue ahead of the agents, so the next agent to
   * go ready gets a lead without waiting for the gate: those let through are marked
   * (`checked_at`), the others re-dated or ended as at reservation.
   */
  async precheck(q: DialQueueEntity, n: number): Promise<number> {
    const now = this.clock.now();
    const stale = new Date(now.getTime() - PRECHECK_FRESH_MS / 2);
    const head = await this.ds
      .getRepository(DialQueueItemEntity)
      .createQueryBuilder('i')
      .where("i.queue_id = :queueId AND i.status = 'pending' AND i.due_at <= :now", { queueId: q.id, now })
      .orderBy('i.callback_first', 'DESC')
      .addOrderBy('i.priority', 'DESC')
      .addOrderBy('i.due_at', 'ASC')
      .limit(n)
      .getMany();
    const window = callingWindowOf(q);
    let checked = 0;
    // A few at a time: agents going ready meanwhile need connections for their leads.
    await forEachLimit(
      head.filter((i) => !i.checkedAt || i.checkedAt < stale),
      PRECHECK_CONCURRENCY,
      async (item) => {
        const asked = this.clock.now();
        if ((await this.gate(q, item, now, window, ['pending'])) && (await this.items.markChecked(item, now, new Date(asked.getTime() - PRECHECK_COMMIT_MARGIN_MS)))) checked++;
      },
    );
    return checked;
  }

  /** Back to pending, due at `dueAt`, not counted as an attempt. */
  private async putBack(item: DialQueueItemEntity, dueAt: Date, detail: string | null, from: readonly string[] = ['reserved']): Promise<void> {
    await this.items.move(item.id, from, { status: 'pending', dueAt, agentId: null, reservedAt: null, checkedAt: null, detail: detail?.slice(0, 300) ?? null, updatedAt: this.clock.now() });
  }

  // ── calls ─────────────────────────────────────────────────────────────────────

  /** Places the call for a reserved lead (for `agentId`, or before any agent is chosen). */
  async dial(q: DialQueueEntity, item: DialQueueItemEntity, agentId: string | null): Promise<void> {
    const window = callingWindowOf(q);
    const attempt = item.attempts + 1;
    let conversationId: string;
    let final = false;
    try {
      const call = await this.outbound.placeCall({
        leadId: item.leadId,
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
      const details = err?.details as { nextAllowedAt?: string | null } | undefined;
      if (err && CALLER_REFUSED.has(err.code) && !details?.nextAllowedAt) await this.finishItem(item, 'refused', err.message, ['reserved'], true);
      else {
        const next = err && CALLER_REFUSED.has(err.code) && details?.nextAllowedAt ? new Date(details.nextAllowedAt) : new Date(now.getTime() + FAILURE_RETRY_MINUTES * 60_000);
        await this.putBack(item, next, (err?.message ?? (e as Error).message ?? 'error').slice(0, 300));
      }
      if (agentId) await this.states.transition(agentId, ['reserved'], 'ready', 'the call could not be placed');
      this.announce([item.id]);
      if (!err) this.logger.warn(`dialer: placing a call for item ${item.id} failed: ${(e as Error).message}`);
      return;
    }
    const now = this.clock.now();
    await this.calls.createQueryBuilder().insert().values({ conversationId, queueId: q.id, itemId: item.id, leadId: item.leadId, agentId, placedAt: now, answeredAt: null, bridgedAt: null, endedAt: null, human: false, outcome: null, talkSeconds: null }).orIgnore().execute();
    await this.items.move(item.id, ['reserved'], { status: 'dialing', conversationId, attempts: attempt, agentId, updatedAt: now });
    if (agentId) this.announce([item.id]);
    await this.events.emit('dial.queue-changed', { queueId: q.id });
    if (final) await this.callEnded(item.id, conversationId);
  }

  /**
   * The TwiML for an answered queue call. A machine gets the queue's voicemail or a
   * hang-up; a person is bridged to the reserved agent, else to the longest-idle ready
   * agent of the queue; with nobody free the call waits a second at a time, and after
   * two seconds hears the abandon message.
   */
  async bridge(conversation: ConversationEntity, p: CarrierParams, query: Record<string, string | undefined>): Promise<string> {
    const script = new CallScript();
    const item = conversation.causeId ? await this.items.findById(conversation.causeId) : null;
    const q = item ? await this.queues.findOneBy({ id: item.queueId }) : null;
    if (!item || !q) return script.hangUp().toString();
    const now = this.clock.now();
    const waited = Math.max(0, Math.min(BRIDGE_WAIT_SECONDS, Number(query.w ?? 0) || 0));
    if (p.AnsweredBy?.startsWith('machine') || p.AnsweredBy === 'fax') {
      const drop = q.machineAction === 'voicemail' && !!q.voicemailMessage && p.AnsweredBy !== 'fax';
      // The agent held for this call is free at once (and no longer tied to it, so the call's end
      // cannot touch the next lead they are given); the card goes with the agent.
      await this.calls.update({ conversationId: conversation.id }, { answeredAt: now, human: false, outcome: drop ? 'voicemail' : 'machine', agentId: null });
      if (item.agentId) {
        await this.items.move(item.id, ['reserved', 'dialing'], { agentId: null, updatedAt: now });
        this.announce([item.id]);
        await this.states.transition(item.agentId, ['reserved'], 'ready', 'a machine answered');
      }
      if (drop) script.speak(q.voicemailMessage as string);
      return script.hangUp().toString();
    }
    if (waited === 0) await this.calls.update({ conversationId: conversation.id }, { answeredAt: now, human: true });
    let agentId: string | null = null;
    if (item.agentId && (await this.states.transition(item.agentId, ['reserved'], 'on_call', `dial queue ${q.name}`.slice(0, 64)))) agentId = item.agentId;
    else agentId = await this.states.claimReady(await this.agentsOf(q.id), 'on_call', `dial queue ${q.name}`.slice(0, 64));
    if (agentId) {
      await this.calls.update({ conversationId: conversation.id }, { agentId, bridgedAt: now });
      await this.items.move(item.id, ['reserved', 'dialing'], { agentId, updatedAt: now });
      this.announce([item.id]);
      await this.events.emit('dial.queue-changed', { queueId: q.id });
      return script.connectToAgent(agentId, 15).toString();
    }
    if (waited < BRIDGE_WAIT_SECONDS) return script.waitThenAsk(1, `${this.urls.bridge(conversation.id)}&w=${waited + 1}`).toString();
    await this.calls.update({ conversationId: conversation.id }, { outcome: 'abandoned' });
    return script.say(q.abandonMessage).hangUp().toString();
  }

  /** A queue call reached its final status: the figures, the agent, and the lead's next try or its end. */
  async callEnded(itemId: string, conversationId: string): Promise<void> {
    const [item, call, conversation] = await Promise.all([this.items.findById(itemId), this.calls.findOneBy({ conversationId }), this.conversations.findById(conversationId)]);
    if (!item || !call || !conversation || call.endedAt) return;
    const q = await this.queues.findOneBy({ id: item.queueId });
    if (!q) return;
    const now = this.clock.now();
    const outcome = outcomeOf(conversation, call);
    const talk = call.bridgedAt ? (conversation.durationSeconds ?? 0) : null;
    const claimed = await this.calls.update({ conversationId, endedAt: IsNull() }, { endedAt: conversation.endedAt ?? now, outcome, talkSeconds: talk, human: call.human || outcome === 'answered' || outcome === 'abandoned' });
    if (!claimed.affected) return;
    const agentId = call.agentId ?? item.agentId;
    if (agentId && call.bridgedAt) await this.states.transition(agentId, ['on_call'], 'wrap_up', 'call ended');
    else if (agentId) await this.states.transition(agentId, ['reserved'], 'ready', outcome);

    if (outcome === 'answered') await this.finishItem(item, 'answered', null, ['dialing', 'reserved'], true);
    else {
      const rule = retryRulesOf(q).find((r) => r.outcome === outcome);
      if (rule && item.attempts < rule.maxAttempts) {
        const due = new Date(now.getTime() + rule.retryMinutes * 60_000);
        await this.items.move(item.id, ['dialing', 'reserved'], { status: 'pending', dueAt: due, agentId: null, reservedAt: null, checkedAt: null, lastOutcome: outcome, detail: `${outcome}: tried ${item.attempts} of ${rule.maxAttempts}, again after ${rule.retryMinutes} min`, updatedAt: now });
        this.announce([item.id]);
      } else {
        await this.finishItem(item, outcome, rule ? `${outcome} on ${item.attempts} attempts` : null, ['dialing', 'reserved'], true);
      }
    }
    await this.events.emit('dial.queue-changed', { queueId: q.id });
    void this.pace(q.id);
  }

  /**
   * A disposition on one of the queue's calls: a person answered (counted toward the
   * abandon rate); final ends the lead's turn in the queue even when a retry was due.
   */
  private async disposed(conversationId: string, code: string, flags: { humanAnswered: boolean; final: boolean }): Promise<void> {
    const call = await this.calls.findOneBy({ conversationId });
    if (!call) return;
    if (flags.humanAnswered && !call.human) await this.calls.update({ conversationId }, { human: true });
    if (flags.final) {
      const item = await this.items.findById(call.itemId);
      if (item && item.status === 'pending') await this.finishItem(item, item.lastOutcome ?? 'answered', `final disposition ${code}`, ['pending'], true);
    }
    await this.events.emit('dial.queue-changed', { queueId: call.queueId });
  }

  /** Ends an item: done (or canceled), and what it came from (a schedule step, a callback) completes. */
  private async finishItem(item: DialQueueItemEntity, outcome: string, detail: string | null, from: readonly string[], announce: boolean): Promise<void> {
    const now = this.clock.now();
    const status = outcome === 'canceled' ? 'canceled' : 'done';
    const moved = await this.items.move(item.id, from, { status, lastOutcome: outcome.slice(0, 24), detail: detail?.slice(0, 300) ?? null, updatedAt: now });
    if (!moved) return;
    if (item.source === 'callback' && item.sourceId && status === 'done') await this.callbacks.completeFromDial(item.sourceId, outcome, item.conversationId);
    await this.events.emit('dial.item-finished', { itemId: item.id, source: item.source, sourceId: item.sourceId, outcome, conversationId: item.conversationId });
    if (announce) this.announce([item.id]);
  }

  /**
   * Tells the softphones an item changed (offered, dialing, withdrawn) without holding up
   * the pacer: the push runs beside it, in order per item.
   */
  private announce(ids: string[]): void {
    const p = this.events.emit('work.changed', { kind: 'queue_item', ids });
    this.announcing.add(p);
    void p.finally(() => this.announcing.delete(p));
  }

  // ── agents ────────────────────────────────────────────────────────────────────

  /** The agent dials the lead on their card (preview, or before progressive's countdown ends). */
  async dialCard(itemId: string, agentId: string): Promise<void> {
    const item = await this.items.findById(itemId);
    if (!item || item.agentId !== agentId) throw DomainError.notFound('Dial queue item');
    if (item.status !== 'reserved') throw new DomainError(ErrorCode.Conflict, `This lead is ${item.status}, not waiting to be dialed`);
    const q = await this.queues.findOneByOrFail({ id: item.queueId });
    await this.dial(q, item, agentId);
  }

  /** The agent passes on the lead on their card: it goes back to the queue for later and they get the next. */
  async skipCard(itemId: string, agentId: string): Promise<void> {
    const item = await this.items.findById(itemId);
    if (!item || item.agentId !== agentId) throw DomainError.notFound('Dial queue item');
    const now = this.clock.now();
    const moved = await this.items.move(item.id, ['reserved'], { status: 'pending', dueAt: new Date(now.getTime() + SKIP_MINUTES * 60_000), agentId: null, reservedAt: null, checkedAt: null, detail: 'skipped by the agent', updatedAt: now });
    if (!moved) throw new DomainError(ErrorCode.Conflict, `This lead is ${item.status}; it can no longer be skipped`);
    this.announce([item.id]);
    await this.states.transition(agentId, ['reserved'], 'ready', 'skipped a lead');
  }

  /** Progressive: the preview time is up and the lead is still on the agent's card. */
  async autoDial(itemId: string, agentId: string): Promise<void> {
    const item = await this.items.findById(itemId);
    if (!item || item.status !== 'reserved' || item.agentId !== agentId) return;
    const q = await this.queues.findOneBy({ id: item.queueId });
    if (q) await this.dial(q, item, agentId);
  }

  /**
   * An agent became ready: their queues are paced. An agent who went away (offline,
   * paused, stale) hands back the leads on their card that were not dialed.
   */
  private async onAgentChanged(status: AgentStatusView): Promise<void> {
    const away = status.state === 'offline' || status.state === 'paused' || status.stale;
    if (away) {
      const held = await this.items.reservedFor(status.userId);
      for (const item of held) await this.putBack(item, item.dueAt, `handed back: the agent went ${status.stale ? 'silent' : status.state}`);
      if (held.length) this.announce(held.map((i) => i.id));
      if (status.state === 'reserved') await this.states.transition(status.userId, ['reserved'], 'ready', 'handed back');
    }
    if (status.state === 'ready' && !status.stale) {
      // Served first; their queues' figures are refreshed after (not competing with the lead).
      const p = this.onReady(status.userId).catch((e: Error) => this.logger.warn(`dialer: serving ${status.userId} failed: ${e.message}`));
      this.readying.add(p);
      void p.finally(() => this.readying.delete(p));
      return;
    }
    for (const q of await this.activeQueuesOf(status.userId)) await this.events.emit('dial.queue-changed', { queueId: q.id });
  }

  /**
   * An agent went ready: their next lead from the preview, progressive and power queues
   * they work (by name) is claimed and the agent moved to reserved in one step, so a
   * pass running meanwhile cannot give them a second lead and going ready costs one round
   * trip to the lead. If that lead may not be called now and nothing else in its queue
   * may, their other queues are tried one by one. Predictive queues are paced.
   */
  private async onReady(agentId: string): Promise<void> {
    const next = await this.items.reserveNextForReady(agentId, this.clock.now(), this.states.aliveSince());
    const served = next ? await this.served(next.queue, agentId, next.item) : false;
    const queues = await this.activeQueuesOf(agentId);
    if (next) void this.pace(next.queue.id); // a pass behind it checks the next leads ahead of the next agent
    for (const q of queues) {
      if (q.mode === 'predictive') void this.pace(q.id);
      else if (next && !served && q.id !== next.queue.id && (await this.serve(q, agentId))) {
        void this.pace(q.id);
        break;
      }
    }
    for (const q of queues) await this.events.emit('dial.queue-changed', { queueId: q.id });
  }

  /** Callbacks with a queue are dialed from it while due; taken or closed elsewhere, they leave it. */
  private async callbacksChanged(ids: string[]): Promise<void> {
    const rows = await this.ds.getRepository(CallbackEntity).find({ where: { id: In(ids) } });
    for (const cb of rows.filter((c) => c.queueId)) {
      const queueId = cb.queueId as string;
      if (cb.status === 'due' || cb.status === 'escalated') {
        const ownerId = cb.status === 'due' ? cb.ownerId : null;
        const added = await this.intake.add(queueId, [cb.leadId], { source: 'callback', sourceId: cb.id, ownerId, dueAt: cb.dueAt });
        if (!added.length) {
          // Already waiting (from a list or an earlier state): it becomes this callback, first in line.
          await this.ds.getRepository(DialQueueItemEntity).update({ activeKey: `${queueId}:${cb.leadId}`, status: 'pending' }, { source: 'callback', sourceId: cb.id, callbackFirst: 1, ownerId, updatedAt: this.clock.now() });
        }
        void this.pace(queueId);
      } else if (cb.status !== 'taken' || cb.takenBy) {
        // Taken by hand, done or canceled: a pending turn in the queue is no longer needed.
        for (const item of await this.items.pendingFrom('callback', cb.id)) await this.finishItem(item, 'canceled', `the callback is ${cb.status}`, ['pending'], false);
      }
    }
  }

  async agentsOf(queueId: string): Promise<string[]> {
    return (await this.ds.getRepository(DialQueueAgentEntity).find({ where: { queueId } })).map((a) => a.userId);
  }

  /** The active queues an agent works, by name. */
  private activeQueuesOf(userId: string): Promise<DialQueueEntity[]> {
    return this.queues.createQueryBuilder('q').innerJoin(DialQueueAgentEntity, 'a', 'a.queue_id = q.id AND a.user_id = :userId', { userId }).where('q.active = :active', { active: true }).orderBy('q.name', 'ASC').getMany();
  }

}

/** How a queue call ended, from the Conversation and what the bridge recorded. */
export function outcomeOf(c: Pick<ConversationEntity, 'status' | 'answeredBy' | 'answeredAt'>, call: Pick<DialCallEntity, 'outcome' | 'bridgedAt' | 'answeredAt' | 'human'>): DialOutcome {
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

