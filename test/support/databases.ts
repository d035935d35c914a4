import { Blob } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DatabaseKind } from '../../server/src/config/app-config.js';
import { createDataSource } from '../../server/src/database/data-source.js';
import { EmbeddedPostgres } from '../../server/src/database/embedded-postgres.js';
import { runMigrations } from '../../server/src/database/migrator.js';

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

const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations/postgres');

/**
 * An embedded database with every migration applied, dumped once per set of migrations
 * (named by their hash, in the temp directory) and loaded by each test file: starting
 * from it skips initdb and the migrations, the slow part of an embedded database's setup.
 * Two workers making it at once each write a whole file and rename it into place.
 */
async function migratedDump(): Promise<Blob> {
  const hash = createHash('sha256');
  for (const f of readdirSync(MIGRATIONS_DIR).sort()) hash.update(f).update(readFileSync(join(MIGRATIONS_DIR, f)));
  const file = join(tmpdir(), `switchboard-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    const embedded = await EmbeddedPostgres.start({ dataDir: 'memory', maxConnections: 4 });
    try {
      const ds = await createDataSource({ kind: 'pglite', url: embedded.url, poolSize: 2, entities: [] });
      await ds.initialize();
      await runMigrations(ds);
      await ds.destroy();
      const dump = await embedded.dump();
      const partial = `${file}.${process.pid}.${randomBytes(3).toString('hex')}`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, file);
      return dump;
    } finally {
      await embedded.stop();
    }
  }
}

/**
 * A database of its own for one test file: an in-memory PGlite, or a freshly
 * created database on the Postgres or MySQL server, dropped afterwards. `migrated`: an
 * embedded one starts with the migrations applied (the servers' are migrated by the app
 * as it boots, which is quick there).
 */
export async function createScratchDatabase(kind: DatabaseKind = testDatabaseKind(), poolSize = 10, options: { migrated?: boolean } = {}): Promise<ScratchDatabase> {
  if (kind === 'pglite') {
    const embedded = await EmbeddedPostgres.start({ dataDir: 'memory', maxConnections: poolSize + 2, loadDataDir: options.migrated ? await migratedDump() : undefined });
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
