import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LeadView, SmsPreviewView, SmsTemplateView } from '#shared';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

type Session = Awaited<ReturnType<typeof signIn>>;

describe('SMS templates and previews for the composer', () => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let other: Session;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
    other = await signIn(t, 'agent');
    await t.http.post('/api/custom-fields').set(admin.auth).send({ key: 'plan', label: 'Plan', type: 'text' }).expect(201);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('keeps templates with known merge fields only, named uniquely; agents read them but do not write them', async () => {
    const created = (await t.http.post('/api/sms-templates').set(admin.auth).send({ name: 'Quote ready', body: 'Hi {{lead.firstName | there}}, your {{custom.plan}} quote is ready. – {{owner.name}}' }).expect(201)).body as SmsTemplateView;
    const bad = await t.http.post('/api/sms-templates').set(admin.auth).send({ name: 'Bad', body: 'Hi {{lead.shoeSize}} {{unsubscribe_url}}' }).expect(400);
    expect(bad.body.fields).toEqual([
      { field: 'body', message: 'unknown merge field {{lead.shoeSize}}' },
      { field: 'body', message: 'unsubscribe_url is only for email' },
    ]);
    const dup = await t.http.post('/api/sms-templates').set(admin.auth).send({ name: 'quote READY', body: 'x' }).expect(400);
    expect(dup.body.fields).toEqual([{ field: 'name', message: 'a template named "quote READY" already exists' }]);
    await t.http.post('/api/sms-templates').set(agent.auth).send({ name: 'Mine', body: 'x' }).expect(403);
    const list = (await t.http.get('/api/sms-templates').set(agent.auth).expect(200)).body as SmsTemplateView[];
    expect(list.map((x) => x.name)).toEqual(['Quote ready']);
    await t.http.patch(`/api/sms-templates/${created.id}`).set(admin.auth).send({ body: 'Hello {{lead.firstName}}' }).expect(200);
    await t.http.delete(`/api/sms-templates/${created.id}`).set(admin.auth).expect(204);
    expect((await t.http.get('/api/sms-templates').set(agent.auth).expect(200)).body).toEqual([]);
  });

  it('previews a body for one of the agent\'s leads with its length on the wire; not for another agent\'s lead', async () => {
    const lead = (await t.http.post('/api/leads').set(admin.auth).send({ firstName: 'Zoé', phones: [{ number: '+12125550199' }], ownerId: agent.user.id, customFields: { plan: 'gold' } }).expect(201)).body as LeadView;
    const p = (await t.http.post('/api/sms/preview').set(agent.auth).send({ leadId: lead.id, body: 'Hi {{lead.firstName}}, your {{custom.plan}} plan: {{lead.company | no company}}' }).expect(200)).body as SmsPreviewView;
    expect(p).toEqual({ body: 'Hi Zoé, your gold plan: no company', encoding: 'GSM-7', characters: 34, segments: 1 });
    const emoji = (await t.http.post('/api/sms/preview').set(agent.auth).send({ leadId: lead.id, body: `${'x'.repeat(69)}🙂` }).expect(200)).body as SmsPreviewView;
    expect(emoji).toMatchObject({ encoding: 'UCS-2', characters: 71, segments: 2 });
    await t.http.post('/api/sms/preview').set(other.auth).send({ leadId: lead.id, body: 'Hi' }).expect(404);
    const bad = await t.http.post('/api/sms/preview').set(agent.auth).send({ leadId: 'nope', body: '' }).expect(400);
    expect((bad.body.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual(['body', 'leadId']);
  });
});
