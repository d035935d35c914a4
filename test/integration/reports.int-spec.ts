import { randomUUID } from 'node:crypto';
import type { DialQueueView, ReportTable } from '#shared';
import { AgentStateChangeEntity } from '../../server/src/agents/agent.entity.js';
import { DialCallEntity, DialQueueAgentEntity } from '../../server/src/dialer/dial-queue.entity.js';
import { DispositionChangeEntity, DispositionEntity } from '../../server/src/dispositions/disposition.entity.js';
import { ReportRollups } from '../../server/src/reports/report-rollups.job.js';
import { ConversationEntity } from '../../server/src/telephony/conversations/conversation.entity.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, signIn } from '../support/factories.js';

/** Parses the CSV the reports write (CRLF lines, quoted cells doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"', i++);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(cell), (cell = ''));
    else if (ch === '\r' && text[i + 1] === '\n') (row.push(cell), rows.push(row), (row = []), (cell = ''), i++);
    else cell += ch;
  }
  return rows;
}

const sameTable = (csv: string, table: ReportTable) => {
  const [head, ...lines] = parseCsv(csv);
  expect(head).toEqual(table.columns.map((c) => c.key));
  expect(lines).toEqual(table.rows.map((r) => table.columns.map((c) => (r[c.key] == null ? '' : String(r[c.key])))));
};

const OUTCOMES = ['answered', 'answered', 'abandoned', 'voicemail', 'machine', 'no-answer', 'no-answer', 'busy'] as const;
const CODES = [
  { code: 'SALE', contacted: true, success: true },
  { code: 'NI', contacted: true, success: false },
  { code: 'NA', contacted: false, success: false },
];

describe('reports', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;
  // The floor's zone is the default, America/New_York: its 1 December 2026 is 05:00Z to 05:00Z.
  const DAY = '2026-12-01';
  const dayStart = Date.parse('2026-12-01T05:00:00Z');
  const at = (ms: number) => new Date(ms);

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-02T12:00:00.000Z' });
    admin = await signIn(t, 'admin');
  });
  afterAll(() => t?.close());

  const get = (path: string) => t.http.get(path).set(admin.auth);

  it('a seeded day gives the figures counted from its raw rows, the CSV is the JSON, and a late disposition is rolled up', async () => {
    const ds = t.dataSource;
    const queues = [0, 1].map(async (i) => (await get('/api/dial-queues').expect(200), (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: `Reports ${i} ${randomUUID().slice(0, 6)}`, mode: 'power' }).expect(201)).body as DialQueueView));
    const [qa, qb] = await Promise.all(queues);
    const agents = await Promise.all([0, 1, 2].map((i) => createUser(t, 'agent', { name: `Agent ${i}` })));
    await ds.getRepository(DialQueueAgentEntity).insert(agents.map((a) => ({ queueId: qa.id, userId: a.id })).concat([{ queueId: qb.id, userId: agents[2].id }]));
    await ds.getRepository(DispositionEntity).insert(
      CODES.map((c, i) => ({ id: randomUUID(), scopeType: 'account', scopeId: '', code: c.code, label: c.code, contacted: c.contacted, humanAnswered: c.contacted, success: c.success, doNotCall: false, callback: false, exitSchedule: false, final: false, actionGroupId: null, callbackDelayMinutes: null, position: i, active: true, createdAt: at(dayStart), updatedAt: at(dayStart) })),
    );

    // Calls: every 97 s from 04:00Z (an hour of the day before, in the floor's zone) to 06:00Z the next day.
    const calls: DialCallEntity[] = [];
    const convs: ConversationEntity[] = [];
    const codeOf = new Map<string, string>();
    for (let i = 0, placed = dayStart - 3_600_000; placed < dayStart + 25 * 3_600_000; i++, placed += 97_000) {
      const outcome = OUTCOMES[i % OUTCOMES.length];
      const queueId = i % 3 === 0 ? qb.id : qa.id;
      const human = outcome === 'answered' || outcome === 'abandoned';
      const answered = outcome === 'answered' || outcome === 'abandoned' || outcome === 'voicemail' || outcome === 'machine' ? placed + 5_000 + (i % 7) * 1000 : null;
      const bridged = outcome === 'answered' ? (answered as number) + (i % 5) * 800 : null; // some after 2 s
      const ended = outcome === 'no-answer' ? placed + (i % 2 ? 20_000 : 12_000) : outcome === 'abandoned' ? (answered as number) + (i % 4 ? 6_000 : 1_000) : placed + 60_000;
      const agentId = outcome === 'answered' ? agents[i % 3].id : outcome === 'abandoned' || outcome === 'machine' || outcome === 'voicemail' ? null : agents[(i + 1) % 3].id;
      const id = randomUUID();
      calls.push({ conversationId: id, queueId, itemId: randomUUID(), leadId: randomUUID(), agentId, placedAt: at(placed), answeredAt: answered ? at(answered) : null, bridgedAt: bridged ? at(bridged) : null, endedAt: at(ended), human, outcome, talkSeconds: bridged ? 40 + (i % 9) : null });
      const code = outcome === 'answered' ? CODES[i % 3].code : outcome === 'no-answer' && i % 2 ? 'NA' : null;
      if (code) codeOf.set(id, code);
      convs.push({ id, leadId: null, agentId, channel: 'voice', direction: 'outbound', fromNumber: '+15550000000', toNumber: '+15551110000', providerSid: null, status: 'completed', body: null, answeredBy: null, createdAt: at(placed), ringingAt: null, answeredAt: answered ? at(answered) : null, endedAt: at(ended), durationSeconds: null, disposition: code, dispositionBy: null, dispositionAt: code ? at(ended) : null, notes: null, recordingUrl: null, errorCode: null, errorMessage: null, poolId: null, poolNumberId: null, causeType: null, causeId: null, idempotencyKey: null, lastSequence: -1, updatedAt: at(ended) } as ConversationEntity);
    }
    for (let i = 0; i < calls.length; i += 200) {
      await ds.getRepository(DialCallEntity).insert(calls.slice(i, i + 200));
      await ds.getRepository(ConversationEntity).insert(convs.slice(i, i + 200));
    }

    // Each agent: logged in 13:00Z, ready; paused for lunch 16:00–16:45 and a break 18:00–18:10; talking and wrapping up in between; offline 22:00Z.
    const changes: AgentStateChangeEntity[] = [];
    for (const [k, a] of agents.entries()) {
      const plan: Array<[string, string, string | null]> = [
        ['13:00', 'ready', null], ['14:00', 'on_call', null], ['14:07', 'wrap_up', null], ['14:09', 'ready', null], ['16:00', 'paused', 'lunch'], ['16:45', 'ready', null],
        ['18:00', 'paused', 'break'], ['18:10', 'ready', null], ['19:59', 'on_call', null], ['20:31', 'wrap_up', null], ['20:33', 'ready', null], ['22:00', 'offline', null],
      ];
      let prev = { state: 'offline', at: Date.parse(`${DAY}T12:00:00Z`) };
      for (const [hm, to, reason] of plan) {
        const when = Date.parse(`${DAY}T${hm}:00Z`) + k * 60_000;
        changes.push({ id: randomUUID(), userId: a.id, fromState: prev.state, toState: to, reason, actorId: null, at: at(when), durationMs: when - prev.at });
        prev = { state: to, at: when };
      }
    }
    await ds.getRepository(AgentStateChangeEntity).insert(changes);

    await expect(t.get(ReportRollups).run()).resolves.toBe(true);
    await expect(t.get(ReportRollups).run()).resolves.toBe(true); // a second run over the same hours changes nothing

    const inDay = calls.filter((c) => c.placedAt.getTime() >= dayStart && c.placedAt.getTime() < dayStart + 86_400_000);
    const count = (rows: DialCallEntity[], f: (c: DialCallEntity) => boolean) => rows.filter(f).length;
    const flag = (c: DialCallEntity, k: 'contacted' | 'success') => CODES.find((d) => d.code === codeOf.get(c.conversationId))?.[k] === true;

    // Campaign summary, per queue.
    const summary = (await get(`/api/reports/campaign-summary?from=${DAY}&to=${DAY}`).expect(200)).body as ReportTable;
    for (const q of [qa, qb]) {
      const own = inDay.filter((c) => c.queueId === q.id);
      const row = summary.rows.find((r) => r.queueId === q.id);
      expect(row).toMatchObject({
        period: DAY, queue: q.name, dials: own.length, answers: count(own, (c) => c.answeredAt !== null), humanAnswers: count(own, (c) => c.human),
        machineAnswers: count(own, (c) => c.answeredAt !== null && !c.human), voicemailDrops: count(own, (c) => c.outcome === 'voicemail'), abandons: count(own, (c) => c.outcome === 'abandoned'),
        contacts: count(own, (c) => flag(c, 'contacted')), conversions: count(own, (c) => flag(c, 'success')),
      });
    }
    const agentHoursA = changes.filter((c) => c.fromState !== 'offline').reduce((s, c) => s + c.durationMs, 0) / 3_600_000;
    expect(summary.rows.find((r) => r.queueId === qa.id)?.agentHours).toBeCloseTo(agentHoursA, 2);

    // Agent performance, per agent.
    const perf = (await get(`/api/reports/agent-performance?from=${DAY}`).expect(200)).body as ReportTable;
    for (const a of agents) {
      const mine = inDay.filter((c) => c.agentId === a.id);
      const secs = (f: (c: AgentStateChangeEntity) => boolean) => changes.filter((c) => c.userId === a.id && f(c)).reduce((s, c) => s + c.durationMs, 0) / 1000;
      const pausedFor = (reason: string) => secs((c) => c.fromState === 'paused' && changes.some((p) => p.userId === a.id && p.toState === 'paused' && p.reason === reason && p.at.getTime() === c.at.getTime() - c.durationMs));
      const row = perf.rows.find((r) => r.agentId === a.id);
      expect(row).toMatchObject({
        period: DAY, agent: a.name, loggedIn: secs((c) => c.fromState !== 'offline'), ready: secs((c) => c.fromState === 'ready'), talk: secs((c) => c.fromState === 'on_call'),
        wrapUp: secs((c) => c.fromState === 'wrap_up'), paused: secs((c) => c.fromState === 'paused'), 'paused:lunch': pausedFor('lunch'), 'paused:break': pausedFor('break'),
        calls: count(mine, (c) => c.bridgedAt !== null), contacts: count(mine, (c) => flag(c, 'contacted')), conversions: count(mine, (c) => flag(c, 'success')),
        'disposition:SALE': count(mine, (c) => codeOf.get(c.conversationId) === 'SALE'),
      });
    }
    sameTable((await get(`/api/reports/agent-performance?from=${DAY}&format=csv`).expect(200).expect('content-type', /text\/csv/).buffer(true)).text, perf);

    // Dispositions, per queue, agent and code.
    const disp = (await get(`/api/reports/dispositions?from=${DAY}&queueId=${qa.id}`).expect(200)).body as ReportTable;
    const expected = new Map<string, number>();
    for (const c of inDay.filter((c) => c.queueId === qa.id && codeOf.has(c.conversationId))) expected.set(`${c.agentId ?? ''}|${codeOf.get(c.conversationId)}`, (expected.get(`${c.agentId ?? ''}|${codeOf.get(c.conversationId)}`) ?? 0) + 1);
    expect(new Map(disp.rows.map((r) => [`${r.agentId ?? ''}|${r.code}`, r.calls]))).toEqual(expected);
    sameTable((await get(`/api/reports/dispositions?from=${DAY}&queueId=${qa.id}&format=csv`).expect(200).buffer(true)).text, disp);

    // Abandon evidence, from the raw calls.
    const ev = (await get(`/api/reports/abandon-evidence?from=${DAY}&queueId=${qa.id}`).expect(200)).body as ReportTable;
    const own = inDay.filter((c) => c.queueId === qa.id);
    const ms = (a: Date | null, b: Date | null) => (a && b ? b.getTime() - a.getTime() : NaN);
    expect(ev.rows).toEqual([
      expect.objectContaining({
        period: DAY, answered: count(own, (c) => c.human), abandons: count(own, (c) => c.outcome === 'abandoned'),
        twoSecond: count(own, (c) => c.human && ((c.bridgedAt !== null && ms(c.answeredAt, c.bridgedAt) <= 2000) || (c.bridgedAt === null && c.outcome === 'abandoned'))),
        message: count(own, (c) => c.outcome === 'abandoned' && ms(c.answeredAt, c.endedAt) >= 2000),
        unanswered: count(own, (c) => c.outcome === 'no-answer'), rang15: count(own, (c) => c.outcome === 'no-answer' && ms(c.placedAt, c.endedAt) >= 15_000),
        answered30: count(calls.filter((c) => c.queueId === qa.id && c.placedAt.getTime() < dayStart + 86_400_000), (c) => c.human),
      }),
    ]);
    const drill = (await get(`/api/reports/abandon-evidence?from=${DAY}&queueId=${qa.id}&drill=day`).expect(200)).body as ReportTable;
    expect(drill.rows.map((r) => r.conversationId)).toEqual(own.map((c) => c.conversationId));
    sameTable((await get(`/api/reports/abandon-evidence?from=${DAY}&queueId=${qa.id}&drill=day&format=csv`).expect(200).buffer(true)).text, drill);

    // The next day an old call is given a disposition: the next run rolls its hour up again.
    t.clock.set(new Date('2026-12-03T12:00:00Z'));
    admin = await signIn(t, 'admin'); // the first sign-in's token has expired by now
    const late = inDay.find((c) => c.queueId === qa.id && c.outcome === 'busy') as DialCallEntity;
    await ds.getRepository(ConversationEntity).update(late.conversationId, { disposition: 'SALE', dispositionAt: t.clock.now() });
    await ds.getRepository(DispositionChangeEntity).insert({ id: randomUUID(), conversationId: late.conversationId, fromCode: null, toCode: 'SALE', actorId: null, at: t.clock.now(), effects: '[]', content: null });
    await t.get(ReportRollups).run();
    const after = (await get(`/api/reports/dispositions?from=${DAY}&queueId=${qa.id}`).expect(200)).body as ReportTable;
    const sale = (rows: ReportTable['rows'], agentId: string | null) => Number(rows.find((r) => r.agentId === agentId && r.code === 'SALE')?.calls ?? 0);
    expect(sale(after.rows, late.agentId)).toBe(sale(disp.rows, late.agentId) + 1);
  });

  it('by day it reads the day rollups of the floor\'s zone; a new zone reads the hours until the next run builds its days, and the old zone\'s days are dropped', async () => {
    const ds = t.dataSource;
    // Days after anything another test rolled up, so their hours are still ahead of the watermark.
    t.clock.set(new Date('2026-12-10T12:00:00Z'));
    admin = await signIn(t, 'admin');
    const q = (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: `Zones ${randomUUID().slice(0, 6)}`, mode: 'power' }).expect(201)).body as DialQueueView;
    const agent = await createUser(t, 'agent', { name: 'Zone agent' });
    // Calls every 20 minutes of 9 December 2026 UTC, each bridged to the agent.
    const calls: DialCallEntity[] = [];
    for (let placed = Date.parse('2026-12-09T00:00:00Z'); placed < Date.parse('2026-12-10T00:00:00Z'); placed += 20 * 60_000) {
      calls.push({ conversationId: randomUUID(), queueId: q.id, itemId: randomUUID(), leadId: randomUUID(), agentId: agent.id, placedAt: at(placed), answeredAt: at(placed + 3000), bridgedAt: at(placed + 4000), endedAt: at(placed + 60_000), human: true, outcome: 'answered', talkSeconds: 50 });
    }
    await ds.getRepository(DialCallEntity).insert(calls);
    const handledOn = (zoneStart: string, zoneEnd: string) => calls.filter((c) => c.placedAt.getTime() >= Date.parse(zoneStart) && c.placedAt.getTime() < Date.parse(zoneEnd)).length;
    const callsOn = async (day: string) => Number(((await get(`/api/reports/agent-performance?from=${day}&agentId=${agent.id}`).expect(200)).body as ReportTable).rows[0]?.calls ?? 0);
    const zonesHeld = async () => [...new Set((await ds.query(`SELECT DISTINCT zone FROM report_call_days`)).map((r: { zone: string }) => r.zone))];

    await t.get(ReportRollups).run();
    // New York's 9 December runs 05:00Z to 05:00Z.
    expect(await callsOn('2026-12-09')).toBe(handledOn('2026-12-09T05:00:00Z', '2026-12-10T05:00:00Z'));
    expect(await zonesHeld()).toEqual(['America/New_York']);

    await t.http.put('/api/settings').set(admin.auth).send({ defaultTimezone: 'America/Los_Angeles' }).expect(200);
    try {
      // Before the job runs, the hours answer, cut at Los Angeles' midnights (08:00Z).
      expect(await callsOn('2026-12-09')).toBe(handledOn('2026-12-09T08:00:00Z', '2026-12-10T08:00:00Z'));
      await t.get(ReportRollups).run();
      expect(await zonesHeld()).toEqual(['America/Los_Angeles']);
      expect(await callsOn('2026-12-09')).toBe(handledOn('2026-12-09T08:00:00Z', '2026-12-10T08:00:00Z'));
      const [days] = await ds.query(`SELECT SUM(handled) AS handled FROM report_call_days WHERE agent_id = '${agent.id}'`);
      expect(Number(days.handled)).toBe(calls.length);
    } finally {
      await t.http.put('/api/settings').set(admin.auth).send({ defaultTimezone: 'America/New_York' }).expect(200);
    }
  });

  it.each([
    ['from=2026-02-30', 'from'],
    ['from=2026-12-02&to=2026-12-01', 'to'],
    ['from=2025-01-01&to=2026-12-01', 'to'],
    ['queueId=nope', 'queueId'],
    [`queueId=${randomUUID()}`, 'queueId'],
    [`agentId=${randomUUID()}`, 'agentId'],
    ['groupBy=week', 'groupBy'],
    ['groupBy=hour-of-day', 'groupBy'],
    ['format=xml', 'format'],
  ])('refuses %s naming %s', async (query, field) => {
    const res = await get(`/api/reports/agent-performance?${query}`).expect(400);
    expect((res.body.fields as Array<{ field: string }>).map((f) => f.field)).toContain(field);
  });

  it('is for supervisors and admins only', async () => {
    const agent = await signIn(t, 'agent');
    await t.http.get('/api/reports/campaign-summary').set(agent.auth).expect(403);
    const sup = await signIn(t, 'supervisor');
    await t.http.get('/api/reports/campaign-summary?groupBy=hour-of-day').set(sup.auth).expect(200);
  });
});
