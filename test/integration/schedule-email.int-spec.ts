import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LeadView, ParticipantActionView, ScheduleView } from '#shared';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { EmailMessageEntity } from '../../server/src/email/email-message.entity.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { listen } from '../support/upload.js';
import { startSmtpCapture } from '../support/smtp.js';

type Session = Awaited<ReturnType<typeof signIn>>;

interface Received {
  from: string;
  to: string[];
  headers: Record<string, string>;
  body: string;
}

/** Headers unfolded and keyed in lower case; the body decoded from quoted-printable or base64. */
function parse(raw: string, envelope: { from: string; to: string[] }): Received {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = rest.join('\n\n');
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (encoding === 'quoted-printable') body = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  if (encoding === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return { ...envelope, headers, body: body.replace(/\r\n/g, '\n') };
}

describe('schedule email through SMTP', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let scheduler: SchedulerService;
  let admin: Session;
  let agent: Session;
  let seq = 0;

  beforeAll(async () => {
    // A real SMTP peer on loopback: accepts mail, refuses one mailbox with 550 like a receiving server does.
    // A real SMTP peer on loopback: accepts mail, refuses one mailbox with 550 like a receiving server does.
    smtp = await startSmtpCapture((address) => address === 'bounce@example.com');
    const port = smtp.port;
    t = await createTestApp({ now: '2026-03-02T17:00:00.000Z', env: { SMTP_URL: `smtp://127.0.0.1:${port}`, EMAIL_FROM: 'Acme Sales <sales@acme.test>' } });
    await listen(t);
    scheduler = t.get(SchedulerService);
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const mails = () => smtp.inbox.map((m) => parse(m.raw, m));
  const newLead = async (email: string) =>
    (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number: `+1718555${String(3000 + seq++).padStart(4, '0')}` }], firstName: 'Ann', email, ownerId: agent.user.id }).expect(201)).body as LeadView;
  const emailSchedule = async () =>
    (
      await t.http
        .post('/api/schedules')
        .set(admin.auth)
        .send({
          name: `Email ${seq++}`,
          timezone: 'America/New_York',
          steps: [
            {
              type: 'email',
              timing: { kind: 'delay', amount: 0, unit: 'minutes' },
              config: { subject: 'Hello {{lead.firstName}}', body: 'Hi {{lead.firstName | there}}, {{owner.name}} here.', replyTo: 'owner@acme.test', cc: ['manager@acme.test'] },
            },
            { type: 'wait', timing: { kind: 'delay', amount: 1, unit: 'days' } },
            { type: 'task', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { title: 'Follow up' } },
          ],
        })
        .expect(201)
    ).body as ScheduleView;
  const enroll = async (scheduleId: string, leadId: string) => (await t.http.post(`/api/schedules/${scheduleId}/enrollments`).set(admin.auth).send({ leadIds: [leadId] }).expect(201)).body as { enrolled: Array<{ id: string }> };
  const actions = async (leadId: string) => (await t.http.get(`/api/participant-actions?leadId=${leadId}&limit=100`).set(admin.auth).expect(200)).body as ParticipantActionView[];
  const enrollmentOf = async (leadId: string) => ((await t.http.get(`/api/enrollments/lead/${leadId}`).set(admin.auth).expect(200)).body as Array<{ id: string; status: string; exitReason: string | null }>)[0];
  const drain = async () => {
    for (let i = 0; i < 20 && (await scheduler.runDue()) > 0; i++);
  };

  it('sends the merged email with reply-to, cc and a one-click unsubscribe, once; the link opts out and ends the enrollment', async () => {
    const s = await emailSchedule();
    const lead = await newLead('ann@example.com');
    await enroll(s.id, lead.id);
    await drain();

    const mail = mails().filter((m) => m.to.includes('ann@example.com'));
    expect(mail).toHaveLength(1);
    const [m] = mail;
    expect(m.from).toBe('sales@acme.test');
    expect(m.to.sort()).toEqual(['ann@example.com', 'manager@acme.test']);
    expect(m.headers.subject).toBe('Hello Ann');
    expect(m.headers['reply-to']).toBe('owner@acme.test');
    expect(m.headers.cc).toBe('manager@acme.test');
    expect(m.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const unsubscribe = /^<(http:\/\/127\.0\.0\.1:\d+\/api\/unsubscribe\/[\w-]+\.[\w-]+)>$/.exec(m.headers['list-unsubscribe'])?.[1] as string;
    expect(unsubscribe).toBeDefined();
    expect(m.body).toContain('Hi Ann, Test agent here.');
    expect(m.body).toContain(`Unsubscribe: ${unsubscribe}`);

    let list = await actions(lead.id);
    expect(list.map((a) => [a.type, a.status, a.outcome])).toEqual([
      ['email', 'completed', 'sent'],
      ['wait', 'pending', null],
    ]);
    // Running the scheduler again sends nothing more.
    await drain();
    expect(mails().filter((m) => m.to.includes('ann@example.com'))).toHaveLength(1);

    const path = new URL(unsubscribe).pathname;
    // Opening the link only asks; mail scanners follow links.
    const page = await t.http.get(path).expect(200);
    expect(page.text).toContain('ann@example.com');
    expect(page.text).toContain('<form method="post">');
    expect((await enrollmentOf(lead.id)).status).toBe('active');
    await t.http.post(path).expect(200);

    const optOuts = (await t.http.get('/api/opt-outs/history?address=ann@example.com').set(admin.auth).expect(200)).body as Array<{ channel: string; source: string }>;
    expect(optOuts).toEqual([expect.objectContaining({ channel: 'email', source: 'unsubscribe-link', kind: 'revocation', origin: 'email', words: 'unsubscribe link' })]);
    expect(await enrollmentOf(lead.id)).toMatchObject({ status: 'exited', exitReason: 'unsubscribed' });
    list = await actions(lead.id);
    expect(list.find((a) => a.type === 'wait')?.status).toBe('canceled');

    // A token we did not sign is not recognised.
    const forged = path.replace(/\.[\w-]+$/, '.AAAA');
    await t.http.get(forged).expect(404);
    await t.http.post(forged).expect(404);
  });

  it('a 550 from the receiving server marks the email bounced, and the lead leaves the schedule before its next step', async () => {
    const s = await emailSchedule();
    const lead = await newLead('bounce@example.com');
    await enroll(s.id, lead.id);
    await drain();
    expect(mails().filter((m) => m.to.includes('bounce@example.com'))).toHaveLength(0);
    let list = await actions(lead.id);
    expect(list[0]).toMatchObject({ type: 'email', status: 'failed', outcome: 'bounced' });
    expect(list[0].detail).toContain('550');
    expect(list[1]).toMatchObject({ type: 'wait', status: 'pending' });

    t.clock.advance(24 * 3_600_000);
    admin = await signIn(t, 'admin'); // the earlier token has expired on the moved clock
    await drain();
    expect(await enrollmentOf(lead.id)).toMatchObject({ status: 'exited', exitReason: 'email bounced' });
    list = await actions(lead.id);
    expect(list.map((a) => a.type)).toEqual(['email', 'wait']);
    expect(list[1].status).not.toBe('completed');
  });

  it('an email action in an action group sends through SMTP once per run, with its unsubscribe link', async () => {
    const lead = await newLead('grace@example.com');
    const group = (await t.http.post('/api/action-groups').set(admin.auth).send({ name: 'Welcome pack', actions: [{ type: 'email', config: { subject: 'Welcome {{lead.firstName}}', body: 'Hello from {{owner.name | us}}.' } }] }).expect(201)).body as { id: string };
    const first = (await t.http.post(`/api/action-groups/${group.id}/run`).set(admin.auth).send({ leadId: lead.id, key: 'welcome' }).expect(200)).body as { id: string; steps: Array<{ status: string; outcome: string }> };
    expect(first.steps).toEqual([expect.objectContaining({ status: 'completed', outcome: 'sent' })]);
    await t.http.post(`/api/action-groups/${group.id}/run`).set(admin.auth).send({ leadId: lead.id, key: 'welcome' }).expect(200);
    const mail = mails().filter((m) => m.to.includes('grace@example.com'));
    expect(mail).toHaveLength(1);
    expect(mail[0].headers.subject).toBe('Welcome Ann');
    expect(mail[0].headers['list-unsubscribe']).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/api\/unsubscribe\/[^>]+>$/);
    expect(mail[0].body).toContain('Unsubscribe: http');
  });

  it('an HTML email reports its first open and click: the lead shows "opened but no reply", the link goes where it said; forged tokens get 403', async () => {
    const lead = await newLead('hopper@example.com');
    const group = (await t.http.post('/api/action-groups').set(admin.auth).send({ name: 'Brochure', actions: [{ type: 'email', config: { subject: 'Our brochure', html: true, body: '<p>Hi {{lead.firstName}}, <a href="https://example.com/brochure?a=1&amp;b=2">see it here</a>.</p>' } }] }).expect(201)).body as { id: string };
    await t.http.post(`/api/action-groups/${group.id}/run`).set(admin.auth).send({ leadId: lead.id, key: 'brochure' }).expect(200);
    const raw = mails().filter((m) => m.to.includes('hopper@example.com'))[0].body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    const pixel = raw.match(/src="https?:\/\/[^"]+(\/api\/t\/o\/[^"]+)"/)?.[1] as string;
    const click = raw.match(/href="https?:\/\/[^"]+(\/api\/t\/c\/[^"]+)"/)?.[1] as string;
    expect(pixel && click).toBeTruthy();
    // The unsubscribe link is left as it is.
    expect(raw).toMatch(/href="https?:\/\/[^"]+\/api\/unsubscribe\//);
    expect((await t.http.get(`/api/leads/${lead.id}`).set(admin.auth).expect(200)).body).toMatchObject({ lastContactedMode: 'no_reply', lastActivityType: 'email-out' });

    const img = await t.http.get(pixel).expect(200);
    expect(img.headers['content-type']).toBe('image/gif');
    expect((await t.http.get(`/api/leads/${lead.id}`).set(admin.auth).expect(200)).body).toMatchObject({ lastContactedMode: 'opened_no_reply', lastActivityType: 'email-opened' });
    const go = await t.http.get(click).expect(302);
    expect(go.headers.location).toBe('https://example.com/brochure?a=1&b=2');
    expect((await t.http.get(`/api/leads/${lead.id}`).set(admin.auth).expect(200)).body).toMatchObject({ lastContactedMode: 'opened_no_reply', lastActivityType: 'email-clicked' });
    const row = await t.dataSource.getRepository(EmailMessageEntity).findOneByOrFail({ leadId: lead.id });
    expect(row.openedAt).not.toBeNull();
    expect(row.clickedAt).not.toBeNull();

    // A token changed to point elsewhere, or not ours at all: refused, nothing recorded, no redirect.
    const [body, mac] = click.split('/').at(-1)!.split('.');
    const elsewhere = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), u: 'https://evil.example' })).toString('base64url');
    const bad = await t.http.get(`/api/t/c/${elsewhere}.${mac}`).expect(403);
    expect(bad.headers.location).toBeUndefined();
    await t.http.get('/api/t/o/not-a-token').expect(403);
  });
});
