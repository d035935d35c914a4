import { io } from 'socket.io-client';
import type { AgentStatusView, CallUpdate, ChosenAgentState, SoftphoneHealth, WorkKind } from '#shared';
import { type ConnectionState, type InboxItem, RealtimeCore, type RealtimeSnapshot, type SocketLike } from './realtime-core.js';

/** How often the softphone says it is alive (the server marks an agent stale after 20 s of silence). */
const HEARTBEAT_MS = 5000;

/**
 * The agent's socket as reactive state: connection, state and inbox. The logic lives in
 * `RealtimeCore`; this class owns the Socket.IO client and mirrors the core into runes.
 */
export class Realtime {
  #snapshot = $state.raw<RealtimeSnapshot>({ connection: 'disconnected', problem: null, status: null, items: [] });
  readonly #core: RealtimeCore;

  /** `token` reads the session's current access token; `health` the phone's. */
  constructor(token: () => string | null, health: () => SoftphoneHealth) {
    // The handshake reads the token at every (re)connection, so a reconnect uses the refreshed one.
    const socket = io({ autoConnect: false, transports: ['websocket'], auth: (cb) => cb({ token: token() ?? '' }) });
    this.#core = new RealtimeCore({
      socket: socket as unknown as SocketLike,
      timers: {
        setInterval: (fn, ms) => window.setInterval(fn, ms),
        clearInterval: (h) => window.clearInterval(h as number),
        setTimeout: (fn, ms) => window.setTimeout(fn, ms),
        clearTimeout: (h) => window.clearTimeout(h as number),
      },
      token,
      health,
      heartbeatMs: HEARTBEAT_MS,
      onChange: (s) => (this.#snapshot = s),
    });
  }

  get connection(): ConnectionState {
    return this.#snapshot.connection;
  }

  get problem(): string | null {
    return this.#snapshot.problem;
  }

  get status(): AgentStatusView | null {
    return this.#snapshot.status;
  }

  get items(): readonly InboxItem[] {
    return this.#snapshot.items;
  }

  start(): void {
    this.#core.start();
  }

  stop(): void {
    this.#core.stop();
  }

  setState(state: ChosenAgentState, reason?: string): Promise<AgentStatusView> {
    return this.#core.setState(state, reason);
  }

  forget(kind: WorkKind, id: string): void {
    this.#core.forget(kind, id);
  }

  /** Calls `fn` with every pushed change to a call this agent is on; returns how to stop. */
  onCall(fn: (u: CallUpdate) => void): () => void {
    return this.#core.calls.add(fn);
  }

  /** Calls `fn` on each (re)connect of the socket; returns how to stop. */
  onReconnect(fn: () => void): () => void {
    return this.#core.reconnects.add(fn);
  }

  /** Sends the health now (after the phone or microphone changed). */
  beat(): void {
    this.#core.beat();
  }
}
