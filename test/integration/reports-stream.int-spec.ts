import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

/** Calls seeded per database: what each streams in a couple of seconds on the test machine (the embedded one runs in this process). */
const ROWS = { postgres: 200_000, mysql: 100_000, pglite: 50_000 } as const;
const DIGITS = `(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)`;

/** A full collection now, so RSS measures what is held and not garbage waiting for one. */
setFlagsFromString('--expose-gc');
const gc = (global.gc ?? runInNewContext('gc')) as () => void;

describe('report CSV streaming', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('streams the abandon evidence drill-down of many calls with bounded memory', async () => {
    t = await createTestApp({ now: '2026-12-02T12:00:00.000Z' });
    const admin = await signIn(t, 'admin');
    const n = ROWS[t.db.kind];
    const pg = t.db.kind !== 'mysql';
    // n calls, 300 ms apart from 06:00Z on 1 December (the floor's day), set-based: one statement.
    const num = `(a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d)`;
    const id = pg ? `LPAD(CAST(${num} AS TEXT), 36, '0')` : `LPAD(${num}, 36, '0')`;
    const placed = pg ? `TIMESTAMP '2026-12-01 06:00:00' + ${num} * INTERVAL '300 milliseconds'` : `TIMESTAMPADD(MICROSECOND, ${num} * 300000, TIMESTAMP '2026-12-01 06:00:00')`;
    await t.dataSource.query(
      `INSERT INTO dial_calls (conversation_id, queue_id, item_id, lead_id, agent_id, placed_at, answered_at, bridged_at, ended_at, human, outcome, talk_seconds)
       SELECT ${id}, 'q', 'i', 'l', NULL, ${placed}, ${placed}, NULL, ${placed}, TRUE, 'abandoned', NULL
       FROM ${DIGITS} a, ${DIGITS} b, ${DIGITS} c, ${DIGITS} e, ${DIGITS} f, ${DIGITS} g WHERE ${num} < ${n}`,
    );
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    gc();
    const base = process.memoryUsage().rss;
    let peak = base;
    let lines = 0;
    let tail = '';
    let chunks = 0;
    const res = await fetch(`http://127.0.0.1:${port}/api/reports/abandon-evidence?from=2026-12-01&drill=day&format=csv`, { headers: admin.auth });
    expect(res.status).toBe(200);
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const text = tail + decoder.decode(chunk, { stream: true });
      const parts = text.split('\r\n');
      tail = parts.pop() ?? '';
      lines += parts.length;
      if (++chunks % 50 === 0) gc();
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(lines).toBe(n + 1); // the header and one line per call
    const growthMiB = (peak - base) / 2 ** 20;
    // Held whole, the rows would take several hundred MiB; streamed a page at a time, the growth stays small.
    process.stdout.write(`report stream: ${n} rows on ${t.db.kind}, RSS growth ${growthMiB.toFixed(1)} MiB\n`);
    expect(growthMiB).toBeLessThan(96);
  }, 300_000);
});
