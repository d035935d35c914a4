import { io } from 'socket.io-client';
import type { AgentStatusView, QueueStats } from '#shared';
import type { ConnectionState, SocketLike } from './realtime-core.js';
import { SupervisorCore, type SupervisorSnapshot } from './supervisor-core.js';

/** The supervisor's socket as reactive state: the agents board and the watched queues' live figures. */
export class Supervisor {
  #snapshot = $state.raw<SupervisorSnapshot>({ connection: 'disconnected', problem: null, agents: [], stats: {} });
  readonly #core: SupervisorCore;

  constructor(token: () => string | null) {
    const socket = io({ autoConnect: false, transports: ['websocket'], auth: (cb) => cb({ token: token() ?? '' }) });
    this.#core = new SupervisorCore({ socket: socket as unknown as SocketLike, onChange: (s) => (this.#snapshot = s) });
  }

  get connection(): ConnectionState {
    return this.#snapshot.connection;
  }
  get problem(): string | null {
    return this.#snapshot.problem;
  }
  get agents(): readonly AgentStatusView[] {
    return this.#snapshot.agents;
  }
  get stats(): Readonly<Record<string, QueueStats>> {
    return this.#snapshot.stats;
  }

  start(): void {
    this.#core.start();
  }
  stop(): void {
    this.#core.stop();
  }
  watch(queueIds: string[]): void {
    this.#core.watch(queueIds);
  }
  update(status: AgentStatusView): void {
    this.#core.update(status);
  }
  /** Calls `fn` whenever a live call changes on the floor; returns how to stop. */
  onCallChanged(fn: (p: { conversationId: string; status: string | null }) => void): () => void {
    return this.#core.callChanges.add(fn);
  }
  /** Calls `fn` on each (re)connect of the socket; returns how to stop. */
  onReconnect(fn: () => void): () => void {
    return this.#core.reconnects.add(fn);
  }
}
