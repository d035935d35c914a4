import type {
  AgentStatusView,
  CallUpdate,
  HandshakeRefusal,
  ChosenAgentState,
  ClientToServerEvents,
  ServerToClientEvents,
  SoftphoneHealth,
  WorkItem,
  WorkKind,
} from '#shared';
import { Listeners } from './listeners.js';

/**
 * The agent's live link to the server as plain TypeScript (no runes), so it runs under
 * jest against a fake socket; `realtime.svelte.ts` mirrors it into reactive state.
 *
 * What it keeps: whether the socket is up (and why not), the agent's state, and the
 * inbox of open work. Every pushed item is acknowledged; on every (re)connect the whole
 * inbox is fetched again (`inbox:sync`), so a dropped socket loses nothing. Heartbeats
 * carry the phone's health; a refreshed access token is handed to the socket
 * (`session:renew`) so it stays open past the old token's expiry.
 */

/** The slice of a Socket.IO client socket this class uses (the real one, or a fake in tests). */
export interface SocketLike {
  readonly connected: boolean;
  on<E extends keyof ServerToClientEvents>(event: E, fn: ServerToClientEvents[E]): unknown;
  on(event: 'connect' | 'disconnect' | 'connect_error', fn: (arg?: unknown) => void): unknown;
  emit<E extends keyof ClientToServerEvents>(event: E, ...args: Parameters<ClientToServerEvents[E]>): unknown;
  connect(): unknown;
  disconnect(): unknown;
}

export interface IntervalTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** What a busy server's refusal needs: a one-off timer, and a source of jitter in [0, 1). */
export interface RetryTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random?: () => number;
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'ended';

export interface InboxItem extends WorkItem {
  /** The push to acknowledge, if it came as one. */
  deliveryId: string | null;
}

export interface RealtimeSnapshot {
  readonly connection: ConnectionState;
  /** Why the socket is not connected (a refused handshake, a lost network), or why the session ended. */
  readonly problem: string | null;
  readonly status: AgentStatusView | null;
  /** Open work: dial-queue leads first, then callbacks, then the rest, each soonest due first. */
  readonly items: readonly InboxItem[];
}

export interface RealtimeDeps {
  socket: SocketLike;
  timers: IntervalTimers & RetryTimers;
  /** The current access token (it changes when the session refreshes). */
  token: () => string | null;
  /** The phone and microphone as the softphone sees them now. */
  health: () => SoftphoneHealth;
  heartbeatMs: number;
  onChange?: (s: RealtimeSnapshot) => void;
}

/**
 * Follows a socket's connection for a state class: up (then `onUp`), lost with why, or a
 * handshake refused with the server's reason. A refusal as `unavailable` (the server is
 * busy) is retried after the delay it names plus up to as much again of jitter, when
 * `retry` timers are given; other refusals are not. Once `ended()` (the session is over)
 * it reports nothing more.
 */
export function trackConnection(socket: SocketLike, report: (state: ConnectionState, problem: string | null) => void, ended: () => boolean, onUp: () => void, retry?: RetryTimers): void {
  let pending: unknown = null;
  socket.on('connect', () => {
    report('connected', null);
    onUp();
  });
  socket.on('disconnect', (reason) => {
    if (!ended()) report('disconnected', reason === 'io client disconnect' ? null : `connection lost (${String(reason)}); reconnecting…`);
  });
  socket.on('connect_error', (err) => {
    if (ended()) return;
    const refusal = (err as { data?: HandshakeRefusal } | undefined)?.data;
    if (retry && refusal?.code === 'unavailable') {
      const wait = Math.round(refusal.retryAfterMs * (1 + (retry.random ?? Math.random)()));
      if (pending !== null) retry.clearTimeout(pending);
      pending = retry.setTimeout(() => {
        pending = null;
        if (!ended() && !socket.connected) socket.connect();
      }, wait);
      report('connecting', `the server is busy; connecting again in ${Math.ceil(wait / 1000)} s`);
      return;
    }
    report('disconnected', (err as Error | undefined)?.message ?? 'cannot reach the server');
  });
}

// A lead who wrote is waiting on us: after calls and callbacks, before schedule tasks.
const KIND_ORDER: Record<WorkKind, number> = { queue_item: 0, callback: 1, reply: 2, participant_action: 3 };

export function sortInbox(items: Iterable<InboxItem>): InboxItem[] {
  return [...items].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
}

