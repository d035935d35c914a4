import { describe, expect, it } from '@jest/globals';
import { answerRateWindows, chooseNumber, type DayUsage, effectiveStatus, judgeAnswerRate, localDay, type PoolPick, remainingToday } from './caller-id.js';
import type { PoolNumberEntity, RingPoolEntity } from './ring-pool.entity.js';

const NOW = new Date('2026-03-02T17:00:00Z');
const HOUR = 3_600_000;

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

/** Numbers named by letter, created a minute apart in alphabetical order. */
const num = (key: string, e164: string, over: Partial<PoolNumberEntity> = {}): PoolNumberEntity => ({
  id: key,
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
  createdAt: new Date(NOW.getTime() - 86_400_000 + (key.charCodeAt(0) - 97) * 60_000),
  ...over,
});

type Usage = Record<string, Partial<DayUsage>>;
const usageOf = (u: Usage = {}) => new Map(Object.entries(u).map(([id, x]) => [id, { calls: 0, answered: 0, sms: 0, ...x }]));

interface Case {
  name: string;
  pool?: Partial<RingPoolEntity>;
  numbers: PoolNumberEntity[];
  usage?: Usage;
  channel?: 'call' | 'sms';
  lead?: string;
  leadRegion?: string | null;
  /** The chosen number's id and the why, or the refusal. */
  expected: { id: string; why?: string; rrCursor?: number } | Omit<Extract<PoolPick, { ok: false }>, 'ok' | 'message'>;
}

const run = (c: Case) =>
  chooseNumber({ pool: pool(c.pool), numbers: c.numbers, usage: usageOf(c.usage), channel: c.channel ?? 'call', leadNumber: c.lead ?? '+13055551234', leadRegion: c.leadRegion ?? null, now: NOW });

