import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LeadView, ParticipantActionView, ScheduleReportView, ScheduleView } from '#shared';
import { randomUUID } from 'node:crypto';
import { RepliesRepository } from '../../server/src/replies/replies.repository.js';
import { SchedulerService } from '../../server/src/scheduler/scheduler.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

/** Monday noon in New York (the floor's zone), 30 November 2026. */
const MONDAY_NOON_ET = '2026-11-30T17:00:00.000Z';
const DAY = 86_400_000;

describe("a schedule's report", () => {
  let t: TestApp;
  let scheduler: SchedulerService;

  beforeAll(async () => {
    t = await createTestApp({ now: MONDAY_NOON_ET });
    scheduler = t.get(SchedulerService);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const drain = async () => {
    for (let i = 0; i < 20 && (await scheduler.runDue()) > 0; i++);
  };

  it('counts enrolled, exits by why, and per step what was completed, skipped, canceled, open and overdue', async () => {
    let admin = await signIn(t, 'admin');
    const agent = await signIn(t, 'agent');
    const schedule = (
      await t.http
        .post('/api/schedules')
        .set(admin.auth)
        .send({
          name: 'Reported',
          timezone: 'America/New_York',
          steps: [
            { type: 'task', name: 'Research', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { title: 'Research' } },
            { type: 'task', name: 'Follow up', timing: { kind: 'delay', amount: 1, unit: 'days' }, config: { title: 'Follow up' } },
          ],
        })
        .expect(201)
    ).body as ScheduleView;
    const leads: LeadView[] = [];
    for (let i = 0; i < 3; i++) leads.push((await t.http.post('/api/leads').set(admin.auth).send({ firstName: `Reported${i}`, phones: [{ number: `+171855800${i}0` }], ownerId: agent.user.id }).expect(201)).body as LeadView);
    const enrolled = (await t.http.post(`/api/schedules/${schedule.id}/enrollments`).set(admin.auth).send({ leadIds: leads.map((l) => l.id) }).expect(201)).body as { enrolled: Array<{ id: string; leadId: string }> };
    await drain();
    const mine = (await t.http.get('/api/participant-actions?ownerId=me&status=due').set(agent.auth).expect(200)).body as ParticipantActionView[];
    const taskOf = (leadId: string) => mine.find((a) => a.leadId === leadId) as ParticipantActionView;
    await t.http.post(`/api/participant-actions/${taskOf(leads[0].id).id}/complete`).set(agent.auth).send({ outcome: 'done' }).expect(200);
    await t.http.post(`/api/participant-actions/${taskOf(leads[1].id).id}/skip`).set(agent.auth).send({ notes: 'not reachable' }).expect(200);
    const third = enrolled.enrolled.find((e) => e.leadId === leads[2].id) as { id: string };
    await t.http.post(`/api/enrollments/${third.id}/exit`).set(admin.auth).expect(200);

    // A reply from a lead while enrolled counts; one from a lead never enrolled does not.
    const reply = (leadId: string) => ({ id: randomUUID(), leadId, channel: 'sms', refId: randomUUID(), ownerId: null, receivedAt: t.clock.now(), status: 'open', answeredBy: null, answeredAt: null });
    expect(await t.get(RepliesRepository).insertOnce(reply(leads[0].id))).toBe(true);
    const stranger = (await t.http.post('/api/leads').set(admin.auth).send({ firstName: 'Stranger', phones: [{ number: '+17185580090' }] }).expect(201)).body as LeadView;
    expect(await t.get(RepliesRepository).insertOnce(reply(stranger.id))).toBe(true);

    // Two days on, the follow-ups fall due and are not done: overdue.
    t.clock.advance(2 * DAY);
    await drain();
    admin = await signIn(t, 'admin');
    const report = (await t.http.get(`/api/schedules/${schedule.id}/report`).set(admin.auth).query({ from: '2026-11-30', to: '2026-12-02' }).expect(200)).body as ScheduleReportView;
    expect(report).toMatchObject({ scheduleId: schedule.id, name: 'Reported', zone: 'America/New_York', enrolled: 3, active: 2, completed: 0, exited: 1, replies: 1 });
    expect(Object.values(report.exitsBy)).toEqual([1]);
    expect(report.steps.map((s) => [s.name, s.actions, s.completed, s.skipped, s.canceled, s.open, s.overdue])).toEqual([
      ['Research', 3, 1, 1, 1, 0, 0],
      ['Follow up', 2, 0, 0, 0, 2, 2],
    ]);
    expect(report.steps[0].completedBy).toEqual({ done: 1 });
    // The same as CSV: a row per figure, the schedule's first (no step), then each step's.
    const csv = await t.http.get(`/api/schedules/${schedule.id}/report`).set(admin.auth).query({ from: '2026-11-30', to: '2026-12-02', format: 'csv' }).expect(200).expect('content-type', /text\/csv/).buffer(true);
    const [head, ...lines] = csv.text.trim().split('\r\n');
    expect(head).toBe('schedule,from,to,step,position,type,figure,detail,count');
    const cells = lines.map((l) => l.split(','));
    const count = (step: string, figure: string, detail = '') => Number(cells.find((c) => c[3] === step && c[6] === figure && c[7] === detail)?.[8]);
    expect([count('', 'enrolled'), count('', 'exited'), count('', 'replies')]).toEqual([3, 1, 1]);
    expect([count('Research', 'actions'), count('Research', 'completed', 'done'), count('Follow up', 'overdue')]).toEqual([3, 1, 2]);
    // A range before anything happened counts nothing that was made in it.
    const before = (await t.http.get(`/api/schedules/${schedule.id}/report`).set(admin.auth).query({ from: '2026-11-01', to: '2026-11-29' }).expect(200)).body as ScheduleReportView;
    expect(before).toMatchObject({ enrolled: 0, exited: 0 });
    expect(before.steps.map((s) => s.actions)).toEqual([0, 0]);

    await t.http.get(`/api/schedules/${schedule.id}/report`).set(admin.auth).query({ from: '2026-12-02', to: '2026-11-30' }).expect(400);
    await t.http.get(`/api/schedules/${schedule.id}/report`).set(admin.auth).query({ from: 'soon', to: '2026-11-30' }).expect(400);
    const freshAgent = await signIn(t, 'agent');
    await t.http.get(`/api/schedules/${schedule.id}/report`).set(freshAgent.auth).query({ from: '2026-11-30', to: '2026-12-02' }).expect(403);
    await t.http.get('/api/schedules/00000000-0000-4000-8000-000000000000/report').set(admin.auth).query({ from: '2026-11-30', to: '2026-12-02' }).expect(404);
  });
});
