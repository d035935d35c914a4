import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import twilio from 'twilio';
import { DataSource } from 'typeorm';
import type { ConversationView, EligibilityView, LeadView, OptOutEntryView } from '#shared';
import { REVOCATION_WORDS } from '../../server/src/compliance/data/consent-law.js';
import { LeadsRepository } from '../../server/src/leads/leads.repository.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { SIMULATED_CARRIER } from '../../server/src/telephony/carrier/carrier.providers.js';
import type { SimulatedCarrier } from '../../server/src/telephony/carrier/simulated/simulated-carrier.js';
import type { ConversationEntity } from '../../server/src/telephony/conversations/conversation.entity.js';
import { ConversationsRepository, TypeormConversationsRepository } from '../../server/src/telephony/conversations/conversations.repository.js';
import { createTestApp, type TestApp, type TestAppOptions } from '../support/app.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { signIn } from '../support/factories.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

// A Monday, noon in New York: inside every US calling window, before the revoke-all date.
const MONDAY_NOON_ET = '2026-12-07T17:00:00.000Z';
// A Monday after the revoke-all rule took effect (2027-01-31).
const AFTER_REVOKE_ALL = '2027-02-01T17:00:00.000Z';
const OUR_NUMBER = '+12125550100';
const ENV = { CARRIER_SIM_CLOCK: 'manual', OUTBOUND_CALLS_PER_SECOND: '100', OUTBOUND_SMS_PER_SECOND: '100' };

let seq = 0;
const nextNumber = () => `+1718556${String(1000 + seq++).padStart(4, '0')}`;

/** A real repository that fails to store inbound texts on purpose, as a lost connection would. */
class FailingInboundTexts extends TypeormConversationsRepository {
  failures = 0;
  override async insertOnce(c: ConversationEntity) {
    if (c.direction === 'inbound' && c.channel === 'sms' && this.failures > 0) {
      this.failures--;
      throw new Error('injected: the database went away while storing the message');
    }
    return super.insertOnce(c);
  }
}

async function boot(options: TestAppOptions = {}) {
  const t = await createTestApp({ now: MONDAY_NOON_ET, ...options, env: { ...ENV, ...options.env } });
  await listen(t);
  const sim = t.get<SimulatedCarrier>(SIMULATED_CARRIER);
  const admin = await signIn(t, 'admin');
  return { t, sim, admin };
}

