import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import type { DialQueueView, ReportSubscriptionView, UserView } from '#shared';
import { DialCallEntity } from '../../server/src/dialer/dial-queue.entity.js';
import { EmailMessageEntity } from '../../server/src/email/email-message.entity.js';
import { ReportDeliveries } from '../../server/src/reports/report-deliveries.job.js';
import { ReportRollups } from '../../server/src/reports/report-rollups.job.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, signIn } from '../support/factories.js';
import { startSmtpCapture } from '../support/smtp.js';

type Session = Awaited<ReturnType<typeof signIn>>;

// The floor's zone is the default, America/New_York (UTC−5 in December): 07:00 there is 12:00Z.
const BEFORE_SEVEN = '2026-12-02T11:59:00.000Z';
const SEVEN = '2026-12-02T12:00:00.000Z';

/**
 * Reports emailed on a schedule: due at 07:00 on the floor's clock and not before; one email
 * per recipient however many runs and instances; the CSV attached is the download's.
 */
describe('scheduled report delivery', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  const refusing = new Set<string>();
  let a: TestApp;
  let b: TestApp;
  let admin: Session;
  let queue: DialQueueView;
  let alice: UserView;
  let bob: UserView;

  beforeAll(async () => {
    smtp = await startSmtpCapture((address) => (refusing.has(address) ? 451 : false));
    const env = { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, EMAIL_FROM: 'Reports <reports@acme.test>' };
    a = await createTestApp({ now: BEFORE_SEVEN, env });
    // A second instance on the same database, as another server would be.
    b = await createTestApp({ now: BEFORE_SEVEN, env, database: a.db });
    admin = await signIn(a, 'admin');
    alice = await createUser(a, 'supervisor', { email: `alice-${randomUUID().slice(0, 6)}@example.test`, name: 'Alice' });
    bob = await createUser(a, 'admin', { email: `bob-${randomUUID().slice(0, 6)}@example.test`, name: 'Bob' });
    queue = (await a.http.post('/api/dial-queues').set(admin.auth).send({ name: 'Deliveries', mode: 'power' }).expect(201)).body as DialQueueView;
    // Calls on 1 December (the floor's yesterday at delivery), rolled up.
    const day = Date.parse('2026-12-01T14:00:00Z');
    await a.dataSource.getRepository(DialCallEntity).insert(
      Array.from({ length: 30 }, (_, i) => {
        const placed = new Date(day + i * 600_000);
        const answered = i % 3 === 0 ? null : new Date(placed.getTime() + 4_000);
        return { conversationId: randomUUID(), queueId: queue.id, itemId: randomUUID(), leadId: randomUUID(), agentId: null, placedAt: placed, answeredAt: answered, bridgedAt: null, endedAt: new Date(placed.getTime() + 30_000), human: !!answered, outcome: answered ? (i % 2 ? 'abandoned' : 'voicemail') : 'no-answer', talkSeconds: null } as DialCallEntity;
      }),
    );
    await expect(a.get(ReportRollups).run()).resolves.toBe(true);
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await smtp?.close();
  });

  const setNow = (...apps: TestApp[]) => (at: string) => apps.forEach((t) => t.clock.set(at));
  const mailTo = (user: UserView) => smtp.inbox.filter((m) => m.to.includes(user.email));
  const subscribe = async (body: Record<string, unknown>) => (await a.http.post('/api/reports/subscriptions').set(admin.auth).send(body).expect(201)).body as ReportSubscriptionView;
  const csvOf = async (raw: string) => {
    const parsed = await simpleParser(raw);
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0].contentType).toBe('text/csv');
    return { filename: parsed.attachments[0].filename, csv: parsed.attachments[0].content.toString('utf8'), subject: parsed.subject };
  };

  it('refuses hostile bodies with a 400 naming the field, and unknown ids with 404', async () => {
    const post = (body: unknown) => a.http.post('/api/reports/subscriptions').set(admin.auth).send(body as object);
    const ok = { report: 'campaign-summary', recipients: [alice.id] };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...ok, report: 'payroll' }, 'report'],
      [{ recipients: [alice.id] }, 'report'],
      [{ ...ok, time: '25:00' }, 'time'],
      [{ ...ok, time: '7:00' }, 'time'],
      [{ ...ok, recipients: [] }, 'recipients'],
      [{ ...ok, recipients: 'everyone' }, 'recipients'],
      [{ ...ok, recipients: ['not-a-user'] }, 'recipients'],
      [{ ...ok, recipients: [randomUUID()] }, 'recipients'],
      [{ report: 'campaign-summary' }, 'recipients'],
      [{ ...ok, range: 'forever' }, 'range'],
      [{ ...ok, groupBy: 'week' }, 'groupBy'],
      [{ ...ok, report: 'agent-performance', groupBy: 'hour-of-day' }, 'groupBy'],
      [{ ...ok, report: 'abandon-evidence', groupBy: 'hour' }, 'groupBy'],
      [{ ...ok, queueId: randomUUID() }, 'queueId'],
      [{ ...ok, agentId: 'x' }, 'agentId'],
      [{ ...ok, active: 'yes' }, 'active'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect((res.body.fields as Array<{ field: string }>).map((f) => f.field)).toContain(field);
    }
    const agent = await signIn(a, 'agent');
    await a.http.post('/api/reports/subscriptions').set(agent.auth).send(ok).expect(403);
    const s = await subscribe(ok);
    expect(s).toMatchObject({ report: 'campaign-summary', range: 'yesterday', groupBy: 'day', time: '07:00', active: true, recipients: [alice.id], lastSentFor: null, createdBy: admin.user.id });
    const bad = await a.http.patch(`/api/reports/subscriptions/${s.id}`).set(admin.auth).send({ time: '24:00' }).expect(400);
    expect(bad.body.fields).toEqual([expect.objectContaining({ field: 'time' })]);
    await a.http.patch(`/api/reports/subscriptions/${s.id}`).set(admin.auth).send({ recipients: [] }).expect(400);
    const patched = (await a.http.patch(`/api/reports/subscriptions/${s.id}`).set(admin.auth).send({ time: '08:30', active: false }).expect(200)).body as ReportSubscriptionView;
    expect(patched).toMatchObject({ time: '08:30', active: false });
    expect((await a.http.get(`/api/reports/subscriptions/${s.id}`).set(admin.auth).expect(200)).body).toEqual(patched);
    expect(((await a.http.get('/api/reports/subscriptions').set(admin.auth).expect(200)).body as ReportSubscriptionView[]).map((x) => x.id)).toContain(s.id);
    await a.http.get(`/api/reports/subscriptions/${randomUUID()}`).set(admin.auth).expect(404);
    await a.http.get('/api/reports/subscriptions/nope').set(admin.auth).expect(400);
    await a.http.delete(`/api/reports/subscriptions/${s.id}`).set(admin.auth).expect(204);
    await a.http.delete(`/api/reports/subscriptions/${s.id}`).set(admin.auth).expect(404);
  });

  it('is due at 07:00 on the floor clock and not before; one email per recipient across runs, two instances and a restart; the CSV is the download', async () => {
    const at = setNow(a, b);
    at(BEFORE_SEVEN);
    const s = await subscribe({ report: 'campaign-summary', queueId: queue.id, recipients: [alice.id, bob.id] });
    const inbox0 = smtp.inbox.length;
    await expect(a.get(ReportDeliveries).run()).resolves.toBe(0);
    expect(smtp.inbox.length).toBe(inbox0);

    at(SEVEN);
    // Both instances at once, then each again: the cluster lock and the claim let one send.
    await Promise.all([a.get(ReportDeliveries).run(), b.get(ReportDeliveries).run()]);
    await a.get(ReportDeliveries).run();
    await b.get(ReportDeliveries).run();
    expect(mailTo(alice)).toHaveLength(1);
    expect(mailTo(bob)).toHaveLength(1);
    expect(((await a.http.get(`/api/reports/subscriptions/${s.id}`).set(admin.auth).expect(200)).body as ReportSubscriptionView).lastSentFor).toBe('2026-12-02');

    // The attachment is the download of the same report and range (yesterday, the queue).
    const download = await a.http.get(`/api/reports/campaign-summary?from=2026-12-01&to=2026-12-01&queueId=${queue.id}&format=csv`).set(admin.auth).buffer(true).expect(200);
    const got = await csvOf(mailTo(alice)[0].raw);
    expect(got.csv).toBe(download.text);
    expect(got.csv.split('\r\n').length).toBeGreaterThan(2); // a header and a row for the day
    expect(got.filename).toBe('campaign-summary-2026-12-01-2026-12-01.csv');
    expect(got.subject).toContain('2026-12-01');
    expect((await csvOf(mailTo(bob)[0].raw)).csv).toBe(download.text);
    const rows = await a.dataSource.getRepository(EmailMessageEntity).findBy({ toAddress: alice.email });
    expect(rows).toEqual([expect.objectContaining({ leadId: null, status: 'sent' })]);

    // A restart at 07:00:30: the new instance finds the day delivered.
    await b.close();
    b = await createTestApp({ now: '2026-12-02T12:00:30.000Z', env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, EMAIL_FROM: 'Reports <reports@acme.test>' }, database: a.db });
    await expect(b.get(ReportDeliveries).run()).resolves.toBe(0);
    expect(mailTo(alice)).toHaveLength(1);

    // The next day at 07:00, once more each.
    setNow(a, b)('2026-12-03T11:59:59.000Z');
    await b.get(ReportDeliveries).run();
    expect(mailTo(alice)).toHaveLength(1);
    setNow(a, b)('2026-12-03T12:00:00.000Z');
    await Promise.all([a.get(ReportDeliveries).run(), b.get(ReportDeliveries).run()]);
    expect(mailTo(alice)).toHaveLength(2);
    expect(mailTo(bob)).toHaveLength(2);
    expect((await csvOf(mailTo(alice)[1].raw)).filename).toBe('campaign-summary-2026-12-02-2026-12-02.csv');

    // Send now: to each recipient at once; the schedule is left as it was.
    admin = await signIn(a, 'admin'); // the clock moved a day: the morning's token has expired
    await a.http.post(`/api/reports/subscriptions/${s.id}/send-now`).set(admin.auth).expect(200, { sent: 2, failed: 0 });
    expect(mailTo(alice)).toHaveLength(3);
    await a.http.post(`/api/reports/subscriptions/${randomUUID()}/send-now`).set(admin.auth).expect(404);
    await a.http.delete(`/api/reports/subscriptions/${s.id}`).set(admin.auth).expect(204);
  });

  it('a recipient whose send failed gets it on the next run; the others are not sent it twice; the day is marked once all have it', async () => {
    const carol = await createUser(a, 'supervisor', { email: `carol-${randomUUID().slice(0, 6)}@example.test` });
    const dave = await createUser(a, 'supervisor', { email: `dave-${randomUUID().slice(0, 6)}@example.test` });
    setNow(a, b)('2026-12-04T13:00:00.000Z'); // 08:00
    admin = await signIn(a, 'admin');
    const s = await subscribe({ report: 'agent-performance', range: 'last-7-days', recipients: [carol.id, dave.id] });
    refusing.add(dave.email);
    await a.get(ReportDeliveries).run();
    expect(mailTo(carol)).toHaveLength(1);
    expect(mailTo(dave)).toHaveLength(0);
    expect(((await a.http.get(`/api/reports/subscriptions/${s.id}`).set(admin.auth).expect(200)).body as ReportSubscriptionView).lastSentFor).toBeNull();
    const failed = await a.dataSource.getRepository(EmailMessageEntity).findBy({ toAddress: dave.email });
    expect(failed).toEqual([expect.objectContaining({ status: 'failed' })]);

    refusing.delete(dave.email);
    setNow(a, b)('2026-12-04T13:01:00.000Z');
    await b.get(ReportDeliveries).run();
    expect(mailTo(carol)).toHaveLength(1);
    expect(mailTo(dave)).toHaveLength(1);
    expect((await csvOf(mailTo(dave)[0].raw)).filename).toBe('agent-performance-2026-11-27-2026-12-03.csv');
    expect(((await a.http.get(`/api/reports/subscriptions/${s.id}`).set(admin.auth).expect(200)).body as ReportSubscriptionView).lastSentFor).toBe('2026-12-04');
    await a.get(ReportDeliveries).run();
    expect(mailTo(dave)).toHaveLength(1);
  });
  it('on the days the clocks change: a time the spring change skips goes at the first minute after it, one the autumn change repeats goes once', async () => {
    const erin = await createUser(a, 'supervisor', { email: `erin-${randomUUID().slice(0, 6)}@example.test` });
    const frank = await createUser(a, 'supervisor', { email: `frank-${randomUUID().slice(0, 6)}@example.test` });
    const run = async (at: string) => (setNow(a, b)(at), await Promise.all([a.get(ReportDeliveries).run(), b.get(ReportDeliveries).run()]));
    // 14 March 2027 in New York: 02:00 EST becomes 03:00 EDT, so 02:30 never shows on the clock.
    setNow(a, b)('2027-03-14T06:00:00.000Z'); // 01:00 EST
    admin = await signIn(a, 'admin');
    await subscribe({ report: 'dispositions', time: '02:30', recipients: [erin.id] });
    await run('2027-03-14T06:59:00.000Z'); // 01:59 EST
    expect(mailTo(erin)).toHaveLength(0);
    await run('2027-03-14T07:00:00.000Z'); // 03:00 EDT
    await run('2027-03-14T07:30:00.000Z');
    expect(mailTo(erin)).toHaveLength(1);
    // 7 November 2027: 02:00 EDT goes back to 01:00 EST, so 01:30 comes twice.
    setNow(a, b)('2027-11-07T05:00:00.000Z'); // 01:00 EDT
    admin = await signIn(a, 'admin');
    await subscribe({ report: 'dispositions', time: '01:30', recipients: [frank.id] });
    await run('2027-11-07T05:29:00.000Z');
    expect(mailTo(frank)).toHaveLength(0);
    await run('2027-11-07T05:30:00.000Z'); // 01:30 EDT
    expect(mailTo(frank)).toHaveLength(1);
    await run('2027-11-07T06:29:00.000Z'); // 01:29 EST, the hour again
    await run('2027-11-07T06:30:00.000Z'); // 01:30 EST
    expect(mailTo(frank)).toHaveLength(1);
  });
});
