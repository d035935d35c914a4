import type { IntervalTimers, RetryTimers, SocketLike } from '../realtime-core.js';

/** Test doubles for the socket state classes (used by their specs only). */

type Handler = (...args: unknown[]) => void;

/** A socket the test drives: it records what the client sends and lets the test play the server. */
export class FakeSocket implements SocketLike {
  connected = false;
  connects = 0;
  readonly handlers = new Map<string, Handler[]>();
  readonly sent: Array<{ event: string; args: unknown[] }> = [];
  /** Replies the "server" gives to events with a callback, by event name. */
  readonly replies = new Map<string, (payload: unknown) => unknown>();

  on(event: string, fn: Handler): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
    return this;
  }
  emit(event: string, ...args: unknown[]): this {
    this.sent.push({ event, args });
    const callback = args.find((a) => typeof a === 'function') as Handler | undefined;
    const reply = this.replies.get(event);
    if (callback && reply) callback(reply(args[0]));
    return this;
  }
  connect(): this {
    this.connects++;
    return this;
  }
  disconnect(): this {
    this.connected = false;
    return this;
  }
  /** The server side: fire an event at the client. */
  fire(event: string, ...args: unknown[]): void {
    for (const h of this.handlers.get(event) ?? []) h(...args);
  }
  open(): void {
    this.connected = true;
    this.fire('connect');
  }
  drop(reason = 'transport close'): void {
    this.connected = false;
    this.fire('disconnect', reason);
  }
  sentOf(event: string): unknown[][] {
    return this.sent.filter((s) => s.event === event).map((s) => s.args);
  }
}

export class ManualTimers implements IntervalTimers, RetryTimers {
  readonly intervals = new Map<number, () => void>();
  /** One-off timers, with their delay, until the test runs them. */
  readonly timeouts = new Map<number, { fn: () => void; ms: number }>();
  random = () => 0.5;
  private next = 1;
  setTimeout(fn: () => void, ms: number): number {
    const id = this.next++;
    this.timeouts.set(id, { fn, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timeouts.delete(handle as number);
  }
  /** Runs every one-off timer due so far. */
  runTimeouts(): void {
    const due = [...this.timeouts.values()];
    this.timeouts.clear();
    for (const t of due) t.fn();
  }
  setInterval(fn: () => void): number {
    const id = this.next++;
    this.intervals.set(id, fn);
    return id;
  }
  clearInterval(handle: unknown): void {
    this.intervals.delete(handle as number);
  }
  tick(): void {
    for (const fn of this.intervals.values()) fn();
  }
}

