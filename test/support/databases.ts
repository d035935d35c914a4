import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DatabaseKind } from '../../server/src/config/app-config.js';
import { EmbeddedPostgres } from '../../server/src/database/embedded-postgres.js';

export interface ScratchDatabase {
  kind: DatabaseKind;
  url: string;
  drop(): Promise<void>;
}

export const DEFAULT_URLS = {
  postgres: 'postgres://postgres@127.0.0.1:5432/test',
  mysql: 'mysql://root@127.0.0.1:3306/test',
} as const;

/** Which database this jest project runs against (set by the project's setup file). */
export function testDatabaseKind(): DatabaseKind {
  const kind = process.env.SB_TEST_DB ?? 'pglite';
  if (kind !== 'pglite' && kind !== 'postgres' && kind !== 'mysql') throw new Error(`SB_TEST_DB: unknown database "${kind}"`);
  return kind;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * A database of its own for one test file: an in-memory PGlite, or a freshly
 * created database on the Postgres or MySQL server, dropped afterwards.
 */
export async function createScratchDatabase(kind: DatabaseKind = testDatabaseKind(), poolSize = 10): Promise<ScratchDatabase> {
  if (kind === 'pglite') {
    const embedded = await EmbeddedPostgres.start({ dataDir: 'memory', maxConnections: poolSize + 2 });
    return { kind, url: embedded.url, drop: () => embedded.stop() };
  }
  const name = `sb_t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  if (kind === 'postgres') {
    const admin = process.env.TEST_POSTGRES_URL ?? DEFAULT_URLS.postgres;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    return {
      kind,
      url: withDatabase(admin, name),
      drop: async () => {
        const c = new pg.Client({ connectionString: admin });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const admin = process.env.TEST_MYSQL_URL ?? DEFAULT_URLS.mysql;
  const conn = await mysql.createConnection(admin);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  return {
    kind,
    url: withDatabase(admin, name),
    drop: async () => {
      const c = await mysql.createConnection(admin);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
