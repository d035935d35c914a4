import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import hoodiecrow from 'hoodiecrow-imap';
import { ImapFlow } from 'imapflow';
import type { EmailThreadEntry, InboundEmailPage, LeadView, ScheduleView } from '#shared';
import { EmailInboundEntity } from '../../server/src/email/email-inbound.entity.js';
import { EmailMessageEntity } from '../../server/src/email/email-message.entity.js';
import { ImapPoller } from '../../server/src/email/inbound/imap-poller.js';
import { InboundEmailService } from '../../server/src/email/inbound/inbound-email.service.js';
import { MailboxCursorEntity } from '../../server/src/email/mailbox-cursor.entity.js';
import { MailboxCursorsRepository } from '../../server/src/email/mailbox-cursors.repository.js';
import { Clock } from '../../server/src/common/clock.js';
import { JsonLogger } from '../../server/src/common/json-logger.js';
import { AppConfig } from '../../server/src/config/app-config.js';
import { inboundSignature } from '../../server/src/email/inbound/inbound-signature.guard.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

const SECRET = 'inbound-relay-test-key-0123456789';
const ROUTE = '/api/webhooks/email/inbound';

/** A reply as a mail client writes it. */
function reply(o: { from: string; messageId: string; inReplyTo?: string; references?: string[]; text?: string; headers?: string[] }): string {
  return [
    ...(o.headers ?? []),
    `From: Ann Lead <${o.from}>`,
    'To: Acme Sales <no-reply@switchboard.local>',
    'Subject: Re: Hello Ann',
    `Message-ID: ${o.messageId}`,
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`] : []),
    ...(o.references ? [`References: ${o.references.join('\r\n ')}`] : []),
    'Date: Mon, 2 Mar 2026 17:05:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.text ?? 'Yes, call me tomorrow.\r\n\r\n> Hi Ann',
    '',
  ].join('\r\n');
}

/** A delivery status notification (RFC 3464) for `original`, sent to `recipient`. */
function dsn(o: { messageId: string; original: string; recipient: string; status: string; action: string }): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    'To: no-reply@switchboard.local',
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: ${o.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-boundary"',
    '',
    '--dsn-boundary',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.net. Your message could not be delivered.',
    '',
    '--dsn-boundary',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    `Final-Recipient: rfc822; ${o.recipient}`,
    `Action: ${o.action}`,
    `Status: ${o.status}`,
    `Diagnostic-Code: smtp; ${o.status.startsWith('5') ? '550' : '452'} ${o.status} ${o.status.startsWith('5') ? 'mailbox unknown' : 'mailbox full, will retry'}`,
    '',
    '--dsn-boundary',
    'Content-Type: text/rfc822-headers',
    '',
    'From: no-reply@switchboard.local',
    `To: ${o.recipient}`,
    'Subject: Hello Ann',
    `Message-ID: ${o.original}`,
    '',
    '--dsn-boundary--',
    '',
  ].join('\r\n');
}

describe('inbound email', () => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let outbox: string;
  let imap: ReturnType<typeof hoodiecrow>;
  let imapPort: number;
  let seq = 0;

  beforeAll(async () => {
    imap = hoodiecrow({ plugins: ['ID', 'UNSELECT', 'ENABLE'], storage: { INBOX: { messages: [] } } });
    await new Promise<void>((r) => imap.listen(0, '127.0.0.1', r));
    imapPort = imap.server.address().port;
    outbox = mkdtempSync(join(tmpdir(), 'inbound-email-'));
    t = await createTestApp({
      now: '2026-03-02T17:00:00.000Z',
      env: { EMAIL_OUTBOX_DIR: outbox, EMAIL_INBOUND_SECRET: SECRET, EMAIL_INBOUND_MAX_BYTES: String(64 * 1024), IMAP_URL: `imap://testuser:testpass@127.0.0.1:${imapPort}/INBOX`, IMAP_PAGE_SIZE: '2' },
    });
    await listen(t);
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((r) => (imap ? imap.close(() => r()) : r()));
    if (outbox) rmSync(outbox, { recursive: true, force: true });
  });

  const drain = async () => {
    const scheduler = t.get(SchedulerService);
    for (let i = 0; i < 20 && (await scheduler.runDue()) > 0; i++);
  };
  const newLead = async (email: string) =>
    (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number: `+1718556${String(1000 + seq++).padStart(4, '0')}` }], firstName: 'Ann', email, ownerId: agent.user.id }).expect(201)).body as LeadView;
  const emailSchedule = async () =>
    (
      await t.http
        .post('/api/schedules')
        .set(admin.auth)
        .send({
          name: `Inbound ${seq++}`,
          timezone: 'America/New_York',
          steps: [
            { type: 'email', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { subject: 'Hello {{lead.firstName}}', body: 'Hi {{lead.firstName}}, shall we talk?' } },
            { type: 'wait', timing: { kind: 'delay', amount: 1, unit: 'days' } },
            { type: 'task', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { title: 'Follow up' } },
          ],
        })
        .expect(201)
    ).body as ScheduleView;
  const enrollmentsOf = async (leadId: string) => (await t.http.get(`/api/enrollments/lead/${leadId}`).set(admin.auth).expect(200)).body as Array<{ id: string; scheduleId: string; status: string; exitReason: string | null }>;
  /** A lead enrolled in an email schedule whose first step has sent: the lead, its enrollment's schedule and the email row. */
  const sentTo = async (address: string) => {
    const lead = await newLead(address);
    const s = await emailSchedule();
    await t.http.post(`/api/schedules/${s.id}/enrollments`).set(admin.auth).send({ leadIds: [lead.id] }).expect(201);
    await drain();
    const email = await t.dataSource.getRepository(EmailMessageEntity).findOneByOrFail({ leadId: lead.id });
    expect(email).toMatchObject({ status: 'sent', messageId: expect.stringMatching(/^<[\w-]+@switchboard\.local>$/) });
    expect((await enrollmentsOf(lead.id))[0]).toMatchObject({ status: 'active' });
    return { lead, schedule: s, email };
  };
  const emailRow = (id: string) => t.dataSource.getRepository(EmailMessageEntity).findOneByOrFail({ id });
  const inboundRows = (messageId: string) => t.dataSource.getRepository(EmailInboundEntity).findBy({ messageId });
  const nowSeconds = () => String(Math.floor(t.clock.now().getTime() / 1000));
  const post = (raw: string | Buffer, o: { timestamp?: string; signature?: string | null; type?: string } = {}) => {
    const body = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    const timestamp = o.timestamp ?? nowSeconds();
    const req = t.http.post(ROUTE).set('Content-Type', o.type ?? 'message/rfc822').set('X-Switchboard-Timestamp', timestamp);
    const signature = o.signature === undefined ? inboundSignature(SECRET, timestamp, body) : o.signature;
    return (signature === null ? req : req.set('X-Switchboard-Signature', signature)).send(body);
  };

  it('a reply threaded by In-Reply-To marks the email replied, touches the lead and ends the onReply enrollment; posted again (as a form) it is stored once', async () => {
    const { lead, email } = await sentTo('ann.reply@example.com');
    const raw = reply({ from: 'ann.reply@example.com', messageId: '<r1.abc@mail.example.com>', inReplyTo: email.messageId!, references: [email.messageId!] });
    const res = await post(raw).expect(200);
    expect(res.body).toMatchObject({ kind: 'reply', created: true, leadId: lead.id, matchedEmailId: email.id });

    expect(await emailRow(email.id)).toMatchObject({ status: 'replied', repliedAt: t.clock.now() });
    const [stored] = await inboundRows('<r1.abc@mail.example.com>');
    expect(stored).toMatchObject({ leadId: lead.id, fromAddress: 'ann.reply@example.com', subject: 'Re: Hello Ann', inReplyTo: email.messageId, matchedEmailId: email.id, kind: 'reply' });
    expect(stored.body).toContain('Yes, call me tomorrow.');
    expect((await enrollmentsOf(lead.id))[0]).toMatchObject({ status: 'exited', exitReason: 'replied' });
    expect((await t.http.get(`/api/leads/${lead.id}`).set(admin.auth).expect(200)).body).toMatchObject({ lastActivityType: 'email-in', lastContactedMode: 'replied' });

    // The relay retries, this time the way inbound-parse services post: a form with the raw message in `email`.
    const boundary = 'relay-boundary-42';
    const form = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="to"\r\n\r\nno-reply@switchboard.local\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\n${raw}\r\n--${boundary}--\r\n`,
    );
    const again = await post(form, { type: `multipart/form-data; boundary=${boundary}` }).expect(200);
    expect(again.body).toMatchObject({ created: false, id: stored.id });
    expect(await inboundRows('<r1.abc@mail.example.com>')).toHaveLength(1);
  });

  it('a reply threaded by References alone (from another address) finds its email', async () => {
    const { lead, email } = await sentTo('ann.refs@example.com');
    const raw = reply({ from: 'assistant@elsewhere.example', messageId: '<r2.abc@mail.example.com>', references: ['<older@mail.example.com>', email.messageId!, '<r2.parent@mail.example.com>'] });
    expect((await post(raw).expect(200)).body).toMatchObject({ kind: 'reply', created: true, leadId: lead.id, matchedEmailId: email.id });
    expect(await emailRow(email.id)).toMatchObject({ status: 'replied' });
    expect((await enrollmentsOf(lead.id))[0]).toMatchObject({ status: 'exited', exitReason: 'replied' });
  });

  it('an out-of-office answer is kept with its thread but is not a reply: the enrollment goes on', async () => {
    const { lead, email } = await sentTo('ann.away@example.com');
    const raw = reply({ from: 'ann.away@example.com', messageId: '<ooo1@mail.example.com>', inReplyTo: email.messageId!, text: 'I am away until Monday.', headers: ['Auto-Submitted: auto-replied'] });
    expect((await post(raw).expect(200)).body).toMatchObject({ kind: 'other', created: true, leadId: lead.id, matchedEmailId: email.id });
    expect(await emailRow(email.id)).toMatchObject({ status: 'sent', repliedAt: null });
    expect((await enrollmentsOf(lead.id))[0]).toMatchObject({ status: 'active' });
  });

  it('unsigned, forged, stale and oversized posts are refused with nothing stored', async () => {
    const { lead, email } = await sentTo('ann.forged@example.com');
    const raw = reply({ from: 'ann.forged@example.com', messageId: '<r3.abc@mail.example.com>', inReplyTo: email.messageId! });
    const unsigned = await post(raw, { signature: null }).expect(403);
    expect(unsigned.body).toMatchObject({ code: 'FORBIDDEN' });
    await post(raw, { signature: inboundSignature('another-key-another-key-0123', nowSeconds(), Buffer.from(raw)) }).expect(403);
    // Signed for other bytes: a tampered body.
    await post(raw, { signature: inboundSignature(SECRET, nowSeconds(), Buffer.from(raw.replace('tomorrow', 'never'))) }).expect(403);
    const stale = String(Number(nowSeconds()) - 301);
    expect((await post(raw, { timestamp: stale }).expect(403)).body.message).toMatch(/stale/);
    await post(raw, { timestamp: String(Number(nowSeconds()) + 301) }).expect(403);
    await post(raw, { timestamp: 'yesterday' }).expect(403);
    const big = reply({ from: 'ann.forged@example.com', messageId: '<r3.big@mail.example.com>', inReplyTo: email.messageId!, text: 'x'.repeat(70 * 1024) });
    expect((await post(big).expect(413)).body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', fields: [{ field: 'body' }] });
    // Signed but not a message: named.
    expect((await post('').expect(400)).body.fields).toEqual([expect.objectContaining({ field: 'email' })]);
    expect((await post(raw, { type: 'application/xml' }).expect(415)).body.fields).toEqual([expect.objectContaining({ field: 'Content-Type' })]);

    expect(await inboundRows('<r3.abc@mail.example.com>')).toHaveLength(0);
    expect(await inboundRows('<r3.big@mail.example.com>')).toHaveLength(0);
    expect(await emailRow(email.id)).toMatchObject({ status: 'sent', repliedAt: null });
    expect((await enrollmentsOf(lead.id))[0]).toMatchObject({ status: 'active' });
  });

  it('a permanent delivery failure marks the email bounced and the address undeliverable, ending onBounce enrollments now and later', async () => {
    const { lead, email } = await sentTo('gone@example.com');
    const res = await post(dsn({ messageId: '<dsn1@mx.example.net>', original: email.messageId!, recipient: 'gone@example.com', status: '5.1.1', action: 'failed' })).expect(200);
    expect(res.body).toMatchObject({ kind: 'bounce', created: true, leadId: lead.id, matchedEmailId: email.id });
    const bounced = await emailRow(email.id);
    expect(bounced).toMatchObject({ status: 'bounced', bouncedAt: t.clock.now() });
    expect(bounced.error).toContain('5.1.1');
    expect((await enrollmentsOf(lead.id))[0]).toMatchObject({ status: 'exited', exitReason: 'email bounced' });
    expect((await inboundRows('<dsn1@mx.example.net>'))[0]).toMatchObject({ kind: 'bounce', matchedEmailId: email.id });

    // The address cannot receive: another schedule's email step does not send to it, the enrollment ends first.
    const other = await emailSchedule();
    await t.http.post(`/api/schedules/${other.id}/enrollments`).set(admin.auth).send({ leadIds: [lead.id] }).expect(201);
    await drain();
    expect((await enrollmentsOf(lead.id)).find((e) => e.scheduleId === other.id)).toMatchObject({ status: 'exited', exitReason: 'email bounced' });
    expect(await t.dataSource.getRepository(EmailMessageEntity).countBy({ leadId: lead.id })).toBe(1);
  });

  it('a transient delivery report is stored as a bounce and changes nothing else', async () => {
    const { lead, email } = await sentTo('full@example.com');
    const res = await post(dsn({ messageId: '<dsn2@mx.example.net>', original: email.messageId!, recipient: 'full@example.com', status: '4.2.2', action: 'delayed' })).expect(200);
    expect(res.body).toMatchObject({ kind: 'bounce', created: true, matchedEmailId: email.id });
    expect(await emailRow(email.id)).toMatchObject({ status: 'sent', bouncedAt: null });
    expect((await enrollmentsOf(lead.id))[0]).toMatchObject({ status: 'active' });
  });

  it('received email is listed for supervisors (paged, by kind, matched or not) and shows in the lead\'s thread in order with what went out', async () => {
    const { lead, email } = await sentTo('ann.listed@example.com');
    t.clock.advance(60_000);
    await post(reply({ from: 'ann.listed@example.com', messageId: '<listed1@mail.example.com>', inReplyTo: email.messageId!, text: 'Tell me more.' })).expect(200);
    t.clock.advance(60_000);
    await post(reply({ from: 'stranger@elsewhere.example', messageId: '<listed2@mail.example.com>', text: 'Who is this?' })).expect(200);
    t.clock.advance(60_000);
    await post(dsn({ messageId: '<listed3@mx.example.net>', original: email.messageId!, recipient: 'ann.listed@example.com', status: '4.2.2', action: 'delayed' })).expect(200);

    const list = async (query: string, who: Session = admin) => (await t.http.get(`/api/email/inbound?${query}`).set(who.auth).expect(200)).body as InboundEmailPage;
    const ofLead = await list(`leadId=${lead.id}`);
    expect(ofLead.total).toBe(2);
    expect(ofLead.items.map((i) => [i.kind, i.subject])).toEqual([
      ['bounce', 'Undelivered Mail Returned to Sender'],
      ['reply', 'Re: Hello Ann'],
    ]);
    expect(ofLead.items[1]).toMatchObject({ from: 'ann.listed@example.com', leadId: lead.id, leadName: 'Ann', matchedEmailId: email.id, matchedSubject: 'Hello Ann', snippet: expect.stringContaining('Tell me more.'), receivedAt: new Date(t.clock.now().getTime() - 120_000).toISOString() });
    const unmatched = await list('matched=false&limit=200');
    expect(unmatched.items.find((i) => i.from === 'stranger@elsewhere.example')).toMatchObject({ kind: 'other', leadId: null, leadName: null, matchedEmailId: null });
    expect(unmatched.items.every((i) => i.leadId === null)).toBe(true);
    expect((await list('matched=true&limit=200')).items.every((i) => i.leadId !== null)).toBe(true);
    expect((await list('kind=reply&limit=200')).items.every((i) => i.kind === 'reply')).toBe(true);
    // Paged: newest first, one at a time.
    const first = await list('limit=1');
    const second = await list('limit=1&offset=1');
    expect(first.items[0].subject).toBe('Undelivered Mail Returned to Sender');
    expect(second.items[0].from).toBe('stranger@elsewhere.example');
    expect(first.total).toBe(second.total);
    // Supervisors and admins only; a bad filter is named.
    await t.http.get('/api/email/inbound').set(agent.auth).expect(403);
    expect((await t.http.get('/api/email/inbound?kind=spam').set(admin.auth).expect(400)).body.fields).toEqual([expect.objectContaining({ field: 'kind' })]);
    expect((await t.http.get('/api/email/inbound?matched=maybe').set(admin.auth).expect(400)).body.fields).toEqual([expect.objectContaining({ field: 'matched' })]);

    // The lead's thread: the email out, the reply, the delivery report, in the order they happened (the owner may read it).
    const thread = (await t.http.get(`/api/leads/${lead.id}/email-thread`).set(agent.auth).expect(200)).body as EmailThreadEntry[];
    expect(thread.map((e) => (e.direction === 'outbound' ? `out ${e.email.subject}` : `in ${e.inbound.kind}`))).toEqual(['out Hello Ann', 'in reply', 'in bounce']);
    expect(thread.map((e) => e.at)).toEqual([...thread.map((e) => e.at)].sort());
    const other = await signIn(t, 'agent');
    await t.http.get(`/api/leads/${lead.id}/email-thread`).set(other.auth).expect(404);
  });

  it('a mailbox that is down fails the poll without ending anything; the next tick polls again', async () => {
    const poller = t.get(ImapPoller);
    await new Promise<void>((r) => imap.close(() => r()));
    try {
      await expect(poller.poll()).rejects.toThrow();
      // What the timer runs logs the fault and returns.
      await expect(poller.tick()).resolves.toBeUndefined();
    } finally {
      imap = hoodiecrow({ plugins: ['ID', 'UNSELECT', 'ENABLE'], storage: { INBOX: { messages: [] } } });
      await new Promise<void>((r) => imap.listen(imapPort, '127.0.0.1', r));
    }
    // The cluster lock was let go: the mailbox back, the next poll runs.
    await expect(poller.poll()).resolves.toBe(0);
  });

  it('the IMAP poll takes in an unseen reply through the same intake and marks it seen', async () => {
    const { lead, email } = await sentTo('ann.imap@example.com');
    const client = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, auth: { user: 'testuser', pass: 'testpass' }, logger: false });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.append('INBOX', reply({ from: 'ann.imap@example.com', messageId: '<r4.abc@mail.example.com>', inReplyTo: email.messageId! }));
      const poller = t.get(ImapPoller);
      await expect(poller.poll()).resolves.toBe(1);
      expect((await inboundRows('<r4.abc@mail.example.com>'))[0]).toMatchObject({ kind: 'reply', leadId: lead.id, matchedEmailId: email.id });
      expect(await emailRow(email.id)).toMatchObject({ status: 'replied' });
      expect((await enrollmentsOf(lead.id))[0]).toMatchObject({ status: 'exited', exitReason: 'replied' });

      await client.mailboxOpen('INBOX');
      expect(await client.search({ seen: false }, { uid: true })).toEqual([]);
      // Nothing unseen is left: the next poll takes nothing.
      await expect(poller.poll()).resolves.toBe(0);
      expect(await inboundRows('<r4.abc@mail.example.com>')).toHaveLength(1);
    } finally {
      await client.logout().catch(() => client.close());
    }
  });

  it('one poll drains more than a page (IMAP_PAGE_SIZE 2) in UID order and keeps its place: a restarted poller takes only what came after, whatever is marked unseen', async () => {
    const { lead, email } = await sentTo('ann.pages@example.com');
    const client = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, auth: { user: 'testuser', pass: 'testpass' }, logger: false });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const ids = [1, 2, 3, 4, 5].map((n) => `<page${n}.abc@mail.example.com>`);
      for (const messageId of ids) await client.append('INBOX', reply({ from: 'ann.pages@example.com', messageId, inReplyTo: email.messageId! }));
      await expect(t.get(ImapPoller).poll()).resolves.toBe(5);
      for (const messageId of ids) expect((await inboundRows(messageId))[0]).toMatchObject({ kind: 'reply', leadId: lead.id, matchedEmailId: email.id });
      await client.mailboxOpen('INBOX');
      const all = (await client.search({ all: true }, { uid: true })) as number[];
      expect(await client.search({ seen: false }, { uid: true })).toEqual([]);
      const [cursor] = await t.dataSource.getRepository(MailboxCursorEntity).find();
      expect(cursor).toMatchObject({ mailbox: `testuser@127.0.0.1:${imapPort}/INBOX`, lastUid: String(Math.max(...all)) });

      // A person marks an old message unread, and one more arrives; a poller made afresh (a restart) reads the kept place, not the flags.
      await client.messageFlagsRemove(String(all[0]), ['\\Seen'], { uid: true });
      await client.append('INBOX', reply({ from: 'ann.pages@example.com', messageId: '<page6.abc@mail.example.com>', inReplyTo: email.messageId! }));
      const restarted = new ImapPoller(t.get(AppConfig), t.get(InboundEmailService), t.get(SchedulerService), t.get(MailboxCursorsRepository), t.get(Clock), t.get(JsonLogger));
      await expect(restarted.poll()).resolves.toBe(1);
      expect(await inboundRows('<page6.abc@mail.example.com>')).toHaveLength(1);
      await expect(restarted.poll()).resolves.toBe(0);
      expect(await t.dataSource.getRepository(EmailInboundEntity).countBy({ leadId: lead.id })).toBe(6);
    } finally {
      await client.logout().catch(() => client.close());
    }
  });
});
