import { describe, expect, it } from '@jest/globals';
import { UserEntity } from '../../server/src/users/user.entity.js';
import { FirstAdminService } from '../../server/src/users/first-admin.service.js';
import { UsersService } from '../../server/src/users/users.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/databases.js';

const login = (t: TestApp, email: string, password: string) => t.http.post('/api/auth/login').send({ email, password });
/** A migrated database of the test's own for `body`, dropped after. */
async function onFreshDatabase(body: (db: ScratchDatabase) => Promise<void>): Promise<void> {
  const db = await createScratchDatabase(undefined, undefined, { migrated: true });
  try {
    await body(db);
  } finally {
    await db.drop();
  }
}
const admins = async (t: TestApp) => (await t.dataSource.getRepository(UserEntity).findBy({ role: 'admin' })).map((u) => u.email);

describe('the first admin of a server without the demo', () => {
  it('is created once with a generated password shown once; a restart and a second instance create nothing', async () => {
    const env = { ADMIN_EMAIL: 'Owner@Example.test' };
    await onFreshDatabase(async (db) => {
      const first = await createTestApp({ database: db, env });
      const made = first.get(FirstAdminService).created;
      expect(made).toMatchObject({ email: 'owner@example.test' });
      expect(made?.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect((await login(first, 'owner@example.test', made!.generatedPassword!)).status).toBe(200);
      expect(await admins(first)).toEqual(['owner@example.test']);
      const second = await createTestApp({ database: db, env });
      expect(second.get(FirstAdminService).created).toBeNull();
      await second.close();
      await first.close();
      const restarted = await createTestApp({ database: db, env });
      expect(restarted.get(FirstAdminService).created).toBeNull();
      expect(await admins(restarted)).toEqual(['owner@example.test']);
      // The generated password still signs in after the restart: it was stored, not re-made.
      expect((await login(restarted, 'owner@example.test', made!.generatedPassword!)).status).toBe(200);
      await restarted.close();
    });
  }, 120_000);

  it('two instances starting together on an empty database make one admin, and one of them says so', async () => {
    await onFreshDatabase(async (db) => {
      const apps = await Promise.all([0, 1].map(() => createTestApp({ database: db, env: { ADMIN_EMAIL: 'owner@example.test' } })));
      expect(apps.map((a) => a.get(FirstAdminService).created).filter(Boolean)).toHaveLength(1);
      expect(await admins(apps[0])).toEqual(['owner@example.test']);
      for (const a of apps) await a.close();
    });
  }, 120_000);

  it('takes ADMIN_PASSWORD when given, and never makes a second admin where one exists', async () => {
    await onFreshDatabase(async (db) => {
      const t = await createTestApp({ database: db, env: { ADMIN_EMAIL: 'owner@example.test', ADMIN_PASSWORD: 'a long passphrase of my own' } });
      expect(t.get(FirstAdminService).created).toEqual({ email: 'owner@example.test', generatedPassword: null });
      expect((await login(t, 'owner@example.test', 'a long passphrase of my own')).status).toBe(200);
      await t.close();
      // Another ADMIN_EMAIL later: an admin exists, so nothing is made.
      const again = await createTestApp({ database: db, env: { ADMIN_EMAIL: 'someone-else@example.test' } });
      expect(again.get(FirstAdminService).created).toBeNull();
      expect(await admins(again)).toEqual(['owner@example.test']);
      await again.close();
    });
  }, 120_000);

  it('an email that belongs to an agent is not turned into an admin', async () => {
    await onFreshDatabase(async (db) => {
      const t = await createTestApp({ database: db });
      await t.get(UsersService).create({ email: 'taken@example.test', name: 'An Agent', role: 'agent', password: 'agent-password-1' });
      await t.close();
      const again = await createTestApp({ database: db, env: { ADMIN_EMAIL: 'taken@example.test' } });
      expect(again.get(FirstAdminService).created).toBeNull();
      expect(await admins(again)).toEqual([]);
      expect((await again.dataSource.getRepository(UserEntity).findOneByOrFail({ email: 'taken@example.test' })).role).toBe('agent');
      await again.close();
    });
  }, 120_000);

  it('without ADMIN_EMAIL outside production nothing is made', async () => {
    const t = await createTestApp();
    try {
      expect(t.get(FirstAdminService).created).toBeNull();
      expect(await admins(t)).toEqual([]);
    } finally {
      await t.close();
    }
  }, 60_000);
});
