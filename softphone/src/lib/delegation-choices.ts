import { type CustomFieldDefinition, DELEGATION_LOOKUPS, type DelegationLookup } from '#shared';

/** One option of the delegation picker: the value the server is sent, and what the admin reads. */
export interface DelegationChoice {
  value: string;
  label: string;
}

const LOOKUP_LABELS: Record<DelegationLookup, string> = { createdBy: 'Created By', lastModifiedBy: 'Last Modified By' };

/**
 * What a schedule's delegation field (or a step's owner field) may name, for a picker:
 * the lead's creator and last modifier, then each custom field that can hold a user
 * (a text or select field, holding the user's id or email), by its label.
 */
export function delegationChoices(fields: readonly CustomFieldDefinition[]): DelegationChoice[] {
  return [
    ...DELEGATION_LOOKUPS.map((value) => ({ value, label: LOOKUP_LABELS[value] })),
    ...fields
      .filter((f) => f.type === 'text' || f.type === 'select')
      .map((f) => ({ value: f.key, label: `${f.label} (custom field)` }))
      .sort((a, b) => a.label.localeCompare(b.label)),
  ];
}

/** The words for a delegation field as stored (a lookup, a custom field's key, or `custom.<key>`). */
export function delegationLabel(value: string | null, fields: readonly CustomFieldDefinition[]): string | null {
  if (!value) return null;
  if ((DELEGATION_LOOKUPS as readonly string[]).includes(value)) return LOOKUP_LABELS[value as DelegationLookup];
  const key = value.startsWith('custom.') ? value.slice('custom.'.length) : value;
  return fields.find((f) => f.key === key)?.label ?? key;
}
