export const CHANNELS = ['call', 'sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** An opt-out covers one channel or all of them. */
export const OPT_OUT_CHANNELS = ['call', 'sms', 'email', 'all'] as const;
export type OptOutChannel = (typeof OPT_OUT_CHANNELS)[number];

/**
 * Where an entry came from: `sms-keyword` (STOP and its forms), `sms-text` (a text in the
 * person's own words), `review` (a supervisor's decision on an unsure message), `agent`
 * (an agent, e.g. a spoken request on a call), `disposition`, `unsubscribe-link`, and the
 * floor's own: `api`, `import`, `schedule`, `action-group`.
 */
export const OPT_OUT_SOURCES = ['sms-keyword', 'sms-text', 'review', 'disposition', 'agent', 'api', 'import', 'schedule', 'action-group', 'unsubscribe-link'] as const;
export type OptOutSource = (typeof OPT_OUT_SOURCES)[number];

export type OptOutScope = { type: 'global' } | { type: 'schedule' | 'queue'; id: string };

/** revocation: the person's request; internal: the floor's decision; consent: an opt-in. */
export const LEDGER_KINDS = ['revocation', 'internal', 'consent'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** How a request reached us. */
export const CONSENT_ORIGINS = ['sms', 'call', 'email', 'web', 'api'] as const;
export type ConsentOrigin = (typeof CONSENT_ORIGINS)[number];

/** The scope of a person's revocation in force now, and why. */
export interface ConsentScopeView {
  mode: 'all' | 'per-channel';
  basis: string;
  citation: string | null;
  /** The floor's setting: follow the rule's date, per channel until it, or all now. */
  setting: 'dated' | 'per-channel' | 'all';
  revokeAllFrom: string;
}

/** What an entry reaches under the scope in force now. */
export interface LedgerReach {
  channels: OptOutChannel[];
  campaigns: 'all' | 'this scope';
  addresses: 'the person' | 'this address';
}

export interface OptOutEntryView {
  id: string;
  /** E.164 number or lower-cased email. */
  address: string;
  addressType: 'phone' | 'email';
  action: 'opt-out' | 'opt-in';
  channel: OptOutChannel;
  scope: OptOutScope;
  source: OptOutSource;
  kind: LedgerKind;
  origin: ConsentOrigin | null;
  /** The person's words, when they said or wrote something. */
  words: string | null;
  conversationId: string | null;
  /** The scope rule in force when the entry was written. */
  scopeRule: string | null;
  /** What it reaches under the scope in force now (a revocation widens from the revoke-all date). */
  reach: LedgerReach;
  /** An opt-out that still forbids some contact now (a later opt-in may have lifted it on its channel). */
  inForce: boolean;
  leadIds: string[];
  actorId: string | null;
  note: string | null;
  createdAt: string;
  supersededAt: string | null;
  supersededBy: string | null;
}

/** A message that may be a revocation, held for a supervisor. Contact is held meanwhile. */
export interface ConsentReviewView {
  id: string;
  address: string;
  leadId: string | null;
  conversationId: string | null;
  origin: ConsentOrigin;
  words: string;
  matched: string;
  channel: OptOutChannel;
  status: 'open' | 'revocation' | 'not-revocation';
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionNote: string | null;
  entryId: string | null;
}

/** The floor's consent rules. */
export interface ConsentRulesView {
  /** dated: per channel until the revoke-all date, every channel from it; all: every channel now. */
  revocationScope: 'dated' | 'per-channel' | 'all';
  /** A message that may be a revocation: opt out at once, or hold contact and ask a supervisor. */
  unsure: 'opt-out' | 'review';
  /** Send the one confirmation text the rule allows after a revocation by text. */
  confirmationText: boolean;
  /** The name the confirmation and keyword replies are signed with. */
  senderName: string;
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
  | 'LEAD_INACTIVE'
  | 'CONSENT_REVIEW';

/** A contact the gate refused at the moment it was to be made (the consent audit's second half). */
export interface ContactRefusalView {
  id: string;
  leadId: string;
  channel: string;
  address: string | null;
  at: string;
  codes: string[];
  reasons: Refusal[];
  nextAllowedAt: string | null;
  /** What tried to make the contact (`call:queue-item`, `sms:manual`, …). */
  context: string;
}

export interface Refusal {
  code: RefusalCode;
  message: string;
  /** When this reason alone stops applying; null when it never does by itself. */
  until: string | null;
  /** For an opt-out or a held review: the ledger's evidence. */
  evidence?: RefusalEvidence;
}

export interface RefusalEvidence {
  entryId: string;
  source: string;
  origin: string | null;
  words: string | null;
  channel: OptOutChannel;
  scope: OptOutScope;
  reach: LedgerReach;
  at: string;
  conversationId: string | null;
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
  /** The scope of revocations in force at `at`. */
  consentScope: ConsentScopeView;
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

/** How often a lead may be tried on one channel (a missing cap is no cap); stored account-wide and per state. */
export interface AttemptCaps {
  perDay?: number;
  per24h?: number;
  lifetime?: number;
}

export type AttemptCapsByChannel = Partial<Record<Channel, AttemptCaps>>;