const ny = (key: string, over: Partial<PoolNumberEntity> = {}) => num(key, `+1212555000${key.charCodeAt(0) - 97}`, { region: 'US-NY', ...over });
const cases: Case[] = [
  // Round robin
  { name: 'round robin: a fresh pool starts with the oldest number', numbers: [ny('b'), ny('a'), ny('c')], expected: { id: 'a', why: 'round robin: number 1 of 3', rrCursor: 0 } },
  { name: 'round robin: the next after the cursor', pool: { rrCursor: 0 }, numbers: [ny('a'), ny('b'), ny('c')], expected: { id: 'b', rrCursor: 1 } },
  { name: 'round robin: wraps around after the last', pool: { rrCursor: 2 }, numbers: [ny('a'), ny('b'), ny('c')], expected: { id: 'a', rrCursor: 0 } },
  { name: 'round robin: a cursor beyond the list (numbers removed) wraps', pool: { rrCursor: 7 }, numbers: [ny('a'), ny('b'), ny('c')], expected: { id: 'c', rrCursor: 2 } },
  {
    name: 'round robin: skips unusable numbers and wraps past them',
    pool: { rrCursor: 1 },
    numbers: [ny('a'), ny('b'), ny('c', { status: 'disabled' })],
    expected: { id: 'a', why: 'round robin: number 1 of 3 (1 unusable skipped)', rrCursor: 0 },
  },
  { name: 'round robin: ties on createdAt fall back to id', numbers: [ny('b', { createdAt: NOW }), ny('a', { createdAt: NOW })], expected: { id: 'a' } },

  // Least used
  { name: 'least used: fewest calls today', pool: { strategy: 'least-used' }, numbers: [ny('a'), ny('b')], usage: { a: { calls: 2 }, b: { calls: 1, sms: 1 } }, expected: { id: 'b', why: 'least used: 1 call today' } },
  { name: 'least used: counts the channel asked for', pool: { strategy: 'least-used', dailySmsCap: 10 }, channel: 'sms', numbers: [ny('a'), ny('b')], usage: { a: { calls: 2 }, b: { calls: 0, sms: 5 } }, expected: { id: 'a', why: 'least used: 0 texts today' } },
  {
    name: 'least used: a tie goes to the number used longest ago',
    pool: { strategy: 'least-used' },
    numbers: [ny('a', { lastUsedAt: new Date(NOW.getTime() - HOUR) }), ny('b', { lastUsedAt: new Date(NOW.getTime() - 2 * HOUR) })],
    expected: { id: 'b' },
  },
  { name: 'least used: never used beats used', pool: { strategy: 'least-used' }, numbers: [ny('a', { lastUsedAt: new Date(NOW.getTime() - HOUR) }), ny('b')], expected: { id: 'b' } },
  { name: 'least used: a full tie goes to the stable order', pool: { strategy: 'least-used' }, numbers: [ny('c'), ny('b'), ny('d')], expected: { id: 'b' } },

  // Local presence
  {
    name: 'local presence: same area code first',
    pool: { strategy: 'local-presence' },
    numbers: [ny('a'), num('b', '+18135550001', { region: 'US-FL' }), num('c', '+13055550002', { region: 'US-FL' })],
    lead: '+13055559999',
    expected: { id: 'c', why: 'local presence: same area code 305' },
  },
  {
    name: 'local presence: least used within the area code',
    pool: { strategy: 'local-presence' },
    numbers: [num('a', '+13055550001', { region: 'US-FL' }), num('b', '+13055550002', { region: 'US-FL' }), ny('c')],
    usage: { a: { calls: 2 }, b: { calls: 1 } },
    lead: '+13055559999',
    expected: { id: 'b', why: 'local presence: same area code 305' },
  },
  {
    name: "local presence: same region (derived from the lead's area code) when no number shares the code",
    pool: { strategy: 'local-presence' },
    numbers: [ny('a'), num('b', '+18135550001', { region: 'US-FL' })],
    lead: '+13055559999',
    expected: { id: 'b', why: 'local presence: same region US-FL' },
  },
  {
    name: 'local presence: a given lead region wins over the derived one',
    pool: { strategy: 'local-presence' },
    numbers: [num('a', '+18135550001', { region: 'US-FL' }), ny('b')],
    lead: '+13055559999',
    leadRegion: 'US-NY',
    expected: { id: 'b', why: 'local presence: same region US-NY' },
  },
  {
    name: 'local presence: an area-code match that is capped falls to the region',
    pool: { strategy: 'local-presence' },
    numbers: [num('a', '+13055550001', { region: 'US-FL' }), num('b', '+18135550001', { region: 'US-FL' })],
    usage: { a: { calls: 3 } },
    lead: '+13055559999',
    expected: { id: 'b', why: 'local presence: same region US-FL' },
  },
  {
    name: 'local presence: no local number falls back to the least used of the pool',
    pool: { strategy: 'local-presence' },
    numbers: [ny('a'), ny('b'), num('c', '+14155550001', { region: 'US-CA' })],
    usage: { a: { calls: 1 }, b: { calls: 2 }, c: { calls: 1 } },
    lead: '+13055559999',
    expected: { id: 'a', why: 'local presence: no usable number in area code 305 or US-FL; least used (1 call today)' },
  },
  {
    name: 'local presence: a lead outside the NANP falls back to the least used',
    pool: { strategy: 'local-presence' },
    numbers: [ny('a'), ny('b')],
    usage: { a: { calls: 1 } },
    lead: '+442079460000',
    expected: { id: 'b', why: "local presence: no usable number in the lead's area; least used (0 calls today)" },
  },

  // Eligibility
  { name: 'caps per channel: a number at its call cap may still text', channel: 'sms', numbers: [ny('a')], usage: { a: { calls: 3, sms: 1 } }, expected: { id: 'a' } },
  { name: 'capability: a number without SMS is skipped for texts', channel: 'sms', numbers: [ny('a', { sms: false }), ny('b')], expected: { id: 'b' } },
  { name: 'capability: a number without voice is skipped for calls', numbers: [ny('a', { voice: false }), ny('b')], expected: { id: 'b' } },
  {
    name: 'a quarantine that has ended no longer holds the number back',
    numbers: [ny('a', { status: 'quarantined', quarantinedUntil: new Date(NOW.getTime() - 1), quarantineReason: 'low answer rate' })],
    expected: { id: 'a' },
  },
  {
    name: 'a quarantine ending exactly now has ended',
    numbers: [ny('a', { status: 'quarantined', quarantinedUntil: NOW })],
    expected: { id: 'a' },
  },

  // Refusals
  {
    name: 'an exhausted pool explains every number',
    numbers: [
      ny('a'),
      ny('b', { voice: false }),
      ny('c', { status: 'quarantined', quarantinedUntil: new Date('2026-03-04T00:00:00Z'), quarantineReason: 'answer rate 5% against 40%' }),
      ny('d', { status: 'disabled' }),
      ny('e', { status: 'quarantined', quarantinedUntil: null }),
    ],
    usage: { a: { calls: 3 } },
    expected: {
      code: 'POOL_EXHAUSTED',
      numbers: [
        { e164: '+12125550000', reason: 'daily call cap reached (3/3)' },
        { e164: '+12125550001', reason: 'no voice capability' },
        { e164: '+12125550002', reason: 'quarantined until 2026-03-04T00:00:00.000Z (answer rate 5% against 40%)' },
        { e164: '+12125550003', reason: 'disabled' },
        { e164: '+12125550004', reason: 'quarantined' },
      ],
    },
  },
  {
    name: 'texts: the SMS cap and capability are the reasons',
    channel: 'sms',
    numbers: [ny('a'), ny('b', { sms: false })],
    usage: { a: { sms: 2 } },
    expected: {
      code: 'POOL_EXHAUSTED',
      numbers: [
        { e164: '+12125550000', reason: 'daily SMS cap reached (2/2)' },
        { e164: '+12125550001', reason: 'no SMS capability' },
      ],
    },
  },
  { name: 'an empty pool', numbers: [], expected: { code: 'POOL_EMPTY', numbers: [] } },
  { name: 'an inactive pool', pool: { active: false }, numbers: [ny('a')], expected: { code: 'POOL_INACTIVE', numbers: [] } },
];

