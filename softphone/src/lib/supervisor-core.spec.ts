import { describe, expect, it } from '@jest/globals';
import type { AgentStatusView, QueueStats } from '#shared';
import { type SupervisorSnapshot, SupervisorCore } from './supervisor-core.js';
import { FakeSocket } from './testing/fake-socket.js';

const agent = (userId: string, name: string, state: AgentStatusView['state']): AgentStatusView => ({ userId, name, state, reason: null, since: '2026-03-02T17:00:00.000Z', connected: true, lastHeartbeatAt: null, stale: false, overLimit: false, health: null, afterCall: null });
const stats = (queueId: string, dials: number): QueueStats => ({ queueId, name: queueId, today: { dials } } as unknown as QueueStats);

function setup() {
  const socket = new FakeSocket();
  const snapshots: SupervisorSnapshot[] = [];
  const core = new SupervisorCore({ socket, onChange: (s) => snapshots.push(s) });
  return { socket, core, last: () => snapshots[snapshots.length - 1] };
}

describe('SupervisorCore', () => {
  it('loads the board on connect and keeps it current from agent events, sorted by name', () => {
    const { socket, core, last } = setup();
    socket.replies.set('supervisor:agents', () => [agent('u2', 'Zoe', 'ready'), agent('u1', 'Alex', 'offline')]);
    socket.replies.set('supervisor:watch-queues', () => ({ ok: true, stats: [] }));
    core.start();
    socket.open();
    expect(last().agents.map((a) => [a.name, a.state])).toEqual([['Alex', 'offline'], ['Zoe', 'ready']]);
    socket.fire('supervisor:agent', agent('u1', 'Alex', 'on_call'));
    expect(last().agents.map((a) => a.state)).toEqual(['on_call', 'ready']);
  });

  it('watches queues: the reply\'s figures first, then pushed ones; unwatched queues are ignored and dropped', () => {
    const { socket, core, last } = setup();
    socket.replies.set('supervisor:agents', () => []);
    socket.replies.set('supervisor:watch-queues', (p) => ({ ok: true, stats: (p as { queueIds: string[] }).queueIds.map((id) => stats(id, 0)) }));
    core.start();
    core.watch(['q1', 'q2']);
    expect(socket.sentOf('supervisor:watch-queues')).toHaveLength(0); // not connected yet
    socket.open();
    expect(socket.sentOf('supervisor:watch-queues').map((a) => a[0])).toEqual([{ queueIds: ['q1', 'q2'] }]);
    expect(Object.keys(last().stats).sort()).toEqual(['q1', 'q2']);
    socket.fire('queue:stats', stats('q1', 7));
    socket.fire('queue:stats', stats('q9', 3));
    expect(last().stats.q1.today.dials).toBe(7);
    expect(last().stats.q9).toBeUndefined();
    core.watch(['q2']);
    expect(Object.keys(last().stats)).toEqual(['q2']);
    // A reconnect sends the board request and the watch list again.
    socket.drop();
    expect(last().connection).toBe('disconnected');
    socket.open();
    expect(socket.sentOf('supervisor:watch-queues').at(-1)).toEqual([{ queueIds: ['q2'] }, expect.any(Function)]);
    expect(socket.sentOf('supervisor:agents')).toHaveLength(2);
  });

  it('shows a refused watch', () => {
    const { socket, core, last } = setup();
    socket.replies.set('supervisor:agents', () => []);
    socket.replies.set('supervisor:watch-queues', () => ({ ok: false, error: { message: 'forbidden: supervisors only' } }));
    core.start();
    socket.open();
    core.watch(['q1']);
    expect(last().problem).toBe('forbidden: supervisors only');
  });
});
