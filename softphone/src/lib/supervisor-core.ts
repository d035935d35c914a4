import type { AgentStatusView, QueueStats } from '#shared';
import { type ConnectionState, type SocketLike, trackConnection } from './realtime-core.js';
import { Listeners } from './listeners.js';

/**
 * What a supervisor watches, as plain TypeScript (jest runs it against a fake socket;
 * `supervisor.svelte.ts` mirrors it into runes): every agent's status, kept current by
 * `supervisor:agent` events, and the live figures of the queues being watched, pushed at
 * most twice a second. On every (re)connect the board and the watch list are sent again.
 */

export interface SupervisorSnapshot {
  readonly connection: ConnectionState;
  readonly problem: string | null;
  /** By name. */
  readonly agents: readonly AgentStatusView[];
  readonly stats: Readonly<Record<string, QueueStats>>;
}

export interface SupervisorDeps {
  socket: SocketLike;
  onChange?: (s: SupervisorSnapshot) => void;
}

export class SupervisorCore {
  private connection: ConnectionState = 'disconnected';
  private problem: string | null = null;
  private readonly agents = new Map<string, AgentStatusView>();
  private stats: Record<string, QueueStats> = {};
  private watched: string[] = [];
  private started = false;
  /** A live call changed somewhere on the floor (the board reads its list again). */
  readonly callChanges = new Listeners<{ conversationId: string; status: string | null }>();
  /** Each (re)connect. */
  readonly reconnects = new Listeners<void>();

  constructor(private readonly deps: SupervisorDeps) {}

  snapshot(): SupervisorSnapshot {
    return { connection: this.connection, problem: this.problem, agents: [...this.agents.values()].sort((a, b) => a.name.localeCompare(b.name)), stats: this.stats };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const s = this.deps.socket;
    trackConnection(
      s,
      (state, problem) => {
        this.connection = state;
        this.problem = problem;
        this.changed();
      },
      () => this.connection === 'ended',
      () => {
        this.loadBoard();
        this.sendWatch();
        this.reconnects.emit();
      },
    );
    s.on('floor:call-changed', (p) => this.callChanges.emit(p));
    s.on('supervisor:agent', (status) => {
      this.agents.set(status.userId, status);
      this.changed();
    });
    s.on('queue:stats', (q) => {
      if (!this.watched.includes(q.queueId)) return;
      this.stats = { ...this.stats, [q.queueId]: q };
      this.changed();
    });
    s.on('session:ended', () => {
      this.connection = 'ended';
      this.problem = 'your session ended';
      this.changed();
    });
    this.connection = 'connecting';
    this.changed();
    s.connect();
  }

  stop(): void {
    this.started = false;
    this.deps.socket.disconnect();
  }

  /** Watch these queues (replacing the list); figures of the others are dropped. */
  watch(queueIds: string[]): void {
    this.watched = [...queueIds];
    this.stats = Object.fromEntries(Object.entries(this.stats).filter(([id]) => this.watched.includes(id)));
    this.changed();
    this.sendWatch();
  }

  /** An agent's status as a supervisor's own change returned it (the event follows too). */
  update(status: AgentStatusView): void {
    this.agents.set(status.userId, status);
    this.changed();
  }

  private loadBoard(): void {
    this.deps.socket.emit('supervisor:agents', (list) => {
      this.agents.clear();
      for (const a of list) this.agents.set(a.userId, a);
      this.changed();
    });
  }

  private sendWatch(): void {
    if (!this.deps.socket.connected) return;
    this.deps.socket.emit('supervisor:watch-queues', { queueIds: this.watched }, (r) => {
      if (!r.ok) {
        this.problem = r.error.message;
        this.changed();
        return;
      }
      for (const q of r.stats ?? []) this.stats = { ...this.stats, [q.queueId]: q };
      this.changed();
    });
  }

  private changed(): void {
    this.deps.onChange?.(this.snapshot());
  }
}
