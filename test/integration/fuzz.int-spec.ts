import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

/**
 * Every route in the OpenAPI document (and the few public ones kept out of it) gets random
 * and hostile requests as a signed-in admin: bodies nested past any sane depth, huge
 * arrays, prototype keys, wrong types, odd strings, impossible dates, text that is not
 * JSON, content types the route does not read, and random path parameters and queries.
 * Whatever comes back must not be a 5xx, and an error must be the house JSON error body.
 * The seed is fixed, so a failure names a request that can be sent again.
 */

const SEED = 20_2611;
/** About 7,000 requests in all: some 30 s on the embedded database. */
const RUNS_PER_OPERATION = 40;

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Schema;
}

interface Operation {
  method: string;
  path: string;
  params: Parameter[];
  /** The body types the route reads, the first being the one it documents as its own. */
  bodyTypes: string[];
  bodySchema?: Schema;
  /** Pages for people in a browser (unsubscribe, tracking): their own errors are HTML by design. */
  htmlPages?: boolean;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema?: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

interface FuzzRequest {
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was sent, short enough to read in a failure. */
  summary: string;
}

interface Reply {
  status: number;
  contentType: string;
  text: string;
}

/** Public routes the document leaves out (the carrier's webhooks, links in emails); each reads forms. */
const HIDDEN: Operation[] = [
  ...['webhooks/call-status', 'webhooks/sms-status', 'webhooks/recording', 'webhooks/voice', 'webhooks/sms', 'twiml/bridge', 'twiml/inbound-fallback'].map((p) => ({
    method: 'post',
    path: `/api/telephony/${p}`,
    params: [{ name: 'c', in: 'query' as const }],
    bodyTypes: ['application/x-www-form-urlencoded'],
  })),
  ...['/api/unsubscribe/{token}', '/api/interest/{token}'].flatMap((path) => ['get', 'post'].map((method) => ({ method, path, params: [{ name: 'token', in: 'path' as const }], bodyTypes: ['application/x-www-form-urlencoded'], htmlPages: true }))),
  ...['/api/t/o/{token}', '/api/t/c/{token}'].map((path) => ({ method: 'get', path, params: [{ name: 'token', in: 'path' as const }], bodyTypes: [], htmlPages: true })),
];

// ── values ──────────────────────────────────────────────────────────────────────────

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u202e\u0000\ufeff',
  '💥'.repeat(50),
  'a'.repeat(5000),
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e999',
  '0x1F',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  "' OR '1'='1' --",
  '"; DROP TABLE leads; --',
  '<script>alert(1)</script>',
  '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
  '${7*7}{{7*7}}',
  '%00%2e%2e%2f',
  '\\',
  '{"a":1}',
  'me',
  'anyone',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '+12125550100',
  '+1 (212) 555-0100',
  '+999999999999999999999',
  'someone@example.test',
  '@',
  'America/Not_A_Zone',
  'America/Chicago',
  '25:61',
  '09:00',
  'US-ZZ',
  'http://169.254.169.254/latest/meta-data/',
  'javascript:alert(1)',
];

const ODD_DATES = [
  '2027-02-30T12:00:00Z',
  '2027-02-29',
  '2027-13-01T00:00:00Z',
  '2027-02-28T24:00:00Z',
  '2026-W10-1',
  '2026-061',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59-14:00',
  '+275760-09-13T00:00:00Z',
  '2026-03-02T15:00:00',
  '2026-03-02T15:00:00Z',
  '2026-03-03',
  'yesterday',
  '1772463600000',
];

const ODD_NUMBERS = [0, -1, 1, 1.5, -0.0001, 2 ** 31, 2 ** 31 - 1, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, Number.MIN_VALUE];

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(...ODD_STRINGS, ...ODD_DATES, ...ODD_NUMBERS, null, true, false),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer(),
  fc.double(),
);

/** Any JSON value, a few levels deep, prototype keys among the keys. */
const anything: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'status')), tie('v'), { maxKeys: 4 }),
  ),
})).v;

