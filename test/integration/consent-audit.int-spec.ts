import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ContactRefusalView, LeadView, OptOutEntryView } from '#shared';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

type Session = Awaited<ReturnType<typeof signIn>>;
interface AuditPage {
  zone: string;
  kind: string;
  entries: OptOutEntryView[];
  refusals: ContactRefusalView[];
  nextCursor: string | null;
}

/** Noon in New York (the floor's zone by default), Wednesday 2 December 2026. */
const NOON_ET = '2026-12-02T17:00:00.000Z';

describe('the consent audit', () => {
  let t: TestApp;
  let admin: Session;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET });
    admin = await signIn(t, 'admin');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const newLead = async () => {
    const number = `+1718557${String(1000 + seq++).padStart(4, '0')}`;
    return { lead: (await t.http.post('/api/leads').set(admin.auth).send({ firstName: `Audited${seq}`, email: `audited${seq}@example.com`, phones: [{ number }] }).expect(201)).body as LeadView, number };
  };
  const audit = async (query: Record<string, string>) => (await t.http.get('/api/compliance/audit').set(admin.auth).query(query).expect(200)).body as AuditPage;

  it('lists every opt-out, opt-in and revocation of the range with its evidence, and every refusal by the gate with its reasons', async () => {
    const a = await newLead();
    const b = await newLead();
    await t.http.post('/api/opt-outs').set(admin.auth).send({ address: a.number, channel: 'sms', origin: 'call', words: 'stop texting me' }).expect(201);
    t.clock.advance(1000);
    const optOut = (await t.http.post('/api/opt-outs').set(admin.auth).send({ address: b.number, channel: 'call' }).expect(201)).body as OptOutEntryView;
    // The gate refuses a text to the lead who asked not to be texted, and records why.
    const refused = await t.http.post('/api/sms').set(admin.auth).send({ leadId: a.lead.id, body: 'still there?' });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    // The next day, B opts back in (a new session: the first one's token has run out).
    const recorder = admin.user.id;
    t.clock.advance(24 * 3_600_000);
    admin = await signIn(t, 'admin');
    await t.http.post('/api/opt-outs/opt-in').set(admin.auth).send({ address: b.number, channel: 'call' }).expect(201);

    const both = await audit({ from: '2026-12-02', to: '2026-12-03' });
    expect(both.zone).toBe('America/New_York');
    const mine = both.entries.filter((e) => [a.number, b.number].includes(e.address));
    expect(mine.map((e) => [e.address, e.action, e.channel])).toEqual([
      [a.number, 'opt-out', 'sms'],
      [b.number, 'opt-out', 'call'],
      [b.number, 'opt-in', 'call'],
    ]);
    expect(mine[0]).toMatchObject({ source: 'api', origin: 'call', words: 'stop texting me', actorId: recorder, leadIds: [a.lead.id] });
    expect(mine.find((e) => e.id === optOut.id)).toBeDefined();
    // Only the first day: the opt-in is not in it.
    const first = await audit({ from: '2026-12-02', to: '2026-12-02' });
    expect(first.entries.filter((e) => e.address === b.number).map((e) => e.action)).toEqual(['opt-out']);

    const refusals = (await audit({ from: '2026-12-02', to: '2026-12-03', kind: 'refusals' })).refusals.filter((r) => r.leadId === a.lead.id);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ channel: 'sms', address: a.number, context: 'sms:manual' });
    expect(refusals[0].codes).toContain('OPTED_OUT');
    expect(refusals[0].reasons[0].message).toMatch(/opt/i);

    // Pages follow one another with the cursor; CSV has every row.
    const pageOne = await audit({ from: '2026-12-02', to: '2026-12-03', limit: '1' });
    expect(pageOne.entries).toHaveLength(1);
    const pageTwo = await audit({ from: '2026-12-02', to: '2026-12-03', limit: '1', cursor: pageOne.nextCursor as string });
    expect(pageTwo.entries[0].id).not.toBe(pageOne.entries[0].id);
    const csv = await t.http.get('/api/compliance/audit').set(admin.auth).query({ from: '2026-12-02', to: '2026-12-03', format: 'csv' }).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^created_at,floor_time,address,action/);
    expect(lines).toHaveLength(both.entries.length + 1);
    expect(lines.some((l) => l.includes(a.number) && l.includes('stop texting me'))).toBe(true);
    const refusalCsv = await t.http.get('/api/compliance/audit').set(admin.auth).query({ from: '2026-12-02', to: '2026-12-03', kind: 'refusals', format: 'csv' }).expect(200);
    expect(refusalCsv.text.split(/\r?\n/).some((l) => l.includes(a.lead.id) && l.includes('OPTED_OUT'))).toBe(true);
  });

  it('refuses a range that is not one, naming the field; agents may not read it', async () => {
    const bad = async (query: Record<string, string>, field: string) => {
      const res = await t.http.get('/api/compliance/audit').set(admin.auth).query(query).expect(400);
      expect(JSON.stringify(res.body)).toContain(field);
    };
    await bad({ from: '2026-12-05', to: '2026-12-01' }, 'to');
    await bad({ from: '2025-01-01', to: '2026-12-01' }, 'to');
    await bad({ from: 'yesterday', to: '2026-12-01' }, 'from');
    await bad({ from: '2026-12-01', to: '2026-12-02', kind: 'everything' }, 'kind');
    await bad({ from: '2026-12-01', to: '2026-12-02', cursor: 'nope' }, 'cursor');
    const agent = await signIn(t, 'agent');
    await t.http.get('/api/compliance/audit').set(agent.auth).query({ from: '2026-12-01', to: '2026-12-02' }).expect(403);
  });
});
