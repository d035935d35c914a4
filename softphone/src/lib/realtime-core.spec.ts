import { describe, expect, it } from '@jest/globals';
import type { AgentStatusView, WorkItem } from '#shared';
import { type RealtimeSnapshot, RealtimeCore } from './realtime-core.js';
import { FakeSocket, ManualTimers } from './testing/fake-socket.js';

const status = (state: AgentStatusView['state'], extra: Partial<AgentStatusView> = {}): AgentStatusView => ({
  userId: 'u1',
  name: 'Alex',
  state,
  reason: null,
  since: '2026-03-02T17:00:00.000Z',
  connected: true,
  lastHeartbeatAt: null,
  stale: false,
  overLimit: false,
  health: null,
  afterCall: null,
  ...extra,
});
const item = (kind: WorkItem['kind'], id: string, dueAt: string, extra: Partial<WorkItem> = {}): WorkItem => ({ kind, id, type: kind === 'callback' ? 'callback' : 'dial', leadId: 'l1', leadName: 'Ada', title: `${kind} ${id}`, dueAt, status: 'due', origin: null, ...extra });

function setup() {
  const socket = new FakeSocket();
  const timers = new ManualTimers();
  let token = 'token-1';
  const snapshots: RealtimeSnapshot[] = [];
  let health = { phone: 'simulated', microphone: 'granted' } as const;
  const core = new RealtimeCore({ socket, timers, token: () => token, health: () => health, heartbeatMs: 5000, onChange: (s) => snapshots.push(s) });
  return {
    socket,
    timers,
    core,
    snapshots,
    last: () => snapshots[snapshots.length - 1],
    setToken: (t: string) => (token = t),
    setHealth: (h: typeof health) => (health = h),
  };
}

