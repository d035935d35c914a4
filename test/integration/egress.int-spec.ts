import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ActionGroupView, GroupRunView, IntegrationView, LeadView, ParticipantActionView, ScheduleView } from '#shared';
import { HostResolver, type ResolvedAddress, SystemHostResolver } from '../../server/src/integrations/egress/host-resolver.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { HttpPeer } from '../support/http-peer.js';

type Session = Awaited<ReturnType<typeof signIn>>;

const NOON_ET = '2026-03-02T17:00:00.000Z';

/**
 * A hosts file for the test: names under partner.example stand for public-looking hosts of
 * an outside service and point at the local listeners; every other name (localhost) goes
 * to the system resolver.
 */
class PartnerHosts extends SystemHostResolver {
  override async resolve(name: string): Promise<ResolvedAddress[]> {
    if (name.endsWith('.partner.example')) return [{ address: '127.0.0.1', family: 4 }];
    return super.resolve(name);
  }
}

/** What the issue reported the server would send to, and the other numeric and named forms of the same places. */
const REFUSED_LITERALS = [
  'http://169.254.169.254/latest/meta-data/',
  'http://127.0.0.1:3000/api/users',
  'http://[::1]/',
  'http://10.0.0.5/',
  'http://0.0.0.0:22/',
  'http://2130706433/',
  'http://0x7f000001/',
  'http://0177.0.0.1/',
  'http://127.1/',
  'http://[::ffff:127.0.0.1]/',
  'http://[fd00:ec2::254]/latest/',
  'http://localhost:3000/',
];

