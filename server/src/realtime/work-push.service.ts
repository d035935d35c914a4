import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Server } from 'socket.io';
import { type ClientToServerEvents, type QueueStats, type ServerToClientEvents, type SocketData, WORK_KINDS, type WorkItem, type WorkKind } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { AgentStatesService } from '../agents/agent-states.service.js';
import { type WorkDelivery as DeliveryRow, WorkDeliveriesRepository } from './work-deliveries.repository.js';
import { InboxService } from './inbox.service.js';
import type { Recipients } from './work-sources.js';

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const SUPERVISORS_ROOM = 'supervisors';
/** Supervisors watching a dial queue's live figures. */
export const queueRoom = (queueId: string) => `queue:${queueId}`;

/** The Socket.IO server, once the gateway has it; and the dialer's figures, once it is there. */
@Injectable()
export class RealtimeHub {
  server: RealtimeServer | null = null;
  queueStats: ((queueIds: string[]) => Promise<QueueStats[]>) | null = null;
}

/** Most times one offer is re-sent before it waits for the agent's resync. */
const MAX_SENDS = 20;

/**
 * Pushes work to agents' screens at least once. Every offer is a `work_deliveries` row
 * and a `work:offered` event to the agent's room (on every instance, through the
 * adapter); the softphone acknowledges it; each instance re-sends unacknowledged offers
 * to the sockets it holds; a reconnecting softphone resyncs everything open from the
 * work itself. When work changes hands it is withdrawn from whoever saw it.
 */
