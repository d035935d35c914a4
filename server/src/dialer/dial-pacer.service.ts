import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { AgentStatusView } from '#shared';
import { CallbacksService } from '../callbacks/callbacks.service.js';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { AgentStatesService } from '../agents/agent-states.service.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { AUTO_DIAL_QUEUE, DialCalls } from './dial-calls.service.js';
import { callingWindowOf } from './dial-queue.codec.js';
import type { DialQueueEntity, DialQueueItemEntity } from './dial-queue.entity.js';
import { DialQueuesRepository } from './dial-queues.repository.js';
import { DialItemMoves } from './dial-item-moves.service.js';
import { DialItemsRepository } from './dial-items.repository.js';
import { type BurstReservation, DialBurstsRepository } from './dial-bursts.repository.js';
import { DialReservations, type Vetted } from './dial-reservations.service.js';
import { PacingFigures } from './pacing-figures.js';
import { type PacingDecision, predictiveLines } from './pacing/model.js';

/**
 * The power dialer's pacer. Ready agents pull leads from their queues: in preview and
 * progressive modes the lead is reserved for the agent and shown on their card (the
 * agent dials it, or progressive dials it after the preview time); in power mode one call
 * is placed per ready agent; in predictive mode calls ring ahead of the agents, as many
 * as the floor model (`pacing/model.ts`) allows under the queue's target abandon share.
 * Reservations (with the gate), calls and item moves are their own services below it.
 */
/**
 * Bursts of agents going ready reserved at once. One: agents arriving while a burst is
 * reserved wait for it and go together in the next (measured faster on two cores than
 * bursts side by side, which SKIP LOCKED would also keep apart).
 */
const MAX_BURSTS = 1;