const keyOf = (kind: WorkKind, id: string) => `${kind}:${id}`;

export class RealtimeCore {
  private connection: ConnectionState = 'disconnected';
  private problem: string | null = null;
  private status: AgentStatusView | null = null;
  private readonly items = new Map<string, InboxItem>();
  private heartbeat: unknown = null;
  private lastToken: string | null = null;
  private started = false;
  /** Every change to a call this agent is on, as the server pushes it. */
  readonly calls = new Listeners<CallUpdate>();
  /** Each (re)connect: what was missed while away is read again. */
  readonly reconnects = new Listeners<void>();

  constructor(private readonly deps: RealtimeDeps) {}

  snapshot(): RealtimeSnapshot {
    return { connection: this.connection, problem: this.problem, status: this.status, items: sortInbox(this.items.values()) };
  }

  /** Connects and keeps the link alive until `stop()`. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const s = this.deps.socket;
    trackConnection(
      s,
      (state, problem) => {
        this.connection = state;
        this.problem = problem;
        if (state === 'connected') this.lastToken = this.deps.token();
        this.changed();
      },
      () => this.connection === 'ended',
      () => {
        this.sync();
        this.beat();
        this.reconnects.emit();
      },
      this.deps.timers,
    );
    s.on('call:update', (u) => this.calls.emit(u));
    s.on('work:offered', (d) => {
      this.items.set(keyOf(d.item.kind, d.item.id), { ...d.item, deliveryId: d.deliveryId });
      this.changed();
      this.ack([d.deliveryId]);
    });
    s.on('work:withdrawn', (p) => {
      if (this.items.delete(keyOf(p.kind, p.id))) this.changed();
    });
    s.on('agent:state', (status) => {
      this.status = status;
      this.changed();
    });
    s.on('session:ended', (p) => {
      this.connection = 'ended';
      this.problem = p.reason === 'expired' ? 'your session expired' : p.reason === 'revoked' ? 'you were signed out' : 'your account was deactivated';
      this.changed();
    });
    this.connection = 'connecting';
    this.changed();
    s.connect();
    this.heartbeat = this.deps.timers.setInterval(() => this.beat(), this.deps.heartbeatMs);
  }

  stop(): void {
    if (this.heartbeat !== null) this.deps.timers.clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.started = false;
    this.deps.socket.disconnect();
  }

  /** Ready, paused (with a reason) or offline; resolves with the new status or rejects with the server's reason. */
  setState(state: ChosenAgentState, reason?: string): Promise<AgentStatusView> {
    return new Promise((resolve, reject) => {
      if (!this.deps.socket.connected) return reject(new Error('Not connected to the server'));
      this.deps.socket.emit('agent:set-state', { state, ...(reason ? { reason } : {}) }, (r) => {
        if (!r.ok) return reject(new Error(r.error.message));
        if (r.status) {
          this.status = r.status;
          this.changed();
        }
        resolve(r.status as AgentStatusView);
      });
    });
  }

  /** Removes an item at once after the agent acted on it (the server's withdrawal follows). */
  forget(kind: WorkKind, id: string): void {
    if (this.items.delete(keyOf(kind, id))) this.changed();
  }

  /** Every open item and the state again, as after a reconnect. */
  sync(): void {
    this.deps.socket.emit('inbox:sync', (r) => {
      this.items.clear();
      for (const item of r.items) this.items.set(keyOf(item.kind, item.id), item);
      this.status = r.status;
      this.changed();
      const pending = r.items.map((i) => i.deliveryId).filter((d): d is string => !!d);
      if (pending.length) this.ack(pending);
    });
  }

  /** A heartbeat with the phone's health; a token the session refreshed meanwhile goes to the socket first. */
  beat(): void {
    const s = this.deps.socket;
    if (!s.connected) return;
    const token = this.deps.token();
    if (token && token !== this.lastToken) {
      this.lastToken = token;
      s.emit('session:renew', { token }, (r) => {
        if (!r.ok) this.problem = `could not renew the connection: ${r.error.message}`;
      });
    }
    s.emit('agent:heartbeat', { health: this.deps.health() });
  }

  private ack(deliveryIds: string[]): void {
    this.deps.socket.emit('work:ack', { deliveryIds });
  }

  private changed(): void {
    this.deps.onChange?.(this.snapshot());
  }
}