describe('chooseNumber', () => {
  it.each(cases)('$name', (c) => {
    const result = run(c);
    if ('id' in c.expected) {
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.number.id).toBe(c.expected.id);
      if (c.expected.why !== undefined) expect(result.why).toBe(c.expected.why);
      if (c.expected.rrCursor !== undefined) expect(result.rrCursor).toBe(c.expected.rrCursor);
    } else {
      expect(result).toEqual({ ok: false, code: c.expected.code, message: expect.any(String), numbers: c.expected.numbers });
    }
  });

  it('the refusal message names every number and reason', () => {
    const result = run({ name: '', numbers: [ny('a', { status: 'disabled' })], expected: { code: 'POOL_EXHAUSTED', numbers: [] } });
    expect(result).toMatchObject({ ok: false, message: 'No number in ring pool "Main" can call now: +12125550000 disabled' });
  });

  it('round robin walks every number in turn, then starts again', () => {
    const numbers = [ny('c'), ny('a'), ny('b')];
    let cursor = -1;
    const order: string[] = [];
    for (let k = 0; k < 7; k++) {
      const r = chooseNumber({ pool: pool({ rrCursor: cursor, dailyCallCap: 100 }), numbers, usage: new Map(), channel: 'call', leadNumber: '+13055551234', leadRegion: null, now: NOW });
      if (!r.ok) throw new Error(r.message);
      order.push(r.number.id);
      cursor = r.rrCursor;
    }
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });
});

describe('number status and remaining capacity', () => {
  it.each([
    [{ status: 'active', quarantinedUntil: null }, 'active'],
    [{ status: 'disabled', quarantinedUntil: null }, 'disabled'],
    [{ status: 'quarantined', quarantinedUntil: new Date(NOW.getTime() + 1) }, 'quarantined'],
    [{ status: 'quarantined', quarantinedUntil: new Date(NOW.getTime() - 1) }, 'active'],
    [{ status: 'quarantined', quarantinedUntil: null }, 'quarantined'],
  ] as const)('%o is %s now', (n, expected) => {
    expect(effectiveStatus(n, NOW)).toBe(expected);
  });

  it.each([
    ['call', {}, 3],
    ['call', { calls: 2 }, 1],
    ['call', { calls: 3 }, 0],
    ['sms', { calls: 3, sms: 1 }, 1],
  ] as const)('%s with %o today leaves %d', (channel, used, expected) => {
    expect(remainingToday(ny('a'), pool(), { calls: 0, answered: 0, sms: 0, ...used }, channel, NOW)).toBe(expected);
  });

  it('an unusable number has nothing left', () => {
    expect(remainingToday(ny('a', { status: 'disabled' }), pool(), { calls: 0, answered: 0, sms: 0 }, 'call', NOW)).toBe(0);
  });
});

