/**
 * The house rule dependency checks cannot see: a room's tables are read and written only
 * by its repositories. Outside `*.repository.ts` (and the database room itself), no server
 * file injects the DataSource, runs SQL or reaches TypeORM repositories or the manager.
 * Services open a unit of work with `Transactions` and pass its manager to repositories.
 * Run by `npm run lint:deps`; prints each breach with its line and exits 1.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const SERVER = join(ROOT, 'server/src');
const ALLOWED = [/\.repository\.ts$/, /\.spec\.ts$/, /^database\//, /\.entity\.ts$/];
const BREACHES = [
  [/\bInjectDataSource\b/, 'injects the DataSource'],
  [/import\s*\{[^}]*\bDataSource\b[^}]*\}\s*from\s*'typeorm'/, 'imports the DataSource'],
  [/\.query\(\s*[`'"]/, 'runs SQL'],
  [/\bcreateQueryBuilder\(/, 'builds a query'],
  [/\.getRepository\(/, "reaches a table's TypeORM repository"],
  [/\bds\.manager\b|\bdataSource\.manager\b/, "uses the DataSource's manager"],
];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (name.endsWith('.ts')) yield path;
  }
}

const found = [];
for (const path of files(SERVER)) {
  const rel = relative(SERVER, path);
  if (ALLOWED.some((re) => re.test(rel))) continue;
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (/^\s*(\*|\/\/)/.test(line)) return;
    for (const [re, what] of BREACHES) if (re.test(line)) found.push(`server/src/${rel}:${i + 1}: ${what} outside a repository`);
  });
}
if (found.length) {
  process.stderr.write(`${found.join('\n')}\n\n${found.length} breach(es) of "tables only through their room's repositories" (docs/ARCHITECTURE.md, house rules)\n`);
  process.exit(1);
}
process.stdout.write('✔ tables are reached only through repositories\n');
