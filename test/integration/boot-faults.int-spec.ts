import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { FirstAdminService } from '../../server/src/users/first-admin.service.js';
import { TEST_JWT_SECRET } from '../support/app.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { eventually } from '../support/eventually.js';

/**
 * A start while the database is away (restarting, failing over, or cutting connections as
 * an instance boots): the process waits and comes up when the database is back, instead
 * of ending. Only a database that stays away past START_DATABASE_WAIT_MS ends the start.
 */
describe('a start while the database is away', () => {
  let db: ScratchDatabase;
  let proxy: TcpProxy;
  const envFor = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    NODE_ENV: 'test',
    DATABASE_URL: TcpProxy.via(db.url, proxy.port),
    DATABASE_POOL_SIZE: '3',
    JWT_SECRET: TEST_JWT_SECRET,
    SEED_DEMO: 'false',
    ADMIN_EMAIL: 'owner@example.test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    ...extra,
  });

  beforeAll(async () => {
    db = await createScratchDatabase(undefined, undefined, { migrated: true });
    const target = new URL(db.url);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || (db.kind === 'mysql' ? 3306 : 5432)));
  });
  afterAll(async () => {
    await proxy?.close();
    await db?.drop();
  });

  it('waits for the database and serves once it is back, with its first admin made', async () => {
    proxy.hold();
    const refusedBefore = proxy.refused;
    let server: RunningServer | undefined;
    const starting = startServer(envFor()).then((s) => (server = s));
    // Turned away at least twice: the start was tried again rather than given up.
    await eventually('the start turned away twice', () => proxy.refused - refusedBefore >= 2, 20_000);
    expect(server).toBeUndefined();
    proxy.restore();
    await starting;
    try {
      const ready = await fetch(`${server!.url}/ready`);
      expect(ready.status).toBe(200);
      expect(server!.app.get(FirstAdminService).created).toMatchObject({ email: 'owner@example.test' });
      const login = await fetch(`${server!.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@example.test', password: 'not the password' }) });
      expect(login.status).toBe(401);
    } finally {
      await server!.stop();
    }
  }, 60_000);

  it('gives up with the connection error once START_DATABASE_WAIT_MS has passed', async () => {
    proxy.hold();
    try {
      await expect(startServer(envFor({ START_DATABASE_WAIT_MS: '1500' }))).rejects.toThrow(/connect|connection|terminated|ECONN/i);
    } finally {
      proxy.restore();
    }
  }, 60_000);
});