@Injectable()
export class WorkPush implements OnModuleInit {
  /** Items asked to be reconciled and not yet taken into a batch, and who waits for them. */
  private readonly pending = new Map<string, { kind: WorkKind; id: string; known?: { item: WorkItem; recipients: Recipients } }>();
  private waiting: Array<() => void> = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly deliveries: WorkDeliveriesRepository,
    private readonly inbox: InboxService,
    private readonly states: AgentStatesService,
    private readonly hub: RealtimeHub,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.events.on('work.changed', (e) => this.reconcile(e.kind, e.ids, e.known));
  }

  /**
   * Offers each item to whom it is open for now and withdraws it from everyone else.
   * Requests are gathered into batches (everything asked for in one turn of the event
   * loop, or while the previous batch ran), each read and written with a few statements
   * for the lot; batches run one after another, so an older answer about an item never
   * lands after a newer one. Resolves once the batch holding these items is done.
   */
  reconcile(kind: WorkKind, ids: string[], known: Array<{ item: WorkItem; recipients: Recipients }> = []): Promise<void> {
    // The latest word about an item wins: one asked about again without its rows is read afresh.
    const byId = new Map(known.map((k) => [k.item.id, k]));
    for (const id of ids) this.pending.set(`${kind}:${id}`, { kind, id, known: byId.get(id) });
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    while (this.pending.size) {
      const batch = [...this.pending.values()];
      const done = this.waiting.splice(0);
      this.pending.clear();
      try {
        for (const kind of WORK_KINDS) {
          const mine = batch.filter((b) => b.kind === kind);
          if (mine.length) await this.reconcileBatch(kind, mine);
        }
      } catch (e) {
        this.logger.warn(`realtime: offering ${batch.length} item(s) failed: ${(e as Error).message}`);
      }
      for (const d of done) d();
    }
    this.flushing = null;
  }

  private async reconcileBatch(kind: WorkKind, batch: Array<{ id: string; known?: { item: WorkItem; recipients: Recipients } }>): Promise<void> {
    const ids = batch.map((b) => b.id);
    const unknown = batch.filter((b) => !b.known).map((b) => b.id);
    const [open, shown] = await Promise.all([this.inbox.describeMany(kind, unknown), this.deliveries.shownOf(kind, ids)]);
    for (const b of batch) if (b.known) open.set(b.id, b.known);
    const anyone = [...open.values()].some((o) => !Array.isArray(o.recipients)) ? await this.states.availableAgents() : [];
    const recipientsOf = (id: string): string[] => {
      const o = open.get(id);
      if (!o) return [];
      if (o.recipients === 'anyone') return anyone;
      if (Array.isArray(o.recipients)) return o.recipients;
      return [...new Set([...anyone, ...o.recipients.anyoneAnd])];
    };
    const now = this.clock.now();
    const gone = shown.filter((d) => !recipientsOf(d.itemId).includes(d.userId));
    if (gone.length) {
      await this.deliveries.withdraw(gone.map((d) => d.id), now);
      for (const d of gone) this.hub.server?.to(userRoom(d.userId)).emit('work:withdrawn', { kind, id: d.itemId, reason: open.has(d.itemId) ? 'reassigned' : 'closed' });
    }
    const offers = [...open.entries()].flatMap(([id, o]) => recipientsOf(id).map((userId) => ({ userId, item: o.item, payload: JSON.stringify(o.item), fresh: randomUUID() })));
    if (!offers.length) return;
    // Insert-or-keep every offer in one statement, then read back which rows stand.
    await this.deliveries.insertOrKeep(offers.map((o) => ({ id: o.fresh, userId: o.userId, kind, itemId: o.item.id, payload: o.payload, attempts: 1, offeredAt: now, sentAt: now, ackedAt: null, withdrawnAt: null })));
    const rows = await this.deliveries.ofItems(kind, [...open.keys()]);
    const byKey = new Map(rows.map((r) => [`${r.itemId}:${r.userId}`, r]));
    for (const o of offers) {
      const row = byKey.get(`${o.item.id}:${o.userId}`);
      if (!row) continue;
      if (row.id !== o.fresh) {
        if (!row.withdrawnAt && row.payload === o.payload) continue; // already on their screen
        await this.deliveries.update(row.id, { payload: o.payload, attempts: 1, offeredAt: now, sentAt: now, ackedAt: null, withdrawnAt: null });
      }
      this.hub.server?.to(userRoom(o.userId)).emit('work:offered', { deliveryId: row.id, item: o.item, attempt: 1 });
    }
  }

  async ack(userId: string, deliveryIds: string[]): Promise<number> {
    if (!deliveryIds.length) return 0;
    return this.deliveries.ack(deliveryIds.slice(0, 500), this.clock.now(), userId);
  }

  /**
   * `ack` for many agents at once (two statements for the lot): each agent's deliveries
   * (at most 500 each) that are theirs and not yet acknowledged. How many each one marked.
   */
  async ackMany(requests: Map<string, string[]>): Promise<Map<string, number>> {
    const counts = new Map<string, number>([...requests.keys()].map((u) => [u, 0]));
    const asked = new Map<string, string>();
    for (const [userId, ids] of requests) for (const id of ids.slice(0, 500)) asked.set(id, userId);
    if (!asked.size) return counts;
    const theirs = (await this.deliveries.unacked([...asked.keys()])).filter((d) => asked.get(d.id) === d.userId);
    if (!theirs.length) return counts;
    await this.deliveries.ack(theirs.map((d) => d.id), this.clock.now());
    for (const d of theirs) counts.set(d.userId, (counts.get(d.userId) ?? 0) + 1);
    return counts;
  }

  /**
   * Everything open for the agent, each with the delivery to acknowledge: what a
   * softphone asks for after (re)connecting. Items shown earlier and closed meanwhile
   * are withdrawn.
   */
  async sync(userId: string): Promise<Array<WorkItem & { deliveryId: string | null }>> {
    return (await this.syncMany([userId])).get(userId) ?? [];
  }

  /**
   * `sync` for many agents at once, with a few statements for the lot however many ask
   * (what a storm of reconnecting softphones costs): who is available, what is open for
   * each (every work source asked once), what they were shown, then the withdrawals, the
   * new deliveries and the changed ones.
   */
  async syncMany(userIds: string[]): Promise<Map<string, Array<WorkItem & { deliveryId: string | null }>>> {
    const users = [...new Set(userIds)];
    if (!users.length) return new Map();
    const available = new Set(await this.states.availableAgents(users));
    const open = await this.inbox.openForMany(users.map((userId) => ({ userId, available: available.has(userId) })));
    const now = this.clock.now();
    const key = (kind: string, itemId: string, userId: string) => `${kind}:${itemId}:${userId}`;
    const shown = new Map((await this.deliveries.shownTo(users)).map((d) => [key(d.kind, d.itemId, d.userId), d]));
    const stillOpen = new Set([...open].flatMap(([userId, items]) => items.map((i) => key(i.kind, i.id, userId))));
    const closed = [...shown.values()].filter((d) => !stillOpen.has(key(d.kind, d.itemId, d.userId)));
    await this.deliveries.withdraw(closed.map((d) => d.id), now);

    // Rows of items not on their screens now: withdrawn earlier, or never offered.
    const missing = [...open].flatMap(([userId, items]) => items.filter((i) => !shown.has(key(i.kind, i.id, userId))).map((item) => ({ userId, item })));
    const rows = new Map(shown);
    const readRows = async () => {
      for (const kind of WORK_KINDS) {
        const mine = missing.filter((m) => m.item.kind === kind && !rows.has(key(kind, m.item.id, m.userId)));
        if (!mine.length) continue;
        const found = await this.deliveries.ofUsersAndItems(kind, [...new Set(mine.map((m) => m.userId))], [...new Set(mine.map((m) => m.item.id))]);
        for (const d of found) rows.set(key(d.kind, d.itemId, d.userId), d);
      }
    };
    await readRows();
    const fresh: DeliveryRow[] = missing
      .filter((m) => !rows.has(key(m.item.kind, m.item.id, m.userId)))
      .map((m) => ({ id: randomUUID(), userId: m.userId, kind: m.item.kind, itemId: m.item.id, payload: JSON.stringify(m.item), attempts: 1, offeredAt: now, sentAt: now, ackedAt: null, withdrawnAt: null }));
    if (fresh.length) {
      await this.deliveries.insertOrKeep(fresh);
      await readRows();
    }

    const inserted = new Set(fresh.map((f) => f.id));
    const out = new Map<string, Array<WorkItem & { deliveryId: string | null }>>();
    for (const [userId, items] of open) {
      const list: Array<WorkItem & { deliveryId: string | null }> = [];
      for (const item of items) {
        const d = rows.get(key(item.kind, item.id, userId));
        if (!d) continue; // removed in between; the next sync or offer brings it back
        const payload = JSON.stringify(item);
        if (!inserted.has(d.id) && (d.withdrawnAt || d.payload !== payload)) await this.deliveries.update(d.id, { payload, withdrawnAt: null, ackedAt: null, sentAt: now });
        list.push({ ...item, deliveryId: d.id });
      }
      out.set(userId, list);
    }
    return out;
  }

  /**
   * Sends again what the agents connected here have not acknowledged within the resend
   * interval. Each instance re-sends to its own sockets only.
   */
  async resendDue(): Promise<number> {
    const server = this.hub.server;
    if (!server) return 0;
    const local = new Set<string>();
    for (const s of server.of('/').sockets.values()) if (s.data?.userId) local.add(s.data.userId);
    if (!local.size) return 0;
    const now = this.clock.now();
    const before = new Date(now.getTime() - this.config.realtime.resendSeconds * 1000);
    const due = await this.deliveries.dueForResend([...local], before, MAX_SENDS, 1000);
    let sent = 0;
    for (const d of due) {
      if (!(await this.deliveries.countSend(d.id, d.attempts, now))) continue;
      server.local.to(userRoom(d.userId)).emit('work:offered', { deliveryId: d.id, item: JSON.parse(d.payload) as WorkItem, attempt: d.attempts + 1 });
      sent++;
    }
    if (sent) this.logger.event('debug', 'realtime.resent', { count: sent });
    return sent;
  }
}
