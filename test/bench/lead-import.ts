/**
 * Imports a generated 100k-row CSV through the HTTP API (streamed upload, then the
 * job) on embedded PGlite and on Postgres, and prints rows/s and how far the
 * process's heap grew while it ran, against the file's size.
 *
 *   node --import @swc-node/register/esm-register test/bench/lead-import.ts [--rows N] [--db pglite|postgres|both]
 *
 * Postgres comes from TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { LeadImportUploadView, LeadImportView } from '#shared';
import { LeadImportRunner } from '../../server/src/leads/import/lead-import.runner.js';
import { createTestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { streamRequest } from '../support/upload.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const rows = Number(arg('rows', '100000'));
const which = arg('db', 'both');
process.env.TEST_POSTGRES_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';

async function makeFile(): Promise<string> {
  const path = join(tmpdir(), `sb-bench-import-${process.pid}.csv`);
  const out = createWriteStream(path);
  out.write('First Name,Last Name,Phone,Email,Company,State,Tags\n');
  for (let i = 0; i < rows; i++) {
    const line = `First${i},"Last, ${i}",+1213${String(2000000 + i).padStart(7, '0')},p${i}@example.test,Company ${i % 997},CA,bench;batch-${i % 10}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return path;
}

async function run(db: 'pglite' | 'postgres', file: string): Promise<string[]> {
  process.env.SB_TEST_DB = db;
  const t = await createTestApp({ env: { IMPORT_MAX_BYTES: String(200 * 1024 * 1024) } });
  try {
    const admin = await signIn(t, 'admin');
    global.gc?.();
    const baseHeap = process.memoryUsage().heapUsed;
    let peakHeap = baseHeap;
    const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
    const size = (await stat(file)).size;
    const t0 = performance.now();
    const up = await streamRequest(t, 'POST', '/api/lead-imports?filename=bench.csv', createReadStream(file), {
      'Content-Type': 'text/csv',
      'Content-Length': String(size),
      Authorization: admin.auth.Authorization,
    });
    if (up.status !== 201) throw new Error(`upload: ${up.status} ${JSON.stringify(up.body)}`);
    const t1 = performance.now();
    const job = up.body as LeadImportUploadView;
    await t.http.post(`/api/lead-imports/${job.id}/start`).set(admin.auth).send({ columns: job.suggestedColumns, dedupe: 'skip' }).expect(202);
    await t.get(LeadImportRunner).idle();
    const t2 = performance.now();
    clearInterval(sampler);
    const done = (await t.http.get(`/api/lead-imports/${job.id}`).set(admin.auth).expect(200)).body as LeadImportView;
    if (done.status !== 'completed' || done.counts.created !== rows) throw new Error(`import ended ${done.status}: ${JSON.stringify(done.counts)} ${done.error}`);
    const mb = (n: number) => (n / 1048576).toFixed(1);
    return [db, String(rows), mb(size), ((t1 - t0) / 1000).toFixed(2), ((t2 - t1) / 1000).toFixed(2), Math.round(rows / ((t2 - t1) / 1000)).toString(), mb(peakHeap - baseHeap)];
  } finally {
    await t.close();
  }
}

const file = await makeFile();
const table: string[][] = [['database', 'rows', 'file MiB', 'upload s', 'import s', 'rows/s', 'heap growth MiB']];
try {
  for (const db of ['pglite', 'postgres'] as const) if (which === 'both' || which === db) table.push(await run(db, file));
} finally {
  await unlink(file).catch(() => undefined);
}
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
for (const r of table) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '));
process.exit(0);
