import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EmailDraftView, EmailMessageView, ErrorBody, LeadView, ParticipantActionView, ScheduleView } from '#shared';
import { EmailMessageEntity } from '../../server/src/email/email-message.entity.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { startSmtpCapture } from '../support/smtp.js';
import { listen } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

interface Eml {
  headers: Record<string, string>;
  body: string;
}

/** An .eml from the outbox: headers unfolded and keyed in lower case; the body decoded from quoted-printable or base64. */
function parseEml(raw: string): Eml {
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
  return { headers, body: body.replace(/\r\n/g, '\n') };
}

describe('a manual email step sent by its agent', () => {
  let t: TestApp;
  let outbox: string;
  let scheduler: SchedulerService;
  let admin: Session;
  let agent: Session;
  let other: Session;
  let seq = 0;

  beforeAll(async () => {
    outbox = await mkdtemp(join(tmpdir(), 'switchboard-manual-email-'));
    t = await createTestApp({
      now: '2026-03-02T17:00:00.000Z',
      env: { EMAIL_OUTBOX_DIR: outbox, EMAIL_FROM: 'Acme Sales <sales@acme.test>', EMAIL_SENDERS: 'Acme Support <support@acme.test>, billing@acme.test' },
    });
    await listen(t);
    scheduler = t.get(SchedulerService);
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
    other = await signIn(t, 'agent');
  });
  afterAll(async () => {
    await t?.close();
    if (outbox) await rm(outbox, { recursive: true, force: true });
  });

  const files = async () => (await readdir(outbox).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'));
  const eml = async (email: EmailMessageView) => parseEml(await readFile(join(outbox, `${email.id}@acme.test.eml`), 'utf8'));
  const newLead = async (email: string) =>
    (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number: `+1718556${String(3000 + seq++).padStart(4, '0')}` }], firstName: 'Ann', email, ownerId: agent.user.id }).expect(201)).body as LeadView;
  const schedule = async (steps: unknown[], extra: Record<string, unknown> = {}) => (await t.http.post('/api/schedules').set(admin.auth).send({ name: `Manual email ${seq++}`, timezone: 'America/New_York', steps, ...extra }).expect(201)).body as ScheduleView;
  // The lead stays enrolled when its address opts out (so the step's own refusal can be seen).
  const manualEmailSchedule = () =>
    schedule([
      {
        type: 'email',
        activation: 'manual',
        timing: { kind: 'delay', amount: 0, unit: 'minutes' },
        config: { subject: 'Hello {{lead.firstName}}', body: 'Hi {{lead.firstName | there}}, {{owner.name}} here.\n\nStop these: {{unsubscribe_url}}', cc: ['manager@acme.test'], replyTo: 'owner@acme.test' },
      },
      { type: 'wait', timing: { kind: 'delay', amount: 1, unit: 'days' } },
    ], { exitCriteria: { onUnsubscribe: false, onOptOut: false } });
  const enroll = async (scheduleId: string, leadId: string) => t.http.post(`/api/schedules/${scheduleId}/enrollments`).set(admin.auth).send({ leadIds: [leadId] }).expect(201);
  const actions = async (leadId: string) => (await t.http.get(`/api/participant-actions?leadId=${leadId}&limit=100`).set(admin.auth).expect(200)).body as ParticipantActionView[];
  const drain = async () => {
    for (let i = 0; i < 20 && (await scheduler.runDue()) > 0; i++);
  };
  /** A lead enrolled in a manual email schedule, its email step due for the agent. */
  const dueEmailStep = async (address: string) => {
    const lead = await newLead(address);
    await enroll((await manualEmailSchedule()).id, lead.id);
    await drain();
    const [step] = await actions(lead.id);
    expect(step).toMatchObject({ type: 'email', activation: 'manual', status: 'due', ownerId: agent.user.id });
    return { lead, step };
  };
  const rowsOf = (leadId: string) => t.dataSource.getRepository(EmailMessageEntity).findBy({ leadId });

  it('sends the draft as edited (cc, bcc, reply-to, another sender) through the outbox, once; completes the step and lists the email on the lead', async () => {
    const { lead, step } = await dueEmailStep('ann@example.com');
    const draft = (await t.http.get(`/api/participant-actions/${step.id}/email`).set(agent.auth).expect(200)).body as EmailDraftView;
    expect(draft).toMatchObject({
      to: 'ann@example.com',
      cc: ['manager@acme.test'],
      bcc: [],
      replyTo: 'owner@acme.test',
      from: 'Acme Sales <sales@acme.test>',
      senders: ['Acme Sales <sales@acme.test>', 'Acme Support <support@acme.test>', 'billing@acme.test'],
      subject: 'Hello Ann',
      html: false,
      inReplyTo: null,
    });
    expect(draft.body).toBe('Hi Ann, Test agent here.\n\nStop these: {{unsubscribe_url}}');

    const before = (await files()).length;
    const send = { to: draft.to, cc: ['manager@acme.test', 'coach@acme.test'], bcc: ['audit@acme.test'], replyTo: 'ann.owner@acme.test', from: 'support@acme.test', subject: 'Hello Ann, as promised', body: draft.body.replace('here.', 'here, as promised.') };
    const sent = (await t.http.post(`/api/participant-actions/${step.id}/email`).set(agent.auth).send(send).expect(201)).body as EmailMessageView;
    expect(sent).toMatchObject({ leadId: lead.id, to: 'ann@example.com', cc: ['manager@acme.test', 'coach@acme.test'], bcc: ['audit@acme.test'], from: 'Acme Support <support@acme.test>', replyTo: 'ann.owner@acme.test', status: 'sent', participantActionId: step.id, sentBy: agent.user.id, subject: 'Hello Ann, as promised' });
    expect(await files()).toHaveLength(before + 1);

    const m = await eml(sent);
    expect(m.headers.from).toBe('Acme Support <support@acme.test>');
    expect(m.headers.to).toBe('ann@example.com');
    expect(m.headers.cc).toBe('manager@acme.test, coach@acme.test');
    expect(m.headers.bcc).toBe('audit@acme.test');
    expect(m.headers['reply-to']).toBe('ann.owner@acme.test');
    expect(m.headers.subject).toBe('Hello Ann, as promised');
    expect(m.headers['message-id']).toBe(sent.messageId);
    expect(m.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const unsubscribe = /^<(http:\/\/127\.0\.0\.1:\d+\/api\/unsubscribe\/[\w-]+\.[\w-]+)>$/.exec(m.headers['list-unsubscribe'])?.[1] as string;
    expect(unsubscribe).toBeDefined();
    // The link went where the template put it, and only there.
    expect(m.body.trimEnd()).toBe(`Hi Ann, Test agent here, as promised.\n\nStop these: ${unsubscribe}`);

    // The step is done by the agent, the schedule moved on, and the email is on the lead's conversation.
    const list = await actions(lead.id);
    expect(list.map((a) => [a.type, a.status, a.outcome, a.completedBy])).toEqual([
      ['email', 'completed', 'sent', agent.user.id],
      ['wait', 'pending', null, null],
    ]);
    const emails = (await t.http.get(`/api/leads/${lead.id}/emails`).set(agent.auth).expect(200)).body as EmailMessageView[];
    expect(emails).toEqual([expect.objectContaining({ id: sent.id, subject: 'Hello Ann, as promised', to: 'ann@example.com', cc: ['manager@acme.test', 'coach@acme.test'], from: 'Acme Support <support@acme.test>', status: 'sent', sentAt: '2026-03-02T17:00:00.000Z', openedAt: null, clickedAt: null, participantActionId: step.id, sentBy: agent.user.id })]);
    const [row] = await rowsOf(lead.id);
    expect(row).toMatchObject({ threadId: sent.messageId, inReplyTo: null, sentBy: agent.user.id, participantActionId: step.id });

    // The same POST again (a retry after a lost answer): the same email, nothing sent again.
    const again = (await t.http.post(`/api/participant-actions/${step.id}/email`).set(agent.auth).send(send).expect(201)).body as EmailMessageView;
    expect(again.id).toBe(sent.id);
    expect(await files()).toHaveLength(before + 1);
    expect(await rowsOf(lead.id)).toHaveLength(1);
    // The step is done: no more draft.
    await t.http.get(`/api/participant-actions/${step.id}/email`).set(agent.auth).expect(409);
  });

  it('two POSTs at once send one email', async () => {
    const { lead, step } = await dueEmailStep('twice@example.com');
    const before = (await files()).length;
    const body = { to: 'twice@example.com', subject: 'Once', body: 'Only once.' };
    const [a, b] = await Promise.all([0, 1].map(() => t.http.post(`/api/participant-actions/${step.id}/email`).set(agent.auth).send(body)));
    // The second either finds the first one's send under way (409) or done (the same email again).
    expect([[201, 201], [201, 409]]).toContainEqual([a.status, b.status].sort());
    expect(await files()).toHaveLength(before + 1);
    expect(await rowsOf(lead.id)).toHaveLength(1);
  });

  it('refuses an opted-out address with the reasons, writes nothing and leaves the step due', async () => {
    const { lead, step } = await dueEmailStep('optedout@example.com');
    await t.http.post('/api/opt-outs').set(admin.auth).send({ address: 'optedout@example.com', channel: 'email', note: 'asked by phone' }).expect(201);
    const before = (await files()).length;
    const res = await t.http.post(`/api/participant-actions/${step.id}/email`).set(agent.auth).send({ to: 'optedout@example.com', subject: 'Hello', body: 'Hi.' }).expect(409);
    const err = res.body as ErrorBody & { details: { allowed: boolean; reasons: Array<{ code: string }> } };
    expect(err.code).toBe('CONTACT_REFUSED');
    expect(err.details.reasons.map((r) => r.code)).toContain('OPTED_OUT');
    // Writing to another address does not get round the lead's own opt-out.
    await t.http.post(`/api/participant-actions/${step.id}/email`).set(agent.auth).send({ to: 'other.inbox@example.com', subject: 'Hello', body: 'Hi.' }).expect(409);
    expect(await files()).toHaveLength(before);
    expect(await rowsOf(lead.id)).toHaveLength(0);
    expect((await actions(lead.id))[0]).toMatchObject({ status: 'due', outcome: null });
  });

  it('bad fields answer 400 naming each, and nothing is sent', async () => {
    const { lead, step } = await dueEmailStep('fields@example.com');
    const post = (body: unknown) => t.http.post(`/api/participant-actions/${step.id}/email`).set(agent.auth).send(body as object).expect(400);
    const fieldsOf = (res: { body: unknown }) => ((res.body as ErrorBody).fields ?? []).map((f) => f.field).sort();

    let res = await post({ to: 'not an address', cc: ['ok@acme.test', 'bad'], bcc: ['a@b'], replyTo: 'nope', from: 'mallory@evil.test', subject: '  ', body: ' ' });
    expect(fieldsOf(res)).toEqual(['bcc[0]', 'body', 'cc[1]', 'from', 'replyTo', 'subject', 'to']);
    expect((res.body as ErrorBody).fields?.find((f) => f.field === 'from')?.message).toContain('sales@acme.test');

    res = await post({ to: 'fields@example.com', subject: 'x'.repeat(301), body: 'Hi', cc: Array.from({ length: 21 }, (_, i) => `c${i}@acme.test`) });
    expect(fieldsOf(res)).toEqual(expect.arrayContaining(['cc', 'subject']));
    res = await post({ to: 'fields@example.com', subject: 'Hi', body: 'Hi', bcc: Array.from({ length: 21 }, (_, i) => `b${i}@acme.test`) });
    expect(fieldsOf(res)).toContain('bcc');
    res = await post({ to: ['fields@example.com'], subject: 3, body: 'Hi', cc: 'one@acme.test', html: 'yes' });
    expect(fieldsOf(res)).toEqual(expect.arrayContaining(['cc', 'html', 'subject', 'to']));
    // NUL characters (refused by the database) are named, not a 500.
    res = await post({ to: 'fields\u0000@example.com', cc: ['a\u0000b@acme.test'], replyTo: 'Ann\r\nBcc: x@evil.test <ann@acme.test>', subject: 'Hi\u0000', body: 'Hi\u0000there' });
    expect(fieldsOf(res)).toEqual(['body', 'cc[0]', 'replyTo', 'subject', 'to']);
    // A header can not be smuggled in through an address.
    res = await post({ to: 'fields@example.com\r\nBcc: all@evil.test', subject: 'Hi', body: 'Hi' });
    expect(fieldsOf(res)).toEqual(['to']);

    expect(await rowsOf(lead.id)).toHaveLength(0);
    expect((await actions(lead.id))[0].status).toBe('due');
  });

  it("another agent gets 404 for the step and the lead's emails; a supervisor may send it", async () => {
    const { lead, step } = await dueEmailStep('owned@example.com');
    await t.http.get(`/api/participant-actions/${step.id}/email`).set(other.auth).expect(404);
    await t.http.post(`/api/participant-actions/${step.id}/email`).set(other.auth).send({ to: 'owned@example.com', subject: 'Hi', body: 'Hi' }).expect(404);
    await t.http.get(`/api/leads/${lead.id}/emails`).set(other.auth).expect(404);
    expect(await rowsOf(lead.id)).toHaveLength(0);

    const supervisor = await signIn(t, 'supervisor');
    const sent = (await t.http.post(`/api/participant-actions/${step.id}/email`).set(supervisor.auth).send({ to: 'owned@example.com', subject: 'Hi', body: 'Hi' }).expect(201)).body as EmailMessageView;
    expect(sent.sentBy).toBe(supervisor.user.id);
    expect((await t.http.get(`/api/leads/${lead.id}/emails?limit=1&offset=0`).set(agent.auth).expect(200)).body).toHaveLength(1);
    await t.http.get(`/api/leads/${lead.id}/emails?limit=0`).set(agent.auth).expect(400);
  });

  it('an automatic email step may reply to the previous one: In-Reply-To, References, Re: (not doubled), the same thread', async () => {
    const lead = await newLead('thread@example.com');
    const s = await schedule([
      { type: 'email', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { subject: 'Your quote, {{lead.firstName}}', body: 'Here it is.' } },
      { type: 'email', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { subject: 'Following up', body: 'Any thoughts?', replyToPrevious: true } },
      { type: 'email', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { subject: 'Last one', body: 'Still there?', replyToPrevious: true } },
    ]);
    await enroll(s.id, lead.id);
    await drain();
    const emails = ((await t.http.get(`/api/leads/${lead.id}/emails`).set(admin.auth).expect(200)).body as EmailMessageView[]).reverse();
    expect(emails.map((e) => [e.subject, e.status])).toEqual([
      ['Your quote, Ann', 'sent'],
      ['Re: Your quote, Ann', 'sent'],
      ['Re: Your quote, Ann', 'sent'],
    ]);
    const [first, second, third] = await Promise.all(emails.map(eml));
    expect(first.headers['in-reply-to']).toBeUndefined();
    expect(second.headers['in-reply-to']).toBe(emails[0].messageId);
    expect(second.headers.references).toBe(emails[0].messageId);
    expect(second.headers.subject).toBe('Re: Your quote, Ann');
    expect(third.headers['in-reply-to']).toBe(emails[1].messageId);
    expect(third.headers.references).toBe(`${emails[0].messageId} ${emails[1].messageId}`);
    expect(third.headers.subject).toBe('Re: Your quote, Ann');
    expect(emails.map((e) => e.threadId)).toEqual([emails[0].messageId, emails[0].messageId, emails[0].messageId]);
    expect(emails[2].inReplyTo).toBe(emails[1].messageId);
  });

  it('a manual step replying to the previous one starts from Re: and carries the thread', async () => {
    const lead = await newLead('manual.thread@example.com');
    const s = await schedule([
      { type: 'email', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { subject: 'Re: your question', body: 'Answered.' } },
      { type: 'email', activation: 'manual', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { subject: 'Checking in', body: 'Did that help?', replyToPrevious: true } },
    ]);
    await enroll(s.id, lead.id);
    await drain();
    const step = (await actions(lead.id)).find((a) => a.activation === 'manual' && a.status === 'due') as ParticipantActionView;
    const draft = (await t.http.get(`/api/participant-actions/${step.id}/email`).set(agent.auth).expect(200)).body as EmailDraftView;
    const [previous] = (await t.http.get(`/api/leads/${lead.id}/emails`).set(agent.auth).expect(200)).body as EmailMessageView[];
    expect(draft).toMatchObject({ subject: 'Re: your question', inReplyTo: previous.messageId });
    const sent = (await t.http.post(`/api/participant-actions/${step.id}/email`).set(agent.auth).send({ to: draft.to, subject: draft.subject, body: draft.body }).expect(201)).body as EmailMessageView;
    const m = await eml(sent);
    expect(m.headers['in-reply-to']).toBe(previous.messageId);
    expect(m.headers.references).toBe(previous.messageId);
    expect(sent.threadId).toBe(previous.messageId);
  });

  it('refuses a replyToPrevious that is not true or false when the schedule is saved', async () => {
    const res = await t.http
      .post('/api/schedules')
      .set(admin.auth)
      .send({ name: `Bad ${seq++}`, timezone: 'America/New_York', steps: [{ type: 'email', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { subject: 'Hi', body: 'Hi', replyToPrevious: 'yes' } }] })
      .expect(400);
    expect(((res.body as ErrorBody).fields ?? []).map((f) => f.field)).toContain('steps[0].config.replyToPrevious');
  });
});

