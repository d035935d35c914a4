import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../server/src/database/data-source.js';
import { ENTITIES } from '../../server/src/entities.js';
import { pendingMigrations, revertLastMigration, runMigrations, schemaDrift } from '../../server/src/database/migrator.js';
import { createScratchDatabase, testDatabaseKind, type ScratchDatabase } from '../support/databases.js';

async function tableNames(ds: DataSource): Promise<string[]> {
  const rows: Array<{ name: string }> =
    (ds.options.type === 'mysql' || ds.options.type === 'mariadb')
      ? await ds.query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()')
      : await ds.query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'");
  return rows.map((r) => r.name).sort();
}

describe('migrations', () => {
  let db: ScratchDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createScratchDatabase();
    const kind = testDatabaseKind() === 'mysql' ? 'mysql' : 'postgres';
    ds = await createDataSource({ kind, url: db.url, poolSize: 3, entities: ENTITIES });
    await ds.initialize();
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  it('run up, all the way down, and up again, ending with no drift', async () => {
    const applied = await runMigrations(ds);
    expect(applied.length).toBe(ds.migrations.length);
    await expect(pendingMigrations(ds)).resolves.toBe(false);
    expect(await tableNames(ds)).toEqual(expect.arrayContaining(['users', 'refresh_tokens', 'login_throttles', 'migrations']));

    for (let i = 0; i < ds.migrations.length; i++) await revertLastMigration(ds);
    expect((await tableNames(ds)).filter((n) => n !== 'migrations')).toEqual([]);
    await expect(pendingMigrations(ds)).resolves.toBe(true);

    await runMigrations(ds);
    await expect(pendingMigrations(ds)).resolves.toBe(false);
    await expect(schemaDrift(ds)).resolves.toEqual([]);
  });

  it('applies each migration once when two runners start together', async () => {
    const other = new DataSource(ds.options);
    await other.initialize();
    try {
      for (let i = 0; i < ds.migrations.length; i++) await revertLastMigration(ds);
      const [a, b] = await Promise.all([runMigrations(ds), runMigrations(other)]);
      expect(a.length + b.length).toBe(ds.migrations.length);
      const rows: unknown[] = await ds.query('SELECT name FROM migrations');
      expect(rows.length).toBe(ds.migrations.length);
    } finally {
      await other.destroy();
    }
  });
});
