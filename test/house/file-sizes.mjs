/**
 * The house keeps its files small enough to read whole: no production file (server,
 * shared, softphone; tests and specs aside) is over 400 lines. A file that grows past it
 * is split along a seam of its own. Run by `npm run lint:deps`; prints each breach and exits 1.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const LIMIT = 400;
const DIRS = ['server/src', 'shared/src', 'softphone/src'];
const SKIP = [/\.spec\.ts$/, /\/testing\//, /\.d\.ts$/];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|svelte)$/.test(name)) yield path;
  }
}

const breaches = [];
for (const dir of DIRS) {
  for (const path of files(join(ROOT, dir))) {
    const rel = relative(ROOT, path);
    if (SKIP.some((re) => re.test(rel))) continue;
    const lines = readFileSync(path, 'utf8').split('\n').length - 1;
    if (lines > LIMIT) breaches.push(`${rel}: ${lines} lines (the limit is ${LIMIT})`);
  }
}
if (breaches.length) {
  console.error(`✖ ${breaches.length} file(s) over ${LIMIT} lines:\n  ${breaches.join('\n  ')}`);
  process.exit(1);
}
console.log(`✔ no production file over ${LIMIT} lines`);
