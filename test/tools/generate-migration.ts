/**
 * Writes a migration for each dialect from the difference between the entities
 * and what the existing migrations build.
 *
 *   node --import @swc-node/register/esm-register test/tools/generate-migration.ts AddLeads
 *
 * Uses TEST_POSTGRES_URL and TEST_MYSQL_URL (defaults: the local servers); each
 * run works in a scratch database that it drops afterwards.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { createDataSource } from '../../server/src/database/data-source.js';
import { ENTITIES } from '../../server/src/entities.js';
import { runMigrations } from '../../server/src/database/migrator.js';
import { createScratchDatabase } from '../support/databases.js';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: generate-migration.ts PascalCaseName');
  process.exit(2);
}
const timestamp = Date.now();

for (const kind of ['postgres', 'mysql'] as const) {
  const scratch = await createScratchDatabase(kind);
  const ds = await createDataSource({ kind, url: scratch.url, poolSize: 2, entities: ENTITIES });
  await ds.initialize();
  try {
    await runMigrations(ds);
    const sql = await ds.driver.createSchemaBuilder().log();
    if (!sql.upQueries.length) {
      console.log(`${kind}: no changes`);
      continue;
    }
    const q = (s: string) => '`' + s.replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
    const up = sql.upQueries.map((x) => `    await queryRunner.query(${q(x.query)});`).join('\n');
    const down = [...sql.downQueries].reverse().map((x) => `    await queryRunner.query(${q(x.query)});`).join('\n');
    const cls = `${name}${timestamp}`;
    const file = `migrations/${kind}/${timestamp}-${name}.ts`;
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${cls} implements MigrationInterface {\n  name = '${cls}';\n\n  async up(queryRunner: QueryRunner): Promise<void> {\n${up}\n  }\n\n  async down(queryRunner: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
    );
    const indexFile = `migrations/${kind}/index.ts`;
    let index = readFileSync(indexFile, 'utf8');
    index = index.replace(/(import type \{ MixedList \} from 'typeorm';\n)/, `$1import { ${cls} } from './${timestamp}-${name}.js';\n`);
    index = index.replace(/= \[(.*)\];/s, (_m, inner: string) => {
      const items = inner.split(',').map((s) => s.trim()).filter(Boolean);
      items.push(cls);
      return `= [\n  ${items.join(',\n  ')},\n];`;
    });
    writeFileSync(indexFile, index);
    console.log(`${kind}: wrote ${file}`);
  } finally {
    await ds.destroy();
    await scratch.drop();
  }
}
