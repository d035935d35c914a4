import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WORK_KINDS, type ScheduleView, type WorkItem } from '#shared';
import { CallbackEntity } from '../../server/src/callbacks/callback.entity.js';
import { DomainEvents } from '../../server/src/common/domain-events.js';
import { DialQueueItemEntity } from '../../server/src/dialer/dial-queue.entity.js';
import { InboxService } from '../../server/src/realtime/inbox.service.js';
import { WorkSources } from '../../server/src/realtime/work-sources.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, signIn } from '../support/factories.js';

// Monday 2 March 2026, 12:00 in New York.
const NOON_ET = '2026-03-02T17:00:00.000Z';

const byId = (items: WorkItem[]) => [...items].sort((a, b) => a.id.localeCompare(b.id));

describe('realtime: every work source answers many agents at once as it answers each', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET });
    admin = await signIn(t, 'admin');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const lead = async (ownerId: string) =>
    ((await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number: `+1718555${String(6000 + seq++).padStart(4, '0')}` }], firstName: 'Kim', lastName: `Ray${seq}`, ownerId }).expect(201)).body as { id: string }).id;

  it('openForMany equals openFor per agent, for every kind, with and without work meant for anyone', async () => {
    const [a, b, c, d, idle] = await Promise.all([0, 1, 2, 3, 4].map((i) => createUser(t, 'agent', { email: `many-${i}@example.test` })));
    // Due manual tasks: two for a, one for b.
    const schedule = (await t.http
      .post('/api/schedules')
      .set(admin.auth)
      .send({ name: 'Many', timezone: 'America/New_York', steps: [{ type: 'task', activation: 'manual', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { title: 'Call now' } }] })
      .expect(201)).body as ScheduleView;
    const taskLeads = [await lead(a.id), await lead(a.id), await lead(b.id)];
    await t.http.post(`/api/schedules/${schedule.id}/enrollments`).set(admin.auth).send({ leadIds: taskLeads }).expect(201);
    const scheduler = t.get(SchedulerService);
    for (let i = 0; i < 20 && (await scheduler.runDue()) > 0; i++);
    // Callbacks: due for a and c, one escalated (anyone's), one still scheduled (nobody's yet).
    const callbacks = t.dataSource.getRepository(CallbackEntity);
    const book = async (ownerId: string, status: string) => {
      const cb = (await t.http.post('/api/callbacks').set(admin.auth).send({ leadId: await lead(ownerId), dueAt: '2026-03-02T13:30:00', ownerId }).expect(201)).body as { id: string };
      if (status !== 'scheduled') await callbacks.update({ id: cb.id }, { status, becameDueAt: new Date(NOON_ET), ...(status === 'escalated' ? { escalatedAt: new Date(NOON_ET) } : {}) });
    };
    await book(a.id, 'due');
    await book(c.id, 'due');
    await book(d.id, 'escalated');
    await book(idle.id, 'scheduled');
    // Dial-queue leads reserved for b and d (and one still queued).
    const queue = (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: 'Many queue', mode: 'preview', agentIds: [b.id, d.id] }).expect(201)).body as { id: string };
    const queued = [await lead(b.id), await lead(d.id), await lead(d.id)];
    await t.http.post(`/api/dial-queues/${queue.id}/leads`).set(admin.auth).send({ leadIds: queued }).expect(200);
    const items = t.dataSource.getRepository(DialQueueItemEntity);
    for (const [leadId, agentId, status] of [[queued[0], b.id, 'reserved'], [queued[1], d.id, 'dialing']] as const) {
      await items.update({ queueId: queue.id, leadId }, { status, agentId, reservedAt: new Date(NOON_ET) });
    }

    // Replies: one for c (its lead's owner), one whose lead has no owner (anyone available's).
    const events = t.get(DomainEvents);
    const unowned = ((await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number: `+1718555${String(6000 + seq++).padStart(4, '0')}` }], firstName: 'No', lastName: 'Owner' }).expect(201)).body as { id: string }).id;
    for (const [leadId, n] of [[await lead(c.id), 1], [unowned, 2]] as const) {
      await events.emit('lead.replied', { leadId, channel: 'email', at: new Date(NOON_ET), ref: { kind: 'email', id: `00000000-0000-4000-8000-00000000000${n}` } });
    }

    const requests = [
      { userId: a.id, available: true },
      { userId: b.id, available: false },
      { userId: c.id, available: true },
      { userId: d.id, available: false },
      { userId: idle.id, available: true },
    ];
    const sources = t.get(WorkSources);
    let seen = 0;
    for (const kind of WORK_KINDS) {
      const source = sources.get(kind);
      const many = await source.openForMany(requests);
      expect([...many.keys()].sort()).toEqual(requests.map((r) => r.userId).sort());
      for (const r of requests) {
        const one = await source.openFor(r.userId, { available: r.available });
        expect(byId(many.get(r.userId) ?? [])).toEqual(byId(one));
        seen += one.length;
      }
    }
    // Every kind contributed: 3 tasks, 2 due callbacks + the escalated one for the 3 available agents and for its
    // owner (d, unavailable: still theirs), 2 dial leads, c's reply and the unowned one for the 3 available agents.
    expect(seen).toBe(3 + 2 + 3 + 1 + 2 + 1 + 3);

    const inbox = t.get(InboxService);
    const all = await inbox.openForMany(requests);
    for (const r of requests) expect(byId(all.get(r.userId) ?? [])).toEqual(byId(await inbox.openFor(r.userId, r.available)));
    expect((all.get(a.id) ?? []).map((i) => i.kind).sort()).toEqual(['callback', 'callback', 'participant_action', 'participant_action', 'reply']);
    expect((all.get(c.id) ?? []).map((i) => i.kind).sort()).toEqual(['callback', 'callback', 'reply', 'reply']);
    expect(all.get(b.id)?.map((i) => i.kind).sort()).toEqual(['participant_action', 'queue_item']);
    expect(all.get(d.id)?.map((i) => i.kind).sort()).toEqual(['callback', 'queue_item']);
    expect(await inbox.openForMany([])).toEqual(new Map());
  });
});
