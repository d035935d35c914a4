import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { EligibilityView, LeadView } from '#shared';
import { ComplianceService } from '../../server/src/compliance/compliance.service.js';
import { ContactPolicy } from '../../server/src/compliance/contact-policy.js';
import { ComplianceRepository } from '../../server/src/compliance/compliance.repository.js';
import { LeadsRepository } from '../../server/src/leads/leads.repository.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

type Session = Awaited<ReturnType<typeof signIn>>;

// 2026-03-02 15:00Z is 10:00 in New York and 09:00 in Miami's neighbour Chicago: inside every window.
const NOON_ET = '2026-03-02T17:00:00.000Z';

describe('compliance', () => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let seq = 0;
  const nextNumber = () => `+1212555${String(1000 + seq++).padStart(4, '0')}`;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET });
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
  });
  afterAll(async () => {
    await t?.close();
  });

  const createLead = async (body: Record<string, unknown>) => (await t.http.post('/api/leads').set(admin.auth).send(body).expect(201)).body as LeadView;
  const eligibility = async (id: string, channel: string, at?: string) =>
    (await t.http.get(`/api/leads/${id}/eligibility?channel=${channel}${at ? `&at=${encodeURIComponent(at)}` : ''}`).set(admin.auth).expect(200)).body as EligibilityView;

  it('an opt-out is recorded with provenance, refuses the channel it covers only, and is superseded, not deleted, by an opt-in', async () => {
    const number = nextNumber();
    const lead = await createLead({ phones: [{ number }], email: 'optout@example.test' });
    expect((await eligibility(lead.id, 'call')).allowed).toBe(true);

    const entry = await t.http.post('/api/opt-outs').set(agent.auth).send({ address: number, channel: 'call', note: 'asked on the phone' }).expect(201);
    expect(entry.body).toMatchObject({ address: number, action: 'opt-out', channel: 'call', source: 'agent', actorId: agent.user.id, scope: { type: 'global' } });

    const call = await eligibility(lead.id, 'call');
    expect(call).toMatchObject({ allowed: false, nextAllowedAt: null });
    expect(call.reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
    expect((await eligibility(lead.id, 'sms')).allowed).toBe(true);

    await t.http.post('/api/opt-outs/opt-in').set(agent.auth).send({ address: number, channel: 'call' }).expect(403);
    t.clock.advance(1000);
    await t.http.post('/api/opt-outs/opt-in').set(admin.auth).send({ address: number, channel: 'call' }).expect(201);
    expect((await eligibility(lead.id, 'call')).allowed).toBe(true);

    const history = (await t.http.get(`/api/opt-outs/history?address=${encodeURIComponent(number)}`).set(admin.auth).expect(200)).body;
    expect(history).toHaveLength(2);
    // The agent's entry is the person's revocation: kept, but no longer in force on calls.
    expect(history[0]).toMatchObject({ action: 'opt-out', kind: 'revocation', supersededBy: null, inForce: false });
    expect(history[1]).toMatchObject({ action: 'opt-in', kind: 'consent', supersededAt: null, source: 'api' });
    const active = (await t.http.get('/api/opt-outs?limit=1000').set(admin.auth).expect(200)).body as Array<{ id: string }>;
    expect(active.map((e) => e.id)).not.toContain(history[0].id);
  });

  it('an opt-out of all channels is not lifted by an SMS opt-in', async () => {
    const number = nextNumber();
    const lead = await createLead({ phones: [{ number }] });
    await t.http.post('/api/opt-outs').set(admin.auth).send({ address: number, channel: 'all' }).expect(201);
    await t.http.post('/api/opt-outs/opt-in').set(admin.auth).send({ address: number, channel: 'sms' }).expect(201);
    expect((await eligibility(lead.id, 'sms')).allowed).toBe(false);
    expect((await eligibility(lead.id, 'call')).allowed).toBe(false);
  });

  it('SMS keywords: STOP opts the number out of SMS for every lead that has it; START opts back in; HELP only replies', async () => {
    const number = nextNumber();
    const a = await createLead({ phones: [{ number }] });
    const b = await createLead({ phones: [{ number: nextNumber() }, { number }] });
    const inbound = t.get(ComplianceService);

    const text = (body: string, sid: string | null = null) => inbound.inboundText({ from: number, to: '+13055550000', body, sid, leadIds: [a.id, b.id] });

    const stop = await text('  Stop. ');
    expect(stop).toMatchObject({ verdict: { kind: 'keyword', keyword: 'stop' }, created: true, entries: [{ action: 'opt-out', channel: 'sms', source: 'sms-keyword', kind: 'revocation', origin: 'sms', words: 'Stop.' }] });
    expect(stop.confirmation?.text).toContain('no more texts');
    expect((await eligibility(a.id, 'sms')).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
    expect((await eligibility(b.id, 'sms', undefined)).allowed).toBe(true); // b's primary number is another one
    const check = (await t.http.get(`/api/opt-outs/check?address=${encodeURIComponent(number)}`).set(agent.auth).expect(200)).body;
    expect(check).toMatchObject({ optedOut: true, channels: { call: false, sms: true, email: false }, consentScope: { mode: 'per-channel' } });
    expect((await eligibility(a.id, 'call')).allowed).toBe(true);

    const help = await text('HELP');
    expect(help).toMatchObject({ verdict: { kind: 'keyword', keyword: 'help' }, entries: [] });
    expect(help.reply).toContain('Reply STOP');

    t.clock.advance(1000);
    const start = await text('unstop');
    expect(start.entries).toEqual([expect.objectContaining({ action: 'opt-in', channel: 'sms', kind: 'consent' })]);
    expect((await eligibility(a.id, 'sms')).allowed).toBe(true);
  });

  it('blocks by number, prefix and area code refuse calls and texts; removal restores', async () => {
    const lead = await createLead({ phones: [{ number: '+13125550111' }] });
    const number = await t.http.post('/api/blocks').set(admin.auth).send({ kind: 'number', value: '(312) 555-0111', reason: 'litigator' }).expect(201);
    expect(number.body).toMatchObject({ kind: 'number', value: '+13125550111', reason: 'litigator', source: 'api' });
    const refused = await eligibility(lead.id, 'sms');
    expect(refused.reasons).toEqual([expect.objectContaining({ code: 'BLOCKED', until: null })]);
    expect((await eligibility(lead.id, 'email')).reasons.map((r) => r.code)).toEqual(['NO_ADDRESS']);
    await t.http.delete(`/api/blocks/${number.body.id}`).set(admin.auth).expect(204);
    expect((await eligibility(lead.id, 'call')).allowed).toBe(true);

    const prefix = await t.http.post('/api/blocks').set(admin.auth).send({ kind: 'prefix', value: '+1312555' }).expect(201);
    expect((await eligibility(lead.id, 'call')).reasons[0].message).toContain('prefix +1312555');
    await t.http.delete(`/api/blocks/${prefix.body.id}`).set(admin.auth).expect(204);
    await t.http.post('/api/blocks').set(admin.auth).send({ kind: 'area-code', value: '312' }).expect(201);
    expect((await eligibility(lead.id, 'call')).reasons.map((r) => r.code)).toEqual(['BLOCKED']);
    await t.http.post('/api/blocks').set(admin.auth).send({ kind: 'area-code', value: '312' }).expect(409);
    const bad = await t.http.post('/api/blocks').set(admin.auth).send({ kind: 'prefix', value: '1900' }).expect(400);
    expect(bad.body.fields).toEqual([{ field: 'value', message: 'a prefix is + followed by 1 to 14 digits, e.g. +1900' }]);
  });

  it('outside calling hours: refused with the reason and the next allowed time in the lead\'s zone', async () => {
    const lead = await createLead({ phones: [{ number: '+12125550999' }] });
    // 02:00 UTC on 3 March = 21:00 on 2 March in New York: the window has just closed.
    const late = await eligibility(lead.id, 'call', '2026-03-03T02:00:00.000Z');
    expect(late.allowed).toBe(false);
    expect(late.reasons.map((r) => r.code)).toEqual(['OUTSIDE_HOURS']);
    expect(late.nextAllowedAt).toBe('2026-03-03T13:00:00.000Z'); // 08:00 EST
    expect(late.timezones).toEqual(['America/New_York']);
    expect((await eligibility(lead.id, 'email', '2026-03-03T02:00:00.000Z')).reasons.map((r) => r.code)).toEqual(['NO_ADDRESS']);
  });

  it('attempt caps: Florida allows 3 calls per rolling 24 h; the account cap per day applies to SMS', async () => {
    const lead = await createLead({ phones: [{ number: '+13055550177' }] });
    const policy = t.get(ContactPolicy);
    const base = Date.parse(NOON_ET);
    for (let i = 0; i < 3; i++) await policy.recordAttempt(lead.id, 'call', '+13055550177', new Date(base - (3 - i) * 3600_000));
    const capped = await eligibility(lead.id, 'call');
    expect(capped.reasons.map((r) => r.code)).toEqual(['ATTEMPT_CAP_24H']);
    // The first of the three attempts (14:00Z yesterday+) ages out 24 h after it was made.
    expect(capped.nextAllowedAt).toBe(new Date(base - 3 * 3600_000 + 86_400_000).toISOString());

    await t.http.put('/api/compliance/attempt-caps').set(admin.auth).send({ sms: { perDay: 1 } }).expect(200);
    await policy.recordAttempt(lead.id, 'sms', '+13055550177', new Date(base - 60_000));
    const sms = await eligibility(lead.id, 'sms');
    expect(sms.reasons.map((r) => r.code)).toEqual(['ATTEMPT_CAP_DAY']);
    expect(sms.nextAllowedAt).toBe('2026-03-03T13:00:00.000Z'); // midnight local, then the window opens at 08:00
    await t.http.put('/api/compliance/attempt-caps').set(admin.auth).send({}).expect(200);
  });

  it('records refusals made at the moment of contact, with every reason', async () => {
    const number = nextNumber();
    const lead = await createLead({ phones: [{ number }] });
    await t.http.post('/api/opt-outs').set(admin.auth).send({ address: number, channel: 'sms' }).expect(201);
    const record = (await t.get(LeadsRepository).findById(lead.id))!;
    const decision = await t.get(ContactPolicy).check(record, 'sms', new Date('2026-03-03T03:00:00.000Z'), { recordAs: 'sms' });
    expect(decision.reasons.map((r) => r.code).sort()).toEqual(['OPTED_OUT', 'OUTSIDE_HOURS']);
    const rows = await t.get(ComplianceRepository).refusalsFor(lead.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'sms', address: number, context: 'sms', nextAllowedAt: null });
    expect(rows[0].codes.split(',').sort()).toEqual(['OPTED_OUT', 'OUTSIDE_HOURS']);
  });

  it('calling rules can be edited by an admin, are validated field by field, and can be reset', async () => {
    const lead = await createLead({ phones: [{ number: '+12125550888' }] });
    const current = (await t.http.get('/api/compliance/calling-rules').set(agent.auth).expect(200)).body;
    expect(current.defaultWindow).toEqual({ start: '08:00', end: '21:00' });
    expect(current.regions['US-FL']).toMatchObject({ maxCallsPer24h: 3 });

    const bad = await t.http
      .put('/api/compliance/calling-rules')
      .set(admin.auth)
      .send({ ...current, defaultWindow: { start: '9am', end: '21:00' }, regions: { ...current.regions, 'US-NY': { label: 'New York', window: { start: '10:00', end: '09:00' } }, florida: { label: 'x' } } })
      .expect(400);
    expect(bad.body.fields).toEqual([
      { field: 'defaultWindow.start', message: 'must be a time HH:mm' },
      { field: 'regions.US-NY.window', message: 'must end after it starts' },
      { field: 'regions.florida', message: 'is not a region code like US-FL' },
    ]);
    await t.http.put('/api/compliance/calling-rules').set(agent.auth).send(current).expect(403);

    // New York narrowed to 10:00–16:00: 09:00 EST (14:00Z) is now refused until 15:00Z.
    const edited = { ...current, regions: { ...current.regions, 'US-NY': { label: 'New York', window: { start: '10:00', end: '16:00' } } } };
    await t.http.put('/api/compliance/calling-rules').set(admin.auth).send(edited).expect(200);
    const refused = await eligibility(lead.id, 'call', '2026-03-02T14:00:00.000Z');
    expect(refused).toMatchObject({ allowed: false, nextAllowedAt: '2026-03-02T15:00:00.000Z' });

    const reset = await t.http.delete('/api/compliance/calling-rules').set(admin.auth).expect(200);
    expect(reset.body.regions['US-NY']).toBeUndefined();
    expect((await eligibility(lead.id, 'call', '2026-03-02T14:00:00.000Z')).allowed).toBe(true);
  });

  it('bad input names the field', async () => {
    const a = await t.http.post('/api/opt-outs').set(admin.auth).send({ address: '1234', channel: 'call' }).expect(400);
    expect(a.body.fields).toEqual([{ field: 'address', message: 'is too short to be a phone number' }]);
    const b = await t.http.post('/api/opt-outs').set(admin.auth).send({ address: 'x@example.test', channel: 'call' }).expect(400);
    expect(b.body.fields).toEqual([{ field: 'channel', message: 'an email address can only be opted out of email or all' }]);
    const c = await t.http.post('/api/opt-outs').set(admin.auth).send({ address: '12', channel: 'fax' }).expect(400);
    expect(c.body.fields).toEqual([
      { field: 'address', message: 'must be longer than or equal to 3 characters' },
      { field: 'channel', message: 'must be one of call, sms, email, all' },
    ]);
    await t.http.get('/api/leads/00000000-0000-4000-8000-000000000000/eligibility?channel=call').set(admin.auth).expect(404);
    const d = await t.http.get('/api/leads/00000000-0000-4000-8000-000000000000/eligibility?channel=pigeon').set(admin.auth).expect(400);
    expect(d.body.fields[0].field).toBe('channel');
  });

  it('property: whatever the order of opt-outs, opt-ins and blocks, the gate never allows a covered channel', async () => {
    const event = fc.oneof(
      fc.record({ kind: fc.constant('out' as const), channel: fc.constantFrom('call', 'sms', 'all') }),
      fc.record({ kind: fc.constant('in' as const), channel: fc.constantFrom('call', 'sms', 'all') }),
      fc.record({ kind: fc.constant('block' as const), channel: fc.constant('all') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 6 }), async (events) => {
        const number = nextNumber();
        const lead = await createLead({ phones: [{ number }] });
        const last: Record<string, { kind: string; i: number } | undefined> = {};
        let blocked = false;
        for (const [i, e] of events.entries()) {
          t.clock.advance(10);
          if (e.kind === 'block') {
            blocked = true;
            await t.http.post('/api/blocks').set(admin.auth).send({ kind: 'number', value: number }).expect((r) => expect([201, 409]).toContain(r.status));
          } else {
            await t.http.post(e.kind === 'out' ? '/api/opt-outs' : '/api/opt-outs/opt-in').set(admin.auth).send({ address: number, channel: e.channel }).expect(201);
            last[e.channel] = { kind: e.kind, i };
          }
        }
        for (const channel of ['call', 'sms'] as const) {
          // The model: an opt-out of all holds until an opt-in of all; a channel's own
          // opt-out holds unless an opt-in of all came after it.
          const all = last.all;
          const own = last[channel];
          const optedOut = all?.kind === 'out' || (own?.kind === 'out' && (!all || own.i > all.i));
          const decision = await eligibility(lead.id, channel);
          if (optedOut || blocked) expect(decision.allowed).toBe(false);
          else expect(decision.allowed).toBe(true);
          expect(decision.reasons.some((r) => r.code === 'OPTED_OUT')).toBe(optedOut);
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
