import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Server } from 'socket.io';
import { DataSource, In, IsNull, LessThan, LessThanOrEqual } from 'typeorm';
import { type ClientToServerEvents, type QueueStats, type ServerToClientEvents, type SocketData, WORK_KINDS, type WorkItem, type WorkKind } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { AgentStatesService } from '../agents/agent-states.service.js';
import { WorkDeliveryEntity } from './work-delivery.entity.js';
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
    @InjectDataSource() private readonly ds: DataSource,
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

  private get deliveries() {
    return this.ds.getRepository(WorkDeliveryEntity);
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
    const [open, shown] = await Promise.all([this.inbox.describeMany(kind, unknown), this.deliveries.find({ where: { kind, itemId: In(ids), withdrawnAt: IsNull() } })]);
    for (const b of batch) if (b.known) open.set(b.id, b.known);
    const anyone = [...open.values()].some((o) => o.recipients === 'anyone') ? await this.states.availableAgents() : [];
    const recipientsOf = (id: string) => {
      const o = open.get(id);
      return !o ? [] : o.recipients === 'anyone' ? anyone : o.recipients;
    };
    const now = this.clock.now();
    const gone = shown.filter((d) => !recipientsOf(d.itemId).includes(d.userId));
    if (gone.length) {
      await this.deliveries.update({ id: In(gone.map((d) => d.id)), withdrawnAt: IsNull() }, { withdrawnAt: now });
      for (const d of gone) this.hub.server?.to(userRoom(d.userId)).emit('work:withdrawn', { kind, id: d.itemId, reason: open.has(d.itemId) ? 'reassigned' : 'closed' });
    }
    const offers = [...open.entries()].flatMap(([id, o]) => recipientsOf(id).map((userId) => ({ userId, item: o.item, payload: JSON.stringify(o.item), fresh: randomUUID() })));
    if (!offers.length) return;
    // Insert-or-keep every offer in one statement, then read back which rows stand.
    await this.deliveries
      .createQueryBuilder()
      .insert()
      .values(offers.map((o) => ({ id: o.fresh, userId: o.userId, kind, itemId: o.item.id, payload: o.payload, attempts: 1, offeredAt: now, sentAt: now, ackedAt: null, withdrawnAt: null })))
      .orIgnore()
      .execute();
    const rows = await this.deliveries.find({ where: { kind, itemId: In([...open.keys()]) } });
    const byKey = new Map(rows.map((r) => [`${r.itemId}:${r.userId}`, r]));
    for (const o of offers) {
      const row = byKey.get(`${o.item.id}:${o.userId}`);
      if (!row) continue;
      if (row.id !== o.fresh) {
        if (!row.withdrawnAt && row.payload === o.payload) continue; // already on their screen
        await this.deliveries.update({ id: row.id }, { payload: o.payload, attempts: 1, offeredAt: now, sentAt: now, ackedAt: null, withdrawnAt: null });
      }
      this.hub.server?.to(userRoom(o.userId)).emit('work:offered', { deliveryId: row.id, item: o.item, attempt: 1 });
    }
  }

  /** Inserts a delivery unless one for (item, user) exists; returns whichever row stands. */
  private async insert(id: string, userId: string, item: WorkItem, payload: string, now: Date): Promise<WorkDeliveryEntity> {
    await this.deliveries.createQueryBuilder().insert().values({ id, userId, kind: item.kind, itemId: item.id, payload, attempts: 1, offeredAt: now, sentAt: now, ackedAt: null, withdrawnAt: null }).orIgnore().execute();
    return this.deliveries.findOneByOrFail({ kind: item.kind, itemId: item.id, userId });
  }

  async ack(userId: string, deliveryIds: string[]): Promise<number> {
    if (!deliveryIds.length) return 0;
    const r = await this.deliveries.update({ id: In(deliveryIds.slice(0, 500)), userId, ackedAt: IsNull() }, { ackedAt: this.clock.now() });
    return r.affected ?? 0;
  }

  /**
   * Everything open for the agent, each with the delivery to acknowledge: what a
   * softphone asks for after (re)connecting. Items shown earlier and closed meanwhile
   * are withdrawn.
   */
  async sync(userId: string): Promise<Array<WorkItem & { deliveryId: string | null }>> {
    const available = (await this.states.availableAgents(userId)).length > 0;
    const items = await this.inbox.openFor(userId, available);
    const open = new Set(items.map((i) => `${i.kind}:${i.id}`));
    const now = this.clock.now();
    const shown = await this.deliveries.find({ where: { userId, withdrawnAt: IsNull() } });
    for (const d of shown.filter((s) => !open.has(`${s.kind}:${s.itemId}`))) await this.deliveries.update({ id: d.id }, { withdrawnAt: now });
    const out: Array<WorkItem & { deliveryId: string | null }> = [];
    for (const item of items) {
      const payload = JSON.stringify(item);
      let d = shown.find((s) => s.kind === item.kind && s.itemId === item.id) ?? (await this.deliveries.findOneBy({ kind: item.kind, itemId: item.id, userId }));
      if (!d) d = await this.insert(randomUUID(), userId, item, payload, now);
      else if (d.withdrawnAt || d.payload !== payload) {
        await this.deliveries.update({ id: d.id }, { payload, withdrawnAt: null, ackedAt: null, sentAt: now });
      }
      out.push({ ...item, deliveryId: d.id });
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
    const due = await this.deliveries.find({ where: { userId: In([...local]), ackedAt: IsNull(), withdrawnAt: IsNull(), sentAt: LessThanOrEqual(before), attempts: LessThan(MAX_SENDS) }, take: 1000 });
    let sent = 0;
    for (const d of due) {
      const r = await this.deliveries.update({ id: d.id, attempts: d.attempts, ackedAt: IsNull() }, { attempts: d.attempts + 1, sentAt: now });
      if (!r.affected) continue;
      server.local.to(userRoom(d.userId)).emit('work:offered', { deliveryId: d.id, item: JSON.parse(d.payload) as WorkItem, attempt: d.attempts + 1 });
      sent++;
    }
    if (sent) this.logger.event('debug', 'realtime.resent', { count: sent });
    return sent;
  }
}
