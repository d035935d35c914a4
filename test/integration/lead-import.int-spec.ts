import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ImportIssueView, LeadImportUploadView, LeadImportView, LeadView } from '#shared';
import { LeadImportEntity } from '../../server/src/leads/import/lead-import.entity.js';
import { LeadImportRepository } from '../../server/src/leads/import/lead-import.repository.js';
import { LeadImportRunner } from '../../server/src/leads/import/lead-import.runner.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signIn } from '../support/factories.js';
import { streamRequest } from '../support/upload.js';

type Session = Awaited<ReturnType<typeof signIn>>;

/**
 * A file with most of what real exports get wrong: a BOM, CRLF and LF mixed, quoted
 * commas and quotes, blank and all-empty lines, too many and too few fields, bad
 * numbers, emails and select values, duplicates within the file and of an existing
 * lead, a field spanning two lines, and no newline at the end.
 */
const NASTY = [
  '\uFEFFFirst Name,Last Name,Phone,Email,Company,State,Plan,Tags\r\n', // 1
  'Ada,Lovelace,(212) 555-0101,ada@example.test,"Analytical Engines, Ltd",NY,pro,vip;east\r\n', // 2
  '\r\n', // 3
  'Grace,Hopper,212-555-0102,GRACE@example.test,"Navy ""Research""",VA,basic,\r\n', // 4
  'Alan,Turing,12,alan@example.test,Bletchley,,pro,\n', // 5
  'Too,Many,212-555-0103,x@example.test,Co,NY,pro,a,extra\n', // 6
  'Too,Few,212-555-0104\n', // 7
  'Ada,Again,+1 212 555 0101,,,,,\n', // 8
  'Existing,Lead,212-555-0199,,,,,\n', // 9
  'Bad,Email,212-555-0105,not-an-email,,,gold,\n', // 10
  '"Multi","Line\nName",212-555-0106,m@example.test,,TX,,\n', // 11-12
  ',,,,,,,\n', // 13
  'Nina,Simone,212-555-0107,nina@example.test,,ZZZZ,,\n', // 14
  'Last,Row,212-555-0108,last@example.test,,fl,Pro,"a|b"', // 15
].join('');

const COLUMNS = {
  'First Name': 'firstName',
  'Last Name': 'lastName',
  Phone: 'phone',
  Email: 'email',
  Company: 'company',
  State: 'region',
  Plan: 'custom:plan',
  Tags: 'tags',
};

