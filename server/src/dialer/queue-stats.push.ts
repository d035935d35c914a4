import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { QueueStats } from '#shared';
import { DomainEvents } from '../common/domain-events.js';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { queueRoom, RealtimeHub } from '../realtime/work-push.service.js';
import { DialQueueEntity } from './dial-queue.entity.js';
import { DialFigures } from './dial-figures.js';
import { Dialer } from './dialer.service.js';

/** Figures are sent again at least this often while watched, so time in state moves and other instances' changes show. */
const REFRESH_MS = 5000;

/**
 * Live queue figures for supervisors. A queue's figures are sent to the supervisors
 * this instance holds (`queue:<id>` rooms) when something in it changed, at most once
 * per interval (twice a second by default), and every few seconds regardless.
 */
@Injectable()
export class QueueStatsPush implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly dirty = new Set<string>();
  private readonly sentAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly figures: DialFigures,
    private readonly dialer: Dialer,
    private readonly hub: RealtimeHub,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.hub.queueStats = (ids) => this.compute(ids);
    this.events.on('dial.queue-changed', (e) => {
      this.dirty.add(e.queueId);
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.env === 'test') return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.flush(Date.now())
        .catch((e: Error) => {
          this.logger.warn(`queue stats: ${e.message}`);
          return 0;
        })
        .finally(() => (this.running = null));
    }, this.config.dialer.statsIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async compute(queueIds: string[]): Promise<QueueStats[]> {
    if (!queueIds.length) return [];
    const queues = await this.ds.getRepository(DialQueueEntity).findBy({ id: In(queueIds) });
    return Promise.all(queues.map(async (q) => this.figures.stats(q, await this.dialer.agentsOf(q.id), this.dialer.ratios.get(q.id) ?? 1)));
  }

  /**
   * Sends the figures of watched queues that changed (or were not sent for a while) to
   * the sockets here. Called each interval; tests call it with their own time. Returns
   * how many queues were sent.
   */
  async flush(nowMs: number): Promise<number> {
    const server = this.hub.server;
    if (!server) return 0;
    const watched: string[] = [];
    for (const room of server.of('/').adapter.rooms.keys()) if (room.startsWith('queue:')) watched.push(room.slice(6));
    const due = watched.filter((id) => this.dirty.has(id) || nowMs - (this.sentAt.get(id) ?? 0) >= REFRESH_MS);
    for (const id of due) this.dirty.delete(id);
    if (!due.length) return 0;
    const stats = await this.compute(due);
    for (const s of stats) {
      server.local.to(queueRoom(s.queueId)).emit('queue:stats', s);
      this.sentAt.set(s.queueId, nowMs);
    }
    return stats.length;
  }
}
