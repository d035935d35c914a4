import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { secretWeakness, type SecretKind } from './secret-strength.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.data', 'coverage']);
const TEXT_FILE = /(\.(ts|mts|cts|js|mjs|cjs|json|md|ya?ml|svelte|sh|example|env)|Dockerfile|\/\.ci\/[^/]+)$/;
const SECRET_VARIABLES: Record<string, SecretKind> = { JWT_SECRET: 'text', SECRETS_KEY: 'hex-key', TWILIO_AUTH_TOKEN: 'text', TWILIO_API_KEY_SECRET: 'text', ADMIN_PASSWORD: 'password' };

interface Found {
  where: string;
  value: string;
  kind: SecretKind;
}

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (TEXT_FILE.test(path)) yield path;
  }
}

/** The literal a secret variable is given on a line: quoted, or unquoted outside code (`${…}` defaults are read apart). */
function assignedLiteral(rest: string, isCode: boolean): string | null {
  if (rest.startsWith('${')) return null;
  const quoted = /^(['"`])([^'"`]*)\1/.exec(rest);
  if (quoted) return quoted[2].includes('${') ? null : quoted[2];
  if (isCode) return null; // an expression, not a literal
  const bare = /^[^\s,}'"#]+/.exec(rest);
  return bare ? bare[0] : null;
}

/**
 * Every literal value the repository gives a secret: the secret variables wherever they
 * are set (compose, env files, docs, tests), and string constants whose name says secret,
 * token or password.
 */
function secretsInRepository(): Found[] {
  const found: Found[] = [];
  for (const path of files(ROOT)) {
    const file = relative(ROOT, path);
    if (file === 'server/src/config/published-secrets.spec.ts') continue;
    const isCode = /\.(ts|mts|cts|js|mjs|cjs|svelte)$/.test(file);
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const where = `${file}:${i + 1}`;
        for (const m of line.matchAll(/\b(JWT_SECRET|SECRETS_KEY|TWILIO_AUTH_TOKEN|TWILIO_API_KEY_SECRET|ADMIN_PASSWORD)\b['"]?\s*[:=](?![-?])\s*/g)) {
          const value = assignedLiteral(line.slice((m.index ?? 0) + m[0].length), isCode);
          if (value) found.push({ where, value, kind: SECRET_VARIABLES[m[1]] });
        }
        for (const m of line.matchAll(/\$\{(JWT_SECRET|SECRETS_KEY|TWILIO_AUTH_TOKEN|TWILIO_API_KEY_SECRET|ADMIN_PASSWORD):-([^}]*)\}/g)) {
          if (m[2]) found.push({ where, value: m[2], kind: SECRET_VARIABLES[m[1]] });
        }
        if (!isCode) return;
        // A password written here could be some first admin's ADMIN_PASSWORD: judged as one.
        for (const m of line.matchAll(/(?<![\w$])[\w$]*?(secret|token|password)[\w$]*\s*[:=]\s*(['"`])([^'"`\n]+)\2/gi)) {
          if (!m[3].includes('${')) found.push({ where, value: m[3], kind: /password/i.test(m[1]) ? 'password' : 'text' });
        }
      });
  }
  return found.filter((f, i) => found.findIndex((g) => g.where === f.where && g.value === f.value) === i);
}

describe('published secrets', () => {
  const found = secretsInRepository();

  it('finds the secret values written in the repository (the scan works)', () => {
    expect(found).toContainEqual({ where: expect.stringMatching(/^test\/support\/app\.ts:\d+$/), value: 'test-secret-test-secret-test-secret-0123456789', kind: 'text' });
    expect(found.some((f) => f.where.startsWith('server/src/telephony/voice-tokens.spec.ts'))).toBe(true);
    // A constant named only PASSWORD (or a bare `password:` field) is read too.
    expect(found.some((f) => f.kind === 'password' && /^test\/.+:\d+$/.test(f.where))).toBe(true);
  });

  it('no secret value written anywhere in the repository would be accepted in production', () => {
    const accepted = found.filter((f) => secretWeakness(f.value, f.kind) === null).map((f) => `${f.where}: "${f.value}" — add it to published-secrets.ts`);
    expect(accepted).toEqual([]);
  });
});
