import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EmailMessageView, LeadView, ScheduleView } from '#shared';
import { EmailInboundEntity } from '../../server/src/email/email-inbound.entity.js';
import { EmailMessageEntity } from '../../server/src/email/email-message.entity.js';
import { inboundSignature } from '../../server/src/email/inbound/inbound-signature.guard.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { startSmtpCapture } from '../support/smtp.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

const SECRET = 'inbound-relay-test-key-0123456789';

/** A success notification (RFC 3464 Action: delivered) for `recipient`; the original named by its envelope id and/or its headers. */
function deliveredReport(o: { messageId: string; recipient: string; envelopeId?: string; original?: string }): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    'To: sales@acme.test',
    'Subject: Successful Mail Delivery Report',
    `Message-ID: ${o.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="ok-boundary"',
    '',
    '--ok-boundary',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Your message was successfully delivered to the destination(s) listed below.',
    '',
    '--ok-boundary',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    ...(o.envelopeId ? [`Original-Envelope-Id: ${o.envelopeId}`] : []),
    '',
    `Final-Recipient: rfc822; ${o.recipient}`,
    'Action: delivered',
    'Status: 2.0.0',
    'Diagnostic-Code: smtp; 250 2.0.0 Ok: queued as 4F2A1',
    '',
    ...(o.original ? ['--ok-boundary', 'Content-Type: text/rfc822-headers', '', 'From: sales@acme.test', `To: ${o.recipient}`, 'Subject: Hello Ann', `Message-ID: ${o.original}`, ''] : []),
    '--ok-boundary--',
    '',
  ].join('\r\n');
}

describe('email delivered: asked for on every send, read from the delivery notification', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let admin: Session;
  let agent: Session;
  let seq = 0;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    t = await createTestApp({ now: '2026-03-02T17:00:00.000Z', env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, EMAIL_FROM: 'Acme Sales <sales@acme.test>', EMAIL_INBOUND_SECRET: SECRET } });
    await listen(t);
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const post = (raw: string) => {
    const body = Buffer.from(raw);
    const timestamp = String(Math.floor(t.clock.now().getTime() / 1000));
    return t.http.post('/api/webhooks/email/inbound').set('Content-Type', 'message/rfc822').set('X-Switchboard-Timestamp', timestamp).set('X-Switchboard-Signature', inboundSignature(SECRET, timestamp, body)).send(body);
  };
  const emailRow = (id: string) => t.dataSource.getRepository(EmailMessageEntity).findOneByOrFail({ id });
  const emailsOf = async (leadId: string) => (await t.http.get(`/api/leads/${leadId}/emails`).set(admin.auth).expect(200)).body as EmailMessageView[];
  const sentTo = async (address: string) => {
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number: `+1718557${String(1000 + seq++).padStart(4, '0')}` }], firstName: 'Ann', email: address, ownerId: agent.user.id }).expect(201)).body as LeadView;
    const s = (
      await t.http
        .post('/api/schedules')
        .set(admin.auth)
        .send({
          name: `Delivered ${seq++}`,
          timezone: 'America/New_York',
          steps: [
            { type: 'email', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { subject: 'Hello {{lead.firstName}}', body: 'Hi {{lead.firstName}}' } },
            { type: 'wait', timing: { kind: 'delay', amount: 1, unit: 'days' } },
            { type: 'task', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { title: 'Follow up' } },
          ],
        })
        .expect(201)
    ).body as ScheduleView;
    await t.http.post(`/api/schedules/${s.id}/enrollments`).set(admin.auth).send({ leadIds: [lead.id] }).expect(201);
    const scheduler = t.get(SchedulerService);
    for (let i = 0; i < 20 && (await scheduler.runDue()) > 0; i++);
    const email = await t.dataSource.getRepository(EmailMessageEntity).findOneByOrFail({ leadId: lead.id });
    return { lead, email };
  };

  it('each send asks the receiving servers for a notification on delivery, failure and delay, under the email id as envelope id', async () => {
    const { email } = await sentTo('ann.dsn@example.com');
    expect(email).toMatchObject({ status: 'sent', deliveredAt: null });
    const mail = smtp.inbox.find((m) => m.to.includes('ann.dsn@example.com'));
    expect(mail?.dsn).toEqual({ envid: email.id, ret: 'HDRS', notify: { 'ann.dsn@example.com': ['SUCCESS', 'FAILURE', 'DELAY'] } });
  });

  it('a delivery notification found by its envelope id marks the email delivered; a reply then says replied, and a late second notice changes nothing', async () => {
    const { lead, email } = await sentTo('ann.ok@example.com');
    t.clock.advance(60_000);
    const res = await post(deliveredReport({ messageId: '<ok1@mx.example.net>', recipient: 'ann.ok@example.com', envelopeId: email.id })).expect(200);
    expect(res.body).toMatchObject({ kind: 'delivery', created: true, leadId: lead.id, matchedEmailId: email.id });
    const deliveredAt = t.clock.now();
    expect(await emailRow(email.id)).toMatchObject({ status: 'delivered', deliveredAt, bouncedAt: null });
    const [view] = await emailsOf(lead.id);
    expect(view).toMatchObject({ id: email.id, status: 'delivered', deliveredAt: deliveredAt.toISOString(), repliedAt: null });
    // Not a reply: the enrollment goes on.
    const [enrollment] = (await t.http.get(`/api/enrollments/lead/${lead.id}`).set(admin.auth).expect(200)).body as Array<{ status: string }>;
    expect(enrollment).toMatchObject({ status: 'active' });

    t.clock.advance(60_000);
    const reply = ['From: Ann <ann.ok@example.com>', 'To: sales@acme.test', 'Subject: Re: Hello Ann', 'Message-ID: <ok1.reply@mail.example.com>', `In-Reply-To: ${email.messageId}`, 'Content-Type: text/plain', '', 'Sounds good.', ''].join('\r\n');
    expect((await post(reply).expect(200)).body).toMatchObject({ kind: 'reply', matchedEmailId: email.id });
    t.clock.advance(60_000);
    await post(deliveredReport({ messageId: '<ok2@mx.example.net>', recipient: 'ann.ok@example.com', original: email.messageId! })).expect(200);
    expect(await emailRow(email.id)).toMatchObject({ status: 'replied', deliveredAt });
  });

  it("a notice that names the original's headers but another recipient (a cc'd colleague) is kept and leaves the lead's email sent", async () => {
    const { email } = await sentTo('ann.cc@example.com');
    const res = await post(deliveredReport({ messageId: '<ok3@mx.example.net>', recipient: 'colleague@acme.test', original: email.messageId! })).expect(200);
    expect(res.body).toMatchObject({ kind: 'delivery', created: true, matchedEmailId: email.id });
    expect(await emailRow(email.id)).toMatchObject({ status: 'sent', deliveredAt: null });
    expect(await t.dataSource.getRepository(EmailInboundEntity).countBy({ messageId: '<ok3@mx.example.net>' })).toBe(1);
  });
});
