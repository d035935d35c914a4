import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DncListView, DncLoadView, EligibilityView, LeadView } from '#shared';
import { DncService } from '../../server/src/compliance/dnc.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { streamRequest } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

// 17:00Z on a Monday is inside every US calling window.
const NOON_ET = '2026-03-02T17:00:00.000Z';

const FILE = [
  '\uFEFFphone\r\n', // 1: header
  '# national registry extract\r\n', // 2: comment
  '2125550101\r\n', // 3
  '\r\n', // 4: blank
  '212,5550102\n', // 5: area code and number in two fields
  '(212) 555-0103\n', // 6
  '+1 212 555 0101\n', // 7: duplicate of line 3
  '+44 20 7946 0018\n', // 8
  '555-0199\n', // 9: invalid
  '1125550104\n', // 10: invalid area code
  '12125550105', // 11: no newline at the end
].join('');

describe('do-not-call lists', () => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET });
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
  });
  afterAll(async () => {
    await t?.close();
  });

  const createList = async (name: string) => (await t.http.post('/api/dnc-lists').set(admin.auth).send({ name }).expect(201)).body as DncListView;
  const load = async (id: number, text: string) =>
    (await t.http.put(`/api/dnc-lists/${id}/numbers`).set(admin.auth).set('Content-Type', 'text/plain').send(text).expect(200)).body as DncLoadView;
  const eligibility = async (id: string, channel: string) => (await t.http.get(`/api/leads/${id}/eligibility?channel=${channel}`).set(admin.auth).expect(200)).body as EligibilityView;

  it('loads a messy file with exact counts and samples; loading it again adds nothing', async () => {
    const list = await createList('Registry 2026-11');
    expect(list).toMatchObject({ status: 'loading', numberCount: 0 });
    const first = await load(list.id, FILE);
    expect(first).toMatchObject({ status: 'active', linesRead: 11, numberCount: 5, duplicateCount: 1, invalidCount: 2 });
    expect(first.invalid).toEqual([
      { line: 9, value: '555-0199', reason: 'is not a phone number' },
      { line: 10, value: '1125550104', reason: 'is not a phone number' },
    ]);
    const again = await load(list.id, FILE);
    expect(again).toMatchObject({ numberCount: 5, duplicateCount: 7, invalidCount: 4, linesRead: 22 });
  });

  it('the gate refuses calls and texts to a listed number, naming the list, until the list is removed', async () => {
    const list = await createList('Internal suppression');
    await load(list.id, '+13055550177\n');
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number: '+13055550177' }], email: 'dnc@example.test' }).expect(201)).body as LeadView;
    for (const channel of ['call', 'sms']) {
      const e = await eligibility(lead.id, channel);
      expect(e).toMatchObject({ allowed: false, nextAllowedAt: null });
      expect(e.reasons).toEqual([{ code: 'BLOCKED', message: '+13055550177 is blocked by dnc-list +13055550177 (on DNC list "Internal suppression")', until: null }]);
    }
    expect((await eligibility(lead.id, 'email')).allowed).toBe(true);
    expect((await t.http.get('/api/dnc-lists/check?number=(305) 555-0177').set(agent.auth).expect(200)).body).toEqual({
      number: '+13055550177',
      blocked: true,
      lists: [{ id: list.id, name: 'Internal suppression' }],
    });

    await t.http.delete(`/api/dnc-lists/${list.id}`).set(agent.auth).expect(403);
    await t.http.delete(`/api/dnc-lists/${list.id}`).set(admin.auth).expect(204);
    expect((await eligibility(lead.id, 'call')).allowed).toBe(true);
    expect((await t.http.get(`/api/dnc-lists/${list.id}`).set(admin.auth).expect(200)).body).toMatchObject({ status: 'removed' });
    await t.http.put(`/api/dnc-lists/${list.id}/numbers`).set(admin.auth).set('Content-Type', 'text/plain').send('2125550000\n').expect(409);
  });

  it('scrubs a list of numbers, reporting the blocked and the unreadable', async () => {
    const res = await t.http
      .post('/api/dnc-lists/scrub')
      .set(admin.auth)
      .send({ numbers: ['+12125550101', '212-555-0103', '+12125550999', 'nope', '+442079460018'] })
      .expect(200);
    expect(res.body.checked).toBe(5);
    expect([...res.body.blocked].sort()).toEqual(['+12125550101', '+12125550103', '+442079460018']);
    expect(res.body.invalid).toEqual([{ index: 3, value: 'nope', reason: 'is not a phone number' }]);

    // The same answers from the in-memory index once built, and never a stale one after a change.
    const dnc = t.get(DncService);
    await dnc.warmIndex();
    const numbers = ['+12125550101', '+12125550999', '+19175550123'];
    expect((await dnc.scrub(numbers)).blocked).toEqual(['+12125550101']);
    const list = await createList('Late addition');
    await load(list.id, '9175550123\n');
    expect((await dnc.scrub(numbers)).blocked.sort()).toEqual(['+12125550101', '+19175550123']);
    await dnc.warmIndex();
    expect((await dnc.scrub(numbers)).blocked.sort()).toEqual(['+12125550101', '+19175550123']);
    await t.http.delete(`/api/dnc-lists/${list.id}`).set(admin.auth).expect(204);
    expect((await dnc.scrub(numbers)).blocked).toEqual(['+12125550101']);

    // Single lookups (the gate's) from the warm index: misses from memory, hits name their list,
    // and a load on this instance counts at once.
    await dnc.warmIndex();
    expect(await dnc.lookup('+12125550999')).toEqual([]);
    expect((await dnc.lookup('+12125550101')).map((l) => l.name)).toEqual(['Registry 2026-11']);
    const fresh = await createList('Fresh');
    await load(fresh.id, '6465550123\n');
    expect((await dnc.lookup('+16465550123')).map((l) => l.name)).toEqual(['Fresh']);
    const second = await createList('Second');
    await load(second.id, '6465550123\n');
    await dnc.warmIndex();
    expect((await dnc.lookup('+16465550123')).map((l) => l.name).sort()).toEqual(['Fresh', 'Second']);
    expect((await dnc.lookup('+12125550101')).map((l) => l.name)).toEqual(['Registry 2026-11']);
  });

  it('refuses agents, unknown lists and files that are not text', async () => {
    await t.http.post('/api/dnc-lists').set(agent.auth).send({ name: 'x' }).expect(403);
    await t.http.put('/api/dnc-lists/999999/numbers').set(admin.auth).set('Content-Type', 'text/plain').send('2125550000\n').expect(404);
    const list = await createList('Typed');
    const res = await t.http.put(`/api/dnc-lists/${list.id}/numbers`).set(admin.auth).set('Content-Type', 'application/json').send({ numbers: [] }).expect(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await t.http.post('/api/dnc-lists').set(admin.auth).send({ name: '' }).expect(400)).body.fields[0].field).toBe('name');
  });

  it('streams a large file in batches without holding it', async () => {
    const list = await createList('Big');
    const total = 120_000;
    let i = 0;
    const body = new Readable({
      read() {
        if (i >= total) return this.push(null);
        let chunk = '';
        for (let k = 0; k < 5000 && i < total; k++, i++) chunk += `${2125000000 + i * 3}\n`;
        this.push(chunk);
      },
    });
    const res = await streamRequest(t, 'PUT', `/api/dnc-lists/${list.id}/numbers`, body, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', Authorization: admin.auth.Authorization });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', numberCount: total, linesRead: total, invalidCount: 0, duplicateCount: 0 });
    const probe = await t.http.get(`/api/dnc-lists/check?number=%2B1${2125000000 + 3 * 4321}`).set(admin.auth).expect(200);
    expect(probe.body.blocked).toBe(true);
    const miss = await t.http.get(`/api/dnc-lists/check?number=%2B1${2125000000 + 3 * 4321 + 1}`).set(admin.auth).expect(200);
    expect(miss.body.blocked).toBe(false);
  });
});