function resolve(doc: OpenApiDocument, schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s?.$ref && i < 10; i++) s = doc.components.schemas[s.$ref.replace('#/components/schemas/', '')];
  if (s?.allOf?.length) return resolve(doc, { ...s, allOf: undefined, ...Object.assign({}, ...s.allOf.map((x) => resolve(doc, x))) });
  return s;
}

/** Values shaped like the schema most of the time, anything at all the rest. */
function valueFor(doc: OpenApiDocument, schema: Schema | undefined, ids: IdPool, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (!s || depth > 5) return anything;
  const shaped = shapedFor(doc, s, ids, depth);
  return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: anything });
}

function shapedFor(doc: OpenApiDocument, s: Schema, ids: IdPool, depth: number): fc.Arbitrary<unknown> {
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  if (s.oneOf?.length || s.anyOf?.length) return fc.oneof(...(s.oneOf ?? s.anyOf ?? []).map((x) => valueFor(doc, x, ids, depth + 1)));
  if (s.format === 'uuid') return ids.arbitrary();
  if (s.format === 'date-time' || s.format === 'date') return fc.constantFrom(...ODD_DATES);
  switch (s.type) {
    case 'string':
      return fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...ODD_STRINGS, ...ODD_DATES), ids.arbitrary());
    case 'integer':
      return fc.oneof(fc.integer({ min: -5, max: 100 }), fc.constantFrom(...ODD_NUMBERS));
    case 'number':
      return fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(...ODD_NUMBERS));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueFor(doc, s.items, ids, depth + 1), { maxLength: 5 });
    default: {
      if (!s.properties) return anything;
      const record = fc.record(Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, valueFor(doc, v, ids, depth + 1)])), { requiredKeys: (s.required ?? []).filter((k) => k in s.properties!) });
      // Now and then a key the DTO does not have, a prototype key among them.
      return fc.tuple(record, fc.option(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', 'role', ''), anything), { freq: 6 })).map(([r, extra]) => {
        const out = { ...(r as Record<string, unknown>) };
        if (extra) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true });
        return out;
      });
    }
  }
}

/** Ids seen in replies (so some requests reach real rows), mixed with random and broken ones. */
class IdPool {
  readonly seen: string[] = [];
  constructor(private readonly excluded: Set<string>) {}

  add(id: unknown): void {
    if (typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) && !this.excluded.has(id) && !this.seen.includes(id)) this.seen.push(id);
  }

  arbitrary(): fc.Arbitrary<string> {
    // Read the pool when the value is drawn, not when the generator is built.
    const seen = fc.nat().map((n) => (this.seen.length ? this.seen[n % this.seen.length] : '3b4c4b5e-0000-4000-8000-000000000000'));
    return fc.oneof({ weight: 3, arbitrary: seen }, { weight: 2, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constantFrom('not-a-uuid', '3b4c4b5e-0000-4000-8000-00000000000', 'g'.repeat(36), '1') });
  }
}

// ── bodies ──────────────────────────────────────────────────────────────────────────

interface Body {
  type?: string;
  bytes: Buffer;
  label: string;
}

const json = (v: unknown, type = 'application/json'): Body => ({ type, bytes: Buffer.from(JSON.stringify(v) ?? 'null'), label: `json ${(JSON.stringify(v) ?? 'undefined').slice(0, 400)}` });
const raw = (text: string | Buffer, type: string | undefined, label: string): Body => ({ type, bytes: Buffer.isBuffer(text) ? text : Buffer.from(text), label });

const nested = (levels: number, open: string, close: string) => open.repeat(levels) + '1' + close.repeat(levels);

