import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ErrorCode } from '#shared';
import { CallbacksRepository } from '../callbacks/callbacks.repository.js';
import { CallbacksService } from '../callbacks/callbacks.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { AgentStatesService } from '../agents/agent-states.service.js';
import { DialCallsRepository } from './dial-calls.repository.js';
import { DialIntake } from './dial-intake.js';
import { DialItemsRepository } from './dial-items.repository.js';
import type { DialQueueItemEntity } from './dial-queue.entity.js';

/** A lead the agent skipped comes back after this long. */
const SKIP_MINUTES = 15;

/**
 * Items moving on outside a call: back to the queue, ended (and what they came from
 * completed), skipped by the agent, handed back by an agent who went away, and what
 * happened elsewhere to them — a disposition set on their call, a callback taken or
 * closed, an opt-out that makes the gate's earlier answer worthless. Every change is
 * announced to the softphones without holding up the caller.
 */
@Injectable()
export class DialItemMoves implements OnModuleInit {
  private readonly announcing = new Set<Promise<void>>();

  constructor(
    private readonly items: DialItemsRepository,
    private readonly calls: DialCallsRepository,
    private readonly intake: DialIntake,
    private readonly callbacks: CallbacksService,
    private readonly callbackRows: CallbacksRepository,
    private readonly leads: LeadsRepository,
    private readonly states: AgentStatesService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.events.on('conversation.disposed', (e) => this.disposed(e.conversationId, e.code, e.flags));
    // An opt-out makes the gate's earlier answer for that number's leads worthless.
    this.events.on('address.opted-out', async (e) => {
      if (e.channel === 'email') return;
      const byNumber = e.address.includes('@') ? [] : await this.leads.holdersOfNumber(e.address);
      const leadIds = [...new Set([...byNumber, ...e.leadIds])];
      if (leadIds.length) await this.items.uncheckPending(leadIds);
    });
  }

  /** Announcements still on their way (awaited at shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.announcing]);
  }

  /** Back to pending, due at `dueAt`, not counted as an attempt. */
  async putBack(item: DialQueueItemEntity, dueAt: Date, detail: string | null, from: readonly string[] = ['reserved']): Promise<void> {
    await this.items.move(item.id, from, { status: 'pending', dueAt, agentId: null, reservedAt: null, checkedAt: null, detail: detail?.slice(0, 300) ?? null, updatedAt: this.clock.now() });
  }

  /** Ends an item: done (or canceled), and what it came from (a schedule step, a callback) completes. */
  async finish(item: DialQueueItemEntity, outcome: string, detail: string | null, from: readonly string[], announce: boolean, refusalCodes: string[] = []): Promise<void> {
    const now = this.clock.now();
    const status = outcome === 'canceled' ? 'canceled' : 'done';
    const codes = refusalCodes.length ? [...new Set(refusalCodes)].join(',').slice(0, 120) : null;
    const moved = await this.items.move(item.id, from, { status, lastOutcome: outcome.slice(0, 24), detail: detail?.slice(0, 300) ?? null, refusalCodes: codes, updatedAt: now });
    if (!moved) return;
    if (item.source === 'callback' && item.sourceId && status === 'done') await this.callbacks.completeFromDial(item.sourceId, outcome, item.conversationId);
    await this.events.emit('dial.item-finished', { itemId: item.id, source: item.source, sourceId: item.sourceId, outcome, conversationId: item.conversationId });
    if (announce) this.announce([item.id]);
  }

  /**
   * Tells the softphones an item changed (offered, dialing, withdrawn) without holding up
   * the pacer: the push runs beside it, in order per item.
   */
  announce(ids: string[]): void {
    const p = this.events.emit('work.changed', { kind: 'queue_item', ids });
    this.announcing.add(p);
    void p.finally(() => this.announcing.delete(p));
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

  /** The leads on an agent's card that were not dialed go back to the queue (the agent went away). */
  async handBack(agentId: string, why: string): Promise<void> {
    const held = await this.items.reservedFor(agentId);
    for (const item of held) await this.putBack(item, item.dueAt, `handed back: the agent went ${why}`);
    if (held.length) this.announce(held.map((i) => i.id));
  }

  /** Callbacks with a queue are dialed from it while due (`pace` asks for a pass); taken or closed elsewhere, they leave it. */
  async callbacksChanged(ids: string[], pace: (queueId: string) => void): Promise<void> {
    const rows = await this.callbackRows.findByIds(ids);
    for (const cb of rows.filter((c) => c.queueId)) {
      const queueId = cb.queueId as string;
      if (cb.status === 'due' || cb.status === 'escalated') {
        const ownerId = cb.status === 'due' ? cb.ownerId : null;
        const added = await this.intake.add(queueId, [cb.leadId], { source: 'callback', sourceId: cb.id, ownerId, dueAt: cb.dueAt });
        // Already waiting (from a list or an earlier state): it becomes this callback, first in line.
        if (!added.length) await this.items.becomeCallback(queueId, cb.leadId, cb.id, ownerId, this.clock.now());
        pace(queueId);
      } else if (cb.status !== 'taken' || cb.takenBy) {
        // Taken by hand, done or canceled: a pending turn in the queue is no longer needed.
        for (const item of await this.items.pendingFrom('callback', cb.id)) await this.finish(item, 'canceled', `the callback is ${cb.status}`, ['pending'], false);
      }
    }
  }

  /**
   * A disposition on one of the queue's calls: a person answered (counted toward the
   * abandon rate); final ends the lead's turn in the queue even when a retry was due.
   */
  private async disposed(conversationId: string, code: string, flags: { humanAnswered: boolean; final: boolean; callback?: boolean }): Promise<void> {
    const call = await this.calls.findByConversation(conversationId);
    if (!call) return;
    if (flags.humanAnswered && !call.human) await this.calls.update(conversationId, { human: true });
    // What recycling rules read once the lead's turn has ended.
    await this.items.move(call.itemId, ['pending', 'reserved', 'dialing', 'done', 'canceled'], { disposition: code.slice(0, 40), callbackRequested: !!flags.callback });
    if (flags.final) {
      const item = await this.items.findById(call.itemId);
      if (item && item.status === 'pending') await this.finish(item, item.lastOutcome ?? 'answered', `final disposition ${code}`, ['pending'], true);
    }
    await this.events.emit('dial.queue-changed', { queueId: call.queueId });
  }
}
