import { Injectable } from '@nestjs/common';
import type { AgentStatusView, SoftphoneHealth, WorkItem } from '#shared';
import { AgentStatesService } from '../agents/agent-states.service.js';
import { BatchedByKey } from '../common/batched-by-key.js';
import { DomainError } from '../common/domain-error.js';
import { WorkPush } from './work-push.service.js';

/** How long the first request of a batch waits for others from sockets connecting with it. */
const GATHER_MS = 2;

/**
 * What every softphone asks for as it (re)connects (its inbox, its state, its first
 * heartbeat, the acks of what the resync gave it), gathered from many sockets for a
 * moment and served in one go: a few statements per batch instead of about nine pooled
 * transactions per agent, so a storm of reconnecting agents leaves the pool to the work
 * being offered. One agent's failure fails only their own request (`isolate`).
 */
@Injectable()
export class ConnectBatches {
  private readonly syncs = new BatchedByKey<Array<WorkItem & { deliveryId: string | null }>>((users) => this.push.syncMany([...users.keys()]), { isolate: true, waitMs: GATHER_MS });
  private readonly statuses = new BatchedByKey<AgentStatusView>((users) => this.states.statusMany([...users.keys()]), { isolate: true, waitMs: GATHER_MS });
  private readonly beats = new BatchedByKey<true, SoftphoneHealth | undefined>(
    async (beats) => {
      await this.states.heartbeatMany(beats);
      return new Map([...beats.keys()].map((u) => [u, true as const]));
    },
    // A heartbeat without health keeps the health an earlier one in the batch brought.
    { isolate: true, waitMs: GATHER_MS, merge: (earlier, later) => later ?? earlier },
  );
  private readonly acks = new BatchedByKey<number, string[]>((acks) => this.push.ackMany(acks), { isolate: true, waitMs: GATHER_MS, merge: (a, b) => [...a, ...b] });

  constructor(
    private readonly push: WorkPush,
    private readonly states: AgentStatesService,
  ) {}

  /** Everything open for the agent, each with the delivery to acknowledge (`WorkPush.sync`). */
  async sync(userId: string): Promise<Array<WorkItem & { deliveryId: string | null }>> {
    return (await this.syncs.get(userId)) ?? [];
  }

  /** The agent's status now (`AgentStatesService.status`). */
  async status(userId: string): Promise<AgentStatusView> {
    const status = await this.statuses.get(userId);
    if (!status) throw DomainError.notFound('User');
    return status;
  }

  /** A heartbeat (`AgentStatesService.heartbeat`). */
  async heartbeat(userId: string, health: SoftphoneHealth | undefined): Promise<void> {
    await this.beats.get(userId, health);
  }

  /** Acknowledges the agent's deliveries (`WorkPush.ack`); how many were marked. */
  async ack(userId: string, deliveryIds: string[]): Promise<number> {
    if (!deliveryIds.length) return 0;
    return (await this.acks.get(userId, deliveryIds)) ?? 0;
  }
}
