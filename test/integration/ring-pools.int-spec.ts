import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PoolNumberView, PoolPickView, RingPoolHealth, RingPoolView, Role } from '#shared';
import { PoolNumberUsageEntity } from '../../server/src/telephony/ring-pools/ring-pool.entity.js';
import { RingPoolsService } from '../../server/src/telephony/ring-pools/ring-pools.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';


const HOUR = 3_600_000;

// The account's zone is America/New_York: 17:00 UTC is noon there in March (EST).
const NOON_ET = '2026-03-02T17:00:00.000Z';

describe('ring pools', () => {
  let t: TestApp;
  let pools: RingPoolsService;
  const sessions = new Map<Role, { at: number; header: { Authorization: string } }>();

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET });
    pools = t.get(RingPoolsService);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A signed-in user of the role; signs in again once the fixed clock has moved past the token's life. */
  const auth = async (role: Role) => {
    const now = t.clock.now().getTime();
    const held = sessions.get(role);
    if (held && now >= held.at && now - held.at < 10 * 60_000) return held.header;
    const header = (await signIn(t, role)).auth;
    sessions.set(role, { at: now, header });
    return header;
  };
  const create = async (body: Record<string, unknown>) => (await t.http.post('/api/ring-pools').set(await auth('admin')).send(body).expect(201)).body as RingPoolView;
  const fetchPool = async (id: string) => (await t.http.get(`/api/ring-pools/${id}`).set(await auth('admin')).expect(200)).body as RingPoolView;
  const health = async (id: string) => (await t.http.get(`/api/ring-pools/${id}/health`).set(await auth('supervisor')).expect(200)).body as RingPoolHealth;
  const dryRun = async (id: string, body: Record<string, unknown>) => (await t.http.post(`/api/ring-pools/${id}/pick`).set(await auth('supervisor')).send(body).expect(200)).body as PoolPickView;
  const fields = (body: { fields?: Array<{ field: string }> }) => (body.fields ?? []).map((f) => f.field).sort();
  const callFrom = (poolId: string, lead = '+12125559999') => pools.pick(poolId, 'call', { e164: lead, region: null });
  const usageRows = (numberId: string) => t.dataSource.getRepository(PoolNumberUsageEntity).find({ where: { numberId }, order: { day: 'ASC' } });

  it('creates pools with defaults and numbers, derives area code and region, lists them', async () => {
    t.clock.set(NOON_ET);
    const florida = await create({ name: 'Florida', strategy: 'local-presence', numbers: [{ e164: '(305) 555-0100' }, { e164: '+18135550100', sms: false, carrierSid: 'PN813' }] });
    expect(florida).toMatchObject({
      name: 'Florida',
      strategy: 'local-presence',
      dailyCallCap: 100,
      dailySmsCap: 200,
      quarantine: { enabled: true, minCalls: 30, ratioPct: 50, coolDownHours: 72 },
      active: true,
      createdAt: NOON_ET,
    });
    expect(florida.numbers).toEqual([
      expect.objectContaining({ e164: '+13055550100', areaCode: '305', region: 'US-FL', voice: true, sms: true, status: 'active', carrierSid: null, lastUsedAt: null }),
      expect.objectContaining({ e164: '+18135550100', areaCode: '813', region: 'US-FL', voice: true, sms: false, carrierSid: 'PN813' }),
    ]);

    t.clock.advance(1000);
    const plain = await create({ name: 'Plain' });
    expect(plain).toMatchObject({ strategy: 'round-robin', dailyCallCap: 100, dailySmsCap: 200, quarantine: { enabled: true, minCalls: 30, ratioPct: 50, coolDownHours: 72 }, numbers: [] });
    const withRegion = await t.http.post(`/api/ring-pools/${plain.id}/numbers`).set(await auth('admin')).send({ numbers: [{ e164: '+12125550100', region: 'US-NJ' }, { e164: '+442079460100' }] }).expect(201);
    expect((withRegion.body as RingPoolView).numbers).toEqual([
      expect.objectContaining({ e164: '+12125550100', areaCode: '212', region: 'US-NJ' }),
      expect.objectContaining({ e164: '+442079460100', areaCode: null, region: null }),
    ]);

    const listed = (await t.http.get('/api/ring-pools').set(await auth('supervisor')).expect(200)).body as RingPoolView[];
    expect(listed.map((p) => [p.name, p.numbers.length])).toEqual([
      ['Florida', 2],
      ['Plain', 2],
    ]);
    expect(await fetchPool(florida.id)).toEqual(florida);
  });

  it('refuses bad input naming the field, taken names and numbers with 409, and writes nothing then', async () => {
    const [florida, plain] = (await t.http.get('/api/ring-pools').set(await auth('admin')).expect(200)).body as RingPoolView[];

    const bad = await t.http.post('/api/ring-pools').set(await auth('admin')).send({ name: 'X', strategy: 'random', dailyCallCap: 0, quarantineRatioPct: 101, colour: 'red' }).expect(400);
    expect(fields(bad.body)).toEqual(['colour', 'dailyCallCap', 'quarantineRatioPct', 'strategy']);
    expect(fields((await t.http.post('/api/ring-pools').set(await auth('admin')).send({}).expect(400)).body)).toEqual(['name']);
    expect(fields((await t.http.post('/api/ring-pools').set(await auth('admin')).send({ name: '   ' }).expect(400)).body)).toEqual(['name']);

    const taken = await t.http.post('/api/ring-pools').set(await auth('admin')).send({ name: 'florida' }).expect(409);
    expect(taken.body).toMatchObject({ code: 'CONFLICT', fields: [{ field: 'name', message: 'is already taken' }] });
    expect((await t.http.patch(`/api/ring-pools/${plain.id}`).set(await auth('admin')).send({ name: 'Florida' }).expect(409)).body.fields).toEqual([{ field: 'name', message: 'is already taken' }]);

    const elsewhere = await t.http.post(`/api/ring-pools/${plain.id}/numbers`).set(await auth('admin')).send({ numbers: [{ e164: '+1 404 555 0100' }, { e164: '305-555-0100' }] }).expect(409);
    expect(elsewhere.body).toMatchObject({ code: 'CONFLICT', fields: [{ field: 'numbers[1].e164', message: '+13055550100 is already in a ring pool' }] });
    expect(elsewhere.body.message).toContain('+13055550100');
    const newPoolWithTakenNumber = await t.http.post('/api/ring-pools').set(await auth('admin')).send({ name: 'Georgia', numbers: [{ e164: '+18135550100' }] }).expect(409);
    expect(newPoolWithTakenNumber.body.fields).toEqual([{ field: 'numbers[0].e164', message: '+18135550100 is already in a ring pool' }]);

    expect((await t.http.post(`/api/ring-pools/${plain.id}/numbers`).set(await auth('admin')).send({ numbers: [{ e164: '12' }] }).expect(400)).body.fields).toEqual([
      { field: 'numbers[0].e164', message: 'is too short to be a phone number' },
    ]);
    expect(fields((await t.http.post(`/api/ring-pools/${plain.id}/numbers`).set(await auth('admin')).send({ numbers: [{ e164: '+14045550100' }, { e164: '(404) 555-0100' }] }).expect(400)).body)).toEqual([
      'numbers[1].e164',
    ]);
    expect(fields((await t.http.post(`/api/ring-pools/${plain.id}/numbers`).set(await auth('admin')).send({ numbers: [] }).expect(400)).body)).toEqual(['numbers']);
    expect(fields((await t.http.post(`/api/ring-pools/${plain.id}/numbers`).set(await auth('admin')).send({ numbers: [{ e164: '+14045550100', region: 'Florida' }] }).expect(400)).body)).toEqual(['numbers[0].region']);
    expect(fields((await t.http.patch(`/api/ring-pools/${plain.id}`).set(await auth('admin')).send({ numbers: [] }).expect(400)).body)).toEqual(['numbers']);
    const number = plain.numbers[0];
    expect(fields((await t.http.patch(`/api/ring-pools/${plain.id}/numbers/${number.id}`).set(await auth('admin')).send({ status: 'quarantined' }).expect(400)).body)).toEqual(['status']);
    expect(fields((await t.http.post(`/api/ring-pools/${plain.id}/pick`).set(await auth('admin')).send({ channel: 'fax', to: '+13055550199' }).expect(400)).body)).toEqual(['channel']);
    expect((await t.http.post(`/api/ring-pools/${plain.id}/pick`).set(await auth('admin')).send({ channel: 'call', to: 'nope' }).expect(400)).body.fields).toEqual([{ field: 'to', message: 'is not a phone number' }]);

    // Nothing was written by the refused requests.
    const after = (await t.http.get('/api/ring-pools').set(await auth('admin')).expect(200)).body as RingPoolView[];
    expect(after.map((p) => [p.name, p.numbers.map((n) => n.e164)])).toEqual([
      ['Florida', florida.numbers.map((n) => n.e164)],
      ['Plain', plain.numbers.map((n) => n.e164)],
    ]);
  });

  it('updates pools and numbers; deletes a pool only once it has no numbers', async () => {
    const [, plain] = (await t.http.get('/api/ring-pools').set(await auth('admin')).expect(200)).body as RingPoolView[];
    t.clock.advance(1000);
    const updated = (await t.http.patch(`/api/ring-pools/${plain.id}`).set(await auth('admin')).send({ name: 'Plain and simple', strategy: 'least-used', dailyCallCap: 5, quarantineEnabled: false }).expect(200)).body as RingPoolView;
    expect(updated).toMatchObject({ name: 'Plain and simple', strategy: 'least-used', dailyCallCap: 5, dailySmsCap: 200, quarantine: { enabled: false }, updatedAt: t.clock.now().toISOString() });

    const [nyNumber, ukNumber] = plain.numbers;
    const changed = (await t.http.patch(`/api/ring-pools/${plain.id}/numbers/${nyNumber.id}`).set(await auth('admin')).send({ sms: false, region: 'US-NY', status: 'disabled' }).expect(200)).body as PoolNumberView;
    expect(changed).toMatchObject({ id: nyNumber.id, sms: false, voice: true, region: 'US-NY', status: 'disabled' });
    expect((await fetchPool(plain.id)).numbers[0]).toEqual(changed);

    const [florida] = (await t.http.get('/api/ring-pools').set(await auth('admin')).expect(200)).body as RingPoolView[];
    await t.http.patch(`/api/ring-pools/${florida.id}/numbers/${nyNumber.id}`).set(await auth('admin')).send({ status: 'active' }).expect(404);
    await t.http.get('/api/ring-pools/00000000-0000-4000-8000-000000000000').set(await auth('admin')).expect(404);

    expect((await t.http.delete(`/api/ring-pools/${plain.id}`).set(await auth('admin')).expect(409)).body.message).toContain('remove them first');
    await t.http.delete(`/api/ring-pools/${plain.id}/numbers/${nyNumber.id}`).set(await auth('admin')).expect(204);
    await t.http.delete(`/api/ring-pools/${plain.id}/numbers/${ukNumber.id}`).set(await auth('admin')).expect(204);
    await t.http.delete(`/api/ring-pools/${plain.id}`).set(await auth('admin')).expect(204);
    await t.http.get(`/api/ring-pools/${plain.id}`).set(await auth('admin')).expect(404);
    // A removed number may join another pool.
    const again = await create({ name: 'Reuse', numbers: [{ e164: '+12125550100' }] });
    expect(again.numbers.map((n) => n.e164)).toEqual(['+12125550100']);
  });

  it('admins write; admins and supervisors read; agents see nothing', async () => {
    const [florida] = (await t.http.get('/api/ring-pools').set(await auth('admin')).expect(200)).body as RingPoolView[];
    const n = florida.numbers[0];
    await t.http.post('/api/ring-pools').set(await auth('supervisor')).send({ name: 'Nope' }).expect(403);
    await t.http.patch(`/api/ring-pools/${florida.id}`).set(await auth('supervisor')).send({ dailyCallCap: 1 }).expect(403);
    await t.http.delete(`/api/ring-pools/${florida.id}`).set(await auth('supervisor')).expect(403);
    await t.http.post(`/api/ring-pools/${florida.id}/numbers`).set(await auth('supervisor')).send({ numbers: [{ e164: '+17045550100' }] }).expect(403);
    await t.http.patch(`/api/ring-pools/${florida.id}/numbers/${n.id}`).set(await auth('supervisor')).send({ status: 'disabled' }).expect(403);
    await t.http.delete(`/api/ring-pools/${florida.id}/numbers/${n.id}`).set(await auth('supervisor')).expect(403);
    await t.http.get('/api/ring-pools').set(await auth('supervisor')).expect(200);
    await t.http.get(`/api/ring-pools/${florida.id}`).set(await auth('supervisor')).expect(200);
    await t.http.get(`/api/ring-pools/${florida.id}/health`).set(await auth('supervisor')).expect(200);
    await t.http.post(`/api/ring-pools/${florida.id}/pick`).set(await auth('supervisor')).send({ channel: 'call', to: '+13055550199' }).expect(200);
    await t.http.get('/api/ring-pools').set(await auth('agent')).expect(403);
    await t.http.get(`/api/ring-pools/${florida.id}`).set(await auth('agent')).expect(403);
    await t.http.post(`/api/ring-pools/${florida.id}/pick`).set(await auth('agent')).send({ channel: 'call', to: '+13055550199' }).expect(403);
    await t.http.get('/api/ring-pools').expect(401);
    expect((await fetchPool(florida.id)).numbers).toEqual(florida.numbers);
  });

  it('pick counts usage against the local day; a cap is an explained refusal; the next local day counts afresh', async () => {
    t.clock.set(NOON_ET);
    const pool = await create({ name: 'Capped', dailyCallCap: 2, dailySmsCap: 1, numbers: [{ e164: '+16175550200' }] });
    const [n] = pool.numbers;

    // The dry run explains without counting.
    for (let k = 0; k < 3; k++) expect(await dryRun(pool.id, { channel: 'call', to: '617 555 9999' })).toEqual({ ok: true, number: expect.objectContaining({ id: n.id }), why: 'round robin: number 1 of 1' });
    expect(await usageRows(n.id)).toEqual([]);

    expect(await callFrom(pool.id)).toMatchObject({ ok: true, number: { id: n.id, e164: '+16175550200' } });
    expect(await callFrom(pool.id)).toMatchObject({ ok: true, number: { id: n.id } });
    const third = await callFrom(pool.id);
    expect(third).toEqual({
      ok: false,
      code: 'POOL_EXHAUSTED',
      message: 'No number in ring pool "Capped" can call now: +16175550200 daily call cap reached (2/2)',
      numbers: [{ e164: '+16175550200', reason: 'daily call cap reached (2/2)' }],
      // Capacity comes back at the next local midnight (America/New_York).
      availableAt: '2026-03-03T05:00:00.000Z',
    });
    expect(await dryRun(pool.id, { channel: 'call', to: '+16175559999' })).toMatchObject({ ok: false, code: 'POOL_EXHAUSTED', numbers: [{ reason: 'daily call cap reached (2/2)' }] });
    // Texts have a cap of their own.
    expect(await pools.pick(pool.id, 'sms', { e164: '+16175559999', region: null })).toMatchObject({ ok: true });
    expect(await pools.pick(pool.id, 'sms', { e164: '+16175559999', region: null })).toMatchObject({ ok: false, numbers: [{ reason: 'daily SMS cap reached (1/1)' }] });
    expect(await usageRows(n.id)).toEqual([{ numberId: n.id, day: '2026-03-02', calls: 2, answered: 0, sms: 1 }]);
    expect((await fetchPool(pool.id)).numbers[0].lastUsedAt).toBe(NOON_ET);

    // 23:00 in New York: already 3 March in UTC, still 2 March for the caps.
    t.clock.advance(11 * HOUR);
    expect(await callFrom(pool.id)).toMatchObject({ ok: false, code: 'POOL_EXHAUSTED' });
    // Local midnight: a new day.
    t.clock.advance(HOUR);
    expect(await callFrom(pool.id)).toMatchObject({ ok: true, number: { id: n.id } });
    expect(await usageRows(n.id)).toEqual([
      { numberId: n.id, day: '2026-03-02', calls: 2, answered: 0, sms: 1 },
      { numberId: n.id, day: '2026-03-03', calls: 1, answered: 0, sms: 0 },
    ]);
    expect(await health(pool.id)).toMatchObject({ day: '2026-03-03', remainingToday: { calls: 1, sms: 1 }, numbers: [{ today: { calls: 1, sms: 0 } }] });

    // An inactive pool and an empty one refuse with their own codes.
    await t.http.patch(`/api/ring-pools/${pool.id}`).set(await auth('admin')).send({ active: false }).expect(200);
    expect(await callFrom(pool.id)).toMatchObject({ ok: false, code: 'POOL_INACTIVE' });
    const empty = await create({ name: 'Empty' });
    expect(await callFrom(empty.id)).toMatchObject({ ok: false, code: 'POOL_EMPTY', numbers: [] });
    await expect(callFrom('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('concurrent picks never pass a cap, and round robin hands each number its turn', async () => {
    t.clock.set(NOON_ET);
    const capped = await create({ name: 'Crowded', dailyCallCap: 3, numbers: [{ e164: '+16175550300' }] });
    const results = await Promise.all(Array.from({ length: 10 }, () => callFrom(capped.id)));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(7);
    for (const r of refused) expect(r).toMatchObject({ ok: false, code: 'POOL_EXHAUSTED', numbers: [{ e164: '+16175550300', reason: 'daily call cap reached (3/3)' }] });
    expect(await usageRows(capped.numbers[0].id)).toEqual([{ numberId: capped.numbers[0].id, day: '2026-03-02', calls: 3, answered: 0, sms: 0 }]);

    const turns = await create({ name: 'Turns', numbers: [{ e164: '+16175550301' }, { e164: '+16175550302' }, { e164: '+16175550303' }] });
    const picks = await Promise.all(Array.from({ length: 9 }, () => callFrom(turns.id)));
    const counts = new Map<string, number>();
    for (const p of picks) if (p.ok) counts.set(p.number.e164, (counts.get(p.number.e164) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ '+16175550301': 3, '+16175550302': 3, '+16175550303': 3 });
    expect((await health(turns.id)).numbers.map((x) => x.today.calls)).toEqual([3, 3, 3]);
  });

  it('quarantines a number whose answer rate collapses against its baseline, skips it, and lets it back after the cool-down', async () => {
    // 12:00 in New York (EDT) on 1 April.
    const noon = (day: number) => new Date(Date.UTC(2026, 3, day, 16));
    t.clock.set(noon(1));
    const pool = await create({ name: 'Watched', quarantineMinCalls: 10, quarantineRatioPct: 50, coolDownHours: 24, numbers: [{ e164: '+16175550400' }, { e164: '+16175550401' }] });
    const [watched, spare] = pool.numbers;
    await t.http.patch(`/api/ring-pools/${pool.id}/numbers/${spare.id}`).set(await auth('admin')).send({ status: 'disabled' }).expect(200);
    const call = async (answered: boolean) => {
      const p = await callFrom(pool.id);
      if (!p.ok) throw new Error(p.message);
      t.clock.advance(60_000);
      await pools.recordCallOutcome(p.number.id, answered, t.clock.now());
      return p.number.id;
    };
    const statusOf = async (id: string) => (await fetchPool(pool.id)).numbers.find((n) => n.id === id) as PoolNumberView;

    // Baseline: 1–5 April, four calls a day, half of them answered.
    for (let day = 1; day <= 5; day++) {
      t.clock.set(noon(day));
      for (let k = 0; k < 4; k++) expect(await call(k % 2 === 0)).toBe(watched.id);
    }
    expect(await statusOf(watched.id)).toMatchObject({ status: 'active', quarantinedUntil: null });

    // 8 April: one answer in the first nine calls is not yet judged (too few recent calls) ...
    t.clock.set(noon(8));
    for (let k = 0; k < 9; k++) await call(k === 0);
    expect(await statusOf(watched.id)).toMatchObject({ status: 'active' });
    // ... the tenth call is: 10% against a 50% baseline.
    await call(false);
    const judgedAt = t.clock.now();
    const quarantined = await statusOf(watched.id);
    expect(quarantined).toEqual(
      expect.objectContaining({
        status: 'quarantined',
        quarantinedUntil: new Date(judgedAt.getTime() + 24 * HOUR).toISOString(),
        quarantineReason: 'answer rate 10% (1/10) today and yesterday against 50% (10/20) over the 28 days before: below 50% of the baseline',
      }),
    );
    const h = await health(pool.id);
    expect(h.numbers[0]).toMatchObject({
      status: 'quarantined',
      recent: { from: '2026-04-07', to: '2026-04-08', calls: 10, answered: 1, rate: 0.1 },
      baseline: { from: '2026-03-10', to: '2026-04-06', calls: 20, answered: 10, rate: 0.5 },
      usable: { call: `quarantined until ${quarantined.quarantinedUntil} (${quarantined.quarantineReason})` },
      remaining: { calls: 0 },
    });

    // Skipped by pick: with the spare disabled the pool is exhausted, and says why.
    expect(await callFrom(pool.id)).toMatchObject({
      ok: false,
      code: 'POOL_EXHAUSTED',
      numbers: [
        { e164: '+16175550400', reason: `quarantined until ${quarantined.quarantinedUntil} (${quarantined.quarantineReason})` },
        { e164: '+16175550401', reason: 'disabled' },
      ],
    });
    await t.http.patch(`/api/ring-pools/${pool.id}/numbers/${spare.id}`).set(await auth('admin')).send({ status: 'active' }).expect(200);
    expect(await callFrom(pool.id)).toMatchObject({ ok: true, number: { id: spare.id } });
    expect(await callFrom(pool.id)).toMatchObject({ ok: true, number: { id: spare.id } });

    // After the cool-down the number is usable again; round robin comes back to it.
    t.clock.set(new Date(judgedAt.getTime() + 24 * HOUR));
    expect(await statusOf(watched.id)).toMatchObject({ status: 'active' });
    expect(await callFrom(pool.id)).toMatchObject({ ok: true, number: { id: watched.id, status: 'active' } });
    // Its recent window still holds the day it was quarantined for: it is not judged again on that.
    expect(await pools.recordCallOutcome(watched.id, false, t.clock.now())).toBeNull();
    expect(await statusOf(watched.id)).toMatchObject({ status: 'active' });

    // Two days on, the recent window is all after its return, and a collapse is judged again
    // (baseline now: 1–5 April 10/20, 8 April 1/10, 9 April 0/1).
    await t.http.patch(`/api/ring-pools/${pool.id}/numbers/${spare.id}`).set(await auth('admin')).send({ status: 'disabled' }).expect(200);
    t.clock.set(noon(11));
    for (let k = 0; k < 10; k++) await call(false);
    const again = await statusOf(watched.id);
    expect(again).toMatchObject({ status: 'quarantined', quarantineReason: expect.stringMatching(/^answer rate 0% \(0\/10\) today and yesterday against 35% \(11\/31\)/) });

    // Lifting a quarantine by hand makes it usable at once and records when it ended.
    const lifted = (await t.http.patch(`/api/ring-pools/${pool.id}/numbers/${watched.id}`).set(await auth('admin')).send({ status: 'active' }).expect(200)).body as PoolNumberView;
    expect(lifted).toMatchObject({ status: 'active', quarantinedUntil: t.clock.now().toISOString() });
    expect(await callFrom(pool.id)).toMatchObject({ ok: true, number: { id: watched.id } });
  });

  it('local presence: same area code, else same region, else the least used', async () => {
    t.clock.set(NOON_ET);
    const pool = await create({
      name: 'Local',
      strategy: 'local-presence',
      numbers: [{ e164: '+13055550500' }, { e164: '+18135550500' }, { e164: '+12125550500' }, { e164: '+14045550500', sms: false }],
    });
    const [miami, tampa, newYork, atlanta] = pool.numbers;
    const pick = (to: string, region: string | null = null, channel: 'call' | 'sms' = 'call') => {
      t.clock.advance(60_000); // so ties on today's use go to the number used longest ago
      return pools.pick(pool.id, channel, { e164: to, region });
    };

    expect(await dryRun(pool.id, { channel: 'call', to: '(305) 555-1212' })).toMatchObject({ ok: true, number: { id: miami.id }, why: 'local presence: same area code 305' });
    expect(await pick('+13055551212')).toMatchObject({ ok: true, number: { id: miami.id }, why: 'local presence: same area code 305' });
    // Orlando (407): no number there; Tampa is in the same state and used less than Miami today ...
    expect(await pick('+14075551212')).toMatchObject({ ok: true, number: { id: tampa.id }, why: 'local presence: same region US-FL' });
    // ... then, one call each, Miami was used longer ago.
    expect(await pick('+14075551212')).toMatchObject({ ok: true, number: { id: miami.id }, why: 'local presence: same region US-FL' });
    expect(await pick('+14075551212')).toMatchObject({ ok: true, number: { id: tampa.id } });
    // Portland, Oregon: nothing local; New York and Atlanta are unused, New York is older.
    expect(await pick('+15035551212')).toMatchObject({ ok: true, number: { id: newYork.id }, why: 'local presence: no usable number in area code 503 or US-OR; least used (0 calls today)' });
    // A region on the lead wins over the one its area code suggests.
    expect(await pick('+15035551212', 'US-GA')).toMatchObject({ ok: true, number: { id: atlanta.id }, why: 'local presence: same region US-GA' });
    expect(await dryRun(pool.id, { channel: 'call', to: '+15035551212', region: 'US-GA' })).toMatchObject({ ok: true, number: { id: atlanta.id } });
    // Atlanta cannot text: a text to an Atlanta lead falls back to the least used texter.
    expect(await pick('+14045551212', null, 'sms')).toMatchObject({ ok: true, number: { id: miami.id }, why: 'local presence: no usable number in area code 404 or US-GA; least used (0 texts today)' });

    expect((await health(pool.id)).numbers.map((n) => [n.e164, n.today.calls, n.today.sms])).toEqual([
      ['+13055550500', 2, 1],
      ['+18135550500', 2, 0],
      ['+12125550500', 1, 0],
      ['+14045550500', 1, 0],
    ]);
  });

  it('health: today against the caps, recent and baseline answer rates, and what the pool can still send', async () => {
    const noon = (month: number, day: number) => new Date(Date.UTC(2026, month - 1, day, 16));
    t.clock.set(noon(4, 30));
    const pool = await create({ name: 'Health', dailyCallCap: 5, dailySmsCap: 3, numbers: [{ e164: '+17185550600' }, { e164: '+17185550601', sms: false }] });
    const [a, b] = pool.numbers;
    const place = async (expected: string, answered: boolean) => {
      const p = await callFrom(pool.id);
      expect(p).toMatchObject({ ok: true, number: { id: expected } });
      await pools.recordCallOutcome(expected, answered, t.clock.now());
    };
    // 30 April (baseline): A answers both, B neither.
    await place(a.id, true);
    await place(b.id, false);
    await place(a.id, true);
    await place(b.id, false);
    // 3 May (yesterday): A answers, B does not.
    t.clock.set(noon(5, 3));
    await place(a.id, true);
    await place(b.id, false);
    // 4 May (today): three calls, one answered; two texts, both from A (B cannot text).
    t.clock.set(noon(5, 4));
    await place(a.id, true);
    await place(b.id, false);
    await place(a.id, false);
    for (let k = 0; k < 2; k++) expect(await pools.pick(pool.id, 'sms', { e164: '+17185559999', region: null })).toMatchObject({ ok: true, number: { id: a.id } });

    const h = await health(pool.id);
    expect(h).toEqual({
      poolId: pool.id,
      day: '2026-05-04',
      caps: { calls: 5, sms: 3 },
      remainingToday: { calls: 7, sms: 1 },
      numbers: [
        expect.objectContaining({
          id: a.id,
          status: 'active',
          today: { calls: 2, answered: 1, sms: 2 },
          remaining: { calls: 3, sms: 1 },
          recent: { from: '2026-05-03', to: '2026-05-04', calls: 3, answered: 2, rate: 2 / 3 },
          baseline: { from: '2026-04-05', to: '2026-05-02', calls: 2, answered: 2, rate: 1 },
          usable: { call: null, sms: null },
          quarantinedUntil: null,
        }),
        expect.objectContaining({
          id: b.id,
          status: 'active',
          today: { calls: 1, answered: 0, sms: 0 },
          remaining: { calls: 4, sms: 0 },
          recent: { from: '2026-05-03', to: '2026-05-04', calls: 2, answered: 0, rate: 0 },
          baseline: { from: '2026-04-05', to: '2026-05-02', calls: 2, answered: 0, rate: 0 },
          usable: { call: null, sms: 'no SMS capability' },
        }),
      ],
    });

    await t.http.patch(`/api/ring-pools/${pool.id}/numbers/${b.id}`).set(await auth('admin')).send({ status: 'disabled' }).expect(200);
    const after = await health(pool.id);
    expect(after.remainingToday).toEqual({ calls: 3, sms: 1 });
    expect(after.numbers[1]).toMatchObject({ status: 'disabled', remaining: { calls: 0, sms: 0 }, usable: { call: 'disabled', sms: 'disabled' } });
  });
});
