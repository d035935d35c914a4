import type { LeadEntity } from './lead.entity.js';

/** How a lead is named on agents' screens. */
export function leadName(l: Pick<LeadEntity, 'firstName' | 'lastName' | 'company'>): string {
  return [l.firstName, l.lastName].filter(Boolean).join(' ') || l.company || 'Unnamed lead';
}
