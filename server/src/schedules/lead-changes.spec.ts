import { describe, expect, it } from '@jest/globals';
import type { LeadEntity } from '../leads/lead.entity.js';
import { applyLeadChanges, validateLeadChanges } from './lead-changes.js';

const NOW = new Date('2026-03-02T17:00:00.000Z');
const record = () => ({
  lead: { id: 'l1', status: 'new', firstName: 'Ann', lastName: null, company: 'Acme', customFields: JSON.stringify({ score: 3, plan: 'gold' }), instantDial: false, updatedAt: new Date(0) } as LeadEntity,
  phones: [{ e164: '+17185550100', label: 'mobile' }],
  tags: ['east'],
});
const types = { score: 'number', plan: 'select', renewal: 'date' } as const;

describe('lead changes', () => {
  it('sets, increments and clears fields, adds and removes tags, toggles instant dial', () => {
    const out = applyLeadChanges(
      record(),
      [
        { op: 'set', field: 'lead.status', value: 'contacted' },
        { op: 'increment', field: 'custom.score', by: 2 },
        { op: 'increment', field: 'custom.visits' },
        { op: 'clear', field: 'custom.plan' },
        { op: 'clear', field: 'lead.company' },
        { op: 'add_tag', tag: ' Hot ' },
        { op: 'remove_tag', tag: 'east' },
        { op: 'instant_dial', value: true },
      ],
      NOW,
    );
    expect(out?.lead).toMatchObject({ status: 'contacted', company: null, instantDial: true, updatedAt: NOW });
    expect(JSON.parse(out?.lead.customFields as string)).toEqual({ score: 5, visits: 1 });
    expect(out?.tags).toEqual(['hot']);
  });

  it('returns null when nothing changes', () => {
    expect(applyLeadChanges(record(), [{ op: 'add_tag', tag: 'east' }, { op: 'set', field: 'lead.firstName', value: 'Ann' }], NOW)).toBeNull();
  });

  it('names every bad change', () => {
    expect(
      validateLeadChanges(
        [
          { op: 'set', field: 'lead.status', value: 'happy' },
          { op: 'increment', field: 'custom.plan' },
          { op: 'set', field: 'custom.nope', value: 1 },
          { op: 'clear', field: 'lead.status' },
          { op: 'add_tag', tag: '' },
          { op: 'rename' },
          { op: 'set', field: 'custom.renewal', value: 'soon' },
        ],
        types,
        'changes',
      ).map((i) => i.field),
    ).toEqual(['changes[0].value', 'changes[1].field', 'changes[2].field', 'changes[3].field', 'changes[4].tag', 'changes[5].op', 'changes[6].value']);
  });
});
