import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, WorkDelivery, WorkItem } from '#shared';
import type { Cluster, Instance } from './cluster.js';

type AgentSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SeenItem {
  /** When it first reached the agent (ms). */
  at: number;
  via: 'offer' | 'sync';
  dueAt: number;
  /** The instance the agent's socket was on then. */
  on: string;
}

/**
 * An agent's softphone as far as work goes: one Socket.IO connection to one instance,
 * acknowledging every offer, resyncing its inbox on every (re)connect, heart-beating,
 * and completing each task it is given over HTTP. When its instance goes away it
 * reconnects to another one that is up, as the softphone does behind a balancer.
 */
export class ChaosAgent {
  readonly seen = new Map<string, SeenItem>();
  readonly completed = new Set<string>();
  readonly connections: Array<{ instance: string; at: number }> = [];
  readonly disconnects: Array<{ instance: string; at: number }> = [];
  offers = 0;
  /** Offers that reached it on their first send (pushed at once, through the adapter when another instance made them). */
  firstSends = 0;
  acks = 0;
  instance: Instance | null = null;
  private socket: AgentSocket | null = null;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly completing = new Set<string>();

  constructor(
    private readonly cluster: Cluster,
    private readonly token: string,
  ) {}

  connect(instance: Instance): Promise<void> {
    this.instance = instance;
    const socket: AgentSocket = io(instance.url, { path: '/socket.io', transports: ['websocket'], auth: { token: this.token }, reconnection: false, forceNew: true, timeout: 5_000 });
    this.socket = socket;
    socket.on('work:offered', (d: WorkDelivery) => {
      this.offers++;
      if (d.attempt === 1) this.firstSends++;
      socket.emit('work:ack', { deliveryIds: [d.deliveryId] }, () => this.acks++);
      this.take(d.item, 'offer');
    });
    socket.on('disconnect', () => {
      this.disconnects.push({ instance: instance.name, at: Date.now() });
      this.reconnectElsewhere(instance);
    });
    return new Promise<void>((resolve) => {
      socket.on('connect', () => {
        this.connections.push({ instance: instance.name, at: Date.now() });
        this.sync(socket);
        resolve();
      });
      socket.on('connect_error', () => {
        socket.close();
        this.reconnectElsewhere(instance);
        resolve();
      });
    }).then(() => {
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => socket.connected && socket.emit('agent:heartbeat', { health: { phone: 'simulated', microphone: 'granted' } }), 5_000);
    });
  }

  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.socket?.close();
  }

  /** Every (re)connect: everything open for the agent, acknowledged. */
  private sync(socket: AgentSocket): void {
    socket.emit('inbox:sync', (r) => {
      const ids = r.items.map((i) => i.deliveryId).filter((d): d is string => !!d);
      if (ids.length) socket.emit('work:ack', { deliveryIds: ids }, () => (this.acks += ids.length));
      for (const item of r.items) this.take(item, 'sync');
    });
  }

  private take(item: WorkItem, via: 'offer' | 'sync'): void {
    if (item.kind !== 'participant_action' || item.status !== 'due') return;
    if (!this.seen.has(item.id)) this.seen.set(item.id, { at: Date.now(), via, dueAt: Date.parse(item.dueAt), on: this.instance?.name ?? '?' });
    void this.complete(item.id);
  }

  /** The agent does the task: completed over HTTP, asked again through the balancer while instances come and go. */
  private async complete(id: string): Promise<void> {
    if (this.completed.has(id) || this.completing.has(id)) return;
    this.completing.add(id);
    try {
      for (let i = 0; i < 20 && !this.closed; i++) {
        const res = await this.cluster.api<{ status?: string }>('POST', `/api/participant-actions/${id}/complete`, this.token, { notes: 'done by the chaos agent' }).catch(() => ({ status: 0, body: {} }));
        if (res.status === 200 || res.status === 409) {
          this.completed.add(id);
          return;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      this.completing.delete(id);
    }
  }

  private reconnectElsewhere(from: Instance): void {
    if (this.closed || this.instance !== from) return;
    this.instance = null;
    const attempt = () => {
      if (this.closed) return;
      const others = this.cluster.up().filter((i) => i !== from);
      const next = others.length ? others[Math.floor(Math.random() * others.length)] : this.cluster.up()[0];
      if (!next) return void setTimeout(attempt, 500);
      void this.connect(next);
    };
    setTimeout(attempt, 300);
  }
}
