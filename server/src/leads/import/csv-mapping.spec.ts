import { describe, expect, it } from '@jest/globals';
import type { CustomFieldDefinition, ImportSettings } from '#shared';
import { checkSettings, readRow, type RowContext, startLine, suggestColumns } from './csv-mapping.js';
import { uniqueHeaders } from './lead-import.service.js';

const defs: CustomFieldDefinition[] = [
  { key: 'plan', label: 'Plan Tier', type: 'select', options: ['basic', 'pro'] },
  { key: 'seats', label: 'Seats', type: 'number' },
  { key: 'vip', label: 'VIP', type: 'boolean' },
  { key: 'renewal', label: 'Renewal', type: 'date' },
];

function ctx(columns: ImportSettings['columns']): RowContext {
  const headers = Object.keys(columns);
  return {
    headers,
    settings: { columns, dedupe: 'skip', defaults: {} },
    defaultCountry: 'US',
    customFields: new Map(defs.map((d) => [d.key, d])),
    owners: new Map([
      ['agent@example.test', 'u-1'],
      ['u-1', 'u-1'],
    ]),
  };
}

describe('CSV mapping', () => {
  it('suggests targets from common header spellings and custom field labels, each single field once', () => {
    expect(suggestColumns(['First Name', 'SURNAME', 'E-mail', 'Cell Phone', 'Home', 'Phone', 'Plan Tier', 'seats', 'Email Address', 'Notes'], defs)).toEqual({
      'First Name': 'firstName',
      SURNAME: 'lastName',
      'E-mail': 'email',
      'Cell Phone': 'phone:mobile',
      Home: 'phone:home',
      Phone: 'phone',
      'Plan Tier': 'custom:plan',
      seats: 'custom:seats',
    });
  });

  it('requires a phone or email column and one source per single field', () => {
    const problems = checkSettings(['a', 'b'], { columns: { a: 'firstName', b: 'firstName' }, dedupe: 'skip', defaults: {} }, defs);
    expect(problems).toEqual([
      { field: 'columns.b', message: '"firstName" is already mapped from column "a"' },
      { field: 'columns', message: 'map at least one column to phone or email' },
    ]);
  });

  it.each([
    ['seats', 'custom:seats', '1,200', { customFields: { seats: 1200 } }],
    ['vip', 'custom:vip', 'Yes', { customFields: { vip: true } }],
    ['renewal', 'custom:renewal', '3/7/2027', { customFields: { renewal: '2027-03-07' } }],
    ['plan', 'custom:plan', 'PRO', { customFields: { plan: 'pro' } }],
    ['owner', 'owner', 'Agent@Example.test', { ownerId: 'u-1' }],
    ['state', 'region', 'tx', { region: 'US-TX' }],
    ['state', 'region', 'CA-ON', { region: 'CA-ON' }],
    ['status', 'status', 'Qualified', { status: 'qualified' }],
    ['name', 'fullName', 'Mary Ann  Evans', { firstName: 'Mary Ann', lastName: 'Evans' }],
    ['name', 'fullName', 'Cher', { firstName: 'Cher' }],
    ['tags', 'tags', 'A; b |c', { tags: ['a', 'b', 'c'] }],
  ] as const)('reads %s (%s) "%s"', (header, target, value, expected) => {
    const r = readRow([value, '2125550100'], ctx({ [header]: target, phone: 'phone' }));
    expect(r).toMatchObject({ ok: true, row: expected });
  });

  it.each([
    ['seats', 'custom:seats', 'many', 'must be a number'],
    ['vip', 'custom:vip', 'maybe', 'must be true/false, yes/no or 1/0'],
    ['renewal', 'custom:renewal', '2027-13-45', 'must be a date as YYYY-MM-DD'],
    ['owner', 'owner', 'nobody@example.test', 'is not the email or id of an active user'],
    ['tz', 'timezone', 'Mars/Olympus', 'is not a known IANA time zone (e.g. America/Chicago)'],
    ['tags', 'tags', 'ok,BAD!', '"bad!" is not a valid tag (1-64 lowercase letters, digits, spaces or _:.-)'],
  ] as const)('refuses %s (%s) "%s"', (header, target, value, reason) => {
    const r = readRow([value, '2125550100'], ctx({ [header]: target, phone: 'phone' }));
    expect(r).toEqual({ ok: false, issues: [{ column: header, reason, value }] });
  });

  it('a row with neither number nor email is refused as a whole', () => {
    expect(readRow(['Ann', ''], ctx({ first: 'firstName', phone: 'phone' }))).toEqual({ ok: false, issues: [{ column: null, reason: 'has no phone number and no email', value: null }] });
  });

  it('phone columns add numbers in order with their labels, once each', () => {
    const r = readRow(['(212) 555-0100', '212.555.0100', '+44 20 7946 0018'], ctx({ a: 'phone', b: 'phone:work', c: 'phone:home' }));
    expect(r).toMatchObject({ ok: true, row: { phones: [{ e164: '+12125550100', label: 'mobile' }, { e164: '+442079460018', label: 'home' }] } });
  });

  it('finds where a multi-line record starts', () => {
    expect(startLine(7, ['a', 'two\nlines', 'and\r\nthree\rhere'])).toBe(4);
    expect(startLine(4, ['plain'])).toBe(4);
  });

  it('names blank headers and tells repeats apart', () => {
    expect(uniqueHeaders(['Phone', '', 'Phone', 'Phone', ''])).toEqual(['Phone', 'column 2', 'Phone (2)', 'Phone (3)', 'column 5']);
  });
});
