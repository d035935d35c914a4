export const CHANNELS = ['call', 'sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** An opt-out covers one channel or all of them. */
export const OPT_OUT_CHANNELS = ['call', 'sms', 'email', 'all'] as const;
export type OptOutChannel = (typeof OPT_OUT_CHANNELS)[number];

export const OPT_OUT_SOURCES = ['sms-keyword', 'disposition', 'agent', 'api', 'import', 'schedule', 'action-group', 'unsubscribe-link'] as const;
export type OptOutSource = (typeof OPT_OUT_SOURCES)[number];

export type OptOutScope = { type: 'global' } | { type: 'schedule' | 'queue'; id: string };

export interface OptOutEntryView {
  id: string;
  /** E.164 number or lower-cased email. */
  address: string;
  addressType: 'phone' | 'email';
  action: 'opt-out' | 'opt-in';
  channel: OptOutChannel;
  scope: OptOutScope;
  source: OptOutSource;
  actorId: string | null;
  note: string | null;
  createdAt: string;
  supersededAt: string | null;
  supersededBy: string | null;
}

export const BLOCK_KINDS = ['number', 'prefix', 'area-code'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

export interface BlockView {
  id: string;
  kind: BlockKind | 'dnc-list';
  /** E.164 for numbers; digits with a leading + for prefixes; three digits for area codes. */
  value: string;
  reason: string | null;
  source: OptOutSource;
  actorId: string | null;
  createdAt: string;
}

export type RefusalCode =
  | 'OPTED_OUT'
  | 'BLOCKED'
  | 'OUTSIDE_HOURS'
  | 'NO_CALL_DAY'
  | 'HOLIDAY'
  | 'ATTEMPT_CAP_DAY'
  | 'ATTEMPT_CAP_24H'
  | 'ATTEMPT_CAP_LIFETIME'
  | 'NO_ADDRESS'
  | 'LEAD_INACTIVE';

export interface Refusal {
  code: RefusalCode;
  message: string;
  /** When this reason alone stops applying; null when it never does by itself. */
  until: string | null;
}

export interface EligibilityView {
  leadId: string;
  channel: Channel;
  at: string;
  allowed: boolean;
  reasons: Refusal[];
  /** Notes that do not refuse (e.g. the zone is uncertain, so the strictest window applies). */
  notes: string[];
  /** The earliest time every reason has lapsed, or null when one never does (opt-out, block). */
  nextAllowedAt: string | null;
  address: string | null;
  timezones: string[];
  region: string | null;
}

export interface DncListView {
  id: number;
  name: string;
  description: string | null;
  /** loading | active | failed | removed; a list blocks from the moment its numbers load until removed. */
  status: 'loading' | 'active' | 'failed' | 'removed';
  numberCount: number;
  linesRead: number;
  invalidCount: number;
  duplicateCount: number;
  error: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  removedAt: string | null;
}

/** The answer to a load: the list, and the first lines that were not numbers. */
export interface DncLoadView extends DncListView {
  invalid: Array<{ line: number; value: string; reason: string }>;
}
