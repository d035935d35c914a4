import { describe, expect, it } from '@jest/globals';
import type { CustomFieldDefinition } from '#shared';
import { delegationChoices, delegationLabel } from './delegation-choices.js';

const fields: CustomFieldDefinition[] = [
  { key: 'setter', label: 'Setter', type: 'text' },
  { key: 'budget', label: 'Budget', type: 'number' },
  { key: 'closer', label: 'Closer', type: 'select', options: ['a@acme.test', 'b@acme.test'] },
  { key: 'signed', label: 'Signed', type: 'date' },
];

describe('delegation choices', () => {
  it('offers Created By and Last Modified By, then the custom fields that can hold a user, by label', () => {
    expect(delegationChoices(fields)).toEqual([
      { value: 'createdBy', label: 'Created By' },
      { value: 'lastModifiedBy', label: 'Last Modified By' },
      { value: 'closer', label: 'Closer (custom field)' },
      { value: 'setter', label: 'Setter (custom field)' },
    ]);
    expect(delegationChoices([])).toHaveLength(2);
  });

  it.each([
    [null, null],
    ['createdBy', 'Created By'],
    ['lastModifiedBy', 'Last Modified By'],
    ['setter', 'Setter'],
    ['custom.closer', 'Closer'],
    ['gone', 'gone'],
  ])('names %p as %p', (value, label) => expect(delegationLabel(value, fields)).toBe(label));
});
