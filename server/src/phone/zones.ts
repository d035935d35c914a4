import type { TimezoneSource } from '#shared';
import { isValidTimezone } from '../common/timezones.js';
import { zonesForNumber } from './area-codes.js';

/** What of a lead says where it is: its own zone, its main number, its region. */
export interface ZonedLead {
  timezone: string | null;
  phone: string | null;
  region: string | null;
}

/** Where calling hours look: the lead's zone(s) and how they were found. */
export function effectiveZones(lead: ZonedLead, settings: { defaultTimezone: string }): { zones: string[]; source: TimezoneSource; region: string | null } {
  const fromNumber = lead.phone ? zonesForNumber(lead.phone) : null;
  const region = lead.region ?? fromNumber?.region ?? null;
  if (lead.timezone && isValidTimezone(lead.timezone)) return { zones: [lead.timezone], source: 'explicit', region };
  if (fromNumber?.zones.length) return { zones: fromNumber.zones, source: 'area-code', region };
  if (isValidTimezone(settings.defaultTimezone)) return { zones: [settings.defaultTimezone], source: 'account-default', region };
  return { zones: [], source: 'unknown', region };
}
