import { describe, expect, it } from '@jest/globals';
import { chooseNumber, type DayUsage, judgeAnswerRate } from './caller-id.js';
import type { PoolNumberEntity, RingPoolEntity } from './ring-pool.entity.js';

const NOW = new Date('2026-03-02T17:00:00Z');
const pool = (over: Partial<RingPoolEntity> = {}): RingPoolEntity => ({
  id: 'p',
  name: 'Main',
  strategy: 'round-robin',
  dailyCallCap: 3,
  dailySmsCap: 2,
  quarantineEnabled: true,
  quarantineMinCalls: 30,
  quarantineRatioPct: 50,
  coolDownHours: 72,
  rrCursor: -1,
  active: true,
  createdAt: NOW,
  updatedAt: NOW,
  ...over,
});
let n = 0;
const num = (e164: string, over: Partial<PoolNumberEntity> = {}): PoolNumberEntity => ({
  id: `n${++n}`,
  poolId: 'p',
  e164,
  carrierSid: null,
  voice: true,
  sms: true,
  region: null,
  areaCode: e164.slice(2, 5),
  status: 'active',
  quarantinedUntil: null,
  quarantineReason: null,
  lastUsedAt: null,
  createdAt: new Date(NOW.getTime() + n),
  ...over,
});
const usage = (entries: Array<[PoolNumberEntity, Partial<DayUsage>]>) => new Map(entries.map(([x, u]) => [x.id, { calls: 0, answered: 0, sms: 0, ...u }]));
const pick = (p: RingPoolEntity, numbers: PoolNumberEntity[], u = new Map<string, DayUsage>(), channel: 'call' | 'sms' = 'call', lead = '+13055551234', region: string | null = null) =>
  chooseNumber({ pool: p, numbers, usage: u, channel, leadNumber: lead, leadRegion: region, now: NOW });

describe('caller ID choice', () => {
  it('round robin goes in order, skips what cannot be used and wraps around', () => {
    const a = num('+12125550001');
    const b = num('+12125550002', { status: 'disabled' });
    const c = num('+12125550003');
    const p = pool();
    const first = pick(p, [a, b, c]);
    expect(first).toMatchObject({ ok: true, number: { id: a.id }, rrCursor: 0 });
    const second = pick(pool({ rrCursor: 0 }), [a, b, c]);
    expect(second).toMatchObject({ ok: true, number: { id: c.id }, rrCursor: 2 });
    expect(pick(pool({ rrCursor: 2 }), [a, b, c])).toMatchObject({ ok: true, number: { id: a.id }, rrCursor: 0 });
  });

  it('least used takes the number with the fewest contacts today on that channel', () => {
    const a = num('+12125550011');
    const b = num('+12125550012');
    expect(pick(pool({ strategy: 'least-used' }), [a, b], usage([[a, { calls: 2 }], [b, { calls: 1, sms: 5 }]]))).toMatchObject({ ok: true, number: { id: b.id } });
    expect(pick(pool({ strategy: 'least-used', dailySmsCap: 10 }), [a, b], usage([[a, { calls: 2 }], [b, { calls: 1, sms: 5 }]]), 'sms')).toMatchObject({ ok: true, number: { id: a.id } });
  });

  it('local presence: same area code, else same state, else the least used', () => {
    const ny = num('+12125550021', { region: 'US-NY' });
    const tampa = num('+18135550022', { region: 'US-FL' });
    const miami = num('+13055550023', { region: 'US-FL' });
    const p = pool({ strategy: 'local-presence' });
    expect(pick(p, [ny, tampa, miami], new Map(), 'call', '+13055559999')).toMatchObject({ ok: true, number: { id: miami.id }, why: 'local presence: same area code 305' });
    expect(pick(p, [ny, tampa], new Map(), 'call', '+13055559999')).toMatchObject({ ok: true, number: { id: tampa.id }, why: 'local presence: same state US-FL' });
    expect(pick(p, [ny], new Map(), 'call', '+13055559999')).toMatchObject({ ok: true, number: { id: ny.id }, why: 'local presence: no local number, least used today' });
  });

  it('an exhausted pool explains every number', () => {
    const a = num('+12125550031');
    const b = num('+12125550032', { voice: false });
    const c = num('+12125550033', { status: 'quarantined', quarantinedUntil: new Date('2026-03-04T00:00:00Z'), quarantineReason: 'answer rate 5% against 40%' });
    const d = num('+12125550034', { status: 'disabled' });
    expect(pick(pool(), [a, b, c, d], usage([[a, { calls: 3 }]]))).toEqual({
      ok: false,
      code: 'POOL_EXHAUSTED',
      message: expect.stringContaining('No number in ring pool "Main" can call now'),
      numbers: [
        { e164: '+12125550031', reason: 'daily call cap reached (3/3)' },
        { e164: '+12125550032', reason: 'cannot place calls' },
        { e164: '+12125550033', reason: 'quarantined until 2026-03-04T00:00:00.000Z (answer rate 5% against 40%)' },
        { e164: '+12125550034', reason: 'disabled' },
      ],
    });
  });

  it('a quarantine that has lapsed no longer holds a number back; empty and inactive pools say so', () => {
    const a = num('+12125550041', { status: 'quarantined', quarantinedUntil: new Date('2026-03-01T00:00:00Z') });
    expect(pick(pool(), [a])).toMatchObject({ ok: true, number: { id: a.id } });
    expect(pick(pool(), [])).toMatchObject({ ok: false, code: 'POOL_EMPTY' });
    expect(pick(pool({ active: false }), [a])).toMatchObject({ ok: false, code: 'POOL_INACTIVE' });
  });

  it.each([
    [{ calls: 40, answered: 4 }, { calls: 200, answered: 80 }, true],
    [{ calls: 40, answered: 12 }, { calls: 200, answered: 80 }, false],
    [{ calls: 20, answered: 0 }, { calls: 200, answered: 80 }, false],
    [{ calls: 40, answered: 0 }, { calls: 10, answered: 5 }, false],
  ])('judges recent %o against baseline %o: quarantine %s', (recent, baseline, expected) => {
    expect(judgeAnswerRate({ recent, baseline }, pool()).quarantine).toBe(expected);
  });
});
