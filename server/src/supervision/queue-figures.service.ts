import { Injectable } from '@nestjs/common';
import type { QueueActivity, QueueStats } from '#shared';
import { DomainError } from '../common/domain-error.js';
import { DialPacer } from '../dialer/dial-pacer.service.js';
import type { DialQueueEntity } from '../dialer/dial-queue.entity.js';
import { DialQueuesRepository } from '../dialer/dial-queues.repository.js';
import { DialFigures } from './dial-figures.js';

/** A queue's figures as supervisors ask for them: live, the charts, the abandon rate. */
@Injectable()
export class QueueFiguresService {
  private readonly statsRunning = new Map<string, Promise<QueueStats>>();

  constructor(
    private readonly queues: DialQueuesRepository,
    private readonly pacer: DialPacer,
    private readonly figures: DialFigures,
  ) {}

  /**
   * A queue's live figures. Asked for again while they are being worked out (a wall of
   * supervisors' screens refreshing at once), the request shares that computation (a
   * dozen queries) instead of starting another: figures pushed twice a second at most
   * may be that few milliseconds old.
   */
  stats(queueId: string): Promise<QueueStats> {
    const running = this.statsRunning.get(queueId);
    if (running) return running;
    const p = this.computeStats(queueId).finally(() => this.statsRunning.delete(queueId));
    this.statsRunning.set(queueId, p);
    return p;
  }

  private async computeStats(queueId: string): Promise<QueueStats> {
    return this.of(await this.find(queueId));
  }

  /** The live figures of queues found by id (the pushes), each worked out afresh. */
  async many(queueIds: string[]): Promise<QueueStats[]> {
    if (!queueIds.length) return [];
    const queues = await this.queues.findByIds(queueIds);
    return Promise.all(queues.map((q) => this.of(q)));
  }

  private async of(q: DialQueueEntity): Promise<QueueStats> {
    return this.figures.stats(q, await this.queues.agentsOf(q.id), this.pacer.ratios.get(q.id) ?? 1, this.pacer.decisions.get(q.id) ?? null);
  }

  async activity(queueId: string): Promise<QueueActivity> {
    return this.figures.activity(await this.find(queueId));
  }

  async abandonByDay(queueId: string, days: number) {
    return this.figures.abandonByDay(await this.find(queueId), days);
  }

  private async find(id: string): Promise<DialQueueEntity> {
    const q = await this.queues.findById(id);
    if (!q) throw DomainError.notFound('Dial queue');
    return q;
  }
}
