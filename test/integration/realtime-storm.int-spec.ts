import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { io } from 'socket.io-client';
import type { HandshakeRefusal } from '#shared';
import { RealtimeCore, type SocketLike } from '../../softphone/src/lib/realtime-core.js';
import { TokenService } from '../../server/src/auth/token.service.js';
import { CallbackEntity } from '../../server/src/callbacks/callback.entity.js';
import { RealtimeHub } from '../../server/src/realtime/work-push.service.js';
import { UserEntity } from '../../server/src/users/user.entity.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { eventually } from '../support/eventually.js';
import { listen } from '../support/upload.js';

// Monday 2 March 2026, 12:00 in New York.
const NOON_ET = '2026-03-02T17:00:00.000Z';

/** A softphone's realtime core on a real client socket, counting its resyncs and the refusals it met. */
interface Phone {
  core: RealtimeCore;
  socket: ReturnType<typeof io>;
  syncs: number;
  refusals: HandshakeRefusal[];
}

describe('realtime: connection storms', () => {
  let t: TestApp;
  let url: string;
  let admin: Awaited<ReturnType<typeof signIn>>;
  const phones: Phone[] = [];

  beforeAll(async () => {
    // A small admission limit, so a burst of handshakes is partly refused as busy.
    t = await createTestApp({ now: NOON_ET, env: { REALTIME_MAX_PENDING_CONNECTS: '5', REALTIME_RETRY_AFTER_MS: '100' } });
    url = await listen(t);
    admin = await signIn(t, 'admin');
  }, 60_000);
  afterEach(() => {
    for (const p of phones.splice(0)) p.core.stop();
  });
  afterAll(async () => {
    await t?.close();
  });

  const agents = async (n: number) => {
    const hash = (await t.dataSource.getRepository(UserEntity).findOneByOrFail({ id: admin.user.id })).passwordHash;
    const now = new Date(NOON_ET);
    const rows = Array.from({ length: n }, (_, i) => ({ id: randomUUID(), email: `storm-${randomUUID()}@example.test`, name: `Storm ${i}`, role: 'agent', passwordHash: hash, active: true, createdAt: now, updatedAt: now }) as UserEntity);
    for (let i = 0; i < rows.length; i += 200) await t.dataSource.getRepository(UserEntity).insert(rows.slice(i, i + 200));
    return rows;
  };
  const phone = (user: UserEntity): Phone => {
    const token = t.get(TokenService).signAccess({ sub: user.id, role: 'agent', name: user.name, email: user.email }).token;
    const socket = io(url, { path: '/socket.io', autoConnect: false, transports: ['websocket'], auth: { token }, forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500 });
    const p: Phone = { socket, syncs: 0, refusals: [], core: null as unknown as RealtimeCore };
    socket.on('connect_error', (e) => {
      const data = (e as Error & { data?: HandshakeRefusal }).data;
      if (data) p.refusals.push(data);
    });
    // Counts each resync answered, as the softphone's core asks for them.
    const raw = socket as unknown as SocketLike;
    const counted: SocketLike = {
      get connected() {
        return socket.connected;
      },
      on: (event: string, fn: (...a: never[]) => void) => raw.on(event as 'connect', fn as () => void),
      connect: () => socket.connect(),
      disconnect: () => socket.disconnect(),
      emit: ((event: string, ...args: unknown[]) => {
        const i = args.findIndex((a) => typeof a === 'function');
        if (event === 'inbox:sync' && i >= 0) {
          const reply = args[i] as (r: unknown) => void;
          args[i] = (r: unknown) => {
            p.syncs++;
            reply(r);
          };
        }
        return (socket.emit as (...a: unknown[]) => unknown).call(socket, event, ...args);
      }) as SocketLike['emit'],
    };
    p.core = new RealtimeCore({ socket: counted, timers: { setInterval, clearInterval: (h) => clearInterval(h as NodeJS.Timeout), setTimeout, clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) }, token: () => token, health: () => ({ phone: 'simulated', microphone: 'granted' }), heartbeatMs: 60_000 });
    phones.push(p);
    return p;
  };

  it('a handshake refused as busy names when to retry, and the softphone connects after it', async () => {
    const crowd = (await agents(40)).map(phone);
    for (const p of crowd) p.core.start();
    await eventually('all 40 connected and resynced', () => crowd.every((p) => p.core.snapshot().connection === 'connected' && p.syncs >= 1), 20_000);
    const refused = crowd.filter((p) => p.refusals.length);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].refusals[0]).toEqual({ code: 'unavailable', retryAfterMs: 100 });
  }, 30_000);

  it('every socket dropped at once comes back, each resynced with its inbox, without errors', async () => {
    const users = await agents(300);
    // Ten of them have a due callback, which every resync must bring back.
    const owners = users.slice(0, 10);
    const callbacks: string[] = [];
    for (const [i, u] of owners.entries()) {
      const lead = (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number: `+1718556${String(1000 + i).padStart(4, '0')}` }], firstName: 'Storm', ownerId: u.id }).expect(201)).body as { id: string };
      const cb = (await t.http.post('/api/callbacks').set(admin.auth).send({ leadId: lead.id, dueAt: '2026-03-02T13:30:00', ownerId: u.id }).expect(201)).body as { id: string };
      callbacks.push(cb.id);
    }
    await t.dataSource.getRepository(CallbackEntity).update(callbacks, { status: 'due', becameDueAt: new Date(NOON_ET) });
    const crowd = users.map(phone);
    for (const p of crowd) p.core.start();
    const allBack = (syncs: number) => eventually(`all 300 connected with ${syncs} resync(s)`, () => crowd.every((p) => p.core.snapshot().connection === 'connected' && p.syncs >= syncs), 40_000);
    await allBack(1);

    // Every transport closed at once, as when the network under an instance blinks.
    const server = t.get(RealtimeHub).server;
    expect(server).toBeTruthy();
    for (const s of server?.of('/').sockets.values() ?? []) s.conn.close();
    await allBack(2);

    expect(crowd.flatMap((p) => p.refusals.filter((r) => r.code !== 'unavailable'))).toEqual([]);
    for (const [i, p] of crowd.slice(0, 10).entries()) expect(p.core.snapshot().items.map((item) => item.id)).toEqual([callbacks[i]]);
    for (const p of crowd.slice(10)) expect(p.core.snapshot().items).toEqual([]);
    // The embedded database serves every connection from one session: slower there.
  }, 90_000);
});