describe('lead CSV import', () => {
  let t: TestApp;
  let admin: Session;
  let existing: LeadView;

  beforeAll(async () => {
    t = await createTestApp({ env: { IMPORT_MAX_BYTES: String(2 * 1024 * 1024) } });
    admin = await signIn(t, 'admin');
    await t.http.post('/api/custom-fields').set(admin.auth).send({ key: 'plan', label: 'Plan', type: 'select', options: ['basic', 'pro'] }).expect(201);
    existing = (await t.http.post('/api/leads').set(admin.auth).send({ firstName: 'Old', lastName: 'Name', phones: [{ number: '+12125550199' }] }).expect(201)).body as LeadView;
  });
  afterAll(async () => {
    await t?.close();
  });

  const upload = async (text: string, filename = 'leads.csv') =>
    (await t.http.post(`/api/lead-imports?filename=${filename}`).set(admin.auth).set('Content-Type', 'text/csv').send(text).expect(201)).body as LeadImportUploadView;
  const finished = async (id: string): Promise<LeadImportView> => {
    await t.get(LeadImportRunner).idle();
    return (await t.http.get(`/api/lead-imports/${id}`).set(admin.auth).expect(200)).body as LeadImportView;
  };
  const issues = async (id: string) => (await t.http.get(`/api/lead-imports/${id}/issues?limit=1000`).set(admin.auth).expect(200)).body as ImportIssueView[];
  const leadsByPhone = async (phone: string) => ((await t.http.get(`/api/leads?phone=${encodeURIComponent(phone)}`).set(admin.auth).expect(200)).body as { items: LeadView[] }).items;

  it('imports a nasty file and reports every bad row by line, column and reason', async () => {
    const up = await upload(NASTY);
    expect(up).toMatchObject({
      status: 'uploaded',
      filename: 'leads.csv',
      headers: ['First Name', 'Last Name', 'Phone', 'Email', 'Company', 'State', 'Plan', 'Tags'],
      suggestedColumns: COLUMNS,
      previousImports: [],
    });
    expect(up.sample[0]).toEqual(['Ada', 'Lovelace', '(212) 555-0101', 'ada@example.test', 'Analytical Engines, Ltd', 'NY', 'pro', 'vip;east']);

    await t.http.post(`/api/lead-imports/${up.id}/start`).set(admin.auth).send({ columns: COLUMNS, dedupe: 'skip', defaults: { tags: ['spring-list'] } }).expect(202);
    const job = await finished(up.id);
    expect(job).toMatchObject({ status: 'completed', progress: 1, error: null, counts: { processed: 11, created: 4, updated: 0, skipped: 2, failed: 5 } });

    const report = await issues(up.id);
    const ada = (await leadsByPhone('+12125550101'))[0];
    expect(report).toEqual([
      { line: 5, column: 'Phone', kind: 'error', reason: expect.stringMatching(/too short|not a valid/i), value: '12', leadId: null },
      { line: 6, column: null, kind: 'error', reason: 'has 9 fields; the header has 8', value: 'Too,Many,212-555-0103,x@example.test,Co,NY,pro,a,extra', leadId: null },
      { line: 7, column: null, kind: 'error', reason: 'has 3 fields; the header has 8', value: 'Too,Few,212-555-0104', leadId: null },
      { line: 8, column: null, kind: 'skipped', reason: 'duplicate of line 2 of this file (matched +12125550101)', value: null, leadId: ada.id },
      { line: 9, column: null, kind: 'skipped', reason: `duplicate of lead ${existing.id} (matched +12125550199)`, value: null, leadId: existing.id },
      { line: 10, column: 'Email', kind: 'error', reason: 'is not an email address', value: 'not-an-email', leadId: null },
      { line: 10, column: 'Plan', kind: 'error', reason: 'must be one of basic, pro', value: 'gold', leadId: null },
      { line: 14, column: 'State', kind: 'error', reason: 'is not a state code (FL or US-FL)', value: 'ZZZZ', leadId: null },
    ]);

    expect(ada).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical Engines, Ltd', region: 'US-NY', customFields: { plan: 'pro' }, status: 'new' });
    expect(ada.tags.sort()).toEqual(['east', 'spring-list', 'vip']);
    expect((await leadsByPhone('+12125550102'))[0]).toMatchObject({ email: 'grace@example.test', company: 'Navy "Research"', customFields: { plan: 'basic' } });
    expect((await leadsByPhone('+12125550106'))[0]).toMatchObject({ firstName: 'Multi', lastName: 'Line\nName', region: 'US-TX' });
    const last = (await leadsByPhone('+12125550108'))[0];
    expect(last).toMatchObject({ region: 'US-FL', customFields: { plan: 'pro' } });
    expect(last.tags.sort()).toEqual(['a', 'b', 'spring-list']);
    expect(await leadsByPhone('+12125550103')).toEqual([]);
    expect(await leadsByPhone('+12125550105')).toEqual([]);
    expect((await leadsByPhone('+12125550199')).map((l) => l.firstName)).toEqual(['Old']);

    const csv = await t.http.get(`/api/lead-imports/${up.id}/report.csv`).set(admin.auth).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('line,column,kind,reason,value,lead_id');
    expect(lines).toHaveLength(9);
    expect(lines[2]).toBe('6,,error,has 9 fields; the header has 8,"Too,Many,212-555-0103,x@example.test,Co,NY,pro,a,extra",');
  });

  it('re-running the same file creates nothing twice; with update it refreshes the matched leads', async () => {
    const up = await upload(NASTY, 'again.csv');
    expect(up.previousImports.length).toBeGreaterThanOrEqual(1);
    await t.http.post(`/api/lead-imports/${up.id}/start`).set(admin.auth).send({ columns: COLUMNS, dedupe: 'update' }).expect(202);
    const job = await finished(up.id);
    expect(job.counts).toEqual({ processed: 11, created: 0, updated: 6, skipped: 0, failed: 5 });
    // Line 2 then line 8 both matched Ada: the later row wins field by field.
    const ada = await leadsByPhone('+12125550101');
    expect(ada).toHaveLength(1);
    expect(ada[0]).toMatchObject({ firstName: 'Ada', lastName: 'Again', company: 'Analytical Engines, Ltd' });
    const renamed = await leadsByPhone('+12125550199');
    expect(renamed).toHaveLength(1);
    expect(renamed[0]).toMatchObject({ id: existing.id, firstName: 'Existing', lastName: 'Lead' });
    expect((await issues(up.id)).filter((i) => i.kind === 'skipped')).toEqual([]);
  });

  it('refuses a bad mapping naming each problem, and saves nothing', async () => {
    const up = await upload('Name,Phone,Phone\n"Ann Lee",2125550150,2125550151\n');
    expect(up.headers).toEqual(['Name', 'Phone', 'Phone (2)']);
    const res = await t.http
      .post(`/api/lead-imports/${up.id}/start`)
      .set(admin.auth)
      .send({ columns: { Name: 'fullName', Phone: 'phone', Fax: 'phone', 'Phone (2)': 'nickname' }, dedupe: 'merge', defaults: { status: 'hot' } })
      .expect(400);
    expect(res.body.fields).toEqual(
      expect.arrayContaining([
        { field: 'dedupe', message: 'must be one of skip, update, allow' },
      ]),
    );
    const again = await t.http
      .post(`/api/lead-imports/${up.id}/start`)
      .set(admin.auth)
      .send({ columns: { Name: 'fullName', Phone: 'phone', Fax: 'phone', 'Phone (2)': 'nickname', 'custom:x': 'custom:nope' }, defaults: { status: 'hot' } })
      .expect(400);
    expect(again.body.fields).toEqual([
      { field: 'columns.Fax', message: 'is not a column of this file (columns: Name, Phone, Phone (2))' },
      { field: 'columns.Phone (2)', message: expect.stringContaining('"nickname" is not a lead field') },
      { field: 'columns.custom:x', message: expect.stringContaining('is not a column of this file') },
      { field: 'columns.custom:x', message: '"nope" is not a defined custom field' },
      { field: 'defaults.status', message: expect.stringContaining('must be one of new,') },
    ]);
    expect((await t.http.get(`/api/lead-imports/${up.id}`).set(admin.auth).expect(200)).body).toMatchObject({ status: 'uploaded', settings: null });

    await t.http.post(`/api/lead-imports/${up.id}/start`).set(admin.auth).send({ columns: { Name: 'fullName', Phone: 'phone', 'Phone (2)': 'phone:work' } }).expect(202);
    expect((await finished(up.id)).counts).toMatchObject({ created: 1, failed: 0 });
    const ann = (await leadsByPhone('+12125550150'))[0];
    expect(ann).toMatchObject({ firstName: 'Ann', lastName: 'Lee', phones: [{ number: '+12125550150', label: 'mobile' }, { number: '+12125550151', label: 'work' }] });
    await t.http.post(`/api/lead-imports/${up.id}/start`).set(admin.auth).send({ columns: { Phone: 'phone' } }).expect(409);
  });

  it('refuses what is not a CSV file: wrong type, binary, empty, no header, too large', async () => {
    const bad = (await t.http.post('/api/lead-imports').set(admin.auth).set('Content-Type', 'application/pdf').send(Buffer.from('%PDF-1.7')).expect(415)).body;
    expect(bad).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('text/csv') });
    expect((await t.http.post('/api/lead-imports').set(admin.auth).set('Content-Type', 'text/csv').send(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0])).expect(415)).body.message).toContain('not CSV text');
    expect((await t.http.post('/api/lead-imports').set(admin.auth).set('Content-Type', 'text/csv').send('').expect(400)).body.fields).toEqual([{ field: 'file', message: 'is empty' }]);
    expect((await t.http.post('/api/lead-imports').set(admin.auth).set('Content-Type', 'text/csv').send('\n\n,,\n').expect(400)).body.message).toContain('no header row');

    // 50 MB, streamed in: refused once it passes the limit (2 MiB here), nothing kept.
    const before = ((await t.http.get('/api/lead-imports?limit=200').set(admin.auth).expect(200)).body as LeadImportView[]).length;
    const chunk = Buffer.from('Someone,Else,2125550100,someone@example.test\n'.repeat(1000));
    let sent = 0;
    const big = new Readable({
      read() {
        sent += chunk.length;
        this.push(sent > 50_000_000 ? null : chunk);
      },
    });
    const res = await streamRequest(t, 'POST', '/api/lead-imports', big, { 'Content-Type': 'text/csv', 'Transfer-Encoding': 'chunked', Authorization: admin.auth.Authorization }).catch((e: Error) => ({ status: -2, body: e.message }));
    expect(res).toMatchObject({ status: 413 });
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('2 MiB limit (IMPORT_MAX_BYTES)') });
    const declared = await streamRequest(t, 'POST', '/api/lead-imports', Readable.from([chunk]), {
      'Content-Type': 'text/csv',
      'Content-Length': String(50_000_000),
      Authorization: admin.auth.Authorization,
    }).catch((e: Error) => ({ status: -1, body: e.message }));
    expect(declared.status).toBe(413);
    expect(((await t.http.get('/api/lead-imports?limit=200').set(admin.auth).expect(200)).body as LeadImportView[]).length).toBe(before);
  });

  it('an agent cannot import', async () => {
    const agent = await signIn(t, 'agent');
    await t.http.post('/api/lead-imports').set(agent.auth).set('Content-Type', 'text/csv').send('Phone\n2125550170\n').expect(403);
    await t.http.get('/api/lead-imports').set(agent.auth).expect(403);
  });

  it('a job that fails mid-file resumes after its last committed batch, and a crashed instance\'s job is picked up at boot', async () => {
    const rows = 1200;
    let text = 'phone,first\n';
    for (let i = 0; i < rows; i++) text += `+1213555${String(i).padStart(4, '0')},R${i}\n`;
    const repo = t.get(LeadImportRepository);
    const runner = t.get(LeadImportRunner);

    // The second batch's transaction dies: the job fails with the first batch committed and reported.
    const up = await upload(text, 'resume.csv');
    const commit = repo.commitBatch.bind(repo);
    let calls = 0;
    repo.commitBatch = async (...args) => {
      if (++calls === 2) throw new Error('connection to the database was lost');
      return commit(...args);
    };
    try {
      await t.http.post(`/api/lead-imports/${up.id}/start`).set(admin.auth).send({ columns: { phone: 'phone', first: 'firstName' }, dedupe: 'allow', defaults: { tags: ['resume'] } }).expect(202);
      const failed = await finished(up.id);
      expect(failed).toMatchObject({ status: 'failed', error: 'connection to the database was lost', counts: { processed: 500, created: 500 } });
      expect(failed.progress).toBeGreaterThan(0);
      expect(failed.progress).toBeLessThan(1);
    } finally {
      repo.commitBatch = commit;
    }
    await t.http.post(`/api/lead-imports/${up.id}/resume`).set(admin.auth).expect(202);
    expect((await finished(up.id)).counts).toEqual({ processed: 1200, created: 1200, updated: 0, skipped: 0, failed: 0 });

    // A job left "running" by an instance that died, its lease lapsed: taken over at boot.
    const up2 = await upload(text.replace(/\+1213/g, '+1214'), 'crash.csv');
    await repo.queue(up2.id, JSON.stringify({ columns: { phone: 'phone', first: 'firstName' }, dedupe: 'allow', defaults: { tags: ['crash'] } }), t.clock.now());
    await repo.claim(up2.id, 'dead-instance', t.clock.now(), new Date(t.clock.now().getTime() + 60_000));
    await runner.onApplicationBootstrap();
    await runner.idle();
    expect((await t.dataSource.getRepository(LeadImportEntity).findOneByOrFail({ id: up2.id })).status).toBe('running');
    t.clock.advance(61_000);
    await runner.onApplicationBootstrap();
    const done = await finished(up2.id);
    expect(done).toMatchObject({ status: 'completed', counts: { created: 1200 } });

    const count = async (tag: string) => {
      let n = 0;
      let cursor: string | null = null;
      do {
        const page = (await t.http.get(`/api/leads?tag=${tag}&limit=200${cursor ? `&cursor=${cursor}` : ''}`).set(admin.auth).expect(200)).body as { items: LeadView[]; nextCursor: string | null };
        n += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
      return n;
    };
    expect(await count('resume')).toBe(1200);
    expect(await count('crash')).toBe(1200);
  });
});
