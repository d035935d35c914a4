import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DialQueueView, ImportPenetrationView, LeadImportUploadView, LeadImportView, LeadView, ListPenetrationView, RingPoolView } from '#shared';
import { DialQueueItemEntity } from '../../server/src/dialer/dial-queue.entity.js';
import { DialItemsRepository } from '../../server/src/dialer/dial-items.repository.js';
import { LeadImportRunner } from '../../server/src/leads/import/lead-import.runner.js';
import { LeadEntity } from '../../server/src/leads/lead.entity.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

type Session = Awaited<ReturnType<typeof signIn>>;

/** Noon in New York on a Monday: inside the legal calling window. */
const NOON_ET = '2026-03-02T17:00:00.000Z';
const COLUMNS = { Name: 'firstName', Phone: 'phone' };

/** Calls per lead as a histogram, the way the endpoint lays it out, from item rows. */
function histogramOf(rows: DialQueueItemEntity[]): Array<{ calls: number; leads: number }> {
  const perLead = new Map<string, number>();
  for (const r of rows) perLead.set(r.leadId, (perLead.get(r.leadId) ?? 0) + r.attempts);
  const byCalls = new Map<number, number>();
  for (const n of perLead.values()) byCalls.set(n, (byCalls.get(n) ?? 0) + 1);
  return [...byCalls.entries()].sort((a, b) => a[0] - b[0]).map(([calls, leads]) => ({ calls, leads }));
}

