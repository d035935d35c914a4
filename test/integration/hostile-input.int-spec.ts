import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LeadView } from '#shared';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const list = (n: number, entry: string) => Array.from({ length: n }, () => entry).join(',');

describe('hostile input', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await signIn(t, 'admin');
  });
  afterAll(async () => {
    await t?.close();
  });

  const postJson = (path: string, text: string, auth = true) => {
    const r = t.http.post(path).set('Content-Type', 'application/json');
    return (auth ? r.set(admin.auth) : r).send(text);
  };
  const leadCount = async () => ((await t.http.get('/api/leads?limit=200').set(admin.auth).expect(200)).body as { items: LeadView[] }).items.length;
  const newLead = async () => (await t.http.post('/api/leads').set(admin.auth).send({ firstName: 'Ann', phones: [{ number: '+12125550199' }] }).expect(201)).body as LeadView;

  describe('bodies', () => {
    it.each([20_000, 100_000])('JSON nested %i deep → 400 naming body, at the sign-in (no token) and on leads', async (levels) => {
      const refusal = { statusCode: 400, fields: [{ field: 'body', message: 'is nested deeper than 32 levels' }] };
      expect((await postJson('/api/auth/login', `{"email":${nested(levels)},"password":"x"}`, false).expect(400)).body).toMatchObject(refusal);
      expect((await postJson('/api/leads', `{"firstName":${nested(levels)}}`).expect(400)).body).toMatchObject(refusal);
      expect((await postJson('/api/leads', nested(levels)).expect(400)).body).toMatchObject(refusal);
    });

    it('32 levels are within the limit: the DTO answers instead', async () => {
      const res = await postJson('/api/auth/login', `{"email":${nested(31)},"password":"x"}`, false).expect(400);
      expect(res.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'email' })]));
      expect(res.body.fields).not.toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body' })]));
    });

    it('too many keys, too long a list, or too many objects in a list → 400 naming what', async () => {
      const keys = `{${Array.from({ length: 10_001 }, (_, i) => `"k${i}":1`).join(',')}}`;
      expect((await postJson('/api/auth/login', keys, false).expect(400)).body.fields).toEqual([{ field: 'body', message: 'has more than 10000 keys' }]);
      expect((await postJson('/api/leads', `{"tags":[${list(100_001, '0')}]}`).expect(400)).body.fields).toEqual([{ field: 'tags', message: 'has more than 100000 entries' }]);
      expect((await postJson('/api/leads', `{"phones":[${list(1_001, '{}')}]}`).expect(400)).body.fields).toEqual([{ field: 'phones', message: 'has more than 1000 objects or lists' }]);
    });

    it('a list where the route takes an object → 400, answered at once', async () => {
      const started = Date.now();
      const res = await postJson('/api/leads', `[${list(90_000, '0')}]`).expect(400);
      expect(res.body.fields).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
      expect(Date.now() - started).toBeLessThan(2_000); // seconds of validation before
    });

    it('__proto__, constructor and prototype keys → 400 naming the key path, and nothing is written', async () => {
      const before = await leadCount();
      const login = await postJson('/api/auth/login', '{"email":"a@example.test","password":"long enough","__proto__":{"role":"admin"}}', false).expect(400);
      expect(login.body).toMatchObject({ code: 'VALIDATION_FAILED', message: '__proto__: is not an allowed field', fields: [{ field: '__proto__', message: 'is not an allowed field' }] });
      const nestedKey = await postJson('/api/leads', '{"firstName":"Ann","phones":[{"number":"+12125550101","constructor":{"prototype":{}}}]}').expect(400);
      expect(nestedKey.body.fields).toEqual([{ field: 'phones[0].constructor', message: 'is not an allowed field' }]);
      expect((await postJson('/api/leads', '{"firstName":"Ann","customFields":{"prototype":1}}').expect(400)).body.fields[0].field).toBe('customFields.prototype');
      expect((await postJson('/api/leads', '{"firstName":"Ann","\\u005f_proto__":{}}').expect(400)).body.fields[0].field).toBe('__proto__');
      expect(await leadCount()).toBe(before);
      // A value that reads "__proto__" is only text.
      await postJson('/api/leads', '{"firstName":"__proto__","phones":[{"number":"+12125550102"}]}').expect(201);
    });

    it('prototype keys in a form or a query string are refused by name too', async () => {
      const form = await t.http.post('/api/auth/login').type('form').send('email=a%40example.test&password=x&__proto__=1').expect(400);
      expect(form.body.fields).toEqual([{ field: '__proto__', message: 'is not an allowed field' }]);
      expect((await t.http.get('/api/leads?constructor=1').set(admin.auth).expect(400)).body.fields).toEqual([{ field: 'constructor', message: 'is not an allowed field' }]);
      expect((await t.http.get('/api/leads?%5F%5Fproto%5F%5F=1').set(admin.auth).expect(400)).body.fields[0].field).toBe('__proto__');
    });
  });

  describe('content types', () => {
    it.each([
      ['text/xml', '<login><email>a@example.test</email></login>'],
      ['application/xml', '<a/>'],
      ['text/plain', '{"email":"a@example.test","password":"long enough"}'],
      ['application/x-www-form-urlencoded', 'email=a%40example.test&password=long+enough'],
      ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.test\r\n--b--\r\n'],
    ])('%s to a JSON route → 415 with a JSON error body', async (type, text) => {
      const res = await t.http.post('/api/auth/login').set('Content-Type', type).send(text).expect(415);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', fields: [{ field: 'Content-Type', message: 'must be application/json' }] });
      expect((await t.http.post('/api/leads').set(admin.auth).set('Content-Type', type).send(text).expect(415)).body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('JSON in a charset other than UTF-8 → 415', async () => {
      expect((await t.http.post('/api/auth/login').set('Content-Type', 'application/json; charset=utf-16').send('{}').expect(415)).body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('the routes that read other types still take them, and refuse JSON', async () => {
      const list = (await t.http.post('/api/dnc-lists').set(admin.auth).send({ name: 'Typed' }).expect(201)).body as { id: number };
      await t.http.put(`/api/dnc-lists/${list.id}/numbers`).set(admin.auth).set('Content-Type', 'text/csv').send('2125550123\n').expect(200);
      expect((await t.http.put(`/api/dnc-lists/${list.id}/numbers`).set(admin.auth).send({ numbers: ['2125550123'] }).expect(415)).body.fields).toEqual([
        { field: 'Content-Type', message: 'must be text/plain, text/csv, application/csv or application/octet-stream' },
      ]);
      await t.http.post('/api/lead-imports').set(admin.auth).set('Content-Type', 'text/csv').send('Phone\n2125550124\n').expect(201);
      expect((await t.http.post('/api/lead-imports').set(admin.auth).set('Content-Type', 'application/xml').send('<a/>').expect(415)).body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      // A request with no body is no media type at all.
      expect((await t.http.post('/api/auth/logout').set(admin.auth).expect(400)).body.fields[0].field).toBe('refreshToken');
    });
  });

  describe('dates', () => {
    it('2027-02-30 in a query → 400 naming the field, where it used to be read as March 2', async () => {
      const lead = await newLead();
      const res = await t.http.get(`/api/leads/${lead.id}/eligibility?channel=call&at=2027-02-30T12:00:00Z`).set(admin.auth).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'at', message: expect.stringContaining('ISO 8601') }] });
      await t.http.get(`/api/leads/${lead.id}/eligibility?channel=call&at=2027-02-28T12:00:00Z`).set(admin.auth).expect(200);
      expect((await t.http.get('/api/conversations?from=2027-02-30T12:00:00Z').set(admin.auth).expect(400)).body.fields[0].field).toBe('from');
      expect((await t.http.get('/api/participant-actions?dueTo=2027-02-29T00:00:00Z').set(admin.auth).expect(400)).body.fields[0].field).toBe('dueTo');
      expect((await t.http.get('/api/opt-outs/day?date=2027-02-29').set(admin.auth).expect(400)).body.fields[0].field).toBe('date');
    });

    it('a week date or a time without an offset, which Date cannot read or reads in the server\'s zone, is refused', async () => {
      expect((await t.http.get('/api/conversations?from=2026-W10-1').set(admin.auth).expect(400)).body.fields[0].field).toBe('from');
      expect((await t.http.get('/api/conversations?to=2026-03-02T10:00:00').set(admin.auth).expect(400)).body.fields[0].field).toBe('to');
      await t.http.get('/api/conversations?from=2026-03-02T10:00:00-05:00&to=2026-03-03').set(admin.auth).expect(200);
    });

    it('2027-02-30 in a body → 400 naming the field', async () => {
      const agent = await signIn(t, 'agent');
      const reassign = await t.http.post('/api/participant-actions/reassign').set(admin.auth).send({ fromOwnerId: agent.user.id, toOwnerId: admin.user.id, dueFrom: '2027-02-30T00:00:00Z' }).expect(400);
      expect(reassign.body.fields).toEqual([{ field: 'dueFrom', message: expect.stringContaining('ISO 8601') }]);
      const lead = await newLead();
      const booked = await t.http.post('/api/callbacks').set(admin.auth).send({ leadId: lead.id, dueAt: '2027-02-30T10:00' }).expect(400);
      expect(booked.body.fields).toEqual([{ field: 'dueAt', message: expect.stringContaining('ISO 8601') }]);
      await t.http.post('/api/custom-fields').set(admin.auth).send({ key: 'renewal', label: 'Renewal', type: 'date' }).expect(201);
      const custom = await t.http.patch(`/api/leads/${lead.id}`).set(admin.auth).send({ customFields: { renewal: '2027-02-30' } }).expect(400);
      expect(custom.body.fields).toEqual([{ field: 'customFields.renewal', message: 'must be a date as YYYY-MM-DD' }]);
      await t.http.patch(`/api/leads/${lead.id}`).set(admin.auth).send({ customFields: { renewal: '2028-02-29' } }).expect(200);
    });
  });

  describe('route parameters', () => {
    it('a malformed id → 400 whose message and fields name the parameter', async () => {
      const res = await t.http.get('/api/leads/not-a-uuid').set(admin.auth).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'id: must be a UUID', fields: [{ field: 'id', message: 'must be a UUID' }] });
      const pool = '3b4c4b5e-0000-4000-8000-000000000000';
      expect((await t.http.delete(`/api/ring-pools/${pool}/numbers/nope`).set(admin.auth).expect(400)).body.fields).toEqual([{ field: 'numberId', message: 'must be a UUID' }]);
      expect((await t.http.get('/api/enrollments/lead/42').set(admin.auth).expect(400)).body.fields).toEqual([{ field: 'leadId', message: 'must be a UUID' }]);
    });

    it('a numeric id out of range or not whole → 400 naming it, never a database error', async () => {
      for (const id of ['99999999999999999999', '2147483648', '1.5', '-1', '0', 'abc']) {
        const res = await t.http.get(`/api/dnc-lists/${id}`).set(admin.auth).expect(400);
        expect(res.body.fields).toEqual([{ field: 'id', message: 'must be a positive whole number' }]);
      }
      await t.http.get('/api/dnc-lists/2147483647').set(admin.auth).expect(404);
    });
  });
});
