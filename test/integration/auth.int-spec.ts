import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import type { LoginResponse, TokenPair } from '#shared';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, signIn, TEST_PASSWORD } from '../support/factories.js';

/** A route that forgot to declare who may call it: the guard must refuse everyone. */
@Controller('probe')
class UndeclaredProbeController {
  @Get()
  get(): string {
    return 'should never be served';
  }
}

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ controllers: [UndeclaredProbeController] });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('login', () => {
    it('returns an access token, a refresh token and the user', async () => {
      const user = await createUser(t, 'agent', { email: 'Login.Case@Example.test' });
      const res = await t.http.post('/api/auth/login').send({ email: 'login.case@example.test', password: TEST_PASSWORD }).expect(200);
      const body = res.body as LoginResponse;
      expect(body.user).toEqual({ id: user.id, email: 'login.case@example.test', name: user.name, role: 'agent', permissions: ['schedules.view'], customPermissions: false, active: true, createdAt: '2026-03-02T15:00:00.000Z' });
      expect(body.accessToken.split('.')).toHaveLength(3);
      expect(body.expiresIn).toBe(900);
      expect(new Date(body.refreshExpiresAt).getTime()).toBe(t.clock.now().getTime() + 14 * 86_400_000);
      const me = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${body.accessToken}`).expect(200);
      expect(me.body.id).toBe(user.id);
    });

    it('refuses a wrong password and an unknown user alike, without saying which', async () => {
      const user = await createUser(t, 'agent');
      const wrong = await t.http.post('/api/auth/login').send({ email: user.email, password: 'not the password' }).expect(401);
      const unknown = await t.http.post('/api/auth/login').send({ email: 'nobody@example.test', password: 'whatever1' }).expect(401);
      expect(wrong.body).toMatchObject({ statusCode: 401, code: 'INVALID_CREDENTIALS', message: 'Email or password is incorrect' });
      expect(unknown.body).toMatchObject({ code: 'INVALID_CREDENTIALS', message: wrong.body.message });
      expect(JSON.stringify(wrong.body)).not.toMatch(/stack|at \w+ \(/);
    });

    it('refuses a deactivated user', async () => {
      const admin = await signIn(t, 'admin');
      const user = await createUser(t, 'agent');
      await t.http.patch(`/api/users/${user.id}`).set(admin.auth).send({ active: false }).expect(200);
      await t.http.post('/api/auth/login').send({ email: user.email, password: TEST_PASSWORD }).expect(401);
    });
  });

  describe('refresh', () => {
    it('rotates the refresh token; the old one then fails and revokes the whole session', async () => {
      const session = await signIn(t, 'agent');
      t.clock.advance(60_000);
      const first = await t.http.post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(200);
      const pair = first.body as TokenPair;
      expect(pair.refreshToken).not.toBe(session.refreshToken);
      expect(pair.accessToken).not.toBe(session.accessToken);

      // Replaying the rotated token is treated as theft: it fails, and so does its successor.
      const replay = await t.http.post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
      expect(replay.body.code).toBe('INVALID_REFRESH_TOKEN');
      await t.http.post('/api/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
    });

    it('refuses an expired refresh token and an unknown one', async () => {
      const session = await signIn(t, 'agent');
      t.clock.advance(14 * 86_400_000 + 1);
      await t.http.post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
      await t.http.post('/api/auth/refresh').send({ refreshToken: 'x'.repeat(43) }).expect(401);
    });

    it('logout revokes the refresh token', async () => {
      const session = await signIn(t, 'agent');
      await t.http.post('/api/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
      await t.http.post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
    });
  });

  describe('guards', () => {
    it('no token → 401; garbage or forged token → 401', async () => {
      const none = await t.http.get('/api/users').expect(401);
      expect(none.body.code).toBe('UNAUTHENTICATED');
      await t.http.get('/api/users').set('Authorization', 'Bearer not-a-jwt').expect(401);
      const session = await signIn(t, 'admin');
      const [h, p] = session.accessToken.split('.');
      const tamperedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'admin', sub: 'someone-else' })).toString('base64url');
      await t.http.get('/api/users').set('Authorization', `Bearer ${h}.${tamperedPayload}.${session.accessToken.split('.')[2]}`).expect(401);
    });

    it('an expired access token → 401', async () => {
      const session = await signIn(t, 'admin');
      t.clock.advance(901_000);
      const res = await t.http.get('/api/users').set(session.auth).expect(401);
      expect(res.body.message).toMatch(/expired/);
    });

    it('agent → 403 on an admin route; supervisor may list users but not create them; admin may', async () => {
      const agent = await signIn(t, 'agent');
      const supervisor = await signIn(t, 'supervisor');
      const admin = await signIn(t, 'admin');
      const newUser = { email: 'new.agent@example.test', name: 'New Agent', role: 'agent', password: 'long enough pw' };

      const denied = await t.http.post('/api/users').set(agent.auth).send(newUser).expect(403);
      expect(denied.body).toMatchObject({ code: 'FORBIDDEN', message: 'This action needs one of the roles: admin' });
      await t.http.get('/api/users').set(agent.auth).expect(403);
      await t.http.get('/api/users').set(supervisor.auth).expect(200);
      await t.http.post('/api/users').set(supervisor.auth).send(newUser).expect(403);
      const created = await t.http.post('/api/users').set(admin.auth).send(newUser).expect(201);
      expect(created.body).toMatchObject({ email: 'new.agent@example.test', role: 'agent', active: true });
      expect(created.body.passwordHash).toBeUndefined();
      const dup = await t.http.post('/api/users').set(admin.auth).send(newUser).expect(409);
      expect(dup.body.fields).toEqual([{ field: 'email', message: 'is already registered' }]);
    });

    it('a route that declares no roles is refused even to an admin (deny by default)', async () => {
      const admin = await signIn(t, 'admin');
      const res = await t.http.get('/api/probe').set(admin.auth).expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });
  });
});
