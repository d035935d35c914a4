import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FtpSrv } from 'ftp-srv';
import S3rver from 's3rver';
import type { ActionGroupView, ConversationView, GroupRunView, IntegrationView, LeadView } from '#shared';
import { IntegrationEntity } from '../../server/src/integrations/integration.entity.js';
import { IntegrationsService } from '../../server/src/integrations/integrations.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { HttpPeer } from '../support/http-peer.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

const NOON_ET = '2026-03-02T17:00:00.000Z';
const TLS = { key: readFileSync('test/fixtures/tls/localhost.key'), cert: readFileSync('test/fixtures/tls/localhost.crt') };
/** A port the system says is free now (the FTP server needs its number before it listens). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
const quiet = { info() {}, debug() {}, trace() {}, warn() {}, error() {}, child() { return this; } };

describe('integration actions against local peers', () => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let peer: HttpPeer;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET, env: { CARRIER_SIM_CLOCK: 'manual', INTEGRATION_TIMEOUT_MS: '400', INTEGRATION_RETRIES: '2', INTEGRATION_RETRY_BASE_MS: '5' } });
    await listen(t);
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
    peer = await new HttpPeer().start();
    await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Integrations pool', numbers: [{ e164: '+12125550180' }] }).expect(201);
    for (const f of [{ key: 'score', label: 'Score', type: 'number' }, { key: 'income', label: 'Income', type: 'number' }]) await t.http.post('/api/custom-fields').set(admin.auth).send(f).expect(201);
  }, 60_000);
  afterAll(async () => {
    await peer?.stop();
    await t?.close();
  });

  const newLead = async (extra: Record<string, unknown> = {}) =>
    (await t.http.post('/api/leads').set(admin.auth).send({ firstName: 'Ada', lastName: `Lovelace${++seq}`, email: `ada${seq}@example.test`, phones: [{ number: `+1718555${String(5000 + seq).padStart(4, '0')}` }], ...extra }).expect(201)).body as LeadView;
  const integration = async (body: Record<string, unknown>) => (await t.http.post('/api/integrations').set(admin.auth).send(body).expect(201)).body as IntegrationView;
  const group = async (actions: unknown[]) => (await t.http.post('/api/action-groups').set(admin.auth).send({ name: `Group ${++seq}`, actions }).expect(201)).body as ActionGroupView;
  const run = async (groupId: string, leadId: string, extra: Record<string, unknown> = {}) => (await t.http.post(`/api/action-groups/${groupId}/run`).set(admin.auth).send({ leadId, ...extra }).expect(200)).body as GroupRunView;
  const lead = async (id: string) => (await t.http.get(`/api/leads/${id}`).set(admin.auth).expect(200)).body as LeadView;

  describe('integrations', () => {
    it('keeps secrets sealed and never returns them; refuses bad settings naming each field', async () => {
      const created = await integration({ kind: 's3', name: 'Archive', settings: { endpoint: 'http://127.0.0.1:9', bucket: 'b', forcePathStyle: true }, secrets: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI-plaintext' } });
      expect(created.secrets).toEqual({ accessKeyId: true, secretAccessKey: true });
      expect(created.settings).toEqual({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', bucket: 'b', forcePathStyle: true });
      const listed = JSON.stringify((await t.http.get('/api/integrations').set(admin.auth).expect(200)).body);
      expect(listed).not.toContain('wJalrXUtnFEMI');
      expect(listed).not.toContain('AKIDEXAMPLE');
      const row = await t.dataSource.getRepository(IntegrationEntity).findOneByOrFail({ id: created.id });
      expect(row.secrets).not.toContain('wJalrXUtnFEMI');
      expect(row.secrets).toMatch(/^v1\./);
      // An update keeps unsent secrets and clears those sent as null (a required one cannot go).
      const cleared = await t.http.patch(`/api/integrations/${created.id}`).set(admin.auth).send({ secrets: { secretAccessKey: null } }).expect(400);
      expect(cleared.body.fields).toEqual([{ field: 'secrets.secretAccessKey', message: 'is required' }]);
      await t.http.patch(`/api/integrations/${created.id}`).set(admin.auth).send({ settings: { bucket: 'other' }, secrets: { secretAccessKey: 'rotated' } }).expect(200);
      const opened = await t.get(IntegrationsService).open(created.id, 's3');
      expect(opened.secrets).toEqual({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'rotated' });
      expect(opened.settings.bucket).toBe('other');

      const bad = await t.http.post('/api/integrations').set(admin.auth).send({ kind: 'data_append', name: 'Bad', settings: { url: 'ftp://x', method: 'PUT', colour: 'red' }, secrets: { password: 'x' } }).expect(400);
      expect((bad.body.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual(['secrets.password', 'settings.colour', 'settings.method', 'settings.url']);
      expect(JSON.stringify(bad.body)).not.toContain('"x"');
      await t.http.post('/api/integrations').set(admin.auth).send({ kind: 'fax', name: 'Fax' }).expect(400);
      await t.http.get('/api/integrations').set(agent.auth).expect(403);
    });

    it('refuses actions with a missing or wrong integration, a non-http webhook URL or unknown merge fields; nothing saved', async () => {
      const s3 = await integration({ kind: 's3', name: 'Wrong kind', settings: { bucket: 'b' }, secrets: { accessKeyId: 'a', secretAccessKey: 'b' } });
      const res = await t.http
        .post('/api/action-groups')
        .set(admin.auth)
        .send({
          name: 'Bad integrations',
          actions: [
            { type: 'webhook', config: { url: 'ftp://example.test/hook' } },
            { type: 'webhook', config: { url: 'https://example.test/{{lead.nickname}}', headers: { 'X-Switchboard-Signature': 'forged' }, responseMap: { 'custom.nope': 'a' } } },
            { type: 'ftp_upload', config: { integrationId: s3.id } },
            { type: 'data_append', config: {} },
            { type: 's3_upload', config: { integrationId: s3.id, key: '../{leadId}', format: 'xml' } },
            { type: 'keap_contact', config: { note: { title: 'Call', body: 'Hi {{lead.nope}}' } } },
          ],
        })
        .expect(400);
      expect((res.body.fields as Array<{ field: string }>).map((f) => f.field)).toEqual([
        'actions[0].config.url',
        'actions[1].config.url',
        'actions[1].config.headers.X-Switchboard-Signature',
        'actions[1].config.responseMap.custom.nope',
        'actions[2].config.integrationId',
        'actions[3].config.integrationId',
        'actions[3].config.map',
        'actions[4].config.format',
        'actions[4].config.key',
        'actions[5].config.integrationId',
        'actions[5].config.note.body',
      ]);
      expect(res.body.fields[0].message).toBe('must be an http(s) URL');
      expect(((await t.http.get('/api/action-groups').set(admin.auth).expect(200)).body as ActionGroupView[]).map((g) => g.name)).not.toContain('Bad integrations');
    });
  });

  describe('webhook', () => {
    it('posts the merged body signed over timestamp and body, retries a 5xx, keeps the answer and maps it into the lead', async () => {
      peer.reset();
      const signing = await integration({ kind: 'webhook', name: 'Signed hooks', secrets: { signingSecret: 'whsec-test', authorization: 'Token abc' } });
      peer.on('POST /hooks/lead', { status: 503, body: 'busy' }, { status: 200, body: { result: { score: 42 }, ok: true } });
      const l = await newLead();
      const g = await group([
        {
          type: 'webhook',
          config: { url: `${peer.url}/hooks/lead?src=switchboard`, headers: { 'X-Lead-Name': '{{lead.firstName}}' }, body: { name: '{{lead.fullName}}', email: '{{lead.email}}', tags: ['a', '{{lead.status}}'] }, integrationId: signing.id, responseMap: { 'custom.score': 'result.score' } },
        },
      ]);
      const result = await run(g.id, l.id, { key: 'hook-1' });
      expect(result.status).toBe('completed');
      expect(result.steps[0]).toMatchObject({ status: 'completed', outcome: 'delivered (200)' });
      expect(result.steps[0].detail).toContain('HTTP 200 after 2 tries');
      expect(result.steps[0].detail).toContain('"score":42');
      const hits = peer.to('POST /hooks/lead');
      expect(hits).toHaveLength(2);
      const last = hits[1];
      expect(last.json).toEqual({ name: `Ada ${l.lastName}`, email: l.email, tags: ['a', 'new'] });
      expect(last.headers['content-type']).toBe('application/json');
      expect(last.headers['x-lead-name']).toBe('Ada');
      expect(last.headers.authorization).toBe('Token abc');
      expect(last.headers['idempotency-key']).toBe(hits[0].headers['idempotency-key']);
      const timestamp = String(last.headers['x-switchboard-timestamp']);
      expect(timestamp).toBe(String(Math.floor(t.clock.now().getTime() / 1000)));
      expect(last.headers['x-switchboard-signature']).toBe(`v1=${createHmac('sha256', 'whsec-test').update(`${timestamp}.${last.body}`).digest('hex')}`);
      expect((await lead(l.id)).customFields).toMatchObject({ score: 42 });
      expect(JSON.stringify(result)).not.toContain('whsec-test');
    });

    it('gives up after its retries when the peer never answers in time, and does not retry a 4xx', async () => {
      peer.reset();
      peer.on('POST /slow', { status: 200, body: { ok: true }, delayMs: 1500 });
      peer.on('PUT /strict', { status: 422, body: { error: 'email is invalid' } });
      const l = await newLead();
      const g = await group([
        { type: 'webhook', config: { url: `${peer.url}/slow`, timeoutSeconds: 0.2, retries: 1 } },
        { type: 'webhook', config: { method: 'PUT', url: `${peer.url}/strict`, bodyType: 'form', body: { email: '{{lead.email}}' } } },
      ]);
      const result = await run(g.id, l.id);
      expect(result.status).toBe('failed');
      expect(result.steps.map((s) => [s.status, s.outcome])).toEqual([
        ['failed', 'unreachable'],
        ['failed', 'rejected (422)'],
      ]);
      expect(result.steps[0].error).toContain('timed out after 200 ms');
      expect(result.steps[0].error).toContain('2 tries');
      expect(peer.to('POST /slow')).toHaveLength(2);
      // The default body is the lead and conversation as JSON; a form body is form-encoded.
      const strict = peer.to('PUT /strict');
      expect(strict).toHaveLength(1);
      expect(strict[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(new URLSearchParams(strict[0].body).get('email')).toBe(l.email);
      expect(result.steps[1].error).toContain('email is invalid');
    });

    it('a disposition fires a webhook with the lead and the conversation by default', async () => {
      peer.reset();
      peer.on('POST /disposed', { status: 204 });
      const l = await newLead({ ownerId: agent.user.id });
      const g = await group([{ type: 'webhook', config: { url: `${peer.url}/disposed` } }]);
      await t.http.post('/api/dispositions').set(admin.auth).send({ scopeType: 'account', code: 'sold-hook', label: 'Sold', flags: { success: true }, actionGroupId: g.id }).expect(201);
      const call = (await t.http.post('/api/calls').set(agent.auth).send({ leadId: l.id }).expect(201)).body as ConversationView;
      await t.http.post(`/api/conversations/${call.id}/disposition`).set(agent.auth).send({ code: 'sold-hook', notes: 'Bought the gold plan' }).expect(201);
      const { SchedulerService } = await import('../../server/src/scheduler/scheduler.service.js');
      await t.get(SchedulerService).runDue();
      const [hit] = peer.to('POST /disposed');
      expect(hit.json).toMatchObject({ event: `action group ${g.name}`, lead: { id: l.id, email: l.email }, conversation: { id: call.id, disposition: 'sold-hook', notes: 'Bought the gold plan', channel: 'call' } });
    });
  });

  describe('data append', () => {
    it('looks the lead up with the API key and maps the answer into the lead; no match is skipped', async () => {
      peer.reset();
      peer.on('POST /enrich', (req) => {
        const email = (req.json as { email?: string }).email;
        if (req.headers.authorization !== 'Bearer key-123') return { status: 401, body: { error: 'no key' } };
        return email?.startsWith('ada') ? { status: 200, body: { person: { income: 85000 }, employer: { name: 'Analytical Engines Ltd' } } } : { status: 404, body: { error: 'unknown' } };
      });
      const enrich = await integration({ kind: 'data_append', name: 'Enricher', settings: { url: `${peer.url}/enrich` }, secrets: { apiKey: 'key-123' } });
      const g = await group([{ type: 'data_append', config: { integrationId: enrich.id, map: { 'custom.income': 'person.income', 'lead.company': 'employer.name' } } }]);
      const l = await newLead();
      const result = await run(g.id, l.id);
      expect(result.steps[0]).toMatchObject({ status: 'completed', outcome: 'appended', detail: 'set custom.income, lead.company' });
      const after = await lead(l.id);
      expect(after.company).toBe('Analytical Engines Ltd');
      expect(after.customFields).toMatchObject({ income: 85000 });
      expect(peer.to('POST /enrich')[0].json).toMatchObject({ leadId: l.id, firstName: 'Ada', email: l.email, phones: [l.phones[0].number] });
      const unknown = await newLead({ email: 'grace@example.test' });
      expect((await run(g.id, unknown.id)).steps[0]).toMatchObject({ status: 'skipped', outcome: 'no match' });
    });
  });

  describe('S3 upload', () => {
    let s3rver: S3rver;
    let dir: string;
    let endpoint: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'switchboard-s3-'));
      s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: 'exports' }] });
      const { port } = await s3rver.run();
      endpoint = `http://127.0.0.1:${port}`;
    });
    afterAll(async () => {
      await s3rver?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('writes the lead and conversation as CSV or JSON; a resumed run writes the same object; a missing bucket fails the action', async () => {
      const s3 = await integration({ kind: 's3', name: 'Local S3', settings: { endpoint, bucket: 'exports', prefix: 'switchboard/', forcePathStyle: true }, secrets: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      const l = await newLead({ company: 'Engines, "Analytical"' });
      const g = await group([
        { type: 's3_upload', config: { integrationId: s3.id, format: 'csv', key: 'leads/{leadId}-{key}' } },
        { type: 's3_upload', config: { integrationId: s3.id } },
      ]);
      const result = await run(g.id, l.id, { key: 'export-1' });
      expect(result.status).toBe('completed');
      const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      const listed = await client.send(new ListObjectsV2Command({ Bucket: 'exports', Prefix: 'switchboard/' }));
      const keys = (listed.Contents ?? []).map((o) => o.Key as string).sort();
      expect(keys).toHaveLength(2);
      const csvKey = keys.find((k) => k.endsWith('.csv')) as string;
      expect(csvKey).toMatch(new RegExp(`^switchboard/leads/${l.id}-[0-9a-f]{16}\\.csv$`));
      const csv = await (await client.send(new GetObjectCommand({ Bucket: 'exports', Key: csvKey }))).Body!.transformToString();
      const [header, row] = csv.trim().split('\r\n');
      expect(header.split(',').slice(0, 4)).toEqual(['lead_id', 'first_name', 'last_name', 'company']);
      expect(row).toContain(`${l.id},Ada,${l.lastName},"Engines, ""Analytical"""`);
      const jsonKey = keys.find((k) => k.endsWith('.json')) as string;
      expect(jsonKey).toMatch(/^switchboard\/2026-03-02\/lead-/);
      const json = JSON.parse(await (await client.send(new GetObjectCommand({ Bucket: 'exports', Key: jsonKey }))).Body!.transformToString()) as { lead: { id: string } };
      expect(json.lead.id).toBe(l.id);
      expect(result.steps[0].detail).toContain(`s3://exports/${csvKey}`);
      // As if the process died during the first upload: the resumed run writes the same object, not another.
      const { ActionGroupRunEntity, ActionGroupRunStepEntity } = await import('../../server/src/action-groups/action-group.entity.js');
      await t.dataSource.getRepository(ActionGroupRunEntity).update({ id: result.id }, { status: 'running', finishedAt: null });
      await t.dataSource.getRepository(ActionGroupRunStepEntity).update({ runId: result.id, path: '1' }, { status: 'running', finishedAt: null });
      expect((await run(g.id, l.id, { key: 'export-1' })).status).toBe('completed');
      expect(((await client.send(new ListObjectsV2Command({ Bucket: 'exports', Prefix: 'switchboard/' }))).Contents ?? []).map((o) => o.Key).sort()).toEqual(keys);

      const wrong = await integration({ kind: 's3', name: 'Missing bucket', settings: { endpoint, bucket: 'nope', forcePathStyle: true }, secrets: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      const failing = await group([{ type: 's3_upload', config: { integrationId: wrong.id } }]);
      const failed = await run(failing.id, l.id);
      expect(failed.steps[0]).toMatchObject({ status: 'failed', outcome: 'upload failed' });
      expect(failed.steps[0].error).toContain('NoSuchBucket');
      client.destroy();
    });
  });

  describe('FTP upload', () => {
    let ftp: FtpSrv;
    let root: string;
    const logins: string[] = [];
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      root = mkdtempSync(join(tmpdir(), 'switchboard-ftp-'));
      ftp = new FtpSrv({ url: `ftp://127.0.0.1:${port}`, pasv_url: '127.0.0.1', pasv_min: 30000, pasv_max: 39999, anonymous: false, tls: TLS, log: quiet as never });
      ftp.on('login', ({ username, password }, resolve, reject) => (logins.push(password), username === 'crm' && password === 'ftp-pass' ? resolve({ root }) : reject(new Error('bad login'))));
      await ftp.listen();
    });
    afterAll(async () => {
      await ftp?.close();
      rmSync(root, { recursive: true, force: true });
    });

    it('uploads over plain FTP and explicit TLS into the integration\'s directory; a wrong password fails without retrying', async () => {
      const l = await newLead();
      const plain = await integration({ kind: 'ftp', name: 'FTP plain', settings: { host: '127.0.0.1', port, user: 'crm', directory: 'inbound' }, secrets: { password: 'ftp-pass' } });
      const tls = await integration({ kind: 'ftp', name: 'FTPS', settings: { host: '127.0.0.1', port, user: 'crm', directory: 'secure', secure: 'explicit', caCertificate: TLS.cert.toString() }, secrets: { password: 'ftp-pass' } });
      const g = await group([
        { type: 'ftp_upload', config: { integrationId: plain.id, format: 'csv', fileName: 'lead-{leadId}' } },
        { type: 'ftp_upload', config: { integrationId: tls.id, fileName: '{date}/lead-{leadId}' } },
      ]);
      const result = await run(g.id, l.id);
      expect(result.steps.map((s) => s.status)).toEqual(['completed', 'completed']);
      expect(readFileSync(join(root, 'inbound', `lead-${l.id}.csv`), 'utf8')).toContain(l.id);
      expect(JSON.parse(readFileSync(join(root, 'secure', '2026-03-02', `lead-${l.id}.json`), 'utf8')).lead.email).toBe(l.email);
      expect(result.steps[1].detail).toMatch(/^ftps:\/\/127\.0\.0\.1\/secure\/2026-03-02\/lead-/);

      const wrong = await integration({ kind: 'ftp', name: 'FTP wrong password', settings: { host: '127.0.0.1', port, user: 'crm' }, secrets: { password: 'nope' } });
      const failing = await group([{ type: 'ftp_upload', config: { integrationId: wrong.id } }]);
      const failed = await run(failing.id, l.id);
      expect(failed.steps[0]).toMatchObject({ status: 'failed', outcome: 'refused' });
      expect(logins.filter((p) => p === 'nope')).toHaveLength(1);
      expect(failed.steps[0].error).toContain('530');
      expect(readdirSync(root).sort()).toEqual(['inbound', 'secure']);
    });
  });

  describe('CRMs', () => {
    it('Keap: creates the contact by email with a note, refreshing an expired token once, then updates the same contact', async () => {
      peer.reset();
      let token = 'old-token';
      const authed = (req: { headers: Record<string, unknown> }) => req.headers.authorization === `Bearer ${token}`;
      peer.on('POST /token', (req) => {
        const form = new URLSearchParams(req.body);
        if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== 'refresh-1') return { status: 400, body: { error: 'invalid_grant' } };
        token = 'new-token';
        return { status: 200, body: { access_token: 'new-token', refresh_token: 'refresh-2', expires_in: 86400 } };
      });
      token = 'new-token'; // the stored token has expired: the CRM only takes the new one
      peer.on('PUT /crm/rest/v1/contacts', (req) => (authed(req) ? { status: 200, body: { id: 101, ...(req.json as object) } } : { status: 401, body: { message: 'Invalid Access Token' } }));
      peer.on('PATCH /crm/rest/v1/contacts/101', (req) => (authed(req) ? { status: 200, body: { id: 101 } } : { status: 401 }));
      peer.on('POST /crm/rest/v1/notes', (req) => (authed(req) ? { status: 201, body: { id: 9 } } : { status: 401 }));
      const keap = await integration({ kind: 'keap', name: 'Keap', settings: { baseUrl: `${peer.url}/crm/rest/v1`, tokenUrl: `${peer.url}/token` }, secrets: { accessToken: 'old-token', refreshToken: 'refresh-1', clientId: 'cid', clientSecret: 'csecret' } });
      const l = await newLead();
      const g = await group([{ type: 'keap_contact', config: { integrationId: keap.id, note: { title: 'Call with {{lead.firstName}}', body: 'Interested in the gold plan' } } }]);
      const first = await run(g.id, l.id);
      expect(first.steps[0]).toMatchObject({ status: 'completed', outcome: 'synced', detail: 'Keap record 101 with a note' });
      const puts = peer.to('PUT /crm/rest/v1/contacts');
      expect(puts).toHaveLength(2); // refused with the old token, taken with the new
      expect(puts[1].json).toMatchObject({ given_name: 'Ada', family_name: l.lastName, email_addresses: [{ email: l.email, field: 'EMAIL1' }], phone_numbers: [{ number: l.phones[0].number, field: 'PHONE1' }], duplicate_option: 'Email' });
      expect(peer.to('POST /token')[0].headers.authorization).toBe(`Basic ${Buffer.from('cid:csecret').toString('base64')}`);
      expect(peer.to('POST /crm/rest/v1/notes')[0].json).toEqual({ contact_id: 101, title: 'Call with Ada', body: 'Interested in the gold plan', type: 'Other' });
      expect((await t.get(IntegrationsService).open(keap.id, 'keap')).secrets).toMatchObject({ accessToken: 'new-token', refreshToken: 'refresh-2' });
      expect((await t.http.get(`/api/integrations/${keap.id}`).set(admin.auth).expect(200)).body.secrets).toEqual({ accessToken: true, refreshToken: true, clientId: true, clientSecret: true });
      const second = await run(g.id, l.id);
      expect(second.steps[0]).toMatchObject({ status: 'completed', outcome: 'updated' });
      expect(peer.to('PATCH /crm/rest/v1/contacts/101')).toHaveLength(1);
    });

    it('Zoho: upserts the record by email with a note, updates it after; a CRM that keeps failing fails the action after its retries', async () => {
      peer.reset();
      peer.on('POST /crm/v2/Contacts/upsert', (req) => (req.headers.authorization === 'Zoho-oauthtoken zoho-token' ? { status: 200, body: { data: [{ code: 'SUCCESS', action: 'insert', details: { id: 'z-77' } }] } } : { status: 401 }));
      peer.on('POST /crm/v2/Contacts/z-77/Notes', { status: 201, body: { data: [{ code: 'SUCCESS' }] } });
      peer.on('PUT /crm/v2/Contacts/z-77', { status: 200, body: { data: [{ code: 'SUCCESS', details: { id: 'z-77' } }] } });
      const zoho = await integration({ kind: 'zoho', name: 'Zoho', settings: { baseUrl: `${peer.url}/crm/v2`, tokenUrl: `${peer.url}/oauth` }, secrets: { accessToken: 'zoho-token' } });
      const l = await newLead();
      const g = await group([{ type: 'zoho_contact', config: { integrationId: zoho.id, note: { title: 'Switchboard', body: 'Spoke to {{lead.fullName}}' } } }]);
      expect((await run(g.id, l.id)).steps[0]).toMatchObject({ status: 'completed', outcome: 'synced' });
      expect(peer.to('POST /crm/v2/Contacts/upsert')[0].json).toEqual({ data: [{ First_Name: 'Ada', Last_Name: l.lastName, Email: l.email, Phone: l.phones[0].number }], duplicate_check_fields: ['Email'] });
      expect(peer.to('POST /crm/v2/Contacts/z-77/Notes')[0].json).toEqual({ data: [{ Note_Title: 'Switchboard', Note_Content: `Spoke to Ada ${l.lastName}` }] });
      expect((await run(g.id, l.id)).steps[0]).toMatchObject({ status: 'completed', outcome: 'updated' });
      expect(peer.to('PUT /crm/v2/Contacts/z-77')).toHaveLength(1);

      peer.on('PUT /crm/v2/Contacts/z-77', { status: 500, body: { code: 'INTERNAL_ERROR' } });
      const failed = await run(g.id, l.id);
      expect(failed.steps[0]).toMatchObject({ status: 'failed', outcome: 'server error (500)' });
      expect(peer.to('PUT /crm/v2/Contacts/z-77')).toHaveLength(1 + 3); // the first try and two retries
    });
  });
});
