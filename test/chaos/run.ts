/**
 * The chaos suite: three Switchboard processes on one PostgreSQL (then MariaDB) database
 * and Redis, draining a schedule while the harness kills them, cuts their database
 * connections and has the database end their sessions. Prints the figures and exits 1
 * when a check fails. See "Chaos suite" in docs/ARCHITECTURE.md.
 *
 *   npm run test:chaos
 *   node --import @swc-node/register/esm-register test/chaos/run.ts [--db postgres|mysql|both]
 *     [--leads 1500] [--mysql-leads 800] [--agent-tasks 24] [--max-chaos-seconds 150]
 *
 * Databases come from TEST_POSTGRES_URL and TEST_MYSQL_URL (the test suite's defaults
 * otherwise), Redis from REDIS_URL (default redis://127.0.0.1:6379).
 */
import type { ChaosDatabase } from './cluster.js';
import { type Report, runScenario } from './scenario.js';

// The harness reads the database's zone-less timestamps as UTC, as the app does.
process.env.TZ = 'UTC';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const which = arg('db', 'both');
const kinds: ChaosDatabase[] = which === 'both' ? ['postgres', 'mysql'] : [which as ChaosDatabase];
const LEASE_MS = 10_000;

function print(r: Report): boolean {
  const out: string[] = [];
  out.push(`\n== chaos on ${r.kind}: setup ${r.seconds.setup.toFixed(0)} s, drain under faults ${r.seconds.drain.toFixed(0)} s, settle ${r.seconds.settle.toFixed(0)} s`);
  const width = Math.max(...Object.keys(r.figures).map((k) => k.length));
  for (const [k, v] of Object.entries(r.figures)) out.push(`  ${k.padEnd(width)}  ${v}`);
  for (const c of r.checks) out.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  if (r.checks.some((c) => !c.ok)) for (const d of r.details) out.push(`    ${d}`);
  console.log(out.join('\n'));
  return r.checks.every((c) => c.ok);
}

async function main(): Promise<number> {
  let ok = true;
  for (const kind of kinds) {
    const leads = Number(kind === 'mysql' ? arg('mysql-leads', '800') : arg('leads', '1500'));
    console.log(`\n== chaos on ${kind}: ${leads} leads, three instances, lease ${LEASE_MS} ms`);
    const report = await runScenario(
      kind,
      { leads, agentTasks: Number(arg('agent-tasks', '24')), maxChaosMs: Number(arg('max-chaos-seconds', '150')) * 1000, settleMs: 90_000, leaseMs: LEASE_MS, takeoverMarginMs: 6_000 },
      (line) => console.log(line),
    );
    ok = print(report) && ok;
  }
  console.log(ok ? '\nchaos suite passed' : '\nchaos suite FAILED');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error((e as Error).stack ?? String(e));
    process.exit(1);
  },
);
