import { describe, expect, it } from '@jest/globals';
import type { QueueRecording } from '#shared';
import { ALL_PARTY_CONSENT_STATES, allPartyConsentRule } from './data/recording-consent.js';
import { DEFAULT_RECORDING_ANNOUNCEMENT, recordingPlan } from './recording-consent.js';

const rule = (r: Partial<QueueRecording>): QueueRecording => ({ mode: 'always', consent: 'announce', announcement: null, retentionDays: null, ...r });

describe('recording consent', () => {
  it('lists the all-party states the floor records by, each with its statute', () => {
    for (const s of ['CA', 'FL', 'IL', 'MD', 'MA', 'MT', 'NH', 'PA', 'WA']) expect(allPartyConsentRule(s)).toMatchObject({ state: s, citation: expect.stringMatching(/\S/) });
    for (const s of ['NY', 'TX', 'GA', 'NJ']) expect(allPartyConsentRule(s)).toBeNull();
    expect(allPartyConsentRule('ca')?.name).toBe('California');
    expect(allPartyConsentRule('US-PA')?.name).toBe('Pennsylvania');
    expect(allPartyConsentRule('CA-ON')).toBeNull();
    expect(allPartyConsentRule(null)).toBeNull();
    expect(new Set(ALL_PARTY_CONSENT_STATES.map((r) => r.state)).size).toBe(ALL_PARTY_CONSENT_STATES.length);
  });

  it.each([
    ['always, one-party state', rule({}), 'NY', { startNow: true, announce: null, basis: 'one-party' }],
    ['always, all-party state, announce', rule({}), 'CA', { startNow: true, announce: DEFAULT_RECORDING_ANNOUNCEMENT, basis: 'announced' }],
    ['always, all-party state, own words', rule({ announcement: 'We record calls.' }), 'WA', { startNow: true, announce: 'We record calls.', basis: 'announced' }],
    ['always, all-party state, the agent confirms', rule({ consent: 'agent-confirms' }), 'FL', { startNow: false, announce: null, basis: null }],
    ['always, state unknown: the strictest rule', rule({}), null, { startNow: true, announce: DEFAULT_RECORDING_ANNOUNCEMENT, basis: 'announced' }],
    ['on demand', rule({ mode: 'on-demand' }), 'CA', { startNow: false, announce: null, basis: null }],
    ['never', rule({ mode: 'never' }), 'NY', { startNow: false, announce: null, basis: null }],
  ])('%s', (_name, r, region, expected) => {
    expect(recordingPlan(r, region)).toMatchObject(expected);
  });
});