describe('consent across restarts of the server and its simulated carrier', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await createScratchDatabase(undefined, undefined, { migrated: true });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('texts, calls and inbound messages across two restarts on one database: no id collides, every inbound message is on its sender, every STOP holds', async () => {
    const stopped: Array<{ lead: LeadView; number: string }> = [];
    const inbound: Array<{ leadId: string; body: string }> = [];
    const sids = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const { t, sim, admin } = await boot({ database: db });
      try {
        if (round === 0) await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Main', numbers: [{ e164: OUR_NUMBER }] }).expect(201);
        const leads: Array<{ lead: LeadView; number: string }> = [];
        for (let i = 0; i < 3; i++) {
          const number = nextNumber();
          leads.push({ lead: (await t.http.post('/api/leads').set(admin.auth).send({ firstName: `R${round}L${i}`, phones: [{ number }] }).expect(201)).body as LeadView, number });
        }
        for (const { lead } of leads) {
          const sent = (await t.http.post('/api/sms').set(admin.auth).send({ leadId: lead.id, body: `round ${round}` }).expect(201)).body as ConversationView;
          expect(sent.status).not.toBe('initiating');
          sids.add(sent.providerSid!);
        }
        const call = (await t.http.post('/api/calls').set(admin.auth).send({ leadId: leads[0].lead.id }).expect(201)).body as ConversationView;
        sids.add(call.providerSid!);
        await sim.advance(60_000);
        // One of them replies, one says STOP; someone who stopped earlier writes again.
        for (const [who, body] of [
          [leads[1], `hello from round ${round}`],
          [leads[2], 'STOP'],
          ...(stopped.length ? [[stopped[0], 'why am I still on this?']] : []),
        ] as Array<[{ lead: LeadView; number: string }, string]>) {
          const res = await t.http.post('/api/telephony/sim/inbound-sms').set(admin.auth).send({ from: who.number, to: OUR_NUMBER, body });
          expect(res.status).toBe(201);
          expect(sim.deliveries.filter((d) => d.kind === 'inbound-sms').every((d) => d.status === 200)).toBe(true);
          inbound.push({ leadId: who.lead.id, body });
        }
        stopped.push(leads[2]);
        for (const s of sim.messages.values()) sids.add(s.sid);
        // Every STOP so far holds, in this instance, for texts.
        for (const s of stopped) {
          const refused = await t.http.post('/api/sms').set(admin.auth).send({ leadId: s.lead.id, body: 'still there?' });
          expect(refused.status).toBe(409);
          expect(refused.body.code).toBe('CONTACT_REFUSED');
        }
        // Every inbound message so far is on its sender's thread, once.
        const rows = await t.dataSource.query(`SELECT lead_id, body FROM conversations WHERE direction = 'inbound' AND channel = 'sms' ORDER BY created_at`);
        const stored = (rows as Array<{ lead_id: string; body: string }>).map((r) => `${r.lead_id}|${r.body}`).sort();
        expect(stored).toEqual(inbound.map((m) => `${m.leadId}|${m.body}`).sort());
      } finally {
        await t.close();
      }
    }
    // The carrier's ids of three boots never met (the database's unique index would have refused them).
    expect(sids.size).toBeGreaterThanOrEqual(3 * 5);
    const sidRows = (await queryOnce(db, `SELECT COUNT(*) AS n, COUNT(DISTINCT provider_sid) AS d FROM conversations WHERE provider_sid IS NOT NULL`)) as Array<{ n: string | number; d: string | number }>;
    expect(Number(sidRows[0].n)).toBe(Number(sidRows[0].d));
    expect(Number(sidRows[0].n)).toBeGreaterThanOrEqual(3 * 4);
  }, 180_000);

  async function queryOnce(scratch: ScratchDatabase, sql: string): Promise<unknown> {
    const t = await createTestApp({ database: scratch, env: ENV });
    try {
      return await t.get(DataSource).query(sql);
    } finally {
      await t.close();
    }
  }
});