describe('RealtimeCore', () => {
  it('on connect fetches the whole inbox and the state, sorts it and acknowledges what was pushed', () => {
    const { socket, core, last } = setup();
    socket.replies.set('inbox:sync', () => ({
      items: [
        { ...item('participant_action', 'pa1', '2026-03-02T16:00:00.000Z'), deliveryId: 'd1' },
        { ...item('callback', 'cb1', '2026-03-02T17:00:00.000Z'), deliveryId: null },
        { ...item('queue_item', 'q1', '2026-03-02T18:00:00.000Z'), deliveryId: 'd3' },
        { ...item('participant_action', 'pa0', '2026-03-02T15:00:00.000Z'), deliveryId: null },
      ],
      status: status('paused', { reason: 'lunch' }),
    }));
    core.start();
    expect(last().connection).toBe('connecting');
    expect(socket.connects).toBe(1);
    socket.open();
    expect(last().connection).toBe('connected');
    expect(last().items.map((i) => i.id)).toEqual(['q1', 'cb1', 'pa0', 'pa1']);
    expect(last().status).toMatchObject({ state: 'paused', reason: 'lunch' });
    expect(socket.sentOf('work:ack')).toEqual([[{ deliveryIds: ['d1', 'd3'] }]]);
    // The first heartbeat goes at once, with the phone's health.
    expect(socket.sentOf('agent:heartbeat')).toEqual([[{ health: { phone: 'simulated', microphone: 'granted' } }]]);
  });

  it('adds and acknowledges pushed work, replaces a changed item, and drops withdrawn work', () => {
    const { socket, core, last } = setup();
    socket.replies.set('inbox:sync', () => ({ items: [], status: status('ready') }));
    core.start();
    socket.open();
    socket.fire('work:offered', { deliveryId: 'd9', attempt: 1, item: item('queue_item', 'q1', '2026-03-02T17:00:00.000Z', { status: 'reserved' }) });
    expect(last().items).toEqual([expect.objectContaining({ id: 'q1', status: 'reserved', deliveryId: 'd9' })]);
    expect(socket.sentOf('work:ack')).toEqual([[{ deliveryIds: ['d9'] }]]);
    // Re-sent (no ack reached the server) and then changed: still one item, the newest.
    socket.fire('work:offered', { deliveryId: 'd9', attempt: 2, item: item('queue_item', 'q1', '2026-03-02T17:00:00.000Z', { status: 'reserved' }) });
    socket.fire('work:offered', { deliveryId: 'd10', attempt: 1, item: item('queue_item', 'q1', '2026-03-02T17:00:00.000Z', { status: 'dialing' }) });
    expect(last().items).toHaveLength(1);
    expect(last().items[0]).toMatchObject({ status: 'dialing', deliveryId: 'd10' });
    expect(socket.sentOf('work:ack')).toHaveLength(3);
    socket.fire('work:withdrawn', { kind: 'queue_item', id: 'q1', reason: 'done' });
    expect(last().items).toEqual([]);
  });

  it('after a dropped socket it says so, and on reconnect resyncs: work done meanwhile is gone, new work is there', () => {
    const { socket, core, last } = setup();
    let serverItems = [{ ...item('callback', 'cb1', '2026-03-02T17:00:00.000Z'), deliveryId: null as string | null }];
    socket.replies.set('inbox:sync', () => ({ items: serverItems, status: status('ready') }));
    core.start();
    socket.open();
    expect(last().items.map((i) => i.id)).toEqual(['cb1']);
    socket.drop();
    expect(last()).toMatchObject({ connection: 'disconnected', problem: 'connection lost (transport close); reconnecting…' });
    serverItems = [{ ...item('participant_action', 'pa7', '2026-03-02T17:05:00.000Z'), deliveryId: 'd7' }];
    socket.open();
    expect(last()).toMatchObject({ connection: 'connected', problem: null });
    expect(last().items.map((i) => i.id)).toEqual(['pa7']);
    expect(socket.sentOf('work:ack').at(-1)).toEqual([{ deliveryIds: ['d7'] }]);
  });

  it('a refused handshake shows the server\'s reason; an ended session stays ended', () => {
    const { socket, core, last } = setup();
    core.start();
    socket.fire('connect_error', new Error('unauthorized: the access token is invalid or has expired'));
    expect(last()).toMatchObject({ connection: 'disconnected', problem: 'unauthorized: the access token is invalid or has expired' });
    socket.replies.set('inbox:sync', () => ({ items: [], status: status('ready') }));
    socket.open();
    socket.fire('session:ended', { reason: 'revoked' });
    socket.drop('io server disconnect');
    expect(last()).toMatchObject({ connection: 'ended', problem: 'you were signed out' });
  });

  it('a busy server\'s refusal is retried after the delay it names plus jitter; an unauthorized one is not', () => {
    const { socket, timers, core, last } = setup();
    socket.replies.set('inbox:sync', () => ({ items: [], status: status('ready') }));
    core.start();
    expect(socket.connects).toBe(1);
    socket.fire('connect_error', Object.assign(new Error('unavailable: the server is busy; retry shortly'), { data: { code: 'unavailable', retryAfterMs: 1000 } }));
    expect(last()).toMatchObject({ connection: 'connecting', problem: 'the server is busy; connecting again in 2 s' });
    // Jitter 0.5 of the named delay on top of it.
    expect([...timers.timeouts.values()].map((t) => t.ms)).toEqual([1500]);
    timers.runTimeouts();
    expect(socket.connects).toBe(2);
    socket.open();
    expect(last()).toMatchObject({ connection: 'connected', problem: null });
    socket.drop('transport close');
    socket.fire('connect_error', Object.assign(new Error('unauthorized: the user is not active'), { data: { code: 'unauthorized' } }));
    expect(timers.timeouts.size).toBe(0);
    expect(last()).toMatchObject({ connection: 'disconnected', problem: 'unauthorized: the user is not active' });
  });

  it('sets the state through the server and reports its refusal', async () => {
    const { socket, core, last } = setup();
    socket.replies.set('inbox:sync', () => ({ items: [], status: status('offline') }));
    await expect(core.setState('ready')).rejects.toThrow('Not connected to the server');
    core.start();
    socket.open();
    socket.replies.set('agent:set-state', (p) => {
      const { state, reason } = p as { state: string; reason?: string };
      if (state === 'paused' && !reason) return { ok: false, error: { field: 'reason', message: 'reason is required to pause' } };
      return { ok: true, status: status(state as AgentStatusView['state'], { reason: reason ?? null }) };
    });
    await expect(core.setState('paused')).rejects.toThrow('reason is required to pause');
    const s = await core.setState('paused', 'break');
    expect(s).toMatchObject({ state: 'paused', reason: 'break' });
    expect(last().status).toMatchObject({ state: 'paused', reason: 'break' });
    expect(socket.sentOf('agent:set-state').map((a) => a[0])).toEqual([{ state: 'paused' }, { state: 'paused', reason: 'break' }]);
  });

  it('heartbeats carry the current health, and a refreshed token is handed to the socket once', () => {
    const { socket, timers, core, setToken, setHealth } = setup();
    socket.replies.set('inbox:sync', () => ({ items: [], status: status('ready') }));
    socket.replies.set('session:renew', () => ({ ok: true, expiresAt: '2026-03-02T17:15:00.000Z' }));
    core.start();
    socket.open();
    setHealth({ phone: 'error', microphone: 'denied' } as never);
    timers.tick();
    expect(socket.sentOf('agent:heartbeat').at(-1)).toEqual([{ health: { phone: 'error', microphone: 'denied' } }]);
    expect(socket.sentOf('session:renew')).toHaveLength(0);
    setToken('token-2');
    timers.tick();
    timers.tick();
    expect(socket.sentOf('session:renew').map((a) => a[0])).toEqual([{ token: 'token-2' }]);
    // No heartbeats while disconnected; stop() ends them.
    socket.drop();
    const before = socket.sentOf('agent:heartbeat').length;
    timers.tick();
    expect(socket.sentOf('agent:heartbeat')).toHaveLength(before);
    core.stop();
    expect(timers.intervals.size).toBe(0);
  });

  it('hands every pushed call change to those listening until they stop, and tells them of each reconnect', () => {
    const { socket, core } = setup();
    socket.replies.set('inbox:sync', () => ({ items: [], status: status('on_call') }));
    const seen: string[] = [];
    let reconnects = 0;
    const stop = core.calls.add((u) => seen.push(`${u.conversationId}:${u.conversation.status}`));
    core.reconnects.add(() => reconnects++);
    core.start();
    socket.open();
    expect(reconnects).toBe(1);
    const update = (status: string) => ({ conversationId: 'c1', conversation: { id: 'c1', status }, legs: [], monitors: [] });
    socket.fire('call:update', update('ringing'));
    socket.fire('call:update', update('in-progress'));
    stop();
    socket.fire('call:update', update('completed'));
    expect(seen).toEqual(['c1:ringing', 'c1:in-progress']);
    socket.drop();
    socket.open();
    expect(reconnects).toBe(2);
  });
});
