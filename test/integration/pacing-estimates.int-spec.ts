import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { DialQueueView, LeadView, QueueStats } from '#shared';
import { DialCallEntity, DialQueueEntity } from '../../server/src/dialer/dial-queue.entity.js';
import { DialPacer } from '../../server/src/dialer/dial-pacer.service.js';
import { PacingFigures } from '../../server/src/dialer/pacing-figures.js';
import { answerEstimate } from '../../server/src/dialer/pacing/model.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, signIn } from '../support/factories.js';

/** The floor's zone (the account's default). */
const ZONE = 'America/New_York';
/** Tuesday 10 March 2026, two days after the clocks went forward: the last 14 days cross the change. */
const TODAY = DateTime.fromISO('2026-03-10T00:00:00', { zone: ZONE });
const local = (day: DateTime, hour: number, minute = 0) => day.set({ hour, minute, second: 0, millisecond: 0 });

describe('predictive pacing: the answer rate by hour of day and the supervisor’s pacing figures', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createTestApp({ now: local(TODAY, 8).toUTC().toISO() as string });
  });
  // Each test starts at 8:00 and signs in (a test moving the clock on signs in again).
  beforeEach(async () => {
    t.clock.set(local(TODAY, 8).toJSDate());
    admin = await signIn(t, 'admin');
  });
  afterAll(() => t?.close());

  /** A predictive queue with two agents (offline) and one lead waiting in its list. */
  async function predictiveQueue(name: string): Promise<{ q: DialQueueEntity; agentIds: string[] }> {
    const agents = await Promise.all([0, 1].map((i) => createUser(t, 'agent', { name: `${name} agent ${i}` })));
    const view = (await t.http.post('/api/dial-queues').set(admin.auth).send({ name, mode: 'predictive', agentIds: agents.map((a) => a.id) }).expect(201)).body as DialQueueView;
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ firstName: name, phones: [{ number: `+1212555${String(Math.floor(Math.random() * 9000) + 1000)}` }] }).expect(201)).body as LeadView;
    await t.http.post(`/api/dial-queues/${view.id}/leads`).set(admin.auth).send({ leadIds: [lead.id] }).expect(200);
    return { q: await t.dataSource.getRepository(DialQueueEntity).findOneByOrFail({ id: view.id }), agentIds: agents.map((a) => a.id) };
  }

  /** `perHour` ended calls in each hour from 8:00 to 17:00 (local) of the 13 days before today: a person answers 40% of those placed from 9:00 to 10:00, 10% of the others. */
  function pastDays(queueId: string, perHour: number, predictedBp: number | null): DialCallEntity[] {
    const rows: DialCallEntity[] = [];
    for (let d = 1; d <= 13; d++) {
      for (let h = 8; h < 17; h++) {
        for (let i = 0; i < perHour; i++) {
          const placed = local(TODAY.minus({ days: d }), h).plus({ seconds: Math.floor((i * 3600) / perHour) }).toJSDate();
          const human = i % 10 < (h === 9 ? 4 : 1);
          rows.push(call(queueId, placed, human ? 'answered' : 'no-answer', predictedBp));
        }
      }
    }
    return rows;
  }

  function call(queueId: string, placed: Date, outcome: string, predictedBp: number | null): DialCallEntity {
    const human = outcome === 'answered' || outcome === 'abandoned';
    return {
      conversationId: randomUUID(),
      queueId,
      itemId: randomUUID(),
      leadId: randomUUID(),
      agentId: null,
      placedAt: placed,
      answeredAt: human ? new Date(placed.getTime() + 6000) : null,
      bridgedAt: outcome === 'answered' ? new Date(placed.getTime() + 6500) : null,
      endedAt: new Date(placed.getTime() + 60_000),
      human,
      outcome,
      talkSeconds: outcome === 'answered' ? 50 : null,
      listKey: 'pass:1',
      predictedBp,
    };
  }

  async function insert(rows: DialCallEntity[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await t.dataSource.getRepository(DialCallEntity).insert(rows.slice(i, i + 200));
  }

  it('a queue whose 9 o’clock hour answers at 40% and the rest at 10% predicts a higher rate at 9:00 than at 15:00', async () => {
    const { q, agentIds } = await predictiveQueue(`Hours ${randomUUID().slice(0, 6)}`);
    await insert(pastDays(q.id, 40, null));
    const figures = t.get(PacingFigures);

    t.clock.set(local(TODAY, 9, 30).toJSDate());
    const nine = answerEstimate(await figures.floorNow(q, agentIds, 0));
    t.clock.set(local(TODAY, 15, 30).toJSDate());
    const three = answerEstimate(await figures.floorNow(q, agentIds, 0));

    // 13 days × 40 calls of that hour: weighed more than the rolling rate.
    expect(nine.hour).toMatchObject({ calls: 520 });
    expect(three.hour).toMatchObject({ calls: 520 });
    expect(nine.used).toBe('hour');
    expect(three.used).toBe('hour');
    expect(nine.rate).toBeGreaterThan(0.3);
    expect(three.rate).toBeLessThan(0.15);
    expect(nine.high).toBeGreaterThan(three.high);
    // The list the next lead comes from is the queue's first pass.
    expect(nine.list).toMatchObject({ key: 'pass:1', calls: 500 });
  });

  it('a seeded floor’s queue figures carry the pacing tile: level, shares predicted and measured, target and cap, the estimate and why it brakes', async () => {
    const { q } = await predictiveQueue(`Tile ${randomUUID().slice(0, 6)}`);
    const past = pastDays(q.id, 20, 150);
    // Today from 9:00 to 15:20: 200 calls, every other one answered by a person, the first three of those abandoned.
    const today: DialCallEntity[] = [];
    for (let i = 0; i < 200; i++) {
      const placed = local(TODAY, 9).plus({ seconds: i * 114 }).toJSDate();
      const outcome = i % 2 ? 'no-answer' : i < 6 ? 'abandoned' : 'answered';
      today.push(call(q.id, placed, outcome, 200));
    }
    await insert([...past, ...today]);
    const now = local(TODAY, 15, 30).toJSDate();
    t.clock.set(now);
    await t.get(DialPacer).pace(q.id);
    admin = await signIn(t, 'admin');
    const stats = (await t.http.get(`/api/dial-queues/${q.id}/stats`).set(admin.auth).expect(200)).body as QueueStats;

    const all = [...past, ...today];
    const humans = (rows: DialCallEntity[]) => rows.filter((c) => c.human).length;
    const hourAgo = now.getTime() - 3600_000;
    const lastHour = today.filter((c) => c.placedAt.getTime() >= hourAgo);
    const meanBp = (rows: DialCallEntity[]) => Math.round(rows.reduce((n, c) => n + (c.predictedBp ?? 0), 0) / rows.length) / 100;
    // What the pacer estimated from the same rows: the rolling and the list's last 500, this hour over 14 days.
    const newest = [...all].sort((a, b) => b.placedAt.getTime() - a.placedAt.getTime()).slice(0, 500);
    const hourRows = all.filter((c) => DateTime.fromJSDate(c.placedAt, { zone: ZONE }).hour === 15);
    const sample = (rows: DialCallEntity[]) => ({ calls: rows.length, human: humans(rows) });
    const expected = answerEstimate({ recent: sample(newest), list: { key: 'pass:1', ...sample(newest) }, hour: sample(hourRows) });
    const pct = (f: number) => Math.round(f * 10_000) / 100;

    expect(stats.pacing).toEqual({
      at: now.toISOString(),
      level: 0,
      inFlightPerReady: 0,
      predictedPct: 0,
      targetPct: 2.5,
      capPct: 3,
      abandon: {
        today: { answered: 100, abandoned: 3, actualPct: 3, predictedPct: 2 },
        lastHour: { answered: humans(lastHour), abandoned: 0, actualPct: 0, predictedPct: 2 },
        thirtyDays: { answered: humans(all), abandoned: 3, actualPct: pct(3 / humans(all)), predictedPct: meanBp(all) },
      },
      answerRate: {
        used: 'hour',
        ratePct: pct(expected.rate),
        lowPct: pct(expected.low),
        highPct: pct(expected.high),
        dialedOnPct: pct(expected.high),
        rolling: { calls: 500, ratePct: pct(expected.rolling.rate), lowPct: pct(expected.rolling.low), highPct: pct(expected.rolling.high) },
        hour: { calls: hourRows.length, ratePct: pct(expected.hour?.rate ?? -1), lowPct: pct(expected.hour?.low ?? -1), highPct: pct(expected.hour?.high ?? -1), weight: Math.round((expected.hour?.weight ?? -1) * 100) / 100 },
        list: { key: 'pass:1', calls: 500, ratePct: pct(expected.list?.rate ?? -1), lowPct: pct(expected.list?.low ?? -1), highPct: pct(expected.list?.high ?? -1), weight: Math.round((expected.list?.weight ?? -1) * 100) / 100 },
      },
      holdingBack: true,
      why: "braking: today's abandon share 3.00% (3 of 100, 5.00% with 2 more) is above the 2.50% target and at the cap: one line per ready agent",
    });
    expect(stats.today).toMatchObject({ abandoned: 3, abandonRatePct: 3 });
  });
});
