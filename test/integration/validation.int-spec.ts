import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

describe('bad input', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await signIn(t, 'admin');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a malformed body → 400 naming each field', async () => {
    const res = await t.http.post('/api/users').set(admin.auth).send({ email: 'not-an-email', name: 'X', role: 'janitor', password: 'short' }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.fields).toEqual(
      expect.arrayContaining([
        { field: 'email', message: 'must be an email address' },
        { field: 'role', message: 'must be one of admin, supervisor, agent' },
        { field: 'password', message: 'must be at least 8 characters' },
      ]),
    );
    expect(res.body.message).toContain('email: must be an email address');
  });

  it('a missing field is named', async () => {
    const res = await t.http.post('/api/auth/login').send({ email: 'a@example.test' }).expect(400);
    expect(res.body.fields).toEqual([{ field: 'password', message: 'is required' }]);
    expect(res.body.message).toBe('password: is required');
  });

  it('unknown fields are rejected, and nothing is written', async () => {
    const before = (await t.http.get('/api/users').set(admin.auth).expect(200)).body.length;
    const res = await t.http
      .post('/api/users')
      .set(admin.auth)
      .send({ email: 'sneaky@example.test', name: 'Sneaky', role: 'agent', password: 'long enough pw', isSuperuser: true })
      .expect(400);
    expect(res.body.fields).toEqual([{ field: 'isSuperuser', message: 'is not an allowed field' }]);
    const after = (await t.http.get('/api/users').set(admin.auth).expect(200)).body.length;
    expect(after).toBe(before);
  });

  it('malformed JSON → 400 with the body named, and no stack trace', async () => {
    const res = await t.http.post('/api/auth/login').set('Content-Type', 'application/json').send('{"email": ').expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, fields: [{ field: 'body', message: 'malformed JSON' }] });
    expect(JSON.stringify(res.body)).not.toMatch(/SyntaxError|at JSON\.parse|node_modules/);
  });

  it('a body over the size limit → 413', async () => {
    const res = await t.http.post('/api/auth/login').send({ email: 'a@example.test', password: 'x'.repeat(1_100_000) }).expect(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a malformed path id → 400', async () => {
    const res = await t.http.get('/api/users/not-a-uuid').set(admin.auth).expect(400);
    expect(res.body.statusCode).toBe(400);
  });
});