describe('egress guard', () => {
  let t: TestApp;
  let admin: Session;
  let supervisor: Session;
  /** The service the server must not reach (it stands for anything on the server's own network). */
  let inside: HttpPeer;
  /** An outside service the allow list names; it redirects inwards. */
  let partner: HttpPeer;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({
      now: NOON_ET,
      // Only the partner's redirecting host is open: never the listener the tests try to reach.
      env: { EGRESS_ALLOW: 'hooks.partner.example', INTEGRATION_TIMEOUT_MS: '2000', INTEGRATION_RETRIES: '2', INTEGRATION_RETRY_BASE_MS: '5' },
      overrides: [{ token: HostResolver, useFactory: () => new PartnerHosts() }],
    });
    admin = await signIn(t, 'admin');
    supervisor = await signIn(t, 'supervisor');
    inside = await new HttpPeer().start();
    partner = await new HttpPeer().start();
    await t.http.post('/api/custom-fields').set(admin.auth).send({ key: 'hook_host', label: 'Hook host', type: 'text' }).expect(201);
  }, 60_000);
  afterAll(async () => {
    await inside?.stop();
    await partner?.stop();
    await t?.close();
  });

  const port = (peer: HttpPeer) => new URL(peer.url).port;
  const newLead = async (hookHost = 'localhost') =>
    (await t.http.post('/api/leads').set(admin.auth).send({ firstName: 'Eve', lastName: `Egress${++seq}`, phones: [{ number: `+1718555${String(7000 + seq).padStart(4, '0')}` }], customFields: { hook_host: hookHost } }).expect(201)).body as LeadView;
  const group = async (actions: unknown[]) => (await t.http.post('/api/action-groups').set(admin.auth).send({ name: `Egress group ${++seq}`, actions }).expect(201)).body as ActionGroupView;
  const run = async (app: TestApp, groupId: string, leadId: string) => (await app.http.post(`/api/action-groups/${groupId}/run`).set(admin.auth).send({ leadId }).expect(200)).body as GroupRunView;
  const fieldsOf = (body: { fields?: Array<{ field: string; message: string }> }) => body.fields ?? [];

  describe('at save time: a literal refused address is a 400 naming the field', () => {
    it('in a schedule webhook step, for every form, and nothing is saved', async () => {
      const before = ((await t.http.get('/api/schedules').set(supervisor.auth).expect(200)).body as ScheduleView[]).length;
      const res = await t.http
        .post('/api/schedules')
        .set(supervisor.auth)
        .send({ name: `Inward ${++seq}`, timezone: 'America/New_York', steps: REFUSED_LITERALS.map((url) => ({ type: 'webhook', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { url } })) })
        .expect(400);
      const fields = fieldsOf(res.body);
      expect(fields.map((f) => f.field)).toEqual(REFUSED_LITERALS.map((_, i) => `steps[${i}].config.url`));
      expect(fields[0].message).toContain('169.254.169.254 is a cloud metadata address');
      expect(fields[1].message).toContain('127.0.0.1 is a loopback address');
      expect(fields[2].message).toContain('::1 is a loopback address');
      expect(fields[3].message).toContain('10.0.0.5 is a private address');
      expect(fields[4].message).toContain('0.0.0.0 is an unspecified address');
      expect(fields[5].message).toContain('127.0.0.1 is a loopback address');
      expect(fields[9].message).toContain('::ffff:7f00:1 carries 127.0.0.1, a loopback address');
      expect(fields[11].message).toContain('localhost is this machine');
      for (const f of fields) expect(f.message).toContain('EGRESS_ALLOW');
      expect(((await t.http.get('/api/schedules').set(supervisor.auth).expect(200)).body as ScheduleView[]).length).toBe(before);
    });

    it('a step saved with a public URL is refused when edited to point inwards', async () => {
      const step = (url: string) => ({ type: 'webhook', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { url } });
      const s = (await t.http.post('/api/schedules').set(supervisor.auth).send({ name: `Outward ${++seq}`, timezone: 'America/New_York', steps: [step('https://hooks.example.com/in')] }).expect(201)).body as ScheduleView;
      const res = await t.http.put(`/api/schedules/${s.id}`).set(supervisor.auth).send({ name: s.name, timezone: 'America/New_York', steps: [step('http://0x7f.1:3000/api/users')] }).expect(400);
      expect(fieldsOf(res.body)).toEqual([{ field: 'steps[0].config.url', message: expect.stringContaining('127.0.0.1 is a loopback address') }]);
    });

    it('in an action group webhook, with credentials or another scheme refused too', async () => {
      const urls = [...REFUSED_LITERALS, 'https://user:secret@hooks.example.com/', 'gopher://hooks.example.com/'];
      const res = await t.http
        .post('/api/action-groups')
        .set(admin.auth)
        .send({ name: `Inward group ${++seq}`, actions: urls.map((url) => ({ type: 'webhook', config: { url } })) })
        .expect(400);
      const fields = fieldsOf(res.body);
      expect(fields.map((f) => f.field)).toEqual(urls.map((_, i) => `actions[${i}].config.url`));
      expect(fields.at(-2)?.message).toContain('must not carry a user name or password');
      expect(fields.at(-1)?.message).toBe('must be an http(s) URL');
    });

    it("in an integration's URLs and host, when created and when updated", async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ kind: 'data_append', settings: { url: 'http://169.254.169.254/latest/meta-data/' }, secrets: {} }, 'settings.url'],
        [{ kind: 'keap', settings: { baseUrl: 'http://127.0.0.1:3000/api', tokenUrl: 'http://[::1]/token' }, secrets: { accessToken: 'a' } }, 'settings.baseUrl,settings.tokenUrl'],
        [{ kind: 'zoho', settings: { baseUrl: 'http://10.0.0.5/crm/v2' }, secrets: { accessToken: 'a' } }, 'settings.baseUrl'],
        [{ kind: 's3', settings: { endpoint: 'http://2130706433:9000', bucket: 'b' }, secrets: { accessKeyId: 'a', secretAccessKey: 'b' } }, 'settings.endpoint'],
        [{ kind: 'ftp', settings: { host: '0.0.0.0', user: 'u' }, secrets: { password: 'p' } }, 'settings.host'],
        [{ kind: 'ftp', settings: { host: 'localhost', user: 'u' }, secrets: { password: 'p' } }, 'settings.host'],
        [{ kind: 'ftp', settings: { host: '0177.0.0.1', user: 'u' }, secrets: { password: 'p' } }, 'settings.host'],
      ];
      for (const [body, fields] of cases) {
        const res = await t.http.post('/api/integrations').set(admin.auth).send({ name: `Inward ${++seq}`, ...body }).expect(400);
        expect(fieldsOf(res.body).map((f) => f.field).join(',')).toBe(fields);
        expect(fieldsOf(res.body)[0].message).toMatch(/is refused: .* address|is this machine/);
      }
      const ok = (await t.http.post('/api/integrations').set(admin.auth).send({ kind: 'data_append', name: `Outward ${++seq}`, settings: { url: 'https://enrich.example.com/v1' } }).expect(201)).body as IntegrationView;
      const res = await t.http.patch(`/api/integrations/${ok.id}`).set(admin.auth).send({ settings: { url: 'http://[::ffff:a9fe:a9fe]/latest' } }).expect(400);
      expect(fieldsOf(res.body)).toEqual([{ field: 'settings.url', message: expect.stringContaining('carries 169.254.169.254, a cloud metadata address') }]);
    });
  });

  describe('at send time', () => {
    it('a name resolving to 127.0.0.1 reaches nothing: the action fails once, with the reason in the audit trail', async () => {
      inside.reset();
      inside.on('POST /hook', { status: 200, body: { leaked: true } });
      const g = await group([{ type: 'webhook', config: { url: `http://{{custom.hook_host}}:${port(inside)}/hook` } }]);
      for (const [host, reason] of [
        ['localhost', 'localhost is this machine'],
        ['2130706433', '127.0.0.1 is a loopback address'],
        ['0x7f.0.0.1', '127.0.0.1 is a loopback address'],
        ['[::ffff:127.0.0.1]', '::ffff:7f00:1 carries 127.0.0.1, a loopback address'],
        ['api.partner.example', 'api.partner.example resolves to 127.0.0.1, a loopback address'],
      ]) {
        const l = await newLead(host);
        const result = await run(t, g.id, l.id);
        expect(result.status).toBe('failed');
        expect(result.steps[0]).toMatchObject({ status: 'failed', outcome: 'refused address' });
        expect(result.steps[0].error).toContain('refused by the egress guard');
        expect(result.steps[0].error).toContain(reason);
      }
      expect(inside.requests).toHaveLength(0);
    });

    it('a schedule webhook step to such a name fails without retrying and the enrollment moves on', async () => {
      inside.reset();
      const s = (await t.http
        .post('/api/schedules')
        .set(supervisor.auth)
        .send({ name: `Hooks ${++seq}`, timezone: 'America/New_York', steps: [{ type: 'webhook', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { url: `http://{{custom.hook_host}}:${port(inside)}/hook` } }] })
        .expect(201)).body as ScheduleView;
      const l = await newLead('localhost');
      await t.http.post(`/api/schedules/${s.id}/enrollments`).set(admin.auth).send({ leadIds: [l.id] }).expect(201);
      const scheduler = t.get(SchedulerService);
      for (let i = 0; i < 10 && (await scheduler.runDue()) > 0; i++);
      const actions = (await t.http.get(`/api/participant-actions?leadId=${l.id}&limit=10`).set(admin.auth).expect(200)).body as ParticipantActionView[];
      expect(actions).toHaveLength(1);
      expect(actions[0]).toMatchObject({ type: 'webhook', status: 'failed', outcome: 'refused address', attempts: 1 });
      expect(actions[0].detail).toContain('localhost is this machine');
      expect(inside.requests).toHaveLength(0);
    });

    it('an integration whose host resolves inwards is refused when the action runs (data append)', async () => {
      inside.reset();
      inside.on('POST /enrich', { status: 200, body: { company: 'Leaked Ltd' } });
      const enrich = (await t.http.post('/api/integrations').set(admin.auth).send({ kind: 'data_append', name: `Enricher ${++seq}`, settings: { url: `http://crm.partner.example:${port(inside)}/enrich` } }).expect(201)).body as IntegrationView;
      const g = await group([{ type: 'data_append', config: { integrationId: enrich.id, map: { 'lead.company': 'company' } } }]);
      const result = await run(t, g.id, (await newLead()).id);
      expect(result.steps[0]).toMatchObject({ status: 'failed', outcome: 'refused address' });
      expect(result.steps[0].error).toContain('crm.partner.example resolves to 127.0.0.1, a loopback address');
      expect(inside.requests).toHaveLength(0);
    });

    it('an allowed host that redirects to a refused address is refused at the redirect, in any form', async () => {
      const g = await group([{ type: 'webhook', config: { url: `http://hooks.partner.example:${port(partner)}/hook` } }]);
      for (const location of [`http://127.0.0.1:${port(inside)}/internal`, `http://0x7f.1:${port(inside)}/internal`, `http://localhost:${port(inside)}/internal`, 'http://169.254.169.254/latest/meta-data/']) {
        inside.reset();
        partner.reset();
        partner.on('POST /hook', { status: 302, headers: { Location: location } });
        const result = await run(t, g.id, (await newLead()).id);
        expect(result.steps[0]).toMatchObject({ status: 'failed', outcome: 'refused address' });
        expect(result.steps[0].error).toContain(`the redirect to ${location} was refused`);
        // The allowed host was asked once (a refusal is not tried again); nothing went further.
        expect(partner.to('POST /hook')).toHaveLength(1);
        expect(inside.requests).toHaveLength(0);
      }
    });

    it('the same listener is reached when EGRESS_ALLOW names it', async () => {
      inside.reset();
      inside.on('POST /hook', { status: 200, body: { ok: true } });
      const g = await group([{ type: 'webhook', config: { url: `http://{{custom.hook_host}}:${port(inside)}/hook` } }]);
      const l = await newLead('localhost');
      expect((await run(t, g.id, l.id)).steps[0]).toMatchObject({ status: 'failed', outcome: 'refused address' });
      const opened = await createTestApp({ now: NOON_ET, database: t.db, env: { EGRESS_ALLOW: 'localhost' } });
      try {
        const result = await run(opened, g.id, l.id);
        expect(result.steps[0]).toMatchObject({ status: 'completed', outcome: 'delivered (200)' });
        expect(inside.to('POST /hook')).toHaveLength(1);
        expect(inside.to('POST /hook')[0].headers.host).toBe(`localhost:${port(inside)}`);
        // The list opens the name it names, not the address behind it.
        const literal = await opened.http.post('/api/action-groups').set(admin.auth).send({ name: `Literal ${++seq}`, actions: [{ type: 'webhook', config: { url: `http://127.0.0.1:${port(inside)}/hook` } }] }).expect(400);
        expect(fieldsOf(literal.body)[0]).toMatchObject({ field: 'actions[0].config.url' });
      } finally {
        await opened.close();
      }
    });
  });
});
