/**
 * Loads N do-not-call numbers through DncService.load (the production path: a
 * streamed file, batched inserts), then measures single lookups through the
 * database (p50/p99 over 10k numbers, half of them listed) and scrubbing a
 * 100k-number list (numbers/s, median of 5) through the database and through the
 * in-memory index, and the gate's lookups again with the index warm (a number on no
 * list is answered from memory; a listed one asks the database which lists), on
 * embedded PGlite and on Postgres.
 *
 *   node --import @swc-node/register/esm-register test/bench/dnc.ts [--count N] [--db pglite|postgres|both]
 *
 * Postgres comes from TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { Readable } from 'node:stream';
import { DncService } from '../../server/src/compliance/dnc.service.js';
import { createTestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const count = Number(arg('count', '10000000'));
const which = arg('db', 'both');
process.env.TEST_POSTGRES_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';

/** The i-th listed number: valid NANP numbers, 4M per area code from 201 (even line numbers). */
const listed = (i: number) => 1e10 + (201 + Math.floor(i / 4e6)) * 1e7 + (200 + Math.floor((i % 4e6) / 5000)) * 1e4 + (i % 5000) * 2;
/** Never listed: the odd line number next to it. */
const unlisted = (i: number) => listed(i) + 1;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(db: 'pglite' | 'postgres'): Promise<string[]> {
  process.env.SB_TEST_DB = db;
  const t = await createTestApp();
  try {
    const admin = await signIn(t, 'admin');
    const dnc = t.get(DncService);
    const list = await dnc.createList({ name: 'bench' }, null);
    let i = 0;
    const file = new Readable({
      read() {
        if (i >= count) return this.push(null);
        const lines: string[] = [];
        for (let k = 0; k < 20_000 && i < count; k++, i++) lines.push(String(listed(i)));
        this.push(lines.join('\n') + '\n');
      },
    });
    const t0 = performance.now();
    const loaded = await dnc.load(list.id, file);
    const loadS = (performance.now() - t0) / 1000;
    if (loaded.numberCount !== count) throw new Error(`loaded ${loaded.numberCount} of ${count}`);

    const lookups: number[] = [];
    for (let k = 0; k < 10_000; k++) {
      const n = Math.floor(Math.random() * count);
      const e164 = `+${k % 2 ? listed(n) : unlisted(n)}`;
      const s = performance.now();
      const hit = await dnc.lookup(e164);
      lookups.push((performance.now() - s) * 1000);
      if ((hit.length > 0) !== (k % 2 === 1)) throw new Error(`wrong answer for ${e164}`);
    }
    lookups.sort((a, b) => a - b);

    const sample = Array.from({ length: 100_000 }, (_, k) => `+${k % 2 ? listed(Math.floor(Math.random() * count)) : unlisted(Math.floor(Math.random() * count))}`);
    const rates: number[] = [];
    for (let r = 0; r < 5; r++) {
      const s = performance.now();
      const result = await dnc.scrub(sample);
      const secs = (performance.now() - s) / 1000;
      if (result.blocked.length < 40_000) throw new Error(`scrub found only ${result.blocked.length}`);
      rates.push(sample.length / secs);
    }
    rates.sort((a, b) => a - b);
    // The same scrubs through the in-memory index (built once, after the load).
    const tb = performance.now();
    await dnc.warmIndex();
    const buildS = (performance.now() - tb) / 1000;
    const warmMisses: number[] = [];
    const warmHits: number[] = [];
    for (let k = 0; k < 10_000; k++) {
      const n = Math.floor(Math.random() * count);
      const e164 = `+${k % 2 ? listed(n) : unlisted(n)}`;
      const s = performance.now();
      const hit = await dnc.lookup(e164);
      (k % 2 ? warmHits : warmMisses).push((performance.now() - s) * 1000);
      if ((hit.length > 0) !== (k % 2 === 1)) throw new Error(`wrong answer for ${e164}`);
      if (k % 1000 === 999) await dnc.warmIndex(); // keep the version confirmed, as steady traffic does
    }
    warmMisses.sort((a, b) => a - b);
    warmHits.sort((a, b) => a - b);
    const indexed: number[] = [];
    for (let r = 0; r < 5; r++) {
      const s = performance.now();
      const result = await dnc.scrub(sample);
      if (result.blocked.length < 40_000) throw new Error(`indexed scrub found only ${result.blocked.length}`);
      indexed.push(sample.length / ((performance.now() - s) / 1000));
    }
    indexed.sort((a, b) => a - b);
    void admin;
    return [db, String(count), loadS.toFixed(1), Math.round(count / loadS).toString(), percentile(lookups, 50).toFixed(0), percentile(lookups, 99).toFixed(0), Math.round(rates[2]).toString(), buildS.toFixed(1), Math.round(indexed[2]).toString(), percentile(warmMisses, 50).toFixed(1), percentile(warmMisses, 99).toFixed(1), percentile(warmHits, 50).toFixed(0), percentile(warmHits, 99).toFixed(0)];
  } finally {
    await t.close();
  }
}

const table: string[][] = [['database', 'numbers', 'load s', 'load/s', 'lookup p50 µs', 'lookup p99 µs', 'scrub/s via database', 'index build s', 'scrub/s via index', 'not listed p50 µs (index)', 'p99', 'listed p50 µs (index + which lists)', 'p99']];
for (const db of ['pglite', 'postgres'] as const) if (which === 'both' || which === db) table.push(await run(db));
const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
for (const r of table) console.log(r.map((c, k) => c.padStart(widths[k])).join('  '));
process.exit(0);
