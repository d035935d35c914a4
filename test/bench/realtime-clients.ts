/**
 * One process of the realtime bench's socket clients (started by `realtime-fleet.ts`):
 * agents `FROM`..`TO` of the token file, each a softphone-like client spread round-robin
 * over the instance URLs, resyncing on every (re)connect and acknowledging every offer.
 * Busy refusals are retried after the delay they name plus jitter, as the softphone does.
 * Reports on stdout, one JSON line per event batch: `{ connected, errors, refused, acked, resent, offers: [ms of first sends…] }`.
 * SIGUSR2 closes every socket's transport at once (they reconnect: a drop storm).
 */
import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, HandshakeRefusal, ServerToClientEvents, WorkDelivery } from '#shared';

const urls = (process.env.BENCH_URLS ?? '').split(',');
const tokens = (JSON.parse(readFileSync(process.env.BENCH_TOKENS as string, 'utf8')) as string[]).slice(Number(process.env.BENCH_FROM), Number(process.env.BENCH_TO));
const from = Number(process.env.BENCH_FROM);

let connected = 0;
let errors = 0;
let acked = 0;
let refused = 0;
let resent = 0;
let offers: number[] = [];
const sockets: Array<Socket<ServerToClientEvents, ClientToServerEvents>> = [];

tokens.forEach((token, i) => {
  const url = urls[(from + i) % urls.length];
  const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { path: '/socket.io', transports: ['websocket'], auth: { token }, forceNew: true, reconnectionDelay: 1000, reconnectionDelayMax: 5000, timeout: 120_000 });
  sockets.push(s);
  s.on('connect', () => {
    connected++;
    s.emit('inbox:sync', (r) => {
      const ids = r.items.map((x) => x.deliveryId).filter((d): d is string => !!d);
      if (ids.length) s.emit('work:ack', { deliveryIds: ids });
    });
    s.emit('agent:heartbeat', { health: { phone: 'simulated', microphone: 'granted' } });
  });
  s.on('disconnect', () => connected--);
  s.on('connect_error', (e: Error & { data?: HandshakeRefusal }) => {
    if (e.data?.code === 'unavailable') {
      refused++;
      setTimeout(() => s.connect(), Math.round(e.data.retryAfterMs * (1 + Math.random())));
    } else if (!s.active) {
      errors++;
      setTimeout(() => s.connect(), 1000 + Math.random() * 1000);
    }
  });
  s.on('work:offered', (d: WorkDelivery) => {
    // Re-sends (no ack recorded within the resend interval) are counted apart, not as arrivals.
    if (d.attempt > 1) resent++;
    else offers.push(Date.now() - Date.parse(d.item.dueAt));
    s.emit('work:ack', { deliveryIds: [d.deliveryId] }, () => acked++);
  });
});

const report = () => {
  process.stdout.write(`${JSON.stringify({ connected, errors, refused, acked, resent, offers })}\n`);
  offers = [];
};
setInterval(report, 500);
process.on('SIGUSR2', () => {
  for (const s of sockets) s.io.engine.close();
});
