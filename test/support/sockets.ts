import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '#shared';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A softphone-like client: every event it receives is kept, in order, for the test to wait on. */
export interface RecordingSocket {
  socket: ClientSocket;
  received: Array<{ event: string; payload: unknown }>;
  /** The next `event` not yet taken (or one already received and not taken), within `ms`. */
  next<T = unknown>(event: string, ms?: number): Promise<T>;
  /** The first `event` (received already or still to come) whose payload satisfies `match`, within `ms`. */
  until<T = unknown>(event: string, match: (payload: T) => boolean, ms?: number): Promise<T>;
  /** No `event` arrives within `ms`. */
  none(event: string, ms?: number): Promise<void>;
  close(): void;
}

export function connect(baseUrl: string, token: string | undefined, options: { reconnection?: boolean } = {}): RecordingSocket {
  const socket: ClientSocket = io(baseUrl, { path: '/socket.io', transports: ['websocket'], auth: token === undefined ? {} : { token }, reconnection: options.reconnection ?? false, forceNew: true });
  const received: Array<{ event: string; payload: unknown }> = [];
  const taken = new Set<number>();
  const waiters: Array<{ event: string; resolve: (p: unknown) => void }> = [];
  socket.onAny((event: string, payload: unknown) => {
    received.push({ event, payload });
    const i = waiters.findIndex((w) => w.event === event);
    if (i >= 0) {
      taken.add(received.length - 1);
      waiters.splice(i, 1)[0].resolve(payload);
    }
  });
  for (const event of ['connect', 'connect_error', 'disconnect']) {
    socket.on(event as 'connect', ((payload: unknown) => {
      received.push({ event, payload });
      const i = waiters.findIndex((w) => w.event === event);
      if (i >= 0) {
        taken.add(received.length - 1);
        waiters.splice(i, 1)[0].resolve(payload);
      }
    }) as () => void);
  }
  return {
    socket,
    received,
    next<T>(event: string, ms = 5_000): Promise<T> {
      const idx = received.findIndex((r, i) => r.event === event && !taken.has(i));
      if (idx >= 0) {
        taken.add(idx);
        return Promise.resolve(received[idx].payload as T);
      }
      return new Promise<T>((resolve, reject) => {
        const w = { event, resolve: resolve as (p: unknown) => void };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`no "${event}" within ${ms} ms; received: ${received.map((r) => r.event).join(', ')}`));
          }
        }, ms).unref();
      });
    },
    async until<T>(event: string, match: (payload: T) => boolean, ms = 5_000): Promise<T> {
      const until = Date.now() + ms;
      for (;;) {
        const idx = received.findIndex((r, i) => r.event === event && !taken.has(i) && match(r.payload as T));
        if (idx >= 0) {
          taken.add(idx);
          return received[idx].payload as T;
        }
        if (Date.now() > until) throw new Error(`no matching "${event}" within ${ms} ms; received: ${JSON.stringify(received.filter((r) => r.event === event).map((r) => r.payload)).slice(0, 2000)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async none(event: string, ms = 300): Promise<void> {
      const before = received.filter((r, i) => r.event === event && !taken.has(i)).length;
      await new Promise((r) => setTimeout(r, ms));
      const after = received.filter((r, i) => r.event === event && !taken.has(i)).length;
      if (after > before || before > 0) throw new Error(`unexpected "${event}": ${JSON.stringify(received.filter((r) => r.event === event).map((r) => r.payload))}`);
    },
    close() {
      socket.close();
    },
  };
}
