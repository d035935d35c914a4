import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataDirLockedError, EmbeddedPostgres } from './embedded-postgres.js';

const root = mkdtempSync(join(tmpdir(), 'sb-embedded-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('EmbeddedPostgres', () => {
  it('keeps data across restarts and refuses a second opener of the same directory', async () => {
    const dir = join(root, 'db1');
    const first = await EmbeddedPostgres.start({ dataDir: dir, maxConnections: 3 });
    try {
      await query(first.url, 'CREATE TABLE t (v int); INSERT INTO t VALUES (7)');
      await expect(EmbeddedPostgres.start({ dataDir: dir, maxConnections: 3 })).rejects.toBeInstanceOf(DataDirLockedError);
      // The held lock names this process.
      await expect(EmbeddedPostgres.start({ dataDir: dir, maxConnections: 3 })).rejects.toThrow(String(process.pid));
    } finally {
      await first.stop();
    }
    expect(existsSync(`${dir}.lock`)).toBe(false);
    const second = await EmbeddedPostgres.start({ dataDir: dir, maxConnections: 3 });
    try {
      await expect(query<{ v: number }>(second.url, 'SELECT v FROM t')).resolves.toEqual([{ v: 7 }]);
    } finally {
      await second.stop();
    }
    // Two on-disk starts (the first creates the database cluster): CPU-bound work that takes
    // a few seconds alone and over a minute beside the rest of the suite on two cores.
  }, 180_000);

  it('takes over a lock left by a process that is gone', async () => {
    const dir = join(root, 'db2');
    writeFileSync(`${dir}.lock`, '999999999');
    const db = await EmbeddedPostgres.start({ dataDir: dir, maxConnections: 2 });
    await db.stop();
  });

  it("never runs one connection's statement with another's parameters when their queries interleave", async () => {
    const db = await EmbeddedPostgres.start({ dataDir: 'memory', maxConnections: 4 });
    const clients = Array.from({ length: 4 }, () => new pg.Client({ connectionString: db.url }));
    try {
      await Promise.all(clients.map((c) => c.connect()));
      // Parameterised queries of different shapes go through Parse/Bind/Execute/Sync batches;
      // half the connections wrap theirs in transactions, which pin the shared session.
      const runs = clients.map(async (c, i) => {
        const wrong: string[] = [];
        for (let k = 0; k < 60; k++) {
          if (i < 2) await c.query('BEGIN');
          const r = i % 2 ? await c.query('SELECT $1::int * 2 AS v, $2::text AS who', [k, `c${i}`]) : await c.query("SELECT $1::text || '!' AS v", [`c${i}-${k}`]);
          const got = i % 2 ? `${r.rows[0].v}/${r.rows[0].who}` : r.rows[0].v;
          const want = i % 2 ? `${k * 2}/c${i}` : `c${i}-${k}!`;
          if (i < 2) await c.query('COMMIT');
          if (got !== want) wrong.push(`${got} != ${want}`);
        }
        return wrong;
      });
      expect((await Promise.all(runs)).flat()).toEqual([]);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
      await db.stop();
    }
  });

  it('serves as many connections as it was asked to', async () => {
    const db = await EmbeddedPostgres.start({ dataDir: 'memory', maxConnections: 4 });
    const clients = Array.from({ length: 4 }, () => new pg.Client({ connectionString: db.url }));
    try {
      await Promise.all(clients.map((c) => c.connect()));
      const rows = await Promise.all(clients.map((c, i) => c.query(`SELECT ${i} AS n`)));
      expect(rows.map((r) => r.rows[0].n)).toEqual([0, 1, 2, 3]);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
      await db.stop();
    }
  });
});