describe('consent: revocation by any reasonable means', () => {
  let t: TestApp;
  let sim: SimulatedCarrier;
  let admin: Session;
  let supervisor: Session;
  let agent: Session;
  let failing: FailingInboundTexts;

  beforeAll(async () => {
    const booted = await boot({
      overrides: [{ token: ConversationsRepository, inject: [DataSource, LeadsRepository], useFactory: (ds: DataSource, leads: LeadsRepository) => (failing = new FailingInboundTexts(ds, leads)) }],
    });
    ({ t, sim, admin } = booted);
    supervisor = await signIn(t, 'supervisor');
    agent = await signIn(t, 'agent');
    await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Main', numbers: [{ e164: OUR_NUMBER }] }).expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const newLead = async (extra: Record<string, unknown> = {}) => {
    const number = nextNumber();
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number }], ownerId: agent.user.id, ...extra }).expect(201)).body as LeadView;
    return { lead, number };
  };
  const eligibility = async (id: string, channel: string) => (await t.http.get(`/api/leads/${id}/eligibility?channel=${channel}`).set(admin.auth).expect(200)).body as EligibilityView;
  const text = (from: string, body: string) => t.http.post('/api/telephony/sim/inbound-sms').set(admin.auth).send({ from, to: OUR_NUMBER, body }).expect(201);
  const history = async (address: string) => (await t.http.get(`/api/opt-outs/history?address=${encodeURIComponent(address)}`).set(admin.auth).expect(200)).body as OptOutEntryView[];
  const runJobs = async () => {
    const scheduler = t.get(SchedulerService);
    while ((await scheduler.runDue()) > 0);
    await sim.advance(5_000);
  };
  /** Sign-ins valid at the clock's time (a jump of weeks outlives the tokens). */
  const signInAgain = async () => {
    [admin, supervisor, agent] = await Promise.all([signIn(t, 'admin'), signIn(t, 'supervisor'), signIn(t, 'agent')]);
  };
  const setRules = (rules: Record<string, unknown>) => t.http.put('/api/compliance/consent-rules').set(admin.auth).send(rules).expect(200);

  it.each([...REVOCATION_WORDS.words, 'STOPALL', 'STOP ALL', 'OPTOUT', 'opt-out', 'Stop!', '"End."', 'ＳＴＯＰ', 'Unsubscribe 🙏'])('"%s" by text opts the number out of texts, with the words kept', async (words) => {
    const { lead, number } = await newLead();
    await text(number, words);
    const sms = await eligibility(lead.id, 'sms');
    expect(sms.reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
    expect(sms.reasons[0].evidence).toMatchObject({ source: 'sms-keyword', origin: 'sms', words: words.trim() });
    expect(sms.reasons[0].message).toContain('revoked consent by text');
  });

  it('a failure while storing an inbound STOP still records the opt-out, once, and the carrier\'s retry stores the message', async () => {
    const { lead, number } = await newLead();
    failing.failures = 3; // every attempt of the carrier fails to store the message
    await text(number, 'STOP');
    expect(sim.deliveries.filter((d) => d.kind === 'inbound-sms' && d.params.From === number).map((d) => d.status)).toEqual([500, 500, 500]);
    expect((await eligibility(lead.id, 'sms')).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
    expect((await history(number)).filter((e) => e.action === 'opt-out')).toHaveLength(1);
    const unstored = (await t.http.get(`/api/conversations?leadId=${lead.id}&channel=sms`).set(admin.auth).expect(200)).body.items as ConversationView[];
    expect(unstored.filter((c) => c.direction === 'inbound')).toEqual([]);

    failing.failures = 1; // the next one fails once, and the carrier's second try stores it
    const other = await newLead();
    await text(other.number, 'stop');
    expect(sim.deliveries.filter((d) => d.kind === 'inbound-sms' && d.params.From === other.number).map((d) => d.status)).toEqual([500, 200]);
    expect((await history(other.number)).filter((e) => e.action === 'opt-out')).toHaveLength(1);
    const stored = (await t.http.get(`/api/conversations?leadId=${other.lead.id}&channel=sms`).set(admin.auth).expect(200)).body.items as ConversationView[];
    expect(stored.filter((c) => c.direction === 'inbound').map((c) => c.body)).toEqual(['stop']);
    // The confirmation goes once for each, whatever the retries.
    await runJobs();
    for (const n of [number, other.number]) expect([...sim.messages.values()].filter((m) => m.to === n && m.direction === 'outbound-api')).toHaveLength(1);
  });

  it('a carrier id seen before is a duplicate only for the same message: another message with it is stored on its sender, and a STOP with it holds', async () => {
    const base = await listen(t);
    const path = '/api/telephony/webhooks/sms';
    const post = (params: Record<string, string>) =>
      t.http.post(path).type('form').set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(sim.options.authToken, `${base}${path}`, params)).send(params);
    const a = await newLead();
    const b = await newLead();
    const sid = `SM${'ab'.repeat(16)}`;
    await post({ MessageSid: sid, From: a.number, To: OUR_NUMBER, Body: 'see you tomorrow' }).expect(200);
    await post({ MessageSid: sid, From: a.number, To: OUR_NUMBER, Body: 'see you tomorrow' }).expect(200); // the carrier's retry
    await post({ MessageSid: sid, From: b.number, To: OUR_NUMBER, Body: 'STOP' }).expect(200); // another message, the same id
    await post({ MessageSid: sid, From: b.number, To: OUR_NUMBER, Body: 'STOP' }).expect(200);
    const thread = async (leadId: string) => ((await t.http.get(`/api/conversations?leadId=${leadId}&channel=sms`).set(admin.auth).expect(200)).body.items as ConversationView[]).filter((c) => c.direction === 'inbound').map((c) => [c.body, c.providerSid]);
    expect(await thread(a.lead.id)).toEqual([['see you tomorrow', sid]]);
    expect(await thread(b.lead.id)).toEqual([['STOP', null]]);
    expect((await eligibility(b.lead.id, 'sms')).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
    expect((await history(b.number)).filter((e) => e.action === 'opt-out')).toHaveLength(1);
  });

  it('free text that asks not to be contacted opts out; a look-alike does not; the confirmation is sent once, within five minutes, with no marketing', async () => {
    const { lead, number } = await newLead();
    await text(number, 'Please stop texting me');
    const refused = await eligibility(lead.id, 'sms');
    expect(refused.reasons[0]).toMatchObject({ code: 'OPTED_OUT', evidence: { source: 'sms-text', words: 'Please stop texting me' } });
    await runJobs();
    await text(number, 'STOP'); // already opted out: no second confirmation
    await runJobs();
    const confirmations = [...sim.messages.values()].filter((m) => m.to === number && m.direction === 'outbound-api');
    expect(confirmations).toHaveLength(1);
    for (const c of confirmations) expect(c.body).toMatch(/^Switchboard: We have your request\. You will get no more texts from us\. Reply START to get texts again\.$/);

    const lookalike = await newLead();
    await text(lookalike.number, "Don't stop the delivery, I need it by Friday");
    expect((await eligibility(lookalike.lead.id, 'sms')).allowed).toBe(true);
  });

  it('a text that names another channel stops that one too: "stop calling me" the calls, "stop emailing me" the person\'s email, "wrong number" calls and texts', async () => {
    const calls = await newLead();
    await text(calls.number, 'Stop calling me!');
    expect((await eligibility(calls.lead.id, 'sms')).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
    expect((await eligibility(calls.lead.id, 'call')).reasons[0]).toMatchObject({ code: 'OPTED_OUT', evidence: { words: 'Stop calling me!' } });

    const mail = await newLead({ email: `mail-${seq}@example.test` });
    await text(mail.number, 'please stop emailing me');
    expect((await eligibility(mail.lead.id, 'email')).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
    expect((await eligibility(mail.lead.id, 'call')).allowed).toBe(true);
    expect((await history(mail.lead.email!)).map((e) => [e.action, e.channel, e.source])).toEqual([['opt-out', 'email', 'sms-text']]);

    const wrong = await newLead();
    await text(wrong.number, 'wrong number');
    for (const channel of ['sms', 'call']) expect((await eligibility(wrong.lead.id, channel)).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
  });

  it('a late confirmation is dropped: past five minutes after the request nothing is sent', async () => {
    const { number } = await newLead();
    await text(number, 'STOP');
    t.clock.advance(6 * 60_000);
    await runJobs();
    expect([...sim.messages.values()].filter((m) => m.to === number && m.direction === 'outbound-api')).toEqual([]);
  });

  it('a message that may be a revocation is never ignored: it opts out by default, or holds contact for a supervisor\'s review', async () => {
    const a = await newLead();
    await text(a.number, 'not interested');
    expect((await eligibility(a.lead.id, 'sms')).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);

    await setRules({ unsure: 'review' });
    try {
      const b = await newLead({ email: `held-${seq}@example.test` });
      await text(b.number, 'not interested');
      for (const channel of ['sms', 'call', 'email']) expect((await eligibility(b.lead.id, channel)).reasons.map((r) => r.code)).toEqual(['CONSENT_REVIEW']);
      const open = (await t.http.get('/api/consent-reviews?status=open').set(supervisor.auth).expect(200)).body as Array<{ id: string; address: string; words: string }>;
      const review = open.find((r) => r.address === b.number)!;
      expect(review.words).toBe('not interested');
      await t.http.get('/api/consent-reviews').set(agent.auth).expect(403);
      await t.http.post(`/api/consent-reviews/${review.id}/decision`).set(supervisor.auth).send({ decision: 'maybe' }).expect(400);
      await t.http.post(`/api/consent-reviews/${review.id}/decision`).set(supervisor.auth).send({ decision: 'not-revocation', note: 'they meant this offer' }).expect(200);
      await t.http.post(`/api/consent-reviews/${review.id}/decision`).set(supervisor.auth).send({ decision: 'revocation' }).expect(409);
      expect((await eligibility(b.lead.id, 'sms')).allowed).toBe(true);

      const c = await newLead();
      await text(c.number, 'not interested');
      const held = ((await t.http.get('/api/consent-reviews?status=open').set(supervisor.auth).expect(200)).body as Array<{ id: string; address: string }>).find((r) => r.address === c.number)!;
      const decided = (await t.http.post(`/api/consent-reviews/${held.id}/decision`).set(supervisor.auth).send({ decision: 'revocation' }).expect(200)).body;
      expect(decided.entry).toMatchObject({ source: 'review', kind: 'revocation', words: 'not interested', actorId: supervisor.user.id });
      expect((await eligibility(c.lead.id, 'sms')).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
    } finally {
      await setRules({ unsure: 'opt-out' });
    }
  });

  it('before the revoke-all date a text STOP stops texts only, unless the floor chooses all; the scope is in the explanation', async () => {
    const { lead, number } = await newLead({ email: `scope-${seq}@example.test` });
    await text(number, 'STOP');
    const call = await eligibility(lead.id, 'call');
    expect(call.allowed).toBe(true);
    expect(call.consentScope).toMatchObject({ mode: 'per-channel', setting: 'dated', revokeAllFrom: '2027-01-31' });

    await setRules({ revocationScope: 'all' });
    try {
      for (const channel of ['call', 'email']) {
        const refused = await eligibility(lead.id, channel);
        expect(refused.reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
        expect(refused.reasons[0].evidence?.reach).toEqual({ channels: ['all'], campaigns: 'all', addresses: 'the person' });
        expect(refused.consentScope).toMatchObject({ mode: 'all', setting: 'all' });
        expect(refused.reasons[0].message).toContain('applies to every channel');
      }
      const ledger = (await history(number))[0];
      expect(ledger).toMatchObject({ kind: 'revocation', origin: 'sms', reach: { channels: ['all'] } });
    } finally {
      await setRules({ revocationScope: 'dated' });
    }
    expect((await eligibility(lead.id, 'call')).allowed).toBe(true);
  });

  it('from January 31, 2027 a revocation by text, voice or email stops every channel and campaign, honoured at once; START brings back texts only', async () => {
    const saved = t.clock.now();
    t.clock.set(AFTER_REVOKE_ALL);
    await signInAgain();
    try {
      const { lead, number } = await newLead({ email: `revoke-all-${seq}@example.test` });
      await text(number, 'STOP');
      for (const channel of ['sms', 'call', 'email']) {
        const refused = await eligibility(lead.id, channel);
        expect(refused.reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
        expect(refused.consentScope).toMatchObject({ mode: 'all', citation: '47 CFR 64.1200(a)(10)' });
      }
      const check = (await t.http.get(`/api/opt-outs/check?address=${encodeURIComponent(lead.email!)}`).set(agent.auth).expect(200)).body;
      expect(check).toMatchObject({ optedOut: true, channels: { call: true, sms: true, email: true } });
      expect(check.reasons[0]).toMatchObject({ source: 'sms-keyword', origin: 'sms', words: 'STOP', at: AFTER_REVOKE_ALL, reach: { channels: ['all'], campaigns: 'all' } });
      expect(check.reasons[0].scope).toBeTruthy();
      expect(check.consentScope).toMatchObject({ mode: 'all', revokeAllFrom: '2027-01-31' });
      // Even the floor's per-channel setting cannot narrow the rule once it is in force.
      await setRules({ revocationScope: 'per-channel' });
      expect((await eligibility(lead.id, 'call')).consentScope.basis).toContain('cannot narrow it');
      await setRules({ revocationScope: 'dated' });

      t.clock.advance(60_000);
      await text(number, 'START');
      expect((await eligibility(lead.id, 'sms')).allowed).toBe(true);
      expect((await eligibility(lead.id, 'call')).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
      expect((await eligibility(lead.id, 'email')).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);

      // A revocation by voice (the agent records it on the call) stops texts and email as well.
      const spoken = await newLead({ email: `voice-all-${seq}@example.test` });
      const call = (await t.http.post('/api/calls').set(agent.auth).send({ leadId: spoken.lead.id }).expect(201)).body as ConversationView;
      await t.http.post(`/api/conversations/${call.id}/revocation`).set(agent.auth).send({ words: 'please stop calling me', channel: 'call' }).expect(201);
      for (const channel of ['sms', 'call', 'email']) expect((await eligibility(spoken.lead.id, channel)).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);

      // An email unsubscribe reaches the person's phone too.
      const other = await newLead({ email: `unsub-${seq}@example.test` });
      await t.http.post('/api/opt-outs').set(admin.auth).send({ address: other.lead.email, channel: 'email', origin: 'email', words: 'unsubscribe me' }).expect(201);
      expect((await eligibility(other.lead.id, 'call')).reasons.map((r) => r.code)).toEqual(['OPTED_OUT']);
      // The floor's own decision stays on its channel.
      const internal = await newLead();
      await t.http.post('/api/opt-outs').set(admin.auth).send({ address: internal.number, channel: 'call', kind: 'internal', note: 'paused by the floor' }).expect(201);
      expect((await eligibility(internal.lead.id, 'sms')).allowed).toBe(true);
    } finally {
      t.clock.set(saved.toISOString());
      await signInAgain();
    }
  });

  it('an agent records a spoken revocation from the call: the ledger keeps the agent, the call and the words', async () => {
    const { lead, number } = await newLead({ email: `spoken-${seq}@example.test` });
    const call = (await t.http.post('/api/calls').set(agent.auth).send({ leadId: lead.id }).expect(201)).body as ConversationView;
    await t.http.post(`/api/conversations/${call.id}/revocation`).set(agent.auth).send({}).expect(400);
    await t.http.post(`/api/conversations/${call.id}/revocation`).set(agent.auth).send({ words: 'x', channel: 'fax' }).expect(400);
    const other = await signIn(t, 'agent');
    await t.http.post(`/api/conversations/${call.id}/revocation`).set(other.auth).send({ words: 'stop calling me' }).expect(404);
    const written = (await t.http.post(`/api/conversations/${call.id}/revocation`).set(agent.auth).send({ words: 'Take me off your list, do not contact me again' }).expect(201)).body as OptOutEntryView[];
    expect(written.map((e) => [e.address, e.channel])).toEqual([
      [number, 'all'],
      [lead.email, 'email'],
    ]);
    expect(written[0]).toMatchObject({ source: 'agent', kind: 'revocation', origin: 'call', conversationId: call.id, actorId: agent.user.id, words: 'Take me off your list, do not contact me again' });
    // Twice (a double click) writes nothing more.
    await t.http.post(`/api/conversations/${call.id}/revocation`).set(agent.auth).send({ words: 'Take me off your list, do not contact me again' }).expect(201);
    expect((await history(number)).filter((e) => e.action === 'opt-out')).toHaveLength(1);
    for (const channel of ['call', 'sms', 'email']) expect((await eligibility(lead.id, channel)).allowed).toBe(false);
  });

  it("supervisors list a day's revocations in the floor's zone and export them as CSV", async () => {
    const { number } = await newLead();
    await text(number, 'remove me from your list');
    const day = (await t.http.get('/api/opt-outs/day?date=2026-12-07').set(supervisor.auth).expect(200)).body as { zone: string; entries: OptOutEntryView[] };
    expect(day.zone).toBe('America/New_York');
    expect(day.entries.find((e) => e.address === number)).toMatchObject({ source: 'sms-text', words: 'remove me from your list', kind: 'revocation' });
    const csv = await t.http.get('/api/opt-outs/day?date=2026-12-07&format=csv').set(supervisor.auth).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toContain('created_at,floor_time,address,action,kind,channel');
    expect(lines.some((l) => l.includes(number) && l.includes('remove me from your list'))).toBe(true);
    expect(lines.length - 1).toBe(day.entries.length);
    expect((await t.http.get('/api/opt-outs/day?date=2026-12-06').set(supervisor.auth).expect(200)).body.entries).toEqual([]);
    await t.http.get('/api/opt-outs/day?date=2026-02-30').set(supervisor.auth).expect(400);
    await t.http.get('/api/opt-outs/day?date=2026-12-07').set(agent.auth).expect(403);
  });
});
