import type { LeadViewView } from '#shared';
import type { LeadFilter } from '../leads/leads.repository.js';
import type { EnrollFilterDto } from './dto/schedule.dto.js';

/** The leads list's filter as the repository takes it. */
export function leadFilterOf(filter: EnrollFilterDto | LeadViewView['filter']): LeadFilter {
  const f: LeadFilter = { text: filter.q, statuses: filter.status, ownerId: filter.ownerId, tag: filter.tag?.toLowerCase() };
  if (filter.field) {
    const i = filter.field.indexOf(':');
    f.customField = { key: filter.field.slice(0, i), value: filter.field.slice(i + 1) };
  }
  return f;
}

