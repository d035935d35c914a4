import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';
import { PUBLISHED_SECRETS } from './published-secrets.js';

/** A freshly generated secret, as `openssl rand -hex 32` makes one (never a value written in the repository). */
const generated = () => randomBytes(32).toString('hex');
/** Digits of pi: in no order and no pattern, but only ten values. */
const PI_DIGITS = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5, 0, 2, 8];

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
  it('takes the manual email senders from EMAIL_FROM and EMAIL_SENDERS, each address once, and names a bad one', () => {
    expect(loadConfig(base).email.senders).toEqual(['Switchboard <no-reply@switchboard.local>']);
    const c = loadConfig({ ...base, EMAIL_FROM: 'Acme <sales@acme.test>', EMAIL_SENDERS: ' Support <support@acme.test>, SALES@acme.test ,billing@acme.test,' });
    expect(c.email.senders).toEqual(['Acme <sales@acme.test>', 'Support <support@acme.test>', 'billing@acme.test']);
    expect(problems({ EMAIL_SENDERS: 'support@acme.test, not an address' })).toEqual([expect.stringMatching(/^EMAIL_SENDERS: expected a comma list of email addresses/)]);
  });

  it('defaults to the embedded database, port 3000 and demo data', () => {
    const c = loadConfig(base);
    expect(c.database.kind).toBe('pglite');
    expect(c.port).toBe(3000);
    expect(c.seedDemo).toBe(true);
    expect(c.auth.accessTtlSeconds).toBe(900);
    expect(c.auth.jwtSecret).toHaveLength(64);
    expect(c.auth.throttle).toEqual({ accountAddressFailures: 5, addressFailures: 20, maxDelaySeconds: 900, forgetAfterSeconds: 900 });
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

  describe('the first admin and the demo', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: generated(), SECRETS_KEY: generated() };
    const passphrase = randomBytes(12).toString('base64url');
    it('production refuses the demo users (their password is published) and makes a first admin instead', () => {
      expect(problems({ ...prod, SEED_DEMO: 'true' })).toEqual([expect.stringMatching(/^SEED_DEMO: the demo users share a published password/)]);
      const c = loadConfig({ ...prod });
      expect(c.seedDemo).toBe(false);
      expect(c.firstAdmin).toEqual({ email: 'admin@switchboard.local', password: undefined });
      // The embedded database in production: still no demo.
      expect(loadConfig({ ...prod, PGLITE_DATA_DIR: 'memory' }).seedDemo).toBe(false);
    });
    it('production refuses a published, short or patterned ADMIN_PASSWORD and never echoes it', () => {
      for (const [password, why] of [
        ['switchboard-demo', 'is a published value'],
        ['correct horse battery', 'is a published value'],
        ['Summer2027!', 'must be at least 12 characters'],
        ['abababababababab', 'is a short pattern repeated'],
        ['changeme-changeme-please', 'is a placeholder'],
      ]) {
        const found = problems({ ...prod, ADMIN_EMAIL: 'owner@example.test', ADMIN_PASSWORD: password });
        expect(found).toEqual([expect.stringContaining(`ADMIN_PASSWORD: ${why}`)]);
        expect(found.join(' ')).not.toContain(password);
      }
      expect(loadConfig({ ...prod, ADMIN_EMAIL: 'Owner@Example.test', ADMIN_PASSWORD: passphrase }).firstAdmin).toEqual({ email: 'owner@example.test', password: passphrase });
    });
    it('in development ADMIN_EMAIL replaces the demo; it is refused beside SEED_DEMO=true and ADMIN_PASSWORD needs it', () => {
      const c = loadConfig({ ...base, ADMIN_EMAIL: 'owner@example.test' });
      expect(c.seedDemo).toBe(false);
      expect(c.firstAdmin).toEqual({ email: 'owner@example.test', password: undefined });
      expect(loadConfig(base).firstAdmin).toBeNull();
      expect(problems({ SEED_DEMO: 'true', ADMIN_EMAIL: 'owner@example.test' })).toEqual([expect.stringMatching(/^ADMIN_EMAIL: the first admin is not created beside the demo users/)]);
      expect(problems({ ADMIN_PASSWORD: passphrase })).toEqual(['ADMIN_EMAIL: required with ADMIN_PASSWORD outside production']);
      expect(problems({ ADMIN_EMAIL: 'not-an-email' })).toEqual(['ADMIN_EMAIL: expected an email address (got "not-an-email")']);
    });
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
    expect(problems({ NODE_ENV: 'production', JWT_SECRET: generated(), SECRETS_KEY: 'not-hex-but-secret' })).toEqual(['SECRETS_KEY: must be 64 hex characters (a 32-byte key)']);
    const key = generated();
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: generated(), SECRETS_KEY: key }).integrations.secretsKey).toEqual(Buffer.from(key, 'hex'));
    expect(problems({ JWT_SECRET: 'short-secret' })).toEqual(['JWT_SECRET: must be at least 32 characters']);
  });

  describe('production refuses a published or weak secret, naming the variable', () => {
    const prod = (env: Record<string, string>) => problems({ NODE_ENV: 'production', JWT_SECRET: generated(), SECRETS_KEY: generated(), ...env });

    it("refuses the compose file's old defaults", () => {
      expect(prod({ JWT_SECRET: 'change-me-change-me-change-me-change-me', SECRETS_KEY: '0'.repeat(64) })).toEqual([
        'JWT_SECRET: is a published value (it appears in this project’s files or in well-known examples); generate one with `openssl rand -hex 32`',
        'SECRETS_KEY: is a published value (it appears in this project’s files or in well-known examples); generate one with `openssl rand -hex 32`',
      ]);
    });

    it.each(PUBLISHED_SECRETS.filter((p) => p.value.length >= 32).map((p) => [p.where, p.value]))('refuses the published value from %s as JWT_SECRET', (_where, value) => {
      expect(prod({ JWT_SECRET: value })).toEqual([expect.stringMatching(/^JWT_SECRET: is a published value/)]);
      expect(prod({ JWT_SECRET: value.toUpperCase() })).toEqual([expect.stringMatching(/^JWT_SECRET: is a published value/)]);
    });

    it.each([
      ['a placeholder', 'please-change-me-before-going-live-2026', /^JWT_SECRET: is a placeholder, not a secret;/],
      ['one character repeated', 'x'.repeat(40), /^JWT_SECRET: is one character repeated;/],
      ['a short pattern repeated', 'k3y!'.repeat(10), /^JWT_SECRET: is a short pattern repeated;/],
      ['a long unit written twice', generated().slice(0, 20).repeat(2), /^JWT_SECRET: is a short pattern repeated;/],
      ['a run of consecutive characters', 'abcdefghijklmnopqrstuvwxyz0123456789', /^JWT_SECRET: is a run of consecutive characters;/],
      ['too little variety', PI_DIGITS.map((d) => 'q7#Lz!m'[d % 7]).join(''), /^JWT_SECRET: has too little variety/],
    ])('refuses a JWT_SECRET that is %s', (_what, value, message) => {
      expect(prod({ JWT_SECRET: value })).toEqual([expect.stringMatching(message)]);
    });

    it.each([
      ['one byte repeated (all zeros)', '00'.repeat(32), /^SECRETS_KEY: is (a published value|one byte repeated)/],
      ['one byte repeated', 'ab'.repeat(32), /^SECRETS_KEY: is one byte repeated;/],
      ['one byte repeated, in capitals', 'FF'.repeat(32), /^SECRETS_KEY: is one byte repeated;/],
      ['a short byte pattern repeated', 'deadbeef'.repeat(8), /^SECRETS_KEY: is a short byte pattern repeated;/],
      ['a run of bytes', Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('hex'), /^SECRETS_KEY: is a run of consecutive bytes;/],
      ['too few different bytes', Buffer.from(PI_DIGITS.slice(0, 32).map((d) => d * 20)).toString('hex'), /^SECRETS_KEY: has too little variety \(too few different bytes\)/],
    ])('refuses a SECRETS_KEY that is %s', (_what, value, message) => {
      expect(prod({ SECRETS_KEY: value })).toEqual([expect.stringMatching(message)]);
    });

    it('checks the carrier secrets too, and refuses one key used for both purposes', () => {
      const sid = `AC${generated().slice(0, 32)}`;
      expect(prod({ TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 'auth-token-auth-token', TWILIO_API_KEY_SECRET: 'short-but-16-chars' })).toEqual([
        'TWILIO_AUTH_TOKEN: is a published value (it appears in this project’s files or in well-known examples); use the token the carrier issued',
        'TWILIO_API_KEY_SECRET: must be at least 32 characters; use the secret the carrier issued',
      ]);
      const shared = generated();
      expect(prod({ JWT_SECRET: shared, SECRETS_KEY: shared })).toEqual([expect.stringMatching(/^JWT_SECRET: must differ from SECRETS_KEY/)]);
    });

    it('names every bad variable at once and never echoes a value', () => {
      const weak = 'abcdefghijklmnopqrstuvwxyz0123456789';
      const found = prod({ JWT_SECRET: weak, SECRETS_KEY: 'ab'.repeat(32) });
      expect(found.map((p) => p.split(':')[0])).toEqual(['JWT_SECRET', 'SECRETS_KEY']);
      expect(found.join('\n')).not.toContain(weak);
      expect(found.join('\n')).not.toContain('abab');
    });

    it('accepts generated secrets: hex from openssl, base64, and the carrier’s 32-hex-digit tokens', () => {
      for (let i = 0; i < 200; i++) {
        const config = loadConfig({
          NODE_ENV: 'production',
          JWT_SECRET: i % 2 ? generated() : randomBytes(32).toString('base64'),
          SECRETS_KEY: generated(),
          TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
          TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
          TWILIO_API_KEY_SECRET: randomBytes(24).toString('base64url'),
        });
        expect(config.env).toBe('production');
      }
    });

    it('development and test keep working with their defaults and the test secret', () => {
      expect(loadConfig(base).env).toBe('development');
      expect(loadConfig({ ...base, NODE_ENV: 'test', JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789', SECRETS_KEY: '0'.repeat(64) }).env).toBe('test');
    });
  });

  it('the error message lists every problem', () => {
    expect(() => loadConfig({ ...base, PORT: '99999', SEED_DEMO: 'maybe' })).toThrow(
      /Invalid configuration:\n {2}- PORT: must be at most 65535 \(got "99999"\)\n {2}- SEED_DEMO: expected true or false/,
    );
  });
});