@Injectable()
export class DialPacer implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  /** Queues being paced here now, and whether another pass was asked for meanwhile. */
  private readonly pacing = new Map<string, { again: boolean; done: Promise<void> }>();
  /** The predictive ratio each queue last used, for the figures. */
  readonly ratios = new Map<string, number>();
  /** Each predictive queue's last decision (dial level, predicted share, aim, why), for the figures. */
  readonly decisions = new Map<string, PacingDecision & { target: number; cap: number; at: Date }>();
  private timer: NodeJS.Timeout | undefined;
  /** Agents being served the moment they went ready. */
  private readonly readying = new Set<Promise<unknown>>();
  /** Agents who went ready and wait for the next burst's reservation; whether a burst is being gathered; bursts being reserved. */
  private burst: string[] = [];
  private gathering = false;
  private bursting = 0;

  constructor(
    private readonly queues: DialQueuesRepository,
    private readonly items: DialItemsRepository,
    private readonly bursts: DialBurstsRepository,
    private readonly reservations: DialReservations,
    private readonly calls: DialCalls,
    private readonly moves: DialItemMoves,
    private readonly figures: PacingFigures,
    private readonly states: AgentStatesService,
    private readonly callbacks: CallbacksService,
    private readonly scheduler: SchedulerService,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.calls.paceAfterCall = (queueId) => void this.pace(queueId);
    this.events.on('agent.status-changed', (e) => this.onAgentChanged(e.status));
    this.events.on('work.changed', async (e) => {
      if (e.kind === 'callback') await this.moves.callbacksChanged(e.ids, (queueId) => void this.pace(queueId));
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
    await this.readied();
    await this.moves.settled();
  }

  async paceAll(): Promise<void> {
    // Agents being served as they went ready finish first, so a pass sees what they took.
    await this.readied();
    const active = await this.queues.activeIds();
    await Promise.all(active.map((id) => this.pace(id)));
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
    const q = await this.queues.findById(queueId);
    if (!q?.active) return;
    const agentIds = await this.queues.agentsOf(q.id);
    if (!agentIds.length) return;
    if (q.mode === 'predictive') await this.pacePredictive(q, agentIds);
    else await this.serveReady(q, await this.states.readyAmong(agentIds));
    await this.reservations.precheck(q, Math.min(200, Math.max(10, agentIds.length * 2)));
  }

  /**
   * One lead per ready agent of a queue: their leads claimed in one batch, then those the
   * batch left out (their own callback due, their row busy) one by one, side by side.
   */
  private async serveReady(q: DialQueueEntity, ready: string[]): Promise<void> {
    if (!ready.length) return;
    const batch = ready.length > 1 ? await this.bursts.reserveForReadyMany(ready, this.clock.now(), this.states.aliveSince(), q.id) : [];
    const got = new Set(batch.map((b) => b.agentId));
    await Promise.all([...batch.map((b) => this.served(q, b.agentId, b.item)), ...ready.filter((a) => !got.has(a)).map((a) => this.serve(q, a))]);
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
    const vetted = (await this.reservations.vet(q, first, now, callingWindowOf(q))) ?? (await this.reservations.reserve(q, agentId, 1))[0] ?? null;
    if (!vetted) {
      await this.states.announce(agentId, 'ready');
      await this.states.transition(agentId, ['reserved'], 'ready', 'no lead may be called now');
      return false;
    }
    void this.events.emit('dial.reserved', { queueId: q.id, itemId: vetted.item.id, agentId });
    await this.states.announce(agentId, 'ready');
    await this.handOver(q, vetted, agentId);
    return true;
  }

  /** A lead reserved for an agent: dialed at once (power) or shown on their card (preview, progressive). */
  private async handOver(q: DialQueueEntity, { item, lead }: Vetted, agentId: string): Promise<void> {
    if (item.source === 'callback' && item.sourceId) await this.callbacks.takeForDial(item.sourceId, agentId);
    if (q.mode === 'power') return this.calls.dial(q, item, agentId, lead);
    if (q.mode === 'progressive') {
      const at = new Date(this.clock.now().getTime() + q.previewSeconds * 1000);
      await this.scheduler.enqueue(AUTO_DIAL_QUEUE, { itemId: item.id, agentId }, { dueAt: at, dedupeKey: `autodial:${item.id}:${item.attempts}` });
    }
    this.moves.announce([item.id]);
    await this.events.emit('dial.queue-changed', { queueId: q.id });
  }

  private async pacePredictive(q: DialQueueEntity, agentIds: string[]): Promise<void> {
    const floor = await this.figures.floorNow(q, agentIds, (await this.states.readyAmong(agentIds)).length);
    const decision = predictiveLines(floor);
    this.ratios.set(q.id, decision.ratio);
    this.decisions.set(q.id, { ...decision, target: floor.target, cap: floor.cap, at: this.clock.now() });
    if (decision.lines <= 0) return;
    const reserved = await this.reservations.reserve(q, null, decision.lines);
    for (const { item } of reserved) if (item.source === 'callback' && item.sourceId) await this.callbacks.takeForDial(item.sourceId, null);
    await Promise.all(reserved.map(({ item, lead }) => this.calls.dial(q, item, null, lead, decision.predicted)));
  }

  /**
   * An agent became ready: their queues are paced. An agent who went away (offline,
   * paused, stale) hands back the leads on their card that were not dialed.
   */
  private async onAgentChanged(status: AgentStatusView): Promise<void> {
    const away = status.state === 'offline' || status.state === 'paused' || status.stale;
    if (away) {
      await this.moves.handBack(status.userId, status.stale ? 'silent' : status.state);
      if (status.state === 'reserved') await this.states.transition(status.userId, ['reserved'], 'ready', 'handed back');
    }
    if (status.state === 'ready' && !status.stale) {
      // Served first; their queues' figures are refreshed after (not competing with the lead).
      this.burst.push(status.userId);
      this.gather();
      return;
    }
    for (const q of await this.queues.activeQueuesOf(status.userId)) await this.events.emit('dial.queue-changed', { queueId: q.id });
  }

  /** Until the work for agents going ready is done, work it started on the way included. */
  private async readied(): Promise<void> {
    while (this.readying.size || this.burst.length) {
      if (this.readying.size) await Promise.all([...this.readying]);
      else await new Promise((r) => setImmediate(r));
    }
  }

  /** Work started for agents going ready, awaited by `paceAll` and at shutdown. */
  private track<T>(p: Promise<T>): Promise<T> {
    this.readying.add(p);
    void p.finally(() => this.readying.delete(p));
    return p;
  }

  /**
   * Agents going ready are served in bursts: those whose ready arrived in the same turn
   * (or while the burst before them was being reserved) get their leads in one batch
   * (`DialBurstsRepository`), so a shift starting costs a few statements, not one per
   * agent; the agents arriving meanwhile form the next burst. One
   * agent alone goes the single-agent way (one statement, their queues found in it).
   */
  private gather(): void {
    if (this.gathering || this.bursting >= MAX_BURSTS || !this.burst.length) return;
    this.gathering = true;
    setImmediate(() => {
      this.gathering = false;
      const ids = [...new Set(this.burst.splice(0))];
      if (!ids.length) return;
      this.bursting++;
      void this.track((ids.length === 1 ? this.ready(ids[0]) : this.serveBurst(ids)).catch((e: Error) => this.logger.warn(`dialer: serving ${ids.length} ready agents failed: ${e.message}`))).finally(() => {
        this.bursting--;
        this.gather();
      });
    });
  }

  /** One agent alone went ready: served, their queues paced (tracked, not awaited by the burst loop). */
  private async ready(agentId: string): Promise<void> {
    const next = await this.items.reserveNextForReady(agentId, this.clock.now(), this.states.aliveSince()).catch((e: Error) => {
      this.logger.warn(`dialer: serving ${agentId} failed: ${e.message}`);
      return undefined;
    });
    if (next === undefined) return;
    void this.track(this.onReady(agentId, next).catch((e: Error) => this.logger.warn(`dialer: serving ${agentId} failed: ${e.message}`)));
  }

  /**
   * A burst: their leads reserved in one batch and handed over; the agents the batch
   * left out go the single-agent way, and the queues are paced and announced after
   * (tracked, so the next burst need not wait for them).
   */
  private async serveBurst(agentIds: string[]): Promise<void> {
    const batch = await this.bursts.reserveForReadyMany(agentIds, this.clock.now(), this.states.aliveSince());
    const got = new Set(batch.map((b) => b.agentId));
    void this.track(this.afterBurst(batch, agentIds.filter((a) => !got.has(a))).catch((e: Error) => this.logger.warn(`dialer: serving ready agents failed: ${e.message}`)));
  }

  private async afterBurst(batch: BurstReservation[], left: string[]): Promise<void> {
    const handed = await Promise.all(batch.map((b) => this.served(b.queue, b.agentId, b.item)));
    const queuesOf = await this.queues.activeQueuesOfMany(batch.map((b) => b.agentId));
    const announce = new Set<string>();
    await Promise.all([
      ...batch.map(async (b, i) => {
        if (!handed[i]) return this.onReady(b.agentId, b, false);
        void this.pace(b.queue.id);
        for (const q of queuesOf.get(b.agentId) ?? []) {
          if (q.mode === 'predictive') void this.pace(q.id);
          announce.add(q.id);
        }
      }),
      ...left.map(async (a) => this.onReady(a, await this.items.reserveNextForReady(a, this.clock.now(), this.states.aliveSince()))),
    ]);
    for (const id of announce) await this.events.emit('dial.queue-changed', { queueId: id });
  }


  /**
   * An agent went ready: their next lead from the preview, progressive and power queues
   * they work (by name) is claimed and the agent moved to reserved in one step, so a
   * pass running meanwhile cannot give them a second lead and going ready costs one round
   * trip to the lead. If that lead may not be called now and nothing else in its queue
   * may, their other queues are tried one by one. Predictive queues are paced.
   */
  private async onReady(agentId: string, next: { item: DialQueueItemEntity; queue: DialQueueEntity } | null, handed?: boolean): Promise<void> {
    const served = handed ?? (next ? await this.served(next.queue, agentId, next.item) : false);
    const queues = await this.queues.activeQueuesOf(agentId);
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
}
