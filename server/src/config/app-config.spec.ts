import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

const base = { PGLITE_DATA_DIR: 'memory' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...base, ...env });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to the embedded database, port 3000 and demo data', () => {
    const c = loadConfig(base);
    expect(c.database.kind).toBe('pglite');
    expect(c.port).toBe(3000);
    expect(c.seedDemo).toBe(true);
    expect(c.auth.accessTtlSeconds).toBe(900);
    expect(c.auth.jwtSecret).toHaveLength(64);
  });

  it.each([
    ['postgres://u@h:5432/db', 'postgres'],
    ['postgresql://u@h/db', 'postgres'],
    ['mysql://root@h:3306/db', 'mysql'],
    ['mariadb://root@h/db', 'mysql'],
  ])('reads the database kind from DATABASE_URL %s', (url, kind) => {
    const c = loadConfig({ ...base, DATABASE_URL: url });
    expect(c.database.kind).toBe(kind);
    expect(c.seedDemo).toBe(false);
  });

  it('names each bad variable, with the value it got', () => {
    expect(problems({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_POOL_SIZE: '0' })).toEqual([
      'PORT: expected a whole number (got "abc")',
      'LOG_LEVEL: Invalid option: expected one of "debug"|"info"|"warn"|"error"|"silent" (got "loud")',
      'DATABASE_POOL_SIZE: must be at least 1 (got "0")',
    ]);
  });

  it('rejects a database URL of an unsupported kind without echoing it', () => {
    const [p] = problems({ DATABASE_URL: 'sqlite://secret-password@somewhere' });
    expect(p).toMatch(/^DATABASE_URL: expected a URL starting with postgres:/);
    expect(p).not.toContain('secret-password');
  });

  it('requires a long JWT_SECRET and a secrets key in production and never echoes them', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual(['JWT_SECRET: required when NODE_ENV=production', 'SECRETS_KEY: required when NODE_ENV=production (it encrypts integration secrets)']);
    expect(problems({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), SECRETS_KEY: 'not-hex-but-secret' })).toEqual(['SECRETS_KEY: must be 64 hex characters (a 32-byte key)']);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), SECRETS_KEY: 'ab'.repeat(32) }).integrations.secretsKey).toEqual(Buffer.from('ab'.repeat(32), 'hex'));
    expect(problems({ JWT_SECRET: 'short-secret' })).toEqual(['JWT_SECRET: must be at least 32 characters']);
  });

  it('the error message lists every problem', () => {
    expect(() => loadConfig({ ...base, PORT: '99999', SEED_DEMO: 'maybe' })).toThrow(
      /Invalid configuration:\n {2}- PORT: must be at most 65535 \(got "99999"\)\n {2}- SEED_DEMO: expected true or false/,
    );
  });
});
