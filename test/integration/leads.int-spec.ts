import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LeadView, Page } from '#shared';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';

type Session = Awaited<ReturnType<typeof signIn>>;

describe('leads', () => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let otherAgent: Session;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signIn(t, 'admin');
    agent = await signIn(t, 'agent');
    otherAgent = await signIn(t, 'agent');
    await t.http.post('/api/custom-fields').set(admin.auth).send({ key: 'plan', label: 'Plan', type: 'select', options: ['gold', 'silver'] }).expect(201);
    await t.http.post('/api/custom-fields').set(admin.auth).send({ key: 'score', label: 'Score', type: 'number' }).expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = async (body: Record<string, unknown>) => (await t.http.post('/api/leads').set(admin.auth).send(body).expect(201)).body as LeadView;

  it('creates a lead with numbers normalised to E.164 and the zone derived from the area code', async () => {
    const lead = await create({
      firstName: 'Maria',
      lastName: 'Lopez',
      email: 'Maria@Example.test',
      phones: [{ number: '(305) 555-0142' }, { number: '+1 212 555 0199', label: 'work' }],
      tags: ['Hot', 'spanish'],
      customFields: { plan: 'gold', score: 42 },
    });
    expect(lead).toMatchObject({
      firstName: 'Maria',
      email: 'maria@example.test',
      phones: [
        { number: '+13055550142', label: 'mobile' },
        { number: '+12125550199', label: 'work' },
      ],
      timezone: null,
      effectiveTimezones: ['America/New_York'],
      timezoneSource: 'area-code',
      region: 'US-FL',
      status: 'new',
      tags: ['hot', 'spanish'],
      customFields: { plan: 'gold', score: 42 },
      createdAt: '2026-03-02T15:00:00.000Z',
    });
    const fetched = await t.http.get(`/api/leads/${lead.id}`).set(admin.auth).expect(200);
    expect(fetched.body).toEqual(lead);
  });

  it('an explicit zone wins; a number outside North America falls back to the account default', async () => {
    const explicit = await create({ phones: [{ number: '+13055550143' }], timezone: 'America/Chicago' });
    expect(explicit).toMatchObject({ effectiveTimezones: ['America/Chicago'], timezoneSource: 'explicit' });
    await t.http.put('/api/settings').set(admin.auth).send({ defaultTimezone: 'Europe/Lisbon' }).expect(200);
    const foreign = await create({ phones: [{ number: '+351 21 123 4567' }] });
    expect(foreign).toMatchObject({ effectiveTimezones: ['Europe/Lisbon'], timezoneSource: 'account-default' });
    await t.http.put('/api/settings').set(admin.auth).send({ defaultTimezone: 'America/New_York' }).expect(200);
  });

  it('rejects bad input naming every field, and writes nothing', async () => {
    const before = (await t.http.get('/api/leads?limit=500').set(admin.auth).expect(200)).body.items.length;
    const res = await t.http
      .post('/api/leads')
      .set(admin.auth)
      .send({
        phones: [{ number: '555-12' }, { number: '(123) 456-7890' }],
        timezone: 'Mars/Olympus',
        ownerId: '00000000-0000-4000-8000-000000000000',
        customFields: { plan: 'platinum', score: 'high', nickname: 'x' },
      })
      .expect(400);
    expect(res.body.fields).toEqual(
      expect.arrayContaining([
        { field: 'phones[0].number', message: 'is too short to be a phone number' },
        { field: 'phones[1].number', message: 'is not a valid US number' },
        { field: 'timezone', message: 'is not a known IANA time zone' },
        { field: 'ownerId', message: 'is not an active user' },
        { field: 'customFields.plan', message: 'must be one of gold, silver' },
        { field: 'customFields.score', message: 'must be a number' },
        { field: 'customFields.nickname', message: 'is not a defined custom field' },
      ]),
    );
    const noContact = await t.http.post('/api/leads').set(admin.auth).send({ firstName: 'Nobody' }).expect(400);
    expect(noContact.body.fields).toEqual([{ field: 'phones', message: 'a lead needs a phone number or an email' }]);
    const after = (await t.http.get('/api/leads?limit=500').set(admin.auth).expect(200)).body.items.length;
    expect(after).toBe(before);
  });

  it('filters by status, owner, tag, custom field, phone and text', async () => {
    const a = await create({ firstName: 'Filter', lastName: 'Alpha', phones: [{ number: '+14155550101' }], tags: ['vip'], status: 'qualified', ownerId: agent.user.id, customFields: { plan: 'silver' } });
    const b = await create({ firstName: 'Filter', lastName: 'Beta_50%', company: 'Acme', phones: [{ number: '+14155550102' }], ownerId: otherAgent.user.id, customFields: { score: 7 } });
    const ids = async (qs: string) => ((await t.http.get(`/api/leads?${qs}`).set(admin.auth).expect(200)).body as Page<LeadView>).items.map((l) => l.id);

    expect(await ids('status=qualified')).toEqual([a.id]);
    expect(await ids(`ownerId=${otherAgent.user.id}`)).toEqual([b.id]);
    expect(await ids('tag=VIP')).toEqual([a.id]);
    expect(await ids('field=plan:silver')).toEqual([a.id]);
    expect(await ids('field=score:7')).toEqual([b.id]);
    expect(await ids(`phone=${encodeURIComponent('(415) 555-0102')}`)).toEqual([b.id]);
    expect(await ids('q=filter%20alpha')).toEqual([a.id]);
    expect(await ids('q=acme')).toEqual([b.id]);
    // LIKE wildcards in the search text are matched literally.
    expect(await ids('q=_50%25')).toEqual([b.id]);
    expect(await ids('q=55501')).toEqual(expect.arrayContaining([a.id, b.id]));

    const bad = await t.http.get('/api/leads?field=colour:red&status=hot&limit=0').set(admin.auth).expect(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['limit', 'status']);
    const unknownField = await t.http.get('/api/leads?field=colour:red').set(admin.auth).expect(400);
    expect(unknownField.body.fields).toEqual([{ field: 'field', message: '"colour" is not a defined custom field' }]);
  });

  it('pages with a cursor, newest first, without repeats or gaps', async () => {
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      t.clock.advance(1000);
      made.push((await create({ lastName: `Page${i}`, phones: [{ number: `+1617555${String(1000 + i)}` }], tags: ['paging'] })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = `tag=paging&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.http.get(`/api/leads?${qs}`).set(admin.auth).expect(200)).body as Page<LeadView>;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((l) => l.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
    await t.http.get('/api/leads?cursor=garbage').set(admin.auth).expect(400);
  });

  it('a page gives each lead its own numbers, in their order, and its tags sorted, as one lead does', async () => {
    const a = await create({ lastName: 'MixA', phones: [{ number: '+16175550903' }, { number: '+16175550901', label: 'work' }, { number: '+16175550902' }], tags: ['zeta', 'mix', 'alpha'] });
    const b = await create({ lastName: 'MixB', phones: [{ number: '+16175550905', label: 'home' }, { number: '+16175550904' }], tags: ['mix'] });
    const c = await create({ lastName: 'MixC', email: 'mixc@example.test', tags: ['mix'] });
    const page = (await t.http.get('/api/leads?tag=mix').set(admin.auth).expect(200)).body as Page<LeadView>;
    const byId = new Map(page.items.map((l) => [l.id, l]));
    expect(byId.get(a.id)).toMatchObject({ phones: [{ number: '+16175550903' }, { number: '+16175550901', label: 'work' }, { number: '+16175550902' }], tags: ['alpha', 'mix', 'zeta'] });
    expect(byId.get(b.id)).toMatchObject({ phones: [{ number: '+16175550905', label: 'home' }, { number: '+16175550904', label: 'mobile' }], tags: ['mix'] });
    expect(byId.get(c.id)).toMatchObject({ phones: [], tags: ['mix'] });
    for (const lead of [a, b, c]) expect((await t.http.get(`/api/leads/${lead.id}`).set(admin.auth).expect(200)).body).toEqual(byId.get(lead.id));
  });

  it('agents see and edit only their own leads, and cannot reassign them', async () => {
    const mine = await create({ lastName: 'Mine', phones: [{ number: '+16175550201' }], ownerId: agent.user.id });
    const theirs = await create({ lastName: 'Theirs', phones: [{ number: '+16175550202' }], ownerId: otherAgent.user.id });
    const list = (await t.http.get('/api/leads?limit=500').set(agent.auth).expect(200)).body as Page<LeadView>;
    expect(list.items.every((l) => l.ownerId === agent.user.id)).toBe(true);
    expect(list.items.map((l) => l.id)).toContain(mine.id);
    await t.http.get(`/api/leads/${theirs.id}`).set(agent.auth).expect(404);
    await t.http.patch(`/api/leads/${theirs.id}`).set(agent.auth).send({ firstName: 'X' }).expect(404);
    const edited = await t.http.patch(`/api/leads/${mine.id}`).set(agent.auth).send({ firstName: 'Edited', customFields: { score: 9 } }).expect(200);
    expect(edited.body).toMatchObject({ firstName: 'Edited', customFields: { score: 9 } });
    await t.http.patch(`/api/leads/${mine.id}`).set(agent.auth).send({ ownerId: otherAgent.user.id }).expect(403);
    await t.http.post('/api/leads').set(agent.auth).send({ phones: [{ number: '+16175550203' }] }).expect(403);
    await t.http.post('/api/leads/bulk-delete').set(agent.auth).send({ ids: [mine.id] }).expect(403);
  });

  it('updates phones, tags and custom fields; clearing a custom field keeps the others', async () => {
    const lead = await create({ phones: [{ number: '+16175550301' }], tags: ['a'], customFields: { plan: 'gold', score: 1 } });
    t.clock.advance(60_000);
    const res = await t.http
      .patch(`/api/leads/${lead.id}`)
      .set(admin.auth)
      .send({ phones: [{ number: '+1 (808) 555-0100', label: 'home' }], tags: ['b', 'c'], customFields: { score: null } })
      .expect(200);
    expect(res.body).toMatchObject({
      phones: [{ number: '+18085550100', label: 'home' }],
      effectiveTimezones: ['Pacific/Honolulu'],
      region: 'US-HI',
      tags: ['b', 'c'],
      customFields: { plan: 'gold', score: null },
      updatedAt: new Date(t.clock.now()).toISOString(),
    });
    expect((await t.http.get(`/api/leads/${lead.id}`).set(admin.auth).expect(200)).body).toEqual(res.body);
    const dup = await t.http.patch(`/api/leads/${lead.id}`).set(admin.auth).send({ phones: [{ number: '+18085550100' }, { number: '808-555-0100' }] }).expect(400);
    expect(dup.body.fields).toEqual([{ field: 'phones[1].number', message: 'repeats +18085550100' }]);
  });

  it('bulk updates status, owner and tags, and bulk deletes', async () => {
    const leads = await Promise.all([0, 1, 2].map((i) => create({ phones: [{ number: `+1617555040${i}` }], tags: ['bulk', 'old'] })));
    const ids = leads.map((l) => l.id);
    const res = await t.http
      .post('/api/leads/bulk-update')
      .set(admin.auth)
      .send({ ids: [...ids, '00000000-0000-4000-8000-000000000001'], status: 'contacted', ownerId: agent.user.id, addTags: ['new-tag', 'bulk'], removeTags: ['old'] })
      .expect(200);
    expect(res.body).toEqual({ updated: 3 });
    for (const id of ids) {
      const l = (await t.http.get(`/api/leads/${id}`).set(admin.auth).expect(200)).body as LeadView;
      expect(l).toMatchObject({ status: 'contacted', ownerId: agent.user.id, tags: ['bulk', 'new-tag'] });
    }
    await t.http.post('/api/leads/bulk-update').set(admin.auth).send({ ids }).expect(400);
    const del = await t.http.post('/api/leads/bulk-delete').set(admin.auth).send({ ids: ids.slice(0, 2) }).expect(200);
    expect(del.body).toEqual({ deleted: 2 });
    await t.http.get(`/api/leads/${ids[0]}`).set(admin.auth).expect(404);
    await t.http.get(`/api/leads/${ids[2]}`).set(admin.auth).expect(200);
    const tagged = (await t.http.get('/api/leads?tag=bulk').set(admin.auth).expect(200)).body as Page<LeadView>;
    expect(tagged.items.map((l) => l.id)).toEqual([ids[2]]);
  });

  it('custom field definitions: duplicates and bad shapes refused', async () => {
    const dup = await t.http.post('/api/custom-fields').set(admin.auth).send({ key: 'plan', label: 'Again', type: 'text' }).expect(409);
    expect(dup.body.fields).toEqual([{ field: 'key', message: 'is already defined' }]);
    const noOptions = await t.http.post('/api/custom-fields').set(admin.auth).send({ key: 'tier', label: 'Tier', type: 'select' }).expect(400);
    expect(noOptions.body.fields).toEqual([{ field: 'options', message: 'a select field needs options' }]);
    await t.http.post('/api/custom-fields').set(admin.auth).send({ key: 'Bad Key', label: 'x', type: 'text' }).expect(400);
    await t.http.post('/api/custom-fields').set(agent.auth).send({ key: 'x', label: 'x', type: 'text' }).expect(403);
    const list = await t.http.get('/api/custom-fields').set(agent.auth).expect(200);
    expect(list.body).toEqual([
      { key: 'plan', label: 'Plan', type: 'select', options: ['gold', 'silver'] },
      { key: 'score', label: 'Score', type: 'number' },
    ]);
  });
});
