export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'unqualified', 'customer', 'do-not-contact', 'inactive', 'archived'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** How the lead was last in touch (kept on the lead as activity comes in). */
export const LAST_CONTACTED_MODES = ['not_contacted', 'no_reply', 'opened_no_reply', 'replied', 'incoming_call', 'outgoing_call', 'sms'] as const;
export type LastContactedMode = (typeof LAST_CONTACTED_MODES)[number];

export const PHONE_LABELS = ['mobile', 'home', 'work', 'other'] as const;
export type PhoneLabel = (typeof PHONE_LABELS)[number];

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'boolean', 'date', 'select'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export type CustomFieldValue = string | number | boolean | null;

export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
  options?: string[];
}

export interface LeadPhone {
  number: string;
  label: PhoneLabel;
}

/** How the lead's time zone was found, from most to least certain. */
export type TimezoneSource = 'explicit' | 'area-code' | 'account-default' | 'unknown';

export interface LeadView {
  id: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  email: string | null;
  phones: LeadPhone[];
  /** The explicitly set zone, if any. */
  timezone: string | null;
  /** The zones used for calling hours: one when known, several when uncertain. */
  effectiveTimezones: string[];
  timezoneSource: TimezoneSource;
  region: string | null;
  ownerId: string | null;
  status: LeadStatus;
  tags: string[];
  customFields: Record<string, CustomFieldValue>;
  lastContactedAt: string | null;
  lastContactedMode: LastContactedMode;
  lastActivityAt: string | null;
  lastActivityType: string | null;
  /** Dialed ahead of the queue order. */
  instantDial: boolean;
  /** The user who made the lead (API or CSV import); null when the system did. */
  createdBy: string | null;
  /** The user whose edit was the lead's last; null until one edits it. */
  updatedBy: string | null;
  /** The CSV import that made the lead (its first, when later ones merged into it); null when it was made otherwise. */
  importId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}
