import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import type { AutomationRunView, LeadView, ParticipantActionView, ScheduleView } from '#shared';
import { StepAutomationEntity } from '../../server/src/schedules/automations/automation.entity.js';
import { InterestLinks } from '../../server/src/schedules/automations/interest-links.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { ScheduleEntity } from '../../server/src/schedules/schedule.entity.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn, TEST_PASSWORD } from '../support/factories.js';
import { listen } from '../support/upload.js';
import { startSmtpCapture, unQuotedPrintable } from '../support/smtp.js';

type Session = Awaited<ReturnType<typeof signIn>>;
const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('step automations', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let scheduler: SchedulerService;
  let admin: Session;
  let supervisor: Session;
  let agent: Session;
  let seq = 0;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    const port = smtp.port;
    // Monday noon in New York; a one-minute scan.
    t = await createTestApp({ now: '2026-03-02T17:00:00.000Z', env: { SMTP_URL: `smtp://127.0.0.1:${port}`, AUTOMATION_SCAN_SECONDS: '60' } });
    await listen(t);
    scheduler = t.get(SchedulerService);
    admin = await signIn(t, 'admin');
    supervisor = await signIn(t, 'supervisor');
    agent = await signIn(t, 'agent');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  /** What the SMTP peer received, decoded so links can be read back. */
  const mails = () => smtp.inbox.map((m) => ({ ...m, raw: unQuotedPrintable(m.raw) }));
  const drain = async () => {
    for (let i = 0; i < 30 && (await scheduler.runDue()) > 0; i++);
  };
  /** Signs the test's users in again: their access tokens expire as the fixed clock moves on by days. */
  const relogin = async () => {
    for (const session of [admin, supervisor, agent]) {
      const res = await t.http.post('/api/auth/login').send({ email: session.user.email, password: TEST_PASSWORD }).expect(200);
      session.auth.Authorization = `Bearer ${(res.body as { accessToken: string }).accessToken}`;
    }
  };
  /** Moves the fixed clock on (never back) and lets due work run. */
  const advanceTo = async (ms: number) => {
    const target = start + ms;
    if (target > t.clock.now().getTime()) t.clock.set(new Date(target));
    await relogin();
    await drain();
  };
  const advanceBy = async (ms: number) => {
    t.clock.advance(ms);
    await relogin();
    await drain();
  };
  let start = 0;
  const newLead = async (email = `lead${seq}@example.com`) =>
    (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number: `+1718555${String(4000 + seq++).padStart(4, '0')}` }], firstName: 'Ann', lastName: `Lee ${seq}`, email, ownerId: agent.user.id }).expect(201)).body as LeadView;
  const lead = async (id: string) => (await t.http.get(`/api/leads/${id}`).set(admin.auth).expect(200)).body as LeadView;
  const wait = (days: number, automations: unknown[] = [], name?: string) => ({ type: 'wait', name, timing: { kind: 'delay', amount: days, unit: 'days' }, automations });
  const task = (automations: unknown[] = []) => ({ type: 'task', name: 'Call back', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { title: 'Follow up' }, automations });
  const createSchedule = async (steps: unknown[], extra: Record<string, unknown> = {}) =>
    (await t.http.post('/api/schedules').set(admin.auth).send({ name: `Automations ${seq++}`, timezone: 'America/New_York', steps, ...extra }).expect(201)).body as ScheduleView;
  const enroll = async (scheduleId: string, leadId: string) => {
    start = t.clock.now().getTime();
    const r = (await t.http.post(`/api/schedules/${scheduleId}/enrollments`).set(admin.auth).send({ leadIds: [leadId] }).expect(201)).body as { enrolled: Array<{ id: string }> };
    await drain();
    return r.enrolled[0].id;
  };
  const runs = async (scheduleId: string, leadId: string) => (await t.http.get(`/api/schedules/${scheduleId}/automation-runs?leadId=${leadId}`).set(admin.auth).expect(200)).body as AutomationRunView[];
  const enrollmentOf = async (leadId: string, scheduleId: string) =>
    ((await t.http.get(`/api/enrollments/lead/${leadId}`).set(admin.auth).expect(200)).body as Array<{ id: string; scheduleId: string; status: string; exitReason: string | null; currentStepId: string | null }>).find((e) => e.scheduleId === scheduleId);
  /** A schedule as read back, sent again as the editor would (only what a save takes). */
  const asDto = (v: ScheduleView, steps = v.steps) => {
    const { id: _id, counts: _c, createdAt: _a, updatedAt: _u, steps: _s, audienceCheckedAt: _ac, ownerId: _o, sharing: _sh, access: _ax, ...rest } = v;
    return { ...rest, steps: steps.map(({ position: _p, timingSummary: _t, automations, ...step }) => ({ ...step, automations: automations.map(({ triggerSummary: _ts, ...a }) => a) })) };
  };
  const tag = (tags: string[]) => ({ type: 'add_tags', config: { tags } });

  it('fires on entering at once and after days + weeks, on completing at once, each in the schedule\'s zone', async () => {
    const s = await createSchedule([
      wait(10, [
        { name: 'welcome', trigger: { kind: 'enter' }, actions: [tag(['entered'])] },
        { name: 'week on', trigger: { kind: 'enter', delay: { weeks: 1, days: 1 } }, actions: [tag(['day-8'])] },
        { trigger: { kind: 'complete' }, actions: [tag(['done-a'])] },
      ]),
      task(),
    ]);
    expect(s.steps[0].automations.map((a) => a.triggerSummary)).toEqual(['When the lead enters this step', '1 week, 1 day after the lead enters this step', 'When the lead completes this step']);
    const l = await newLead();
    await enroll(s.id, l.id);
    expect((await lead(l.id)).tags).toEqual(['entered']);

    // Eight calendar days in New York cross the change to summer time: noon EDT, 8 days less an hour later.
    await advanceTo(8 * DAY - HOUR - 60_000);
    expect((await lead(l.id)).tags).toEqual(['entered']);
    await advanceTo(8 * DAY - HOUR + 60_000);
    expect((await lead(l.id)).tags).toEqual(['day-8', 'entered']);
    expect((await lead(l.id)).tags).not.toContain('done-a');

    await advanceTo(10 * DAY + 60_000);
    expect((await lead(l.id)).tags).toEqual(['day-8', 'done-a', 'entered']);
    const fired = await runs(s.id, l.id);
    expect(fired.map((r) => [r.status, r.dueAt])).toEqual([
      ['fired', new Date(start).toISOString()],
      ['fired', '2026-03-10T16:00:00.000Z'],
      ['fired', expect.any(String)],
    ]);
    expect(fired[0].results).toEqual([{ type: 'add_tags', status: 'completed', outcome: 'updated', detail: 'tag entered' }]);
  });

  it('repeats a pending automation every N days up to its count, then stops; moving on cancels what is planned', async () => {
    const s = await createSchedule([
      wait(12, [
        { trigger: { kind: 'pending', after: { days: 2 }, repeat: { every: 3, unit: 'days', maxTimes: 3 } }, actions: [tag(['nudged'])] },
        { trigger: { kind: 'pending', after: { days: 13 } }, actions: [tag(['too-late'])] },
      ]),
      task(),
    ]);
    expect(s.steps[0].automations[0].triggerSummary).toBe('After 2 days on this step. Repeats every 3 days, up to 3 times');
    const l = await newLead();
    await enroll(s.id, l.id);
    await advanceTo(2 * DAY - 1000);
    expect(await runs(s.id, l.id)).toEqual(expect.arrayContaining([expect.objectContaining({ occurrence: 1, status: 'scheduled' })]));
    // Days counted in New York (a day stays a day across the change to summer time).
    const onDay = (days: number) => DateTime.fromMillis(start, { zone: 'America/New_York' }).plus({ days }).toMillis();
    for (const day of [2, 5, 8, 11]) await advanceTo(onDay(day) - start + 60_000);
    const all = await runs(s.id, l.id);
    const nudges = all.filter((r) => r.automationId === s.steps[0].automations[0].id);
    expect(nudges.map((r) => [r.occurrence, r.status, r.dueAt])).toEqual([
      [1, 'fired', new Date(onDay(2)).toISOString()],
      [2, 'fired', new Date(onDay(5)).toISOString()],
      [3, 'fired', new Date(onDay(8)).toISOString()],
    ]);
    // Day 12 the lead completes the wait: the 13-day one is canceled and never fires.
    await advanceTo(12 * DAY + 60_000);
    await advanceTo(14 * DAY);
    const late = (await runs(s.id, l.id)).find((r) => r.automationId === s.steps[0].automations[1].id);
    expect(late).toMatchObject({ status: 'canceled', detail: 'the lead left the step', firedAt: null });
    expect((await lead(l.id)).tags).toEqual(['nudged']);
  });

  it('a lead back on the step starts the clock again (the old stay\'s firing is canceled, the new one counts from re-entry)', async () => {
    const s = await createSchedule([wait(3, [{ trigger: { kind: 'pending', after: { days: 4 } }, actions: [tag(['stale'])] }]), { type: 'restart_schedule', timing: { kind: 'delay', amount: 0, unit: 'minutes' } }]);
    const l = await newLead();
    await enroll(s.id, l.id);
    await advanceTo(3 * DAY + 60_000); // completed the wait, restarted: on the first step again
    const r = await runs(s.id, l.id);
    expect(r.map((x) => [x.status, x.dueAt])).toEqual([
      ['canceled', new Date(start + 4 * DAY).toISOString()],
      ['scheduled', expect.any(String)],
    ]);
    expect(Date.parse(r[1].dueAt)).toBeGreaterThanOrEqual(start + 7 * DAY);
    await advanceTo(4 * DAY + 60_000);
    expect((await lead(l.id)).tags).toEqual([]);
  });

  it('fires nothing while the enrollment is paused or the lead inactive; once that ends, the due firing goes', async () => {
    const s = await createSchedule([wait(20, [{ trigger: { kind: 'pending', after: { days: 1 } }, actions: [tag(['pinged'])] }, { trigger: { kind: 'pending', after: { days: 3 } }, actions: [tag(['pinged-again'])] }]), task()]);
    const l = await newLead();
    const enrollmentId = await enroll(s.id, l.id);
    await t.http.post(`/api/enrollments/${enrollmentId}/pause`).set(admin.auth).expect(200);
    await advanceTo(2 * DAY);
    expect((await lead(l.id)).tags).toEqual([]);
    expect((await runs(s.id, l.id))[0].status).toBe('scheduled');
    await t.http.post(`/api/enrollments/${enrollmentId}/resume`).set(admin.auth).expect(200);
    await advanceBy(60_000);
    expect((await lead(l.id)).tags).toEqual(['pinged']);

    await t.http.patch(`/api/leads/${l.id}`).set(admin.auth).send({ status: 'inactive' }).expect(200);
    await advanceTo(4 * DAY);
    expect((await lead(l.id)).tags).toEqual(['pinged']);
    await t.http.patch(`/api/leads/${l.id}`).set(admin.auth).send({ status: 'contacted' }).expect(200);
    await advanceBy(60_000);
    expect((await lead(l.id)).tags).toEqual(['pinged', 'pinged-again']);
  });

  describe('"Still interested?" notifications', () => {
    let s: ScheduleView;
    const linksFor = (email: string) => {
      const mail = mails().filter((m) => m.to.includes(email)).at(-1);
      const yes = mail?.raw.match(/Yes: https?:\/\/[^\s]+\/api\/interest\/([A-Za-z0-9_.-]+)/)?.[1];
      const no = mail?.raw.match(/No: https?:\/\/[^\s]+\/api\/interest\/([A-Za-z0-9_.-]+)/)?.[1];
      return { yes: yes as string, no: no as string, mail };
    };
    const answer = (token: string) => t.http.post(`/api/interest/${token}`);

    beforeAll(async () => {
      s = await createSchedule(
        [
          wait(10, [
            {
              name: 'check in',
              trigger: { kind: 'enter' },
              actions: [{ type: 'notify', config: { subject: 'Still keen, {{lead.firstName}}?', body: 'Hi {{lead.firstName}}, shall we keep in touch?', interest: { expiresInDays: 3, onYes: 'complete_step', onNo: 'exit' }, summaries: { coordinator: true } } }],
            },
          ], 'Check in'),
          task(),
        ],
        { coordinatorId: supervisor.user.id, watcherIds: [admin.user.id] },
      );
    });

    it('emails the lead yes/no links and the coordinator a summary (watchers only when asked); yes is recorded once and completes the step', async () => {
      const l = await newLead('keen@example.com');
      const sent = smtp.inbox.length;
      const enrollmentId = await enroll(s.id, l.id);
      const { yes, no, mail } = linksFor('keen@example.com');
      expect(mail?.raw).toContain('Still keen, Ann?');
      expect(yes && no).toBeTruthy();
      const summaries = mails().slice(sent).filter((m) => !m.to.includes('keen@example.com'));
      expect(summaries.map((m) => m.to)).toEqual([[supervisor.user.email]]);
      expect(summaries[0].raw).toContain('Lead: Ann Lee');
      // Emailed: the lead's activity fields say so (summaries to staff are not the lead's activity).
      expect(await lead(l.id)).toMatchObject({ lastContactedMode: 'no_reply', lastActivityType: 'email-out', lastContactedAt: t.clock.now().toISOString() });

      // Opening the link (or a mail scanner following it) records nothing.
      const page = await t.http.get(`/api/interest/${yes}`).expect(200);
      expect(page.text).toContain('Confirm yes');
      expect((await enrollmentOf(l.id, s.id))?.currentStepId).toBe(s.steps[0].id);

      const r = await answer(yes).expect(200);
      expect(r.headers['x-interest-status']).toBe('recorded');
      await drain();
      const e = await enrollmentOf(l.id, s.id);
      expect(e).toMatchObject({ id: enrollmentId, status: 'active', currentStepId: s.steps[1].id });
      const acts = (await t.http.get(`/api/participant-actions?leadId=${l.id}`).set(admin.auth).expect(200)).body as ParticipantActionView[];
      expect(acts.find((a) => a.stepId === s.steps[0].id)).toMatchObject({ status: 'completed', outcome: 'interested: yes' });
      expect((await answer(no).expect(200)).headers['x-interest-status']).toBe('already_answered');
    });

    it('no ends the enrollment; a click after the lead moved on changes nothing; an expired link says so; a forged one is refused', async () => {
      const a = await newLead('no@example.com');
      await enroll(s.id, a.id);
      expect((await answer(linksFor('no@example.com').no).expect(200)).headers['x-interest-status']).toBe('recorded');
      expect(await enrollmentOf(a.id, s.id)).toMatchObject({ status: 'exited', exitReason: 'answered no to "Still interested?"' });

      const b = await newLead('late@example.com');
      await enroll(s.id, b.id);
      const late = linksFor('late@example.com');
      await advanceTo(10 * DAY + 60_000); // the wait is over: on the task step now (links still valid? no: 3 days)
      const expired = await answer(late.yes).expect(410);
      expect(expired.headers['x-interest-status']).toBe('expired');
      expect(expired.text).toContain('expired');
      expect((await enrollmentOf(b.id, s.id))?.currentStepId).toBe(s.steps[1].id);

      const c = await newLead('moved@example.com');
      await enroll(s.id, c.id);
      const moved = linksFor('moved@example.com');
      await t.http.put(`/api/schedules/${s.id}`).set(admin.auth).send(asDto(s, [{ ...s.steps[0], timing: { kind: 'delay', amount: 1, unit: 'days' } }, s.steps[1]])).expect(200);
      await advanceTo(DAY + 60_000);
      expect((await enrollmentOf(c.id, s.id))?.currentStepId).toBe(s.steps[1].id);
      const advanced = await answer(moved.no).expect(409);
      expect(advanced.headers['x-interest-status']).toBe('already_advanced');
      expect(advanced.text).toContain('already moved on');
      expect(await enrollmentOf(c.id, s.id)).toMatchObject({ status: 'active' });

      const forged = new InterestLinks('not-the-server-secret').token({ runId: 'x', action: 0, answer: 'yes', expiresAt: Date.now() + DAY });
      expect((await answer(forged).expect(403)).headers['x-interest-status']).toBe('invalid');
      await t.http.get(`/api/interest/${forged}`).expect(403);
    });
  });

  it('tags and untags, adds to another schedule, runs an action group and removes the lead from this schedule; marks inactive; archives', async () => {
    const group = (await t.http.post('/api/action-groups').set(admin.auth).send({ name: `Group ${seq++}`, actions: [{ type: 'add_tags', config: { tags: ['from-group'] } }] }).expect(201)).body as { id: string };
    const other = await createSchedule([wait(30), task()]);
    const s = await createSchedule([
      wait(10, [
        { trigger: { kind: 'enter' }, actions: [tag(['x', 'y']), { type: 'remove_tags', config: { tags: ['y'] } }, { type: 'add_to_schedule', config: { scheduleId: other.id } }, { type: 'run_group', config: { groupId: group.id } }, { type: 'remove_from_schedule', config: {} }] },
      ]),
      task(),
    ]);
    const l = await newLead();
    await enroll(s.id, l.id);
    expect((await lead(l.id)).tags).toEqual(['from-group', 'x']);
    expect(await enrollmentOf(l.id, other.id)).toMatchObject({ status: 'active' });
    expect((await enrollmentOf(l.id, s.id))?.status).toBe('exited');
    expect((await runs(s.id, l.id))[0].results.map((r) => [r.type, r.status])).toEqual([
      ['add_tags', 'completed'],
      ['remove_tags', 'completed'],
      ['add_to_schedule', 'completed'],
      ['run_group', 'completed'],
      ['remove_from_schedule', 'completed'],
    ]);

    const inactive = await createSchedule([wait(5, [{ trigger: { kind: 'pending', after: { days: 1 } }, actions: [{ type: 'mark_inactive', config: {} }] }]), task()]);
    const m = await newLead();
    await enroll(inactive.id, m.id);
    await advanceTo(DAY + 60_000);
    expect((await lead(m.id)).status).toBe('inactive');

    const archive = await createSchedule([wait(5, [{ trigger: { kind: 'enter' }, actions: [{ type: 'archive_lead', config: {} }] }]), task()]);
    const n = await newLead();
    await enroll(archive.id, n.id);
    expect((await lead(n.id)).status).toBe('archived');
    expect(await enrollmentOf(n.id, archive.id)).toMatchObject({ status: 'exited', exitReason: 'lead archived' });
  });

  it('keeps automations with their step through a reorder and a republish; deleting a step deletes its automations and cancels their firings', async () => {
    const s = await createSchedule([wait(5, [{ name: 'on A', trigger: { kind: 'pending', after: { days: 2 } }, actions: [tag(['a'])] }], 'A'), wait(5, [{ name: 'on B', trigger: { kind: 'enter' }, actions: [tag(['b'])] }], 'B')]);
    const [a, b] = s.steps;
    const l = await newLead();
    await enroll(s.id, l.id);

    // Reordered, automations not sent: each stays with its step.
    const reordered = (await t.http.put(`/api/schedules/${s.id}`).set(admin.auth).send({ ...asDto(s), steps: [{ id: b.id, type: 'wait', name: 'B', timing: b.timing }, { id: a.id, type: 'wait', name: 'A', timing: a.timing }] }).expect(200)).body as ScheduleView;
    expect(reordered.steps.map((x) => [x.name, x.automations.map((y) => y.name)])).toEqual([['B', ['on B']], ['A', ['on A']]]);
    // Republished as read back: the same automations, same ids.
    const republished = (await t.http.put(`/api/schedules/${s.id}`).set(admin.auth).send(asDto(reordered)).expect(200)).body as ScheduleView;
    expect(republished.steps.flatMap((x) => x.automations.map((y) => y.id))).toEqual(reordered.steps.flatMap((x) => x.automations.map((y) => y.id)));

    // Step A deleted: its automation goes, its planned firing for the lead is canceled.
    await t.http.put(`/api/schedules/${s.id}`).set(admin.auth).send(asDto(republished, [republished.steps[0]])).expect(200);
    expect(await t.dataSource.getRepository(StepAutomationEntity).countBy({ stepId: a.id })).toBe(0);
    expect(await t.dataSource.getRepository(StepAutomationEntity).countBy({ stepId: b.id })).toBe(1);
    const r = await runs(s.id, l.id);
    expect(r.find((x) => x.stepId === a.id)?.status).toBe('canceled');
    // A was last after the reorder: the lead is done, and B's automation (for entering B) never fired.
    await drain();
    expect(await enrollmentOf(l.id, s.id)).toMatchObject({ status: 'completed' });
    expect((await lead(l.id)).tags).toEqual([]);
  });

  it('a smart schedule runs, at each turn, the most specific step whose conditions the lead meets (each once), waits when none does, and looks again', async () => {
    const tagStep = (name: string, tagName: string, conditions: unknown[]) => ({
      type: 'modify_lead',
      name,
      timing: { kind: 'delay', amount: 0, unit: 'minutes' },
      config: { changes: [{ op: 'add_tag', tag: tagName }] },
      criteria: conditions.length ? { logic: 'all', conditions } : null,
    });
    const replied = { field: 'activity.replied', op: 'eq', value: true };
    const s = await createSchedule(
      [tagStep('Anyone', 'fallback', []), tagStep('Replied', 'replied-path', [replied]), tagStep('VIP who replied', 'vip-path', [replied, { field: 'lead.tags', op: 'has_tag', value: 'vip' }])],
      { type: 'smart', exitCriteria: { onReply: false } },
    );
    expect(s.type).toBe('smart');
    const reply = (number: string) => t.http.post('/api/telephony/sim/inbound-sms').set(admin.auth).send({ from: number, to: '+12125550100', body: 'tell me more' }).expect(201);

    // An ordinary lead: the fallback first (nothing else fits), then it waits.
    const l = await newLead();
    const number = l.phones[0].number;
    await enroll(s.id, l.id);
    expect((await lead(l.id)).tags).toEqual(['fallback']);
    expect(await enrollmentOf(l.id, s.id)).toMatchObject({ status: 'active', currentStepId: null });
    await advanceBy(20 * 60_000);
    expect((await lead(l.id)).tags).toEqual(['fallback']);
    // It replies: at the next look, the step for those who replied (the VIP one does not fit).
    await reply(number);
    await advanceBy(15 * 60_000);
    expect((await lead(l.id)).tags).toEqual(['fallback', 'replied-path']);
    // Made a VIP: the last step fits at the next look, and with every step done the lead is through.
    await t.http.patch(`/api/leads/${l.id}`).set(admin.auth).send({ tags: ['fallback', 'replied-path', 'vip'] }).expect(200);
    await advanceBy(15 * 60_000);
    expect((await lead(l.id)).tags).toEqual(['fallback', 'replied-path', 'vip', 'vip-path']);
    expect(await enrollmentOf(l.id, s.id)).toMatchObject({ status: 'completed' });

    // A VIP who replies: both conditional steps fit; the more specific runs first.
    const v = await newLead();
    await t.http.patch(`/api/leads/${v.id}`).set(admin.auth).send({ tags: ['vip'] }).expect(200);
    await enroll(s.id, v.id);
    await reply(v.phones[0].number);
    await advanceBy(15 * 60_000);
    const order = ((await t.http.get(`/api/participant-actions?leadId=${v.id}`).set(admin.auth).expect(200)).body as ParticipantActionView[])
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((a) => s.steps.find((x) => x.id === a.stepId)?.name);
    expect(order).toEqual(['Anyone', 'VIP who replied', 'Replied']);
  });

  it('an audience enrolls newly matching leads on its interval in the schedule\'s zone, never twice; without one only leads added by hand run; accounts bring their leads', async () => {
    const make = async (body: Record<string, unknown>) =>
      (await t.http.post('/api/leads').set(admin.auth).send({ phones: [{ number: `+1718555${String(6000 + seq++).padStart(4, '0')}` }], firstName: 'Aud', ...body }).expect(201)).body as LeadView;
    const view = (await t.http.post('/api/lead-views').set(admin.auth).send({ name: `Agent's leads ${seq++}`, filter: { ownerId: agent.user.id } }).expect(201)).body as { id: string };
    const a = await make({ ownerId: agent.user.id, tags: ['enterprise'] });
    const b = await make({ ownerId: agent.user.id });
    const c = await make({ tags: ['enterprise'] }); // not in the view
    const d = await make({ ownerId: agent.user.id, tags: ['enterprise'], status: 'inactive' });
    const manual = await createSchedule([wait(30), task()]);
    // Kolkata is UTC+5:30: its hours start at half past in UTC.
    const s = await createSchedule([wait(30), task()], {
      timezone: 'Asia/Kolkata',
      audience: { viewId: view.id, criteria: { logic: 'all', conditions: [{ field: 'lead.tags', op: 'has_tag', value: 'enterprise' }] } },
      audienceEvery: 'hourly',
    });
    await drain();
    const enrolledIn = async (scheduleId: string) => ((await t.http.get(`/api/schedules/${scheduleId}/enrollments?limit=1000`).set(admin.auth).expect(200)).body as Array<{ leadId: string; source: string }>);
    expect((await enrolledIn(s.id)).map((e) => [e.leadId, e.source])).toEqual([[a.id, 'audience']]);

    await t.http.patch(`/api/leads/${b.id}`).set(admin.auth).send({ tags: ['enterprise'] }).expect(200);
    const nextLocalHour = DateTime.fromJSDate(t.clock.now(), { zone: 'Asia/Kolkata' }).plus({ hours: 1 }).startOf('hour').toMillis();
    expect(new Date(nextLocalHour).getUTCMinutes()).toBe(30);
    start = t.clock.now().getTime();
    await advanceTo(nextLocalHour - start - 60_000);
    expect((await enrolledIn(s.id)).map((e) => e.leadId)).toEqual([a.id]);
    await advanceTo(nextLocalHour - start + 1000);
    expect((await enrolledIn(s.id)).map((e) => e.leadId).sort()).toEqual([a.id, b.id].sort());
    // Hours later: nobody twice, the lead outside the view and the inactive one never.
    await advanceTo(nextLocalHour - start + 3 * HOUR + 1000);
    expect((await enrolledIn(s.id)).map((e) => e.leadId).sort()).toEqual([a.id, b.id].sort());
    expect((await enrolledIn(s.id)).map((e) => e.leadId)).not.toEqual(expect.arrayContaining([c.id, d.id]));
    expect(await enrolledIn(manual.id)).toEqual([]);
    expect(((await t.http.get(`/api/schedules/${s.id}`).set(admin.auth).expect(200)).body as ScheduleView).audienceCheckedAt).toBe(new Date(nextLocalHour + 3 * HOUR + 1000).toISOString());

    // Accounts (companies, any case) bring every one of their leads.
    const e = await make({ company: 'Acme Corp' });
    const f = await make({ company: 'ACME CORP' });
    await make({ company: 'Acme Corporation' });
    const added = (await t.http.post(`/api/schedules/${manual.id}/enrollments`).set(admin.auth).send({ accounts: ['acme corp'] }).expect(201)).body as { enrolled: Array<{ leadId: string }> };
    expect(added.enrolled.map((x) => x.leadId).sort()).toEqual([e.id, f.id].sort());

    // The view cannot go while it is an audience; entry conditions only ask about fields.
    await t.http.delete(`/api/lead-views/${view.id}`).set(admin.auth).expect(409);
    const bad = await t.http
      .post('/api/schedules')
      .set(admin.auth)
      .send({ name: `Bad audience ${seq++}`, steps: [wait(1)], audience: { viewId: '00000000-0000-4000-8000-000000000000', criteria: { logic: 'all', conditions: [{ field: 'activity.replied', op: 'eq', value: true }] } } })
      .expect(400);
    expect((bad.body.fields as Array<{ field: string }>).map((x) => x.field).sort()).toEqual(['audience.criteria.conditions[0].field', 'audience.viewId']);
  });

  it('refuses bad automations with every field named, and writes nothing', async () => {
    const before = await t.dataSource.getRepository(ScheduleEntity).count();
    const res = await t.http
      .post('/api/schedules')
      .set(admin.auth)
      .send({
        name: `Bad ${seq++}`,
        coordinatorId: '00000000-0000-4000-8000-000000000000',
        steps: [
          wait(3, [
            { trigger: { kind: 'sometimes' }, actions: [tag(['ok'])] },
            { trigger: { kind: 'pending', after: {} , repeat: { every: 0, unit: 'years', maxTimes: 0 } }, actions: [] },
            { id: '00000000-0000-4000-8000-000000000001', trigger: { kind: 'enter', delay: { days: -1 } }, actions: [{ type: 'dial' }, { type: 'add_tags', config: {} }, { type: 'notify', config: { subject: 'Hi', body: 'x', interest: { onYes: 'dance' } } }] },
          ]),
        ],
      })
      .expect(400);
    const fields = (res.body as { fields: Array<{ field: string }> }).fields.map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'coordinatorId',
        'steps[0].automations[0].trigger.kind',
        'steps[0].automations[1].trigger.after',
        'steps[0].automations[1].trigger.repeat.every',
        'steps[0].automations[1].trigger.repeat.unit',
        'steps[0].automations[1].trigger.repeat.maxTimes',
        'steps[0].automations[1].actions',
        'steps[0].automations[2].id',
        'steps[0].automations[2].trigger.delay.days',
        'steps[0].automations[2].actions[0].type',
        'steps[0].automations[2].actions[1].config.tags',
        'steps[0].automations[2].actions[2].config.interest.onYes',
      ]),
    );
    expect(JSON.stringify(res.body)).not.toContain('stack');
    expect(await t.dataSource.getRepository(ScheduleEntity).count()).toBe(before);
    // No schedule there: nothing to read.
    await t.http.get(`/api/schedules/00000000-0000-4000-8000-000000000000/automation-runs`).set(agent.auth).expect(404);
  });

  it('viewing and editing schedules are separate permissions; each user sees and edits their own schedules unless shared', async () => {
    const other = await signIn(t, 'supervisor');
    const steps = [task()];
    const api = (session: Session) => ({
      list: async () => ((await t.http.get('/api/schedules').set(session.auth).expect(200)).body as ScheduleView[]).map((s) => [s.id, s.access]),
      get: (id: string) => t.http.get(`/api/schedules/${id}`).set(session.auth),
      put: (id: string, name: string) => t.http.put(`/api/schedules/${id}`).set(session.auth).send({ name, timezone: 'America/New_York', steps: [{ ...task(), id: undefined }] }),
      share: (id: string, body: object) => t.http.put(`/api/schedules/${id}/sharing`).set(session.auth).send(body),
      enroll: (id: string, leadId: string) => t.http.post(`/api/schedules/${id}/enrollments`).set(session.auth).send({ leadIds: [leadId] }),
    });
    const sup = api(supervisor);
    const them = api(other);
    const ag = api(agent);

    // The supervisor's new schedule is theirs alone.
    const name = `Private ${seq++}`;
    const mine = (await t.http.post('/api/schedules').set(supervisor.auth).send({ name, timezone: 'America/New_York', steps }).expect(201)).body as ScheduleView;
    expect(mine).toMatchObject({ ownerId: supervisor.user.id, sharing: { everyone: 'none', users: [] }, access: 'manage' });
    expect(await them.list()).not.toContainEqual([mine.id, expect.anything()]);
    expect(await ag.list()).not.toContainEqual([mine.id, expect.anything()]);
    expect(await api(admin).list()).toContainEqual([mine.id, 'manage']);
    for (const res of [await them.get(mine.id), await them.put(mine.id, 'Taken over'), await them.enroll(mine.id, (await newLead()).id), await them.share(mine.id, { everyone: 'edit' }), await t.http.get(`/api/schedules/${mine.id}/automation-runs`).set(other.auth), await t.http.delete(`/api/schedules/${mine.id}`).set(other.auth)]) {
      expect(res.status).toBe(404);
    }
    // Nor may they feed leads into it from a step or an automation of their own schedule.
    const feeding = await t.http
      .post('/api/schedules')
      .set(other.auth)
      .send({ name: `Feeder ${seq++}`, timezone: 'America/New_York', steps: [{ type: 'add_to_schedule', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { scheduleId: mine.id } }, task([{ trigger: { kind: 'enter' }, actions: [{ type: 'add_to_schedule', config: { scheduleId: mine.id } }] }])] })
      .expect(400);
    expect(feeding.body.fields).toEqual([
      { field: 'steps[0].config.scheduleId', message: `no schedule ${mine.id} that you may add leads to` },
      { field: 'steps[1].automations[0].actions[0].config.scheduleId', message: `no schedule ${mine.id} that you may add leads to` },
    ]);
    // An agent holds only schedules.view: creating is refused, naming the permission.
    const refused = await t.http.post('/api/schedules').set(agent.auth).send({ name: `Agent ${seq++}`, steps }).expect(403);
    expect(refused.body.message).toContain('schedules.edit');

    // Shared with the other supervisor to view: they see it and its work, and change nothing.
    const lead1 = await newLead();
    const enrolled = (await sup.enroll(mine.id, lead1.id).expect(201)).body as { enrolled: { id: string }[] };
    expect((await sup.share(mine.id, { everyone: 'none', users: [{ userId: other.user.id, access: 'view' }] }).expect(200)).body).toEqual({
      scheduleId: mine.id,
      ownerId: supervisor.user.id,
      sharing: { everyone: 'none', users: [{ userId: other.user.id, access: 'view' }] },
    });
    expect((await them.get(mine.id).expect(200)).body).toMatchObject({ id: mine.id, access: 'view' });
    await t.http.get(`/api/schedules/${mine.id}/enrollments`).set(other.auth).expect(200);
    await t.http.get(`/api/schedules/${mine.id}/automation-runs`).set(other.auth).expect(200);
    expect(((await t.http.get(`/api/enrollments/lead/${lead1.id}`).set(other.auth).expect(200)).body as { id: string }[]).map((e) => e.id)).toEqual([enrolled.enrolled[0].id]);
    const viewOnly = await them.put(mine.id, 'Taken over').expect(403);
    expect(viewOnly.body.message).toMatch(/view only/);
    await them.enroll(mine.id, (await newLead()).id).expect(403);
    await t.http.post(`/api/schedules/${mine.id}/deactivate`).set(other.auth).expect(403);
    await t.http.post(`/api/enrollments/${enrolled.enrolled[0].id}/pause`).set(other.auth).expect(403);
    await them.share(mine.id, { everyone: 'edit' }).expect(403);
    expect((await sup.get(mine.id).expect(200)).body).toMatchObject({ name, active: true });
    // The agent still sees nothing of it: not the schedule, not the lead's enrollment in it.
    expect((await t.http.get(`/api/enrollments/lead/${lead1.id}`).set(agent.auth).expect(200)).body).toEqual([]);
    await t.http.get(`/api/enrollments/${enrolled.enrolled[0].id}`).set(agent.auth).expect(404);

    // Shared to edit: they edit, enroll and pause, but neither delete it nor change its sharing.
    await sup.share(mine.id, { everyone: 'none', users: [{ userId: other.user.id, access: 'edit' }] }).expect(200);
    await t.http.post(`/api/enrollments/${enrolled.enrolled[0].id}/pause`).set(other.auth).expect(200);
    await them.enroll(mine.id, (await newLead()).id).expect(201);
    expect((await them.put(mine.id, `${name} v2`).expect(200)).body).toMatchObject({ name: `${name} v2`, access: 'edit' });
    expect((await them.share(mine.id, { everyone: 'edit' }).expect(403)).body.message).toContain('owner');
    await t.http.delete(`/api/schedules/${mine.id}`).set(other.auth).expect(403);

    // Shared with everyone to edit: the agent sees it, but without schedules.edit only to view.
    await sup.share(mine.id, { everyone: 'edit', users: [] }).expect(200);
    expect(await ag.list()).toContainEqual([mine.id, 'view']);
    await ag.put(mine.id, 'By an agent').expect(403);
    // An admin gives the agent schedules.edit: now they edit it and create their own.
    const granted = (await t.http.patch(`/api/users/${agent.user.id}`).set(admin.auth).send({ permissions: ['schedules.edit'] }).expect(200)).body;
    expect(granted).toMatchObject({ permissions: ['schedules.view', 'schedules.edit'], customPermissions: true });
    expect((await ag.put(mine.id, `${name} v3`).expect(200)).body).toMatchObject({ access: 'edit' });
    const agents = (await t.http.post('/api/schedules').set(agent.auth).send({ name: `Agent ${seq++}`, steps, sharing: { everyone: 'view' } }).expect(201)).body as ScheduleView;
    expect(agents).toMatchObject({ ownerId: agent.user.id, sharing: { everyone: 'view', users: [] }, access: 'manage' });
    expect(await sup.list()).toContainEqual([agents.id, 'view']);
    // Taking schedules.view away hides every schedule from the other supervisor; null gives back the role's defaults.
    await t.http.patch(`/api/users/${other.user.id}`).set(admin.auth).send({ permissions: [] }).expect(200);
    expect((await t.http.get('/api/schedules').set(other.auth).expect(403)).body.message).toContain('schedules.view');
    await them.get(mine.id).expect(403);
    const back = (await t.http.patch(`/api/users/${other.user.id}`).set(admin.auth).send({ permissions: null }).expect(200)).body;
    expect(back).toMatchObject({ permissions: ['schedules.view', 'schedules.edit'], customPermissions: false });
    await them.get(mine.id).expect(200);
    // A permission that does not exist, and sharing that names nobody real, are refused by field; nothing changes.
    const bad = await t.http.patch(`/api/users/${other.user.id}`).set(admin.auth).send({ permissions: ['schedules.fly'] }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('permissions');
    const badShare = await sup.share(mine.id, { everyone: 'all', users: [{ userId: other.user.id, access: 'view' }, { userId: other.user.id, access: 'edit' }, { userId: supervisor.user.id, access: 'view' }, { userId: '00000000-0000-4000-8000-000000000000', access: 'own' }] }).expect(400);
    expect((badShare.body.fields as { field: string }[]).map((f) => f.field)).toEqual(expect.arrayContaining(['everyone', 'users[3].access']));
    const badUsers = await sup.share(mine.id, { everyone: 'view', users: [{ userId: other.user.id, access: 'view' }, { userId: other.user.id, access: 'edit' }, { userId: supervisor.user.id, access: 'view' }, { userId: '00000000-0000-4000-8000-000000000000', access: 'view' }] }).expect(400);
    expect((badUsers.body.fields as { field: string }[]).map((f) => f.field)).toEqual(['users[1].userId', 'users[2].userId', 'users[3].userId']);
    expect((await sup.get(mine.id).expect(200)).body.sharing).toEqual({ everyone: 'edit', users: [] });

    // Handed over to the other supervisor, private again: the old owner loses it, the new one may delete it.
    await sup.share(mine.id, { everyone: 'none', ownerId: other.user.id }).expect(200);
    await sup.get(mine.id).expect(404);
    expect((await them.get(mine.id).expect(200)).body).toMatchObject({ ownerId: other.user.id, access: 'manage' });
    await t.http.delete(`/api/schedules/${mine.id}`).set(other.auth).expect(204);
    await them.get(mine.id).expect(404);
  });
});
