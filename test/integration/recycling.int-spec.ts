import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { DialQueueView, LeadView, ListPenetrationView, QueueResetView, RingPoolView } from '#shared';
import { DialQueueItemEntity } from '../../server/src/dialer/dial-queue.entity.js';
import { DialItemsRepository } from '../../server/src/dialer/dial-items.repository.js';
import { DialRecycling } from '../../server/src/dialer/dial-recycling.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

type Session = Awaited<ReturnType<typeof signIn>>;

/** Noon in New York on a Monday: inside the legal calling window. */
const NOON_ET = '2026-03-02T17:00:00.000Z';
const HOUR = 3_600_000;

describe('lead recycling and list resets', () => {
  let t: TestApp;
  let admin: Session;
  let pool: RingPoolView;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET });
    admin = await signIn(t, 'admin');
    pool = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Recycling pool', numbers: [{ e164: '+12125550170' }] }).expect(201)).body as RingPoolView;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });
  // A test may move the clock on past a token's life: each signs in afresh.
  beforeEach(async () => {
    admin = await signIn(t, 'admin');
  });

  const items = () => t.dataSource.getRepository(DialQueueItemEntity);
  const newLead = async () => {
    const number = `+1718556${String(1000 + seq++).padStart(4, '0')}`;
    return { lead: (await t.http.post('/api/leads').set(admin.auth).send({ firstName: `Recycled${seq}`, phones: [{ number }] }).expect(201)).body as LeadView, number };
  };
  // An active queue without agents: nothing dials its leads, so what recycling puts back stays to be seen.
  const newQueue = async (body: Record<string, unknown> = {}) =>
    (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: `Recycling ${seq++}`, mode: 'power', ringPoolId: pool.id, ...body }).expect(201)).body as DialQueueView;
  /** A lead whose turn in the queue ended with `outcome` `agoMs` before now (as the dialer finishes one). */
  const finished = async (q: DialQueueView, outcome: string, agoMs: number, extra: Partial<DialQueueItemEntity> = {}) => {
    const { lead, number } = await newLead();
    await t.http.post(`/api/dial-queues/${q.id}/leads`).set(admin.auth).send({ leadIds: [lead.id] }).expect(200);
    const item = await items().findOneByOrFail({ queueId: q.id, leadId: lead.id });
    expect(await t.get(DialItemsRepository).move(item.id, ['pending'], { status: 'done', lastOutcome: outcome, attempts: 3, updatedAt: new Date(t.clock.now().getTime() - agoMs), ...extra })).toBe(true);
    return { lead, number, item };
  };
  const pendingOf = (queueId: string, leadId: string) => items().findBy({ queueId, leadId, status: 'pending' });

  it('brings a lead back after its rule’s delay for its next pass, once, and never one opted out or out of passes', async () => {
    const q = await newQueue({ recycleRules: [{ outcome: 'no-answer', afterMinutes: 60, maxPasses: 2 }] });
    expect(q.recycleRules).toEqual([{ outcome: 'no-answer', code: null, afterMinutes: 60, maxPasses: 2, intoQueueId: null }]);
    const due = await finished(q, 'no-answer', 2 * HOUR);
    const notYet = await finished(q, 'no-answer', 10 * 60_000);
    const noRule = await finished(q, 'busy', 2 * HOUR);
    const optedOut = await finished(q, 'no-answer', 2 * HOUR);
    const lastPass = await finished(q, 'no-answer', 2 * HOUR, { pass: 2 });
    await t.http.post('/api/opt-outs').set(admin.auth).send({ address: optedOut.number, channel: 'call' }).expect(201);

    // Two scans at once (two instances' jobs): each lead comes back once.
    const recycling = t.get(DialRecycling);
    const [a, b] = await Promise.all([recycling.scan(), recycling.scan()]);
    expect(a + b).toBe(1);
    const back = await pendingOf(q.id, due.lead.id);
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ source: 'recycle', sourceId: due.item.id, pass: 2, attempts: 0 });
    expect((await items().findOneByOrFail({ id: due.item.id })).recycledAt).not.toBeNull();
    for (const other of [notYet, noRule, optedOut, lastPass]) expect(await pendingOf(q.id, other.lead.id)).toEqual([]);
    // The opted-out lead was judged once and is not looked at again; the others wait.
    expect((await items().findOneByOrFail({ id: optedOut.item.id })).recycledAt).not.toBeNull();
    expect((await items().findOneByOrFail({ id: notYet.item.id })).recycledAt).toBeNull();
    expect(await recycling.scan()).toBe(0);

    // An hour on, the later one is due too.
    t.clock.advance(HOUR);
    expect(await recycling.scan()).toBe(1);
    expect(await pendingOf(q.id, notYet.lead.id)).toHaveLength(1);
  });

  it('a disposition rule moves the lead into another queue; a callback rule follows a disposition that asked for one', async () => {
    const into = await newQueue();
    const q = await newQueue({
      recycleRules: [
        { outcome: 'disposition', code: 'not-interested', afterMinutes: 0, maxPasses: 3, intoQueueId: into.id },
        { outcome: 'callback', afterMinutes: 30, maxPasses: 3 },
      ],
    });
    const declined = await finished(q, 'answered', 60_000, { disposition: 'not-interested' });
    const sold = await finished(q, 'answered', 60_000, { disposition: 'sale' });
    const callMeBack = await finished(q, 'answered', HOUR, { disposition: 'interested', callbackRequested: true });
    expect(await t.get(DialRecycling).scan()).toBe(2);
    expect(await pendingOf(into.id, declined.lead.id)).toHaveLength(1);
    expect(await pendingOf(q.id, declined.lead.id)).toEqual([]);
    expect(await pendingOf(q.id, sold.lead.id)).toEqual([]);
    expect((await pendingOf(q.id, callMeBack.lead.id))[0]).toMatchObject({ pass: 2, source: 'recycle' });
  });

  it('a reset brings back exactly the leads its preview counted: not the opted-out, the blocked or those still waiting', async () => {
    const q = await newQueue();
    const kept = [await finished(q, 'no-answer', HOUR), await finished(q, 'busy', HOUR), await finished(q, 'answered', HOUR)];
    const optedOut = await finished(q, 'no-answer', HOUR);
    const blocked = await finished(q, 'machine', HOUR);
    const waiting = await finished(q, 'no-answer', HOUR);
    await t.http.post('/api/opt-outs').set(admin.auth).send({ address: optedOut.number, channel: 'all' }).expect(201);
    await t.http.post('/api/blocks').set(admin.auth).send({ kind: 'number', value: blocked.number }).expect(201);
    // Back in the queue already (added again as a list): the reset leaves it be.
    await t.http.post(`/api/dial-queues/${q.id}/leads`).set(admin.auth).send({ leadIds: [waiting.lead.id] }).expect(200);

    const preview = (await t.http.post(`/api/dial-queues/${q.id}/reset`).set(admin.auth).send({ preview: true }).expect(200)).body as QueueResetView;
    expect(preview).toMatchObject({ preview: true, leads: 3, byOutcome: { 'no-answer': 1, busy: 1, answered: 1 } });
    expect(Object.values(preview.excluded).reduce((n, v) => n + v, 0)).toBe(3);
    expect(preview.excluded['already waiting']).toBe(1);
    // A preview writes nothing.
    for (const k of kept) expect(await pendingOf(q.id, k.lead.id)).toEqual([]);

    const done = (await t.http.post(`/api/dial-queues/${q.id}/reset`).set(admin.auth).send({}).expect(200)).body as QueueResetView;
    expect(done).toEqual({ ...preview, preview: false });
    for (const k of kept) expect(await pendingOf(q.id, k.lead.id)).toHaveLength(1);
    for (const out of [optedOut, blocked]) expect(await pendingOf(q.id, out.lead.id)).toEqual([]);
    // A second reset finds nothing left to bring back; a reset by outcome only takes those.
    expect(((await t.http.post(`/api/dial-queues/${q.id}/reset`).set(admin.auth).send({ preview: true }).expect(200)).body as QueueResetView).leads).toBe(0);
    const q2 = await newQueue();
    await finished(q2, 'busy', HOUR);
    await finished(q2, 'no-answer', HOUR);
    expect(((await t.http.post(`/api/dial-queues/${q2.id}/reset`).set(admin.auth).send({ outcomes: ['busy'] }).expect(200)).body as QueueResetView).leads).toBe(1);
  });

  it('a list’s penetration counts each lead once where its turn stands, and says why those out are out', async () => {
    const q = await newQueue({ recycleRules: [{ outcome: 'no-answer', afterMinutes: 0, maxPasses: 3 }] });
    const fresh = [await newLead(), await newLead()];
    await t.http.post(`/api/dial-queues/${q.id}/leads`).set(admin.auth).send({ leadIds: fresh.map((f) => f.lead.id) }).expect(200);
    await finished(q, 'answered', HOUR, { disposition: 'sale' });
    await finished(q, 'answered', HOUR, { disposition: 'sale' });
    await finished(q, 'busy', HOUR);
    await finished(q, 'refused', HOUR, { refusalCodes: 'OPTED_OUT', attempts: 0 });
    await finished(q, 'refused', HOUR, { refusalCodes: 'ATTEMPT_CAP_LIFETIME', attempts: 0 });
    await finished(q, 'canceled', HOUR, { status: 'canceled', attempts: 0 });
    // Recycled: its first item finished, its second waits for the second pass; the lead counts once.
    const again = await finished(q, 'no-answer', HOUR);
    expect(await t.get(DialRecycling).scan()).toBe(1);

    const p = (await t.http.get(`/api/dial-queues/${q.id}/penetration`).set(admin.auth).expect(200)).body as ListPenetrationView;
    expect(p).toMatchObject({
      leads: 9,
      neverDialed: 2,
      waitingAgain: 1,
      inProgress: 0,
      contacted: 2,
      byDisposition: { sale: 2 },
      attemptsUsedUp: { busy: 1 },
      removed: 1,
      ineligible: 2,
      ineligibleBy: { 'opted out': 1, 'attempt cap (lifetime)': 1 },
      burnt: false,
    });
    // Calls per lead, as the rows say: the fresh and the out-of-hand at 0, the rest at their attempts (the recycled one 3 + 0).
    const rows = await items().findBy({ queueId: q.id });
    const perLead = new Map<string, number>();
    for (const r of rows) perLead.set(r.leadId, (perLead.get(r.leadId) ?? 0) + r.attempts);
    const expected = new Map<number, number>();
    for (const n of perLead.values()) expected.set(n, (expected.get(n) ?? 0) + 1);
    expect(p.dialsPerLead).toEqual([...expected.entries()].sort((a, b) => a[0] - b[0]).map(([calls, leads]) => ({ calls, leads })));
    expect(perLead.get(again.lead.id)).toBe(3);
    await t.http.get('/api/dial-queues/00000000-0000-4000-8000-000000000000/penetration').set(admin.auth).expect(404);
  });

  it('refuses bad rules and resets, naming the field, and writes nothing', async () => {
    const q = await newQueue();
    const bad = async (recycleRules: unknown, field: string) => {
      const res = await t.http.patch(`/api/dial-queues/${q.id}`).set(admin.auth).send({ recycleRules }).expect(400);
      expect(JSON.stringify(res.body)).toContain(field);
    };
    await bad([{ outcome: 'disposition', afterMinutes: 10, maxPasses: 2 }], 'recycleRules[0].code');
    await bad([{ outcome: 'no-answer', afterMinutes: 10, maxPasses: 2, intoQueueId: '00000000-0000-4000-8000-000000000000' }], 'recycleRules[0].intoQueueId');
    await bad([{ outcome: 'sometimes', afterMinutes: 10, maxPasses: 2 }], 'outcome');
    await bad([{ outcome: 'busy', afterMinutes: -1, maxPasses: 2 }], 'afterMinutes');
    await bad([{ outcome: 'busy', afterMinutes: 5, maxPasses: 1 }], 'maxPasses');
    await bad([{ outcome: 'busy', afterMinutes: 5, maxPasses: 2 }, { outcome: 'busy', afterMinutes: 9, maxPasses: 3 }], 'recycleRules[1].outcome');
    expect(((await t.http.get(`/api/dial-queues/${q.id}`).set(admin.auth).expect(200)).body as DialQueueView).recycleRules).toEqual([]);
    const res = await t.http.post(`/api/dial-queues/${q.id}/reset`).set(admin.auth).send({ outcomes: ['whenever'] }).expect(400);
    expect(JSON.stringify(res.body)).toContain('outcomes');
    const agent = await signIn(t, 'agent');
    await t.http.post(`/api/dial-queues/${q.id}/reset`).set(agent.auth).send({ preview: true }).expect(403);
  });
});