const hostileBodies: fc.Arbitrary<Body> = fc.oneof(
  fc.constantFrom(33, 200, 20_000, 100_000).map((n) => raw(nested(n, '[', ']'), 'application/json', `json nested ${n} deep in arrays`)),
  fc.constantFrom(33, 5_000, 60_000).map((n) => raw(nested(n, '{"a":', '}'), 'application/json', `json nested ${n} deep in objects`)),
  fc.constantFrom(50_000, 150_000).map((n) => raw(`[${'0,'.repeat(n)}0]`, 'application/json', `json array of ${n + 1}`)),
  fc.constant(raw(`{${Array.from({ length: 10_001 }, (_, i) => `"k${i}":1`).join(',')}}`, 'application/json', 'json with 10,001 keys')),
  fc.constantFrom(
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"role":"admin"}}}',
    '{"a":[{"b":{"__proto__":1}}]}',
    '{"\\u005f_proto__":1}',
    '[{"prototype":null}]',
  ).map((text) => raw(text, 'application/json', `json ${text}`)),
  fc.constantFrom('{"email": ', '{', '[1,]', "{'a':1}", 'nul', '1', '"text"', 'null', '\u0000', '{"a":1}{"b":2}', '\ufeff{}').map((text) => raw(text, 'application/json', `not json: ${JSON.stringify(text)}`)),
  fc.constant(raw(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), 'application/json', 'json with invalid UTF-8')),
  fc.constantFrom('application/json; charset=utf-16', 'application/json; charset=koi8-r', 'application/json; charset=nonsense').map((type) => raw('{}', type, `json as ${type}`)),
  fc.constantFrom(
    ['<?xml version="1.0"?><login><email>a@b</email></login>', 'text/xml'],
    ['<a/>', 'application/xml'],
    ['email=a@b.test&password=x', 'text/plain'],
    ['email=a@b.test&password=x&__proto__=1', 'application/x-www-form-urlencoded'],
    ['constructor=1', 'application/x-www-form-urlencoded'],
    ['%E0%A4%A=1&a', 'application/x-www-form-urlencoded'],
    ['--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n', 'multipart/form-data; boundary=b'],
    ['Phone\n2125550100\n', 'text/csv'],
    ['\u0000\u0001\u0002binary', 'application/octet-stream'],
    ['{}', 'application/vnd.api+json'],
    ['{}', 'application/json, text/plain'],
    ['{}', 'x'],
    ['{}', ''],
  ).map(([text, type]) => raw(text, type || undefined, `${type || 'no content type'}: ${JSON.stringify(text.slice(0, 60))}`)),
  fc.constant(raw('{"a":1}', undefined, 'json with no content type')),
);

/**
 * The hostile shapes again, under a key the route's DTO declares: an unknown key is refused
 * by name before its value is looked at, so only a declared one carries them inward.
 */
function hostileInside(doc: OpenApiDocument, op: Operation): fc.Arbitrary<Body> | null {
  const keys = Object.keys(resolve(doc, op.bodySchema)?.properties ?? {});
  if (!keys.length) return null;
  const inner = fc.oneof(
    fc.constantFrom(33, 20_000, 100_000).map((n) => [nested(n, '[', ']'), `nested ${n} deep`]),
    fc.constantFrom(33, 60_000).map((n) => [nested(n, '{"a":', '}'), `nested ${n} deep in objects`]),
    fc.constantFrom(1_001, 20_000).map((n) => [`[${'{},'.repeat(n - 1)}{}]`, `a list of ${n} objects`]),
    fc.constantFrom(100_001).map((n) => [`[${'0,'.repeat(n - 1)}0]`, `a list of ${n}`]),
    fc.constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}', '[{"prototype":1}]').map((text) => [text, text]),
  );
  return fc.tuple(fc.constantFrom(...keys), inner).map(([key, [text, label]]) => raw(`{${JSON.stringify(key)}:${text}}`, 'application/json', `json {"${key}": ${label}}`));
}