describe('a manual email the mail server refuses', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let admin: Session;
  let agent: Session;
  let seq = 0;

  beforeAll(async () => {
    // A real SMTP peer on loopback: one mailbox does not exist (550), another is busy (451).
    smtp = await startSmtpCapture((address) => (address === 'bounce@example.com' ? 550 : address === 'busy@example.com' ? 451 : false));
    t = await createTestApp({ now: '2026-03-02T17:00:00.000Z', env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, EMAIL_FROM: 'Acme Sales <sales@acme.test>' } });
    await listen(t);
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const dueEmailStep = async (address: string) => {
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number: `+1718557${String(3000 + seq++).padStart(4, '0')}` }], firstName: 'Ann', email: address, ownerId: agent.user.id }).expect(201)).body as LeadView;
    const s = (await t.http.post('/api/schedules').set(admin.auth).send({ name: `Refused ${seq++}`, timezone: 'America/New_York', steps: [{ type: 'email', activation: 'manual', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { subject: 'Hi', body: 'Hi.' } }] }).expect(201)).body as ScheduleView;
    await t.http.post(`/api/schedules/${s.id}/enrollments`).set(admin.auth).send({ leadIds: [lead.id] }).expect(201);
    const scheduler = t.get(SchedulerService);
    for (let i = 0; i < 20 && (await scheduler.runDue()) > 0; i++);
    const [step] = (await t.http.get(`/api/participant-actions?leadId=${lead.id}`).set(admin.auth).expect(200)).body as ParticipantActionView[];
    expect(step.status).toBe('due');
    return { lead, step };
  };
  const stepOf = async (id: string) => (await t.http.get(`/api/participant-actions/${id}`).set(agent.auth).expect(200)).body as ParticipantActionView;

  it('a bounce answers 409 EMAIL_BOUNCED with the email, and the step stays open', async () => {
    const { lead, step } = await dueEmailStep('bounce@example.com');
    const res = await t.http.post(`/api/participant-actions/${step.id}/email`).set(agent.auth).send({ to: 'bounce@example.com', subject: 'Hi', body: 'Hi.' }).expect(409);
    expect(res.body).toMatchObject({ code: 'EMAIL_BOUNCED', details: { email: { status: 'bounced', participantActionId: step.id } } });
    expect((res.body as ErrorBody).message).toContain('550');
    expect((await stepOf(step.id)).status).toBe('due');
    expect((await t.http.get(`/api/leads/${lead.id}/emails`).set(agent.auth).expect(200)).body).toEqual([expect.objectContaining({ status: 'bounced', sentBy: agent.user.id })]);
  });

  it('a temporary refusal answers 502 EMAIL_FAILED and leaves the step open; a later try sends', async () => {
    const { lead, step } = await dueEmailStep('busy@example.com');
    const res = await t.http.post(`/api/participant-actions/${step.id}/email`).set(agent.auth).send({ to: 'busy@example.com', subject: 'Hi', body: 'Hi.' }).expect(502);
    expect(res.body).toMatchObject({ code: 'EMAIL_FAILED', details: { email: { status: 'failed' } } });
    expect((await stepOf(step.id)).status).toBe('due');
    // The agent tries another address of the lead's: this attempt has its own key and goes.
    const sent = (await t.http.post(`/api/participant-actions/${step.id}/email`).set(agent.auth).send({ to: 'ann.work@example.com', subject: 'Hi', body: 'Hi.' }).expect(201)).body as EmailMessageView;
    expect(sent.status).toBe('sent');
    expect(smtp.inbox.filter((m) => m.to.includes('ann.work@example.com'))).toHaveLength(1);
    expect((await stepOf(step.id)).status).toBe('completed');
    const emails = (await t.http.get(`/api/leads/${lead.id}/emails`).set(agent.auth).expect(200)).body as EmailMessageView[];
    expect(emails.map((e) => [e.to, e.status])).toEqual([
      ['ann.work@example.com', 'sent'],
      ['busy@example.com', 'failed'],
    ]);
  });
});
