import { describe, expect, it } from '@jest/globals';
import { type Condition, durationMs, evaluateCriteria, type LeadFacts, LogicError, parseLogic, validateCriteria } from './criteria.js';
import { smsSegments } from '#shared';
import { renderTemplate, validateTemplate } from './templates.js';

const NOW = new Date('2026-03-02T17:00:00.000Z');
const facts = (over: { lead?: Partial<LeadFacts['lead']>; custom?: LeadFacts['custom']; activity?: Partial<LeadFacts['activity']> } = {}): LeadFacts => ({
  lead: {
    status: 'new',
    firstName: 'Ann',
    lastName: 'Lee',
    company: 'Acme Corp',
    email: 'ann@example.com',
    phone: '+17185550100',
    timezone: null,
    region: 'US-NY',
    ownerId: null,
    tags: ['vip', 'east'],
    lastContactedAt: new Date('2026-03-01T17:00:00.000Z'),
    lastContactedMode: 'not_contacted',
    lastActivityAt: null,
    lastActivityType: null,
    instantDial: false,
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    ...over.lead,
  },
  custom: { plan: 'Gold', score: 7, trial: true, ...over.custom },
  activity: { replied: false, callsMade: 2, callsAnswered: 0, smsSent: 1, emailsSent: 0, lastCallStatus: 'no-answer', lastDisposition: null, emailBounced: false, emailOpened: false, emailClicked: false, unsubscribed: false, optedOut: false, ...over.activity },
});
const one = (c: Condition, f = facts()) => evaluateCriteria({ conditions: [c], logic: 'all' }, f, NOW);
const types = { plan: 'select', score: 'number', trial: 'boolean', renewal: 'date' } as const;