function bodyFor(doc: OpenApiDocument, op: Operation, ids: IdPool): fc.Arbitrary<Body | undefined> {
  const own = op.bodyTypes[0];
  const inside = own === 'application/json' ? hostileInside(doc, op) : null;
  const shaped: fc.Arbitrary<Body | undefined> =
    own === 'application/json'
      ? valueFor(doc, op.bodySchema, ids).map((v) => json(v))
      : own === 'application/x-www-form-urlencoded'
        ? fc.dictionary(fc.constantFrom('CallSid', 'CallStatus', 'From', 'To', 'Body', 'MessageSid', 'RecordingUrl', 'Digits', 'List-Unsubscribe'), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...ODD_STRINGS))).map((d) =>
            raw(new URLSearchParams(d as Record<string, string>).toString(), own, `form ${JSON.stringify(d).slice(0, 160)}`),
          )
        : own
          ? fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('Phone\n2125550100\n2125550101\n', 'a,b\n"unterminated\n', '\u0000\u0000')).map((text) => raw(text, own, `${own}: ${JSON.stringify(text.slice(0, 80))}`))
          : fc.constant(undefined);
  return fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 2, arbitrary: hostileBodies }, { weight: inside ? 1 : 0, arbitrary: inside ?? hostileBodies }, { weight: 1, arbitrary: fc.constant(undefined) });
}

// ── parameters ──────────────────────────────────────────────────────────────────────

const oddParam = fc.constantFrom('not-a-uuid', '0', '-1', '99999999999999999999', '1.5', '1e3', ' ', '..', '%', 'a'.repeat(400), '😀', "'", '\u0000', '__proto__', '2027-02-30T12:00:00Z');

function paramValue(doc: OpenApiDocument, p: Parameter, ids: IdPool): fc.Arbitrary<string | string[]> {
  const s = resolve(doc, p.schema);
  const shaped: fc.Arbitrary<unknown> =
    s?.type === 'number' || s?.type === 'integer' ? fc.oneof(fc.integer({ min: -2, max: 300 }), fc.constantFrom(...ODD_NUMBERS)) : s ? shapedFor(doc, s, ids, 0) : fc.oneof(ids.arbitrary(), fc.string({ maxLength: 20 }));
  const one = fc.oneof({ weight: 3, arbitrary: shaped.map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')) }, { weight: 2, arbitrary: oddParam }, { weight: 1, arbitrary: fc.constantFrom(...ODD_DATES) });
  return p.in === 'query' ? fc.oneof({ weight: 5, arbitrary: one }, { weight: 1, arbitrary: fc.array(one, { minLength: 2, maxLength: 3 }) }) : one;
}

function requestFor(doc: OpenApiDocument, op: Operation, ids: IdPool): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const path = fc.tuple(...pathParams.map((p) => paramValue(doc, p, ids))).map((values) =>
    pathParams.reduce((url, p, i) => url.replace(`{${p.name}}`, encodeURIComponent(String(values[i]))), op.path),
  );
  const query = fc.tuple(
    fc.tuple(...queryParams.map((p) => fc.option(paramValue(doc, p, ids), { freq: 2 }))),
    fc.option(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'unknownParam', 'limit', 'a[b]', ''), fc.string({ maxLength: 10 })), { freq: 5 }),
  );
  return fc.tuple(path, query, bodyFor(doc, op, ids)).map(([p, [values, extra], body]) => {
    const pairs: Array<[string, string]> = [];
    queryParams.forEach((q, i) => {
      const v = values[i];
      if (v === null) return;
      for (const one of Array.isArray(v) ? v : [v]) pairs.push([q.name, one]);
    });
    if (extra) pairs.push(extra);
    const qs = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    const headers: Record<string, string> = {};
    if (body?.type !== undefined) headers['content-type'] = body.type;
    const url = qs ? `${p}?${qs}` : p;
    return { path: url, headers, body: body?.bytes, summary: `${op.method.toUpperCase()} ${url.slice(0, 300)}${body ? ` with ${body.label}` : ''}` };
  });
}

// ── the test ────────────────────────────────────────────────────────────────────────

function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content ?? {};
      const types = Object.keys(content);
      ops.push({ method, path, params: op.parameters ?? [], bodyTypes: types.length ? types : ['application/json'], bodySchema: content['application/json']?.schema });
    }
  }
  return ops;
}

