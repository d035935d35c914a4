import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POSTGRES_MIGRATIONS } from '../../migrations/postgres/index.js';
import type { LoginResponse } from '#shared';
import { spawnTs, type Spawned } from '../support/process.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-process-'));
const running: Spawned[] = [];
afterAll(() => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('the server as a process', () => {
  it('stops at boot with a message naming a bad variable', async () => {
    const p = spawnTs('server/src/main.ts', [], { PORT: 'eighty', LOG_LEVEL: 'silent', PGLITE_DATA_DIR: join(dir, 'unused') });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toContain('PORT: expected a whole number (got "eighty")');
    expect(existsSync(join(dir, 'unused'))).toBe(false);
  }, 60_000);

  it('refuses to start in production with a published or weak secret, naming each variable and echoing none', async () => {
    const published = 'change-me-change-me-change-me-change-me';
    const weak = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const p = spawnTs('server/src/main.ts', [], { NODE_ENV: 'production', JWT_SECRET: published, SECRETS_KEY: '0'.repeat(64), TWILIO_ACCOUNT_SID: `AC${'1f'.repeat(16)}`, TWILIO_AUTH_TOKEN: weak, LOG_LEVEL: 'silent', PGLITE_DATA_DIR: join(dir, 'weak') });
    expect(await p.exited).toBe(1);
    const err = p.stderr();
    expect(err).toContain('Invalid configuration:');
    expect(err).toMatch(/- JWT_SECRET: is a published value/);
    expect(err).toMatch(/- SECRETS_KEY: is a published value/);
    expect(err).toMatch(/- TWILIO_AUTH_TOKEN: is a run of consecutive characters/);
    expect(err).not.toContain(published);
    expect(err).not.toContain(weak);
    expect(err).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(existsSync(join(dir, 'weak'))).toBe(false);
  }, 60_000);

  it('starts on the embedded database, refuses a second server on the same data, and shuts down cleanly', async () => {
    const data = join(dir, 'pglite');
    const env = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', PGLITE_DATA_DIR: data };
    const first = spawnTs('server/src/main.ts', [], env);
    running.push(first);
    const [, url] = await first.waitFor(/Switchboard is running at (http:\/\/\S+)/, 60_000);
    expect(first.stderr()).toContain('agent      agent@switchboard.local');
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'supervisor@switchboard.local', password: 'switchboard-demo' }),
    });
    expect(login.status).toBe(200);
    expect(((await login.json()) as LoginResponse).user.role).toBe('supervisor');

    const second = spawnTs('server/src/main.ts', [], env);
    running.push(second);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(/is in use by process \d+/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(`${data}.lock`)).toBe(false);
  }, 90_000);

  it('in production refuses the demo users, and makes a first admin whose generated password is shown once, on the console only', async () => {
    const secrets = { NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex'), SECRETS_KEY: randomBytes(32).toString('hex') };
    const demo = spawnTs('server/src/main.ts', [], { ...secrets, SEED_DEMO: 'true', LOG_LEVEL: 'silent', PGLITE_DATA_DIR: join(dir, 'prod-demo') });
    expect(await demo.exited).toBe(1);
    expect(demo.stderr()).toMatch(/- SEED_DEMO: the demo users share a published password/);

    const data = join(dir, 'prod');
    const env = { ...secrets, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', PGLITE_DATA_DIR: data };
    const first = spawnTs('server/src/main.ts', [], env);
    running.push(first);
    const [, url] = await first.waitFor(/Switchboard is running at (http:\/\/\S+)/, 60_000);
    const [, password] = await first.waitFor(/Its password, shown this once: (\S+)/, 5_000);
    expect(first.stderr()).toContain('First admin created: admin@switchboard.local');
    expect(first.stderr()).not.toContain('agent@switchboard.local');
    expect(first.stdout()).toContain('"msg":"admin.first.created"');
    expect(first.stdout()).not.toContain(password); // the JSON log never holds it
    const signIn = (pw: string) => fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@switchboard.local', password: pw }) });
    expect((await signIn('switchboard-demo')).status).toBe(401);
    const login = await signIn(password);
    expect(login.status).toBe(200);
    expect(((await login.json()) as LoginResponse).user.role).toBe('admin');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // Started again: the admin exists, nothing new is made or shown.
    const again = spawnTs('server/src/main.ts', [], env);
    running.push(again);
    await again.waitFor(/Switchboard is running at/, 60_000);
    expect(again.stderr()).not.toContain('First admin created');
    again.child.kill('SIGTERM');
    const code = await again.exited;
    expect({ code, signal: again.signal(), tail: code === 0 ? '' : again.stderr().slice(-1500) + again.stdout().slice(-1500) }).toEqual({ code: 0, signal: null, tail: '' });
  }, 120_000);

  it('migrate and migrate:revert work on the embedded database', async () => {
    const env = { PGLITE_DATA_DIR: join(dir, 'cli'), LOG_LEVEL: 'silent' };
    const up = spawnTs('server/src/database/cli.ts', ['run'], env);
    expect(await up.exited).toBe(0);
    expect(up.stdout()).toMatch(/^applied Init\d+$/m);
    const again = spawnTs('server/src/database/cli.ts', ['run'], env);
    expect(await again.exited).toBe(0);
    expect(again.stdout()).toBe('no pending migrations\n');
    const down = spawnTs('server/src/database/cli.ts', ['revert'], env);
    expect(await down.exited).toBe(0);
    // The newest migration is the one reverted.
    const list = POSTGRES_MIGRATIONS as Array<{ name: string }>;
    const newest = list[list.length - 1].name;
    expect(down.stdout()).toBe(`reverted ${newest}\n`);
  }, 90_000);
});