describe('criteria logic expressions', () => {
  const values = (expr: string, v: boolean[]) =>
    evaluateCriteria({ conditions: v.map((b) => ({ field: 'activity.replied', op: 'eq', value: !b ? true : false }) as Condition), logic: 'custom', expression: expr }, facts(), NOW);

  it.each([
    ['1 AND (2 OR 3)', [true, false, true], true],
    ['1 AND (2 OR 3)', [false, true, true], false],
    ['1 OR 2 AND 3', [true, false, false], true],
    ['1 OR 2 AND 3', [false, true, false], false],
    ['(1 OR 2) AND 3', [true, false, false], false],
    ['NOT 1 AND 2', [false, true], true],
    ['not (1 or 2)', [false, false], true],
    ['((1))', [true], true],
  ])('%s with %j → %s', (expr, v, expected) => {
    expect(values(expr, v as boolean[])).toBe(expected);
  });

  it.each([
    ['', 0, /is empty/],
    ['1 & 2', 2, /character 3: unexpected "&"/],
    ['1 AND (2 OR 3', 13, /expected "\)"/],
    ['1 AND', 5, /expected a condition number before the end/],
    ['1 2', 2, /expected AND, OR or the end/],
    ['1 OR 4', 5, /condition 4 does not exist; there are 3/],
    ['(1 OR 2))', 8, /expected AND, OR or the end/],
  ])('%j fails at %i', (expr, position, message) => {
    let error: unknown;
    try {
      parseLogic(expr, 3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LogicError);
    expect((error as LogicError).position).toBe(position);
    expect((error as LogicError).message).toMatch(message);
  });
});

describe('conditions', () => {
  it.each<[Condition, boolean]>([
    [{ field: 'lead.status', op: 'eq', value: ' NEW ' }, true],
    [{ field: 'lead.status', op: 'neq', value: 'new' }, false],
    [{ field: 'lead.region', op: 'in', value: ['US-NY', 'US-NJ'] }, true],
    [{ field: 'lead.region', op: 'not_in', value: ['US-NY'] }, false],
    [{ field: 'lead.company', op: 'contains', value: 'acme' }, true],
    [{ field: 'lead.company', op: 'starts_with', value: 'corp' }, false],
    [{ field: 'lead.timezone', op: 'empty' }, true],
    [{ field: 'lead.email', op: 'not_empty' }, true],
    [{ field: 'lead.tags', op: 'has_tag', value: 'VIP' }, true],
    [{ field: 'lead.tags', op: 'lacks_tag', value: 'vip' }, false],
    [{ field: 'lead.lastContactedAt', op: 'within_last', value: '2d' }, true],
    [{ field: 'lead.lastContactedAt', op: 'within_last', value: '12h' }, false],
    [{ field: 'lead.lastActivityAt', op: 'not_within_last', value: '1d' }, true],
    [{ field: 'lead.createdAt', op: 'lt', value: '2026-02-01T00:00:00Z' }, true],
    [{ field: 'custom.score', op: 'gte', value: '7' }, true],
    [{ field: 'custom.score', op: 'gt', value: 7 }, false],
    [{ field: 'custom.plan', op: 'eq', value: 'gold' }, true],
    [{ field: 'custom.trial', op: 'eq', value: 'true' }, true],
    [{ field: 'custom.renewal', op: 'empty' }, true],
    [{ field: 'activity.callsMade', op: 'lte', value: 2 }, true],
    [{ field: 'activity.lastCallStatus', op: 'eq', value: 'no-answer' }, true],
    [{ field: 'activity.replied', op: 'eq', value: false }, true],
  ])('%j → %s', (c, expected) => {
    expect(one(c)).toBe(expected);
  });

  it('any needs one, all needs every one', () => {
    const conditions: Condition[] = [
      { field: 'lead.status', op: 'eq', value: 'won' },
      { field: 'lead.tags', op: 'has_tag', value: 'east' },
    ];
    expect(evaluateCriteria({ conditions, logic: 'any' }, facts(), NOW)).toBe(true);
    expect(evaluateCriteria({ conditions, logic: 'all' }, facts(), NOW)).toBe(false);
  });

  it('validation names each bad condition', () => {
    const issues = validateCriteria(
      {
        conditions: [
          { field: 'custom.plann', op: 'eq', value: 'x' },
          { field: 'lead.status', op: 'like', value: 'x' },
          { field: 'custom.score', op: 'gt', value: 'lots' },
          { field: 'lead.status', op: 'within_last', value: '3d' },
          { field: 'lead.lastContactedAt', op: 'within_last', value: 'soon' },
          { field: 'lead.region', op: 'in', value: [] },
          { field: 'lead.email', op: 'empty', value: 'x' },
        ],
        logic: 'custom',
        expression: '1 AND 9',
      },
      types,
      'criteria',
    );
    expect(issues).toEqual([
      { field: 'criteria.conditions[0].field', message: 'unknown field custom.plann' },
      { field: 'criteria.conditions[1].op', message: expect.stringMatching(/must be one of/) },
      { field: 'criteria.conditions[2].value', message: 'must be a number' },
      { field: 'criteria.conditions[3].op', message: 'within_last only applies to date fields' },
      { field: 'criteria.conditions[4].value', message: expect.stringMatching(/duration/) },
      { field: 'criteria.conditions[5].value', message: 'must be a non-empty list' },
      { field: 'criteria.conditions[6].value', message: 'takes no value with empty' },
      { field: 'criteria.expression', message: 'condition 9 does not exist; there are 7' },
    ]);
    expect(validateCriteria({ conditions: [], logic: 'sometimes' }, types)).toEqual([{ field: 'criteria.logic', message: 'must be all, any or custom' }]);
    expect(validateCriteria({ conditions: [{ field: 'lead.tags', op: 'has_tag', value: 'vip' }], logic: 'all' }, types)).toEqual([]);
  });

  it('durations', () => {
    expect([durationMs('30m'), durationMs('12h'), durationMs('3d'), durationMs('2w'), durationMs('3 days')]).toEqual([1_800_000, 43_200_000, 259_200_000, 1_209_600_000, null]);
  });
});

describe('templates', () => {
  const ctx = { lead: { firstName: 'Ann', lastName: 'Lee', company: '<Acme & Co>' }, custom: { plan: 'Gold' }, owner: { name: 'Sam', email: 'sam@x.test' }, schedule: { name: 'Welcome' }, links: { unsubscribe: 'https://u.test/x' } };

  it('renders merge fields with fallbacks and escapes values for HTML', () => {
    expect(renderTemplate('Hi {{ lead.firstName }} {{lead.lastName}} ({{lead.fullName}}), {{custom.plan}} via {{owner.name}}', ctx)).toBe('Hi Ann Lee (Ann Lee), Gold via Sam');
    expect(renderTemplate('Hi {{lead.region | there}}!', ctx)).toBe('Hi there!');
    expect(renderTemplate('<b>{{lead.company}}</b>', ctx, { escapeHtml: true })).toBe('<b>&lt;Acme &amp; Co&gt;</b>');
    expect(renderTemplate('Stop: {{unsubscribe_url}}', ctx)).toBe('Stop: https://u.test/x');
  });

  it('refuses unknown fields, unclosed braces, and unsubscribe links outside email', () => {
    expect(validateTemplate('Hi {{lead.frist}} {{custom.plan}}', ['plan'], 'body')).toEqual([{ field: 'body', message: 'unknown merge field {{lead.frist}}' }]);
    expect(validateTemplate('Hi {{lead.firstName', [], 'body')).toEqual([{ field: 'body', message: 'unclosed merge field at character 4' }]);
    expect(validateTemplate('{{unsubscribe_url}}', [], 'body')).toEqual([{ field: 'body', message: 'unsubscribe_url is only for email' }]);
    expect(validateTemplate('{{unsubscribe_url}}', [], 'body', { allowUnsubscribe: true })).toEqual([]);
  });

  it.each([
    ['a'.repeat(160), 'GSM-7', 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 2],
    ['€'.repeat(80), 'GSM-7', 160, 1],
    ['€' + 'a'.repeat(159), 'GSM-7', 161, 2],
    ['é'.repeat(10) + 'ł'.repeat(60), 'UCS-2', 70, 1],
    ['ł'.repeat(71), 'UCS-2', 71, 2],
    ['', 'GSM-7', 0, 0],
  ])('SMS segments of %#', (text, encoding, characters, segments) => {
    expect(smsSegments(text)).toEqual({ encoding, characters, segments });
  });
});
