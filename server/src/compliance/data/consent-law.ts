/**
 * Reviewed data: the federal rules on revoking consent to calls and texts, with their
 * dates and sources. Code reads the rules from here; change a date or a duty here, with
 * its citation, and nowhere else.
 *
 * Reviewed 2026-12-06 against:
 * - 47 CFR 64.1200(a)(10)–(12), added by the TCPA Consent Order (FCC 24-24, adopted
 *   February 15, 2024; 89 FR 15756, March 5, 2024), effective April 11, 2025.
 * - The Consumer and Governmental Affairs Bureau's waivers of the "revoke-all" part of
 *   64.1200(a)(10): to April 11, 2026 (order of April 7, 2025), then to January 31, 2027
 *   (order DA 26-12, January 6, 2026).
 */

export interface DatedRule {
  /** What the rule requires, in plain words. */
  summary: string;
  citation: string;
  /** ISO date (in US Eastern time, as the orders count days) from which the rule applies. */
  effective: string;
  /** Earlier dates the rule was set for and why they moved, oldest first. */
  history: Array<{ until: string; source: string }>;
  source: string;
}

/**
 * The revoke-all provision: a revocation made in answer to one kind of call or text
 * applies to every robocall and robotext from the caller, on every matter.
 */
export const REVOKE_ALL: DatedRule = {
  summary: 'A revocation in answer to one kind of call or text applies to every robocall and robotext from the caller, on unrelated matters too',
  citation: '47 CFR 64.1200(a)(10)',
  effective: '2027-01-31',
  history: [
    { until: '2025-04-11', source: 'TCPA Consent Order, FCC 24-24 (effective date announced at 89 FR 15756 and later notice)' },
    { until: '2026-04-11', source: 'CGB order of April 7, 2025 (one-year waiver)' },
  ],
  source: 'CGB order DA 26-12, January 6, 2026 (waiver extended to January 31, 2027)',
};

/** Words the rule names as a per se reasonable revocation when sent in reply to a text. */
export const REVOCATION_WORDS = {
  words: ['stop', 'quit', 'end', 'revoke', 'opt out', 'cancel', 'unsubscribe'] as const,
  citation: '47 CFR 64.1200(a)(10)',
  source: 'TCPA Consent Order, FCC 24-24, para. 19',
};

/** Any reasonable means: free text, spoken words, a link. Doubt is resolved for the consumer. */
export const REASONABLE_MEANS = {
  summary: 'Consent may be revoked by any reasonable means that clearly expresses a wish not to be contacted; the caller may not limit how',
  citation: '47 CFR 64.1200(a)(10)',
};

/** The outer limit for honouring a revocation. Switchboard honours it at once. */
export const HONOUR_WITHIN = { businessDays: 10, citation: '47 CFR 64.1200(a)(10)' };

/** The one confirmation text: only confirms, no marketing, within five minutes of receipt. */
export const CONFIRMATION_TEXT = {
  withinMinutes: 5,
  citation: '47 CFR 64.1200(a)(12)',
  summary: 'One text confirming the revocation may be sent, with no marketing or advertising, within five minutes of receipt',
};

export type RevocationScopeSetting = 'dated' | 'per-channel' | 'all';

export interface ScopeInForce {
  /** all: a person's revocation stops every channel and campaign; per-channel: the channel it named or came by. */
  mode: 'all' | 'per-channel';
  /** Why this mode is in force, for the eligibility explanation and the ledger. */
  basis: string;
  citation: string | null;
}

/** The rule applies from the first minute of its effective day in US Eastern time, where the orders are dated. */
const REVOKE_ALL_FROM = Date.parse(`${REVOKE_ALL.effective}T05:00:00Z`);

/**
 * The scope of a person's revocation at `at` under the floor's setting: `dated` follows
 * the rule's date (per channel before it, every channel from it); `all` is the floor's
 * own choice before the date; `per-channel` cannot narrow the rule once it is in force.
 */
export function scopeInForce(setting: RevocationScopeSetting, at: Date): ScopeInForce {
  const ruleInForce = at.getTime() >= REVOKE_ALL_FROM;
  if (ruleInForce) {
    return {
      mode: 'all',
      basis: `revoke-all rule in force since ${REVOKE_ALL.effective}${setting === 'per-channel' ? ' (the floor\'s per-channel setting cannot narrow it)' : ''}`,
      citation: REVOKE_ALL.citation,
    };
  }
  if (setting === 'all') return { mode: 'all', basis: `the floor applies every revocation to all channels (the rule requires it from ${REVOKE_ALL.effective})`, citation: null };
  return { mode: 'per-channel', basis: `per channel until the revoke-all rule takes effect on ${REVOKE_ALL.effective}`, citation: REVOKE_ALL.citation };
}