describe('answer-rate windows', () => {
  it('count local days of the account zone: recent is today and yesterday, baseline the 28 days before', () => {
    // 03:00 UTC on 2 March is still 1 March in New York.
    expect(answerRateWindows(new Date('2026-03-02T03:00:00Z'), 'America/New_York')).toEqual({
      today: '2026-03-01',
      recent: { from: '2026-02-28', to: '2026-03-01' },
      baseline: { from: '2026-01-31', to: '2026-02-27' },
    });
    expect(localDay(new Date('2026-03-02T03:00:00Z'), 'America/New_York')).toBe('2026-03-01');
    expect(localDay(new Date('2026-03-02T03:00:00Z'), 'Europe/Berlin')).toBe('2026-03-02');
  });

  it('a day that is 23 hours long (the spring change) is still one day', () => {
    expect(answerRateWindows(new Date('2026-03-09T12:00:00Z'), 'America/New_York').recent).toEqual({ from: '2026-03-08', to: '2026-03-09' });
  });
});

describe('judgeAnswerRate', () => {
  const cases: Array<[string, { calls: number; answered: number }, { calls: number; answered: number }, Partial<RingPoolEntity>, boolean]> = [
    ['recent 10% against 40%: quarantine', { calls: 40, answered: 4 }, { calls: 200, answered: 80 }, {}, true],
    ['recent 30% against 40% is above half: keep', { calls: 40, answered: 12 }, { calls: 200, answered: 80 }, {}, false],
    ['exactly half the baseline is not below it: keep', { calls: 40, answered: 8 }, { calls: 200, answered: 80 }, {}, false],
    ['one answer fewer than half: quarantine', { calls: 40, answered: 7 }, { calls: 200, answered: 80 }, {}, true],
    ['too few recent calls: keep', { calls: 29, answered: 0 }, { calls: 200, answered: 80 }, {}, false],
    ['recent calls exactly at the minimum are judged', { calls: 30, answered: 0 }, { calls: 200, answered: 80 }, {}, true],
    ['too little baseline: keep', { calls: 40, answered: 0 }, { calls: 29, answered: 20 }, {}, false],
    ['baseline exactly at the minimum is judged', { calls: 40, answered: 0 }, { calls: 30, answered: 20 }, {}, true],
    ['a baseline that never answered cannot fall: keep', { calls: 40, answered: 0 }, { calls: 200, answered: 0 }, {}, false],
    ['quarantine disabled: keep', { calls: 40, answered: 0 }, { calls: 200, answered: 80 }, { quarantineEnabled: false }, false],
    ['a stricter ratio (25%) keeps 15% against 40%', { calls: 40, answered: 6 }, { calls: 200, answered: 80 }, { quarantineRatioPct: 25 }, false],
    ['a lower minimum judges fewer calls', { calls: 10, answered: 0 }, { calls: 10, answered: 5 }, { quarantineMinCalls: 10 }, true],
  ];
  it.each(cases)('%s', (_name, recent, baseline, over, expected) => {
    expect(judgeAnswerRate({ recent, baseline, pool: pool(over) }).quarantine).toBe(expected);
  });

  it('gives both rates and says why', () => {
    expect(judgeAnswerRate({ recent: { calls: 40, answered: 4 }, baseline: { calls: 200, answered: 80 }, pool: pool() })).toEqual({
      quarantine: true,
      recentRate: 0.1,
      baselineRate: 0.4,
      reason: 'answer rate 10% (4/40) today and yesterday against 40% (80/200) over the 28 days before: below 50% of the baseline',
    });
    expect(judgeAnswerRate({ recent: { calls: 0, answered: 0 }, baseline: { calls: 0, answered: 0 }, pool: pool() })).toEqual({
      quarantine: false,
      recentRate: null,
      baselineRate: null,
      reason: 'too few recent calls to judge (0 of 30)',
    });
  });
});
