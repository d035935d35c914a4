import type { DataSource, Migration } from 'typeorm';

const LOCK_NAME = 'switchboard_migrations';
const PG_LOCK_KEY = 727_274_001; // arbitrary, fixed: the advisory-lock key for migrations

/**
 * Runs pending migrations under a database-wide lock so that several instances
 * starting together apply each migration once.
 */
export async function runMigrations(ds: DataSource): Promise<Migration[]> {
  return withMigrationLock(ds, () => ds.runMigrations({ transaction: 'each' }));
}

export async function revertLastMigration(ds: DataSource): Promise<void> {
  await withMigrationLock(ds, () => ds.undoLastMigration({ transaction: 'each' }));
}

export async function pendingMigrations(ds: DataSource): Promise<boolean> {
  return ds.showMigrations();
}

/** Serialises runners inside this process too (the embedded database has one session, where advisory locks are re-entrant). */
let inProcess: Promise<unknown> = Promise.resolve();

function withMigrationLock<T>(ds: DataSource, fn: () => Promise<T>): Promise<T> {
  const next = inProcess.then(() => withDatabaseLock(ds, fn));
  inProcess = next.catch(() => undefined);
  return next;
}

async function withDatabaseLock<T>(ds: DataSource, fn: () => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  const mysql = (ds.options.type === 'mysql' || ds.options.type === 'mariadb');
  try {
    if (mysql) {
      const rows: Array<{ got: number | string }> = await runner.query('SELECT GET_LOCK(?, 120) AS got', [LOCK_NAME]);
      if (Number(rows[0]?.got) !== 1) throw new Error('Timed out waiting for the migration lock');
    } else {
      await runner.query('SELECT pg_advisory_lock($1)', [PG_LOCK_KEY]);
    }
    return await fn();
  } finally {
    try {
      await runner.query(mysql ? 'SELECT RELEASE_LOCK(?)' : 'SELECT pg_advisory_unlock($1)', [mysql ? LOCK_NAME : PG_LOCK_KEY]);
    } finally {
      await runner.release();
    }
  }
}

/**
 * The SQL TypeORM would run to make the schema match the entities. Empty means
 * the migrations and the entities agree; anything else is drift.
 */
export async function schemaDrift(ds: DataSource): Promise<string[]> {
  const sql = await ds.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