describe('list penetration per CSV import', () => {
  let t: TestApp;
  let admin: Session;
  let pool: RingPoolView;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: NOON_ET });
    admin = await signIn(t, 'admin');
    pool = (await t.http.post('/api/ring-pools').set(admin.auth).send({ name: 'Import pool', numbers: [{ e164: '+12125550180' }] }).expect(201)).body as RingPoolView;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const items = () => t.dataSource.getRepository(DialQueueItemEntity);
  const importCsv = async (lines: string[], dedupe: 'skip' | 'update'): Promise<LeadImportView> => {
    const up = (await t.http.post('/api/lead-imports?filename=list.csv').set(admin.auth).set('Content-Type', 'text/csv').send(['Name,Phone', ...lines].join('\n')).expect(201)).body as LeadImportUploadView;
    await t.http.post(`/api/lead-imports/${up.id}/start`).set(admin.auth).send({ columns: COLUMNS, dedupe }).expect(202);
    await t.get(LeadImportRunner).idle();
    return (await t.http.get(`/api/lead-imports/${up.id}`).set(admin.auth).expect(200)).body as LeadImportView;
  };
  const leadByPhone = async (phone: string) => ((await t.http.get(`/api/leads?phone=${encodeURIComponent(phone)}`).set(admin.auth).expect(200)).body as { items: LeadView[] }).items[0];
  const newQueue = async () => (await t.http.post('/api/dial-queues').set(admin.auth).send({ name: `Import list ${seq++}`, mode: 'power', ringPoolId: pool.id }).expect(201)).body as DialQueueView;
  const add = (q: DialQueueView, leads: LeadView[]) => t.http.post(`/api/dial-queues/${q.id}/leads`).set(admin.auth).send({ leadIds: leads.map((l) => l.id) }).expect(200);
  /** The lead's turn in the queue ended (as the dialer finishes one). */
  const finish = async (q: DialQueueView, lead: LeadView, change: Partial<DialQueueItemEntity>) => {
    const item = await items().findOneByOrFail({ queueId: q.id, leadId: lead.id, status: 'pending' });
    expect(await t.get(DialItemsRepository).move(item.id, ['pending'], { status: 'done', attempts: 3, updatedAt: t.clock.now(), ...change })).toBe(true);
  };

  it('counts only the import’s leads, per queue and across queues, and those never queued', async () => {
    const numbers = [1, 2, 3, 4, 5, 6].map((n) => `+1212555${String(2100 + n)}`);
    const first = await importCsv(numbers.map((n, i) => `First${i + 1},${n}`), 'skip');
    expect(first).toMatchObject({ status: 'completed', counts: { created: 6 } });
    // A later import merges into the first one's lead and makes one of its own: the merged lead keeps its first import.
    const second = await importCsv([`Merged,${numbers[0]}`, 'Second,+12125552200'], 'update');
    expect(second).toMatchObject({ status: 'completed', counts: { created: 1, updated: 1 } });
    const [a1, a2, a3, a4, a5] = await Promise.all(numbers.map(leadByPhone));
    const b1 = await leadByPhone('+12125552200');
    expect(a1).toMatchObject({ firstName: 'Merged', importId: first.id });
    expect(b1.importId).toBe(second.id);
    const others = [];
    for (const n of ['+12125552301', '+12125552302']) others.push((await t.http.post('/api/leads').set(admin.auth).send({ firstName: 'ByHand', phones: [{ number: n }] }).expect(201)).body as LeadView);
    expect(others[0].importId).toBeNull();
    expect(await t.dataSource.getRepository(LeadEntity).countBy({ importId: first.id })).toBe(6);

    const q1 = await newQueue();
    const q2 = await newQueue();
    await add(q1, [a1, a2, a3, a4, b1, ...others]);
    await add(q2, [a1, a5]);
    await finish(q1, a1, { lastOutcome: 'answered', disposition: 'sale', attempts: 2 });
    await finish(q1, a2, { lastOutcome: 'busy' });
    await finish(q1, a3, { lastOutcome: 'refused', refusalCodes: 'OPTED_OUT', attempts: 0 });
    await finish(q1, others[0], { lastOutcome: 'answered', disposition: 'sale', attempts: 1 });
    await finish(q2, a5, { lastOutcome: 'no-answer', attempts: 1 });

    const importLeads = new Set((await t.dataSource.getRepository(LeadEntity).findBy({ importId: first.id })).map((l) => l.id));
    const rowsOf = async (q: DialQueueView) => (await items().findBy({ queueId: q.id })).filter((r) => importLeads.has(r.leadId));

    const p1 = (await t.http.get(`/api/dial-queues/${q1.id}/penetration?importId=${first.id}`).set(admin.auth).expect(200)).body as ListPenetrationView;
    const raw1 = await rowsOf(q1);
    expect(p1).toMatchObject({ queueId: q1.id, importId: first.id, leads: new Set(raw1.map((r) => r.leadId)).size, neverDialed: 1, contacted: 1, byDisposition: { sale: 1 }, attemptsUsedUp: { busy: 1 }, ineligible: 1, ineligibleBy: { 'opted out': 1 }, burnt: false });
    expect(p1.leads).toBe(4);
    expect(p1.dialsPerLead).toEqual(histogramOf(raw1));
    // The whole queue still counts every lead.
    const whole = (await t.http.get(`/api/dial-queues/${q1.id}/penetration`).set(admin.auth).expect(200)).body as ListPenetrationView;
    expect(whole).toMatchObject({ importId: null, leads: 7, contacted: 2, byDisposition: { sale: 2 }, neverDialed: 3 });

    const view = (await t.http.get(`/api/lead-imports/${first.id}/penetration`).set(admin.auth).expect(200)).body as ImportPenetrationView;
    const raw2 = await rowsOf(q2);
    const queued = new Set([...raw1, ...raw2].map((r) => r.leadId));
    expect(view).toMatchObject({ importId: first.id, filename: 'list.csv', neverQueued: importLeads.size - queued.size, leads: importLeads.size });
    expect(view.neverQueued).toBe(1);
    expect(view.queues.map((q) => [q.queueId, q.queueName, q.leads])).toEqual([
      [q1.id, q1.name, 4],
      [q2.id, q2.name, 2],
    ]);
    expect(view.queues[0]).toMatchObject({ ...p1, queueName: q1.name });
    expect(view.queues[1]).toMatchObject({ neverDialed: 1, attemptsUsedUp: { 'no-answer': 1 }, dialsPerLead: histogramOf(raw2) });
    // Across queues each lead once: a1 waits again in q2 (its call in q1 is behind it), a4 was never dialed, a5's turn is used up.
    expect(view.total).toMatchObject({
      queueId: null,
      importId: first.id,
      leads: queued.size,
      neverDialed: 1,
      waitingAgain: 1,
      contacted: 1,
      attemptsUsedUp: { busy: 1, 'no-answer': 1 },
      ineligible: 1,
      ineligibleBy: { 'opted out': 1 },
      burnt: false,
    });
    expect(view.total.byDisposition).toEqual({});
    expect(view.total.dialsPerLead).toEqual(histogramOf([...raw1, ...raw2]));

    // The second import: its own lead only, in q1, never dialed.
    const p2 = (await t.http.get(`/api/lead-imports/${second.id}/penetration`).set(admin.auth).expect(200)).body as ImportPenetrationView;
    expect(p2).toMatchObject({ leads: 1, neverQueued: 0, total: { leads: 1, neverDialed: 1 } });
    expect(p2.queues.map((q) => q.queueId)).toEqual([q1.id]);

    // The same as CSV: one row per queue, figure and detail, with the JSON's numbers.
    const csvOf = async (path: string) => {
      const res = await t.http.get(path).set(admin.auth).expect(200).expect('content-type', /text\/csv/).buffer(true);
      const [head, ...lines] = res.text.trim().split('\r\n');
      return { head, cells: lines.map((l) => l.split(',')) };
    };
    const queueCsv = await csvOf(`/api/dial-queues/${q1.id}/penetration?importId=${first.id}&format=csv`);
    expect(queueCsv.head).toBe('queue,queueId,importId,figure,detail,leads');
    const figure = (cells: string[][], queueId: string, name: string, detail = '') => Number(cells.find((c) => c[1] === queueId && c[3] === name && c[4] === detail)?.[5]);
    expect(figure(queueCsv.cells, q1.id, 'leads')).toBe(p1.leads);
    expect(figure(queueCsv.cells, q1.id, 'finished by disposition', 'sale')).toBe(1);
    expect(figure(queueCsv.cells, q1.id, 'no longer eligible', 'opted out')).toBe(1);
    const byImport = await csvOf(`/api/lead-imports/${first.id}/penetration?format=csv`);
    expect(figure(byImport.cells, q2.id, 'never dialed')).toBe(view.queues[1].neverDialed);
    expect(figure(byImport.cells, '', 'waiting again')).toBe(view.total.waitingAgain);
    expect(figure(byImport.cells, '', 'never queued')).toBe(view.neverQueued);
    await t.http.get(`/api/lead-imports/${first.id}/penetration?format=xml`).set(admin.auth).expect(400);
  });

  it('refuses an unknown or malformed import, naming importId, and an unknown import’s own view is not found', async () => {
    const q = await newQueue();
    const unknown = '00000000-0000-4000-8000-000000000000';
    const res = await t.http.get(`/api/dial-queues/${q.id}/penetration?importId=${unknown}`).set(admin.auth).expect(400);
    expect(JSON.stringify(res.body)).toContain('importId');
    const bad = await t.http.get(`/api/dial-queues/${q.id}/penetration?importId=not-a-uuid`).set(admin.auth).expect(400);
    expect(JSON.stringify(bad.body)).toContain('importId');
    await t.http.get(`/api/lead-imports/${unknown}/penetration`).set(admin.auth).expect(404);
    await t.http.get('/api/lead-imports/nope/penetration').set(admin.auth).expect(400);
    const agent = await signIn(t, 'agent');
    await t.http.get(`/api/lead-imports/${unknown}/penetration`).set(agent.auth).expect(403);
  });
});
