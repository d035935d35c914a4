import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { schemaDrift } from '../../server/src/database/migrator.js';
import { createTestApp, type TestApp } from '../support/app.js';

describe('the server boots on this database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers liveness', async () => {
    const res = await t.http.get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is ready: database reachable and every migration applied', async () => {
    const res = await t.http.get('/ready').expect(200);
    expect(res.body).toMatchObject({ status: 'ready', database: { reachable: true, migrations: 'applied' } });
  });

  it('has a schema that matches the entities (no drift between entities and migrations)', async () => {
    await expect(schemaDrift(t.dataSource)).resolves.toEqual([]);
  });

  it('echoes a well-formed caller request id and replaces a malformed one', async () => {
    const ok = await t.http.get('/health').set('X-Request-Id', 'lb-1234.abc').expect(200);
    expect(ok.headers['x-request-id']).toBe('lb-1234.abc');
    const bad = await t.http.get('/health').set('X-Request-Id', 'bad id with spaces').expect(200);
    expect(bad.headers['x-request-id']).not.toBe('bad id with spaces');
  });

  it('serves OpenAPI docs that describe the API', async () => {
    const res = await t.http.get('/api/docs/openapi.json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/auth/refresh', '/api/users', '/health', '/ready']));
    const html = await t.http.get('/api/docs').redirects(1).expect(200);
    expect(html.text).toContain('swagger');
  });

  it('answers an unknown API route with a JSON 404', async () => {
    const res = await t.http.get('/api/no-such-thing').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });
});
