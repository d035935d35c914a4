/**
 * The agent-performance report over 30 days of 200 agents.
 *
 * The whole application runs on Postgres (SB_TEST_DB picks another). `--calls` (2,000,000)
 * calls spread over the 30 days before the clock across `--agents` (200) agents and four
 * queues, and four state changes per agent and day (ready, paused, ready, offline), are
 * loaded with set-based SQL; the rollup job then builds its hours from nothing (timed), and
 * the report (30 days, by day) is asked `--rounds` (20) times over HTTP. Prints the rollup's
 * time and the report's p50/p95.
 *
 *   SB_TEST_DB=postgres node --import @swc-node/register/esm-register test/bench/reports.ts [--calls 2000000] [--agents 200] [--rounds 20]
 */
import { performance } from 'node:perf_hooks';
import { ReportRollups } from '../../server/src/reports/report-rollups.job.js';
import { ReportsService } from '../../server/src/reports/reports.service.js';
import { createTestApp } from '../support/app.js';
import { createUser, signIn } from '../support/factories.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const CALLS = Number(arg('calls', '2000000'));
const AGENTS = Number(arg('agents', '200'));
const ROUNDS = Number(arg('rounds', '20'));
process.env.SB_TEST_DB ??= 'postgres';
const DIGITS = `(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)`;
const NUM = `(a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d + 1000000 * h.d)`;
const FROM = `${DIGITS} a, ${DIGITS} b, ${DIGITS} c, ${DIGITS} e, ${DIGITS} f, ${DIGITS} g, ${DIGITS} h`;
const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const t = await createTestApp({ now: '2026-12-01T12:00:00.000Z' });
try {
  const pg = t.db.kind !== 'mysql';
  const admin = await signIn(t, 'admin');
  const agents: string[] = [];
  for (let i = 0; i < AGENTS; i++) agents.push((await createUser(t, 'agent', { name: `Bench agent ${i}` })).id);
  await t.dataSource.query(`CREATE TEMPORARY TABLE bench_agents (k int, id varchar(36))`);
  await t.dataSource.query(`INSERT INTO bench_agents (k, id) VALUES ${agents.map((id, k) => `(${k}, '${id}')`).join(', ')}`);
  const start = `TIMESTAMP '2026-11-01 12:00:00'`;
  const plus = (seconds: string) => (pg ? `${start} + (${seconds}) * INTERVAL '1 second'` : `TIMESTAMPADD(SECOND, ${seconds}, ${start})`);
  const id = (x: string) => (pg ? `LPAD(CAST(${x} AS TEXT), 36, '0')` : `LPAD(${x}, 36, '0')`);
  const span = 30 * 86_400;
  let s = performance.now();
  await t.dataSource.query(
    `INSERT INTO dial_calls (conversation_id, queue_id, item_id, lead_id, agent_id, placed_at, answered_at, bridged_at, ended_at, human, outcome, talk_seconds)
     SELECT ${id(NUM)}, CONCAT('queue-', MOD(${NUM}, 4)), 'i', 'l', ba.id, ${plus(`MOD(${NUM} * 13, ${span})`)}, ${plus(`MOD(${NUM} * 13, ${span}) + 5`)},
       CASE WHEN MOD(${NUM}, 3) = 0 THEN ${plus(`MOD(${NUM} * 13, ${span}) + 6`)} END, ${plus(`MOD(${NUM} * 13, ${span}) + 60`)},
       MOD(${NUM}, 3) = 0, CASE WHEN MOD(${NUM}, 3) = 0 THEN 'answered' ELSE 'no-answer' END, CASE WHEN MOD(${NUM}, 3) = 0 THEN 50 END
     FROM ${FROM}, bench_agents ba WHERE ba.k = MOD(${NUM}, ${AGENTS}) AND ${NUM} < ${CALLS}`,
  );
  const days = `(SELECT ${NUM} AS n FROM ${FROM} WHERE ${NUM} < 30)`;
  const change = (offset: number, from: string, to: string, reason: string | null, dur: number) =>
    `INSERT INTO agent_state_changes (id, user_id, from_state, to_state, reason, actor_id, at, duration_ms)
     SELECT ${id(`ba.k * 1000 + dd.n * 10 + ${offset}`)}, ba.id, '${from}', '${to}', ${reason ? `'${reason}'` : 'NULL'}, NULL, ${plus(`dd.n * 86400 + ${offset * 3600}`)}, ${dur}
     FROM bench_agents ba, ${days} dd`;
  await t.dataSource.query(change(1, 'offline', 'ready', null, 0));
  await t.dataSource.query(change(4, 'ready', 'paused', 'lunch', 3 * 3_600_000));
  await t.dataSource.query(change(5, 'paused', 'ready', null, 3_600_000));
  await t.dataSource.query(change(9, 'ready', 'offline', null, 4 * 3_600_000));
  console.log(`seeded ${CALLS} calls, ${AGENTS} agents × 30 days of states in ${((performance.now() - s) / 1000).toFixed(1)} s (${t.db.kind})`);
  s = performance.now();
  await t.get(ReportRollups).run();
  console.log(`rollup from nothing: ${((performance.now() - s) / 1000).toFixed(1)} s`);
  const ask = async (label: string) => {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < ROUNDS; i++) {
      s = performance.now();
      const res = await t.http.get('/api/reports/agent-performance?from=2026-11-01&to=2026-11-30').set(admin.auth).expect(200);
      times.push(performance.now() - s);
      rows = res.body.rows.length;
    }
    console.log(`agent-performance, 30 days × ${AGENTS} agents (${rows} rows), ${label}: p50 ${pct(times, 50).toFixed(0)} ms, p95 ${pct(times, 95).toFixed(0)} ms over ${ROUNDS}`);
    return pct(times, 50);
  };
  const fromDays = await ask('from the day rollups');
  // Where the time goes: the service alone (reads and the table), without HTTP and JSON.
  const service = t.get(ReportsService);
  const inProcess: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    s = performance.now();
    await service.table('agent-performance', { from: '2026-11-01', to: '2026-11-30' });
    inProcess.push(performance.now() - s);
  }
  console.log(`  of which the service (reads + table): p50 ${pct(inProcess, 50).toFixed(0)} ms`);
  // The same report read from the hours, as before the zone's days are built.
  await t.dataSource.query(`DELETE FROM report_watermarks WHERE name LIKE 'days:%'`);
  const fromHours = await ask('from the hour rollups');
  console.log(`days vs hours (p50): ${(fromHours / fromDays).toFixed(1)}× faster`);
} finally {
  await t.close();
}
