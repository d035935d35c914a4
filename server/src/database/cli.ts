/**
 * `npm run migrate` / `npm run migrate:revert`: applies pending migrations or reverts the
 * newest one on the configured database (DATABASE_URL, else the embedded one in PGLITE_DATA_DIR).
 */
import { ConfigError, loadConfig } from '../config/app-config.js';
import { createDataSource } from './data-source.js';
import { DataDirLockedError, EmbeddedPostgres } from './embedded-postgres.js';
import { revertLastMigration, runMigrations } from './migrator.js';

const command = process.argv[2];
if (command !== 'run' && command !== 'revert') {
  process.stderr.write('usage: cli.js run|revert\n');
  process.exit(2);
}

let embedded: EmbeddedPostgres | undefined;
try {
  const config = loadConfig();
  let url = config.database.url;
  if (config.database.kind === 'pglite') {
    embedded = await EmbeddedPostgres.start({ dataDir: config.database.pgliteDataDir, maxConnections: 4 });
    url = embedded.url;
  }
  const ds = await createDataSource({ kind: config.database.kind, url: url!, poolSize: 2, entities: [] });
  await ds.initialize();
  try {
    if (command === 'run') {
      const applied = await runMigrations(ds);
      process.stdout.write(applied.length ? applied.map((m) => `applied ${m.name}\n`).join('') : 'no pending migrations\n');
    } else {
      const before = (await ds.query('SELECT name FROM migrations ORDER BY id DESC')) as Array<{ name: string }>;
      if (!before.length) {
        process.stdout.write('nothing to revert\n');
      } else {
        await revertLastMigration(ds);
        process.stdout.write(`reverted ${before[0].name}\n`);
      }
    }
  } finally {
    await ds.destroy();
  }
  await embedded?.stop();
} catch (e) {
  await embedded?.stop().catch(() => undefined);
  process.stderr.write(`${e instanceof ConfigError || e instanceof DataDirLockedError ? e.message : (e as Error).stack}\n`);
  process.exit(1);
}
