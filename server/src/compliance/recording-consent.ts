import type { QueueRecording } from '#shared';
import { allPartyConsentRule, type RecordingConsentRule } from './data/recording-consent.js';

/** The built-in wording played before a recorded call where every party must consent. */
export const DEFAULT_RECORDING_ANNOUNCEMENT = 'This call may be recorded for quality and training. By staying on the line you agree to the recording.';

/** A person whose state cannot be told (no state on the lead, a number of no US area): every party's consent is asked for. */
export const UNKNOWN_STATE: RecordingConsentRule = { state: '', name: 'an unknown state', citation: 'the strictest state rule', summary: "The person's state is not known, so every party's consent is asked for" };

/** What a call of a queue does about recording, given where the person is. */
export interface RecordingPlan {
  /** Start recording when the call is connected. */
  startNow: boolean;
  /** Play this to the person before they join the call (the consent announcement). */
  announce: string | null;
  /** How consent is had when it starts: the state allows one party, or it was announced. */
  basis: 'one-party' | 'announced' | null;
  /** Where every party must consent, the state's rule (the agent may need to mark consent). */
  allParty: RecordingConsentRule | null;
}

/**
 * The queue's recording rule against the law of the person's state: `always` records
 * from the start where one party may record; where every party must consent it plays the
 * announcement first (and records), or waits for the agent to mark the person's consent.
 * `on-demand` and `never` start nothing.
 */
export function recordingPlan(rule: QueueRecording, region: string | null): RecordingPlan {
  // Where the person is cannot be told: the strictest rule applies.
  const allParty = region ? allPartyConsentRule(region) : UNKNOWN_STATE;
  if (rule.mode !== 'always') return { startNow: false, announce: null, basis: null, allParty };
  if (!allParty) return { startNow: true, announce: null, basis: 'one-party', allParty };
  if (rule.consent === 'announce') return { startNow: true, announce: rule.announcement ?? DEFAULT_RECORDING_ANNOUNCEMENT, basis: 'announced', allParty };
  return { startNow: false, announce: null, basis: null, allParty };
}
