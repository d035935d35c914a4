import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RingPoolHealth, RingPoolView } from '../../shared/src/index.js';
import { RingPoolsService } from '../../server/src/telephony/ring-pools/ring-pools.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

type Session = Awaited<ReturnType<typeof signIn>>;

describe('ring pools', () => {
  let t: TestApp;
  let admin: Session;
  let supervisor: Session;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-02T17:00:00.000Z' });
    admin = await signIn(t, 'admin');
    supervisor = await signIn(t, 'supervisor');
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = async (body: Record<string, unknown>) => (await t.http.post('/api/ring-pools').set(admin.auth).send(body).expect(201)).body as RingPoolView;

  it('creates pools with numbers, derives area code and state, and refuses bad or taken input naming the field', async () => {
    const pool = await create({ name: 'Florida', strategy: 'local-presence', numbers: [{ e164: '(305) 555-0100' }, { e164: '+18135550100', sms: false }] });
    expect(pool).toMatchObject({ strategy: 'local-presence', dailyCallCap: 100, quarantine: { enabled: true, minCalls: 30, ratioPct: 50, coolDownHours: 72 } });
    expect(pool.numbers).toEqual([
      expect.objectContaining({ e164: '+13055550100', areaCode: '305', region: 'US-FL', voice: true, sms: true, status: 'active' }),
      expect.objectContaining({ e164: '+18135550100', areaCode: '813', region: 'US-FL', sms: false }),
    ]);
    expect((await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Florida' }).expect(409)).body.fields).toEqual([{ field: 'name', message: 'is already taken' }]);
    const bad = await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'X', strategy: 'random', dailyCallCap: 0 }).expect(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['dailyCallCap', 'strategy']);
    expect((await t.http.post(`/api/ring-pools/${pool.id}/numbers`).set(admin.auth).send({ numbers: [{ e164: '+13055550100' }] }).expect(409)).body.message).toContain('+13055550100 is already in a ring pool');
    expect((await t.http.post(`/api/ring-pools/${pool.id}/numbers`).set(admin.auth).send({ numbers: [{ e164: '12' }] }).expect(400)).body.fields[0].field).toBe('numbers[0].e164');
    await t.http.post('/api/ring-pools').set(supervisor.auth).send({ name: 'Nope' }).expect(403);
    await t.http.get(`/api/ring-pools/${pool.id}`).set(supervisor.auth).expect(200);
    await t.http.delete(`/api/ring-pools/${pool.id}`).set(admin.auth).expect(409);
    const explained = (await t.http.post(`/api/ring-pools/${pool.id}/pick`).set(supervisor.auth).send({ channel: 'call', to: '+18135559999' }).expect(200)).body;
    expect(explained).toMatchObject({ ok: true, number: { e164: '+18135550100' }, why: 'local presence: same area code 813' });
  });

  it('concurrent picks never pass a daily cap, and the next local day starts afresh', async () => {
    const pool = await create({ name: 'Capped', dailyCallCap: 3, numbers: [{ e164: '+12125550300' }] });
    const service = t.get(RingPoolsService);
    const results = await Promise.all(Array.from({ length: 10 }, () => service.pick(pool.id, 'call', { e164: '+12125559999', region: null })));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, code: 'POOL_EXHAUSTED', numbers: [{ e164: '+12125550300', reason: 'daily call cap reached (3/3)' }] });
    const health = (await t.http.get(`/api/ring-pools/${pool.id}/health`).set(admin.auth).expect(200)).body as RingPoolHealth;
    expect(health).toMatchObject({ day: '2026-03-02', remainingToday: { calls: 0 }, numbers: [{ today: { calls: 3 }, usable: { call: 'daily call cap reached (3/3)', sms: null } }] });
    t.clock.set('2026-03-03T06:00:00.000Z'); // 01:00 in New York: a new local day
    expect(await service.pick(pool.id, 'call', { e164: '+12125559999', region: null })).toMatchObject({ ok: true });
    t.clock.set('2026-03-02T17:00:00.000Z');
  });

  it('quarantines a number whose answer rate collapses against its own baseline, and lets it back after the cool-down', async () => {
    const pool = await create({ name: 'Watched', dailyCallCap: 1000, quarantineMinCalls: 20, coolDownHours: 24, numbers: [{ e164: '+16175550400' }, { e164: '+16175550401' }] });
    const service = t.get(RingPoolsService);
    const [watched] = pool.numbers;
    const day = (d: number, h = 17) => new Date(Date.UTC(2026, 1, d, h));
    // A baseline: 10 days in February, 5 calls a day, 2 of them answered (40%).
    for (let d = 1; d <= 10; d++) {
      for (let k = 0; k < 5; k++) {
        t.clock.set(day(d));
        await service.pick(pool.id, 'call', { e164: '+16175559999', region: null });
      }
    }
    const numbers = await t.get(RingPoolsService).get(pool.id);
    expect(numbers.numbers.every((n) => n.status === 'active')).toBe(true);
    const repoIds = numbers.numbers.map((n) => n.id);
    // Record outcomes against each number's own usage: 40% answered in the baseline.
    const health0 = (await t.http.get(`/api/ring-pools/${pool.id}/health`).set(admin.auth).expect(200)).body as RingPoolHealth;
    expect(health0.numbers).toHaveLength(2);
    for (let d = 1; d <= 10; d++) for (const id of repoIds) for (let k = 0; k < 1; k++) await service.recordCallOutcome(id, true, day(d));
    // Then today: 30 calls from the watched number and none answered.
    t.clock.set(day(20));
    await t.http.patch(`/api/ring-pools/${pool.id}/numbers/${numbers.numbers[1].id}`).set(admin.auth).send({ status: 'disabled' }).expect(200);
    for (let k = 0; k < 30; k++) await service.pick(pool.id, 'call', { e164: '+16175559999', region: null });
    await service.recordCallOutcome(watched.id, false, day(20));
    const after = (await t.http.get(`/api/ring-pools/${pool.id}`).set(admin.auth).expect(200)).body as RingPoolView;
    const q = after.numbers.find((n) => n.id === watched.id);
    expect(q).toMatchObject({ status: 'quarantined', quarantinedUntil: day(21).toISOString() });
    expect(q?.quarantineReason).toMatch(/^answer rate 0% over the last 2 days against \d+% before$/);
    expect(await service.pick(pool.id, 'call', { e164: '+16175559999', region: null })).toMatchObject({ ok: false, code: 'POOL_EXHAUSTED' });
    t.clock.set(day(21, 18));
    expect(await service.pick(pool.id, 'call', { e164: '+16175559999', region: null })).toMatchObject({ ok: true, number: { id: watched.id } });
    t.clock.set('2026-03-02T17:00:00.000Z');
  });
});
