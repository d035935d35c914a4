import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConversationView, LeadView, ManualDialCheckView, RecentWorkView } from '#shared';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn, TEST_PASSWORD } from '../support/factories.js';

type Session = Awaited<ReturnType<typeof signIn>>;

// A Monday, 12:00 in New York: inside every US calling window.
const NOON_ET = '2026-03-02T17:00:00.000Z';

describe("the agent's tools: lead search, the dial pad, call notes", () => {
  let t: TestApp;
  let sim: SimulatedCarrier;
  let admin: Session;
  let supervisor: Session;
  let agent: Session;
  let other: Session;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET, env: { CARRIER_SIM_CLOCK: 'manual', OUTBOUND_CALLS_PER_SECOND: '100' } });
    sim = t.get<SimulatedCarrier>(SIMULATED_CARRIER);
    admin = await signIn(t, 'admin');
    supervisor = await signIn(t, 'supervisor');
    agent = await signIn(t, 'agent');
    other = await signIn(t, 'agent');
    await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Main', numbers: [{ e164: '+12125550100' }] }).expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A number of its own for each test, so no test reads another's rows. */
  const nextNumber = () => `+1718555${String(2000 + seq++).padStart(4, '0')}`;
  const newLead = async (fields: Record<string, unknown>, owner: Session = agent) => {
    const number = nextNumber();
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number }], ownerId: owner.user.id, ...fields }).expect(201)).body as LeadView;
    return { lead, number };
  };
  const find = async (who: Session, q: string) => ((await t.http.get(`/api/leads/search?q=${encodeURIComponent(q)}`).set(who.auth).expect(200)).body as { items: LeadView[] }).items.map((l) => l.id);
  const callsTo = async (number: string) => ((await t.http.get('/api/conversations?channel=call&limit=200').set(admin.auth).expect(200)).body as { items: ConversationView[] }).items.filter((c) => c.to === number);

  describe('lead search', () => {
    it('finds a lead by the start of a name, both names, company, email, tag or a number in any format', async () => {
      const { lead, number } = await newLead({ firstName: 'Augusta', lastName: 'Kingsley', company: 'Analytical Engines', email: 'augusta.k@engines.example', tags: ['difference'] });
      const local = number.slice(2); // 718555…
      for (const q of ['augu', 'KINGS', 'augusta king', 'analytical eng', 'augusta.k@eng', 'differ', `(${local.slice(0, 3)}) ${local.slice(3, 6)}-${local.slice(6)}`, `+1 ${local.slice(0, 3)}.${local.slice(3, 6)}.${local.slice(6)}`, local.slice(0, 7), `1${local.slice(0, 8)}`]) {
        expect({ q, found: await find(agent, q) }).toEqual({ q, found: expect.arrayContaining([lead.id]) });
      }
      // Prefixes, not anywhere in the text: the middle of a name or number does not match.
      expect(await find(agent, 'gusta')).not.toContain(lead.id);
      expect(await find(agent, 'augusta zzz')).not.toContain(lead.id);
    });

    it("shows an agent only their own leads; a supervisor finds every agent's", async () => {
      const mine = await newLead({ firstName: 'Visibility', lastName: 'Mine', company: 'Zeta Holdings' });
      const theirs = await newLead({ firstName: 'Visibility', lastName: 'Theirs', company: 'Zeta Holdings' }, other);
      expect(await find(agent, 'zeta hold')).toEqual([mine.lead.id]);
      expect(await find(agent, theirs.number)).toEqual([]);
      expect(await find(other, 'visibility')).toEqual([theirs.lead.id]);
      expect((await find(supervisor, 'zeta')).sort()).toEqual([mine.lead.id, theirs.lead.id].sort());
    });

    it('takes LIKE wildcards literally and refuses a bad limit by name', async () => {
      const { lead } = await newLead({ firstName: 'Percent%Sign', lastName: 'Under_Score' });
      expect(await find(agent, 'percent%')).toEqual([lead.id]);
      expect(await find(agent, '%')).not.toContain(lead.id);
      expect(await find(agent, '   ')).toEqual([]);
      const bad = await t.http.get('/api/leads/search?q=a&limit=500').set(agent.auth).expect(400);
      expect(bad.body.fields).toEqual([expect.objectContaining({ field: 'limit' })]);
      const missing = await t.http.get('/api/leads/search').set(agent.auth).expect(400);
      expect(missing.body.fields).toEqual([expect.objectContaining({ field: 'q' })]);
    });
  });

  describe('the dial pad', () => {
    it('answers a refused number with every reason and dials nothing, makes no lead', async () => {
      const number = nextNumber();
      await t.http.post('/api/opt-outs').set(admin.auth).send({ address: number, channel: 'call', note: 'asked on the phone' }).expect(201);
      const typed = `(${number.slice(2, 5)}) ${number.slice(5, 8)}-${number.slice(8)}`;
      const check = (await t.http.get(`/api/calls/manual/check?number=${encodeURIComponent(typed)}`).set(agent.auth).expect(200)).body as ManualDialCheckView;
      expect(check).toMatchObject({ number, lead: null, allowed: false, nextAllowedAt: null });
      expect(check.reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
      expect(check.reasons[0].message).toMatch(/opted out/i);

      const refused = await t.http.post('/api/calls/manual').set(agent.auth).send({ number: typed }).expect(409);
      expect(refused.body.code).toBe('CONTACT_REFUSED');
      expect((refused.body.details as ManualDialCheckView).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
      expect(await callsTo(number)).toEqual([]);
      expect(sim.listCalls().filter((c) => c.to === number)).toEqual([]);
      expect(await find(admin, number)).toEqual([]);
    });

    it('names the calling window when it is closed where the number is', async () => {
      const owner = await signIn(t, 'agent');
      const { lead, number } = await newLead({ firstName: 'Late', lastName: 'Caller' }, owner);
      t.clock.set('2026-03-03T03:00:00.000Z'); // 22:00 in New York
      try {
        // Signed in again at that hour: the earlier tokens have lapsed.
        const login = (await t.http.post('/api/auth/login').send({ email: owner.user.email, password: TEST_PASSWORD }).expect(200)).body as { accessToken: string };
        const late = { Authorization: `Bearer ${login.accessToken}` };
        const check = (await t.http.get(`/api/calls/manual/check?number=${encodeURIComponent(number)}`).set(late).expect(200)).body as ManualDialCheckView;
        expect(check).toMatchObject({ lead: { id: lead.id, name: 'Late Caller' }, allowed: false });
        expect(check.reasons.map((r) => r.code)).toContain('OUTSIDE_HOURS');
        expect(check.nextAllowedAt).not.toBeNull();
        const refused = await t.http.post('/api/calls/manual').set(late).send({ number }).expect(409);
        expect(refused.body.message).toContain(check.reasons[0].message);
      } finally {
        t.clock.set(NOON_ET);
      }
      expect(await callsTo(number)).toEqual([]);
    });

    it("dials the lead a pasted number belongs to, as the lead's call", async () => {
      const { lead, number } = await newLead({ firstName: 'Known', lastName: 'Number' });
      const pasted = `+1 ${number.slice(2, 5)}.${number.slice(5, 8)}.${number.slice(8)}`;
      const call = (await t.http.post('/api/calls/manual').set(agent.auth).send({ number: pasted }).expect(201)).body as ConversationView;
      expect(call).toMatchObject({ leadId: lead.id, to: number, agentId: agent.user.id, channel: 'call', direction: 'outbound' });
      expect(sim.listCalls().filter((c) => c.to === number)).toHaveLength(1);
    });

    it('makes a minimal lead for an allowed number nobody holds, owned by the agent', async () => {
      const number = nextNumber();
      const check = (await t.http.get(`/api/calls/manual/check?number=${encodeURIComponent(number)}`).set(agent.auth).expect(200)).body as ManualDialCheckView;
      expect(check).toMatchObject({ number, lead: null, allowed: true, reasons: [] });
      const call = (await t.http.post('/api/calls/manual').set(agent.auth).send({ number }).expect(201)).body as ConversationView;
      const lead = (await t.http.get(`/api/leads/${call.leadId}`).set(agent.auth).expect(200)).body as LeadView;
      expect(lead).toMatchObject({ firstName: 'Manual:', lastName: number, ownerId: agent.user.id, tags: ['manual-dial'], phones: [{ number }] });
      // Dialed again, the number is that lead's now.
      const again = (await t.http.get(`/api/calls/manual/check?number=${encodeURIComponent(number)}`).set(agent.auth).expect(200)).body as ManualDialCheckView;
      expect(again.lead).toEqual({ id: lead.id, name: `Manual: ${number}` });
    });

    it("refuses an agent a number on another agent's lead, and a number that is not one", async () => {
      const { number } = await newLead({ firstName: 'Someone', lastName: 'Else' }, other);
      const refused = await t.http.post('/api/calls/manual').set(agent.auth).send({ number }).expect(409);
      expect((refused.body.details as ManualDialCheckView).reasons.map((r) => r.code)).toEqual(['NOT_YOUR_LEAD']);
      expect(await callsTo(number)).toEqual([]);
      const bad = await t.http.post('/api/calls/manual').set(agent.auth).send({ number: '555' }).expect(400);
      expect(bad.body.fields).toEqual([expect.objectContaining({ field: 'number' })]);
      const none = await t.http.post('/api/calls/manual').set(agent.auth).send({}).expect(400);
      expect(none.body.fields).toEqual([expect.objectContaining({ field: 'number' })]);
    });
  });

  describe('call notes and recent work', () => {
    it("saves notes for the call's agent and a supervisor, refuses other agents and overlong notes", async () => {
      const { lead } = await newLead({ firstName: 'Notes', lastName: 'Taker' });
      const call = (await t.http.post('/api/calls').set(agent.auth).send({ leadId: lead.id }).expect(201)).body as ConversationView;
      const read = async () => ((await t.http.get(`/api/conversations/${call.id}`).set(admin.auth).expect(200)).body as ConversationView).notes;

      await t.http.patch(`/api/conversations/${call.id}`).set(agent.auth).send({ notes: 'Wants the annual plan' }).expect(200);
      expect(await read()).toBe('Wants the annual plan');
      await t.http.patch(`/api/conversations/${call.id}`).set(other.auth).send({ notes: 'not mine' }).expect(404);
      const long = await t.http.patch(`/api/conversations/${call.id}`).set(agent.auth).send({ notes: 'x'.repeat(5001) }).expect(400);
      expect(long.body.fields).toEqual([expect.objectContaining({ field: 'notes' })]);
      await t.http.patch(`/api/conversations/${call.id}`).set(supervisor.auth).send({ notes: 'Wants the annual plan; call Tuesday' }).expect(200);
      expect(await read()).toBe('Wants the annual plan; call Tuesday');
    });

    it("lists the agent's latest calls and the leads they worked, their own only", async () => {
      const { lead, number } = await newLead({ firstName: 'Recent', lastName: 'Work', company: 'Lately Ltd' });
      const call = (await t.http.post('/api/calls').set(agent.auth).send({ leadId: lead.id }).expect(201)).body as ConversationView;
      const recent = (await t.http.get('/api/conversations/recent-work').set(agent.auth).expect(200)).body as RecentWorkView;
      expect(recent.leads).toContainEqual(expect.objectContaining({ id: lead.id, name: 'Recent Work', phone: number, company: 'Lately Ltd' }));
      expect(recent.calls).toContainEqual(expect.objectContaining({ conversationId: call.id, leadId: lead.id, leadName: 'Recent Work', number, direction: 'outbound' }));
      const theirs = (await t.http.get('/api/conversations/recent-work').set(other.auth).expect(200)).body as RecentWorkView;
      expect(theirs.calls.map((c) => c.conversationId)).not.toContain(call.id);
      expect(theirs.leads.map((l) => l.id)).not.toContain(lead.id);
    });
  });
});