function send(server: Server, method: string, req: FuzzRequest, auth: string): Promise<Reply> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolvePromise, reject) => {
    const headers: Record<string, string | number> = { ...req.headers, authorization: auth, accept: 'application/json' };
    if (req.body) headers['content-length'] = req.body.length;
    const r = httpRequest({ host: '127.0.0.1', port, method: method.toUpperCase(), path: req.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Why a reply breaks the contract, or null. */
function problemWith(reply: Reply, op: Operation): string | null {
  if (reply.status >= 500) return `answered ${reply.status}: ${reply.text.slice(0, 300)}`;
  if (reply.status < 400) return null;
  if (op.htmlPages && /^text\/(html|plain)/.test(reply.contentType)) return null;
  if (op.htmlPages && reply.status === 403 && reply.text === '') return null; // the tracking pixel's bare refusal
  let body: { statusCode?: unknown; code?: unknown; message?: unknown };
  try {
    body = JSON.parse(reply.text) as typeof body;
  } catch {
    return `answered ${reply.status} without a JSON body (${reply.contentType}): ${reply.text.slice(0, 200)}`;
  }
  if (body.statusCode !== reply.status || typeof body.code !== 'string' || typeof body.message !== 'string') return `answered ${reply.status} with a body that is not the error shape: ${reply.text.slice(0, 300)}`;
  if (/node_modules|at [\w.]+ \(/.test(reply.text)) return `answered ${reply.status} with a stack trace: ${reply.text.slice(0, 300)}`;
  return null;
}

describe('fuzzing every route', () => {
  let t: TestApp;
  let server: Server;
  let auth: string;
  let ids: IdPool;
  let dirs: string[] = [];

  beforeAll(async () => {
    dirs = await Promise.all(['imports', 'outbox'].map((d) => mkdtemp(join(tmpdir(), `switchboard-fuzz-${d}-`))));
    t = await createTestApp({ env: { IMPORT_DIR: dirs[0], EMAIL_OUTBOX_DIR: dirs[1] } });
    const admin = await signIn(t, 'admin');
    auth = admin.auth.Authorization;
    ids = new IdPool(new Set([admin.user.id]));
    // A few real rows, so some requests get past "not found" into the services.
    const agent = await signIn(t, 'agent');
    ids.add(agent.user.id);
    const lead = await t.http.post('/api/leads').set(admin.auth).send({ firstName: 'Fuzz', lastName: 'Target', phones: [{ number: '+12125550100' }], email: 'fuzz@example.test' }).expect(201);
    ids.add(lead.body.id);
    const queue = await t.http.post('/api/dial-queues').set(admin.auth).send({ name: 'Fuzz queue', mode: 'preview' }).expect(201);
    ids.add(queue.body.id);
    const template = await t.http.post('/api/sms-templates').set(admin.auth).send({ name: 'Fuzz', body: 'Hi {{lead.firstName}}' }).expect(201);
    ids.add(template.body.id);
    server = t.app.getHttpServer() as Server;
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('no request, however hostile, gets a 5xx or an error body out of shape', async () => {
    const doc = (await t.http.get('/api/docs/openapi.json').set('Authorization', auth).expect(200)).body as OpenApiDocument;
    const operations = [...operationsOf(doc), ...HIDDEN];
    expect(operations.length).toBeGreaterThan(150); // the whole document, not an empty one

    const failures: string[] = [];
    let sent = 0;
    for (const [index, op] of operations.entries()) {
      const result = await fc.check(
        fc.asyncProperty(requestFor(doc, op, ids), async (req) => {
          const reply = await send(server, op.method, req, auth);
          sent++;
          if (reply.status < 300 && reply.contentType.includes('json')) {
            try {
              ids.add((JSON.parse(reply.text) as { id?: unknown }).id);
            } catch {
              // a reply that is not an object has no id to learn
            }
          }
          const problem = problemWith(reply, op);
          if (problem) throw new Error(`${req.summary}\n  → ${problem}`);
        }),
        { seed: SEED + index, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
      if (result.failed) failures.push(`${op.method.toUpperCase()} ${op.path} (seed ${SEED + index}): ${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}`);
    }
    expect(sent).toBeGreaterThan(operations.length * RUNS_PER_OPERATION * 0.9);
    expect(failures).toEqual([]);
  }, 180_000); // some 25 s on the embedded database; Postgres and MySQL, on a loaded machine, took up to 100 s
});
