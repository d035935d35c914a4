import { describe, expect, it } from '@jest/globals';
import type { LeadFacts } from '../criteria.js';
import { modeAfter } from '../../leads/lead-activity.js';
import { type ActivityEvent, lastContactedMode, pickSmartStep, type SmartCandidate } from './smart-step.js';

const NOW = new Date('2026-03-02T17:00:00.000Z');
const facts = (activity: Partial<LeadFacts['activity']> = {}, lead: Partial<LeadFacts['lead']> = {}, custom: LeadFacts['custom'] = {}): LeadFacts => ({
  lead: { status: 'new', firstName: 'Ada', lastName: null, company: null, email: 'a@example.com', phone: null, timezone: null, region: null, ownerId: null, tags: [], lastContactedAt: null, lastContactedMode: 'not_contacted', lastActivityAt: null, lastActivityType: null, instantDial: false, createdAt: NOW, ...lead },
  custom,
  activity: { replied: false, callsMade: 0, callsAnswered: 0, smsSent: 0, emailsSent: 0, lastCallStatus: null, lastDisposition: null, emailBounced: false, emailOpened: false, emailClicked: false, unsubscribed: false, optedOut: false, ...activity },
});

const steps: SmartCandidate[] = [
  { id: 'nurture', position: 1, criteria: null },
  { id: 'replied', position: 2, criteria: { logic: 'all', conditions: [{ field: 'activity.replied', op: 'eq', value: true }] } },
  { id: 'hot-reply', position: 3, criteria: { logic: 'all', conditions: [{ field: 'activity.replied', op: 'eq', value: true }, { field: 'custom.score', op: 'gte', value: 80 }] } },
  { id: 'no-answer', position: 4, criteria: { logic: 'all', conditions: [{ field: 'activity.lastCallStatus', op: 'eq', value: 'no-answer' }] } },
  { id: 'interested', position: 5, criteria: { logic: 'any', conditions: [{ field: 'activity.lastDisposition', op: 'eq', value: 'interested' }, { field: 'lead.tags', op: 'has_tag', value: 'hot' }] } },
];

describe('smart schedules: the most relevant step', () => {
  it.each<[string, LeadFacts, string | null]>([
    ['nothing special: the fallback', facts(), 'nurture'],
    ['a reply', facts({ replied: true }), 'replied'],
    ['a reply from a high scorer: the more specific step', facts({ replied: true }, {}, { score: 91 }), 'hot-reply'],
    ['a missed call', facts({ lastCallStatus: 'no-answer' }), 'no-answer'],
    ['a disposition or a tag', facts({}, { tags: ['hot'] }), 'interested'],
    ['equally specific: the earlier step', facts({ replied: true, lastCallStatus: 'no-answer' }), 'replied'],
  ])('%s', (_n, f, id) => {
    expect(pickSmartStep(steps, f, NOW)?.id ?? null).toBe(id);
  });

  it('with no fallback and nothing matching there is no step', () => {
    expect(pickSmartStep(steps.slice(1), facts(), NOW)).toBeNull();
  });
});

describe('last contacted mode', () => {
  const e = (type: ActivityEvent['type'], minute: number): ActivityEvent => ({ type, at: new Date(NOW.getTime() + minute * 60_000) });
  it.each<[string, ActivityEvent[], string]>([
    ['never contacted', [], 'not_contacted'],
    ['an email, no answer', [e('email_sent', 1)], 'no_reply'],
    ['an email opened', [e('email_sent', 1), e('email_opened', 5)], 'opened_no_reply'],
    ['an old open does not count for a newer email', [e('email_sent', 1), e('email_opened', 2), e('email_sent', 10)], 'no_reply'],
    ['a click counts as opened', [e('email_sent', 1), e('email_clicked', 3)], 'opened_no_reply'],
    ['replied by email', [e('email_sent', 1), e('email_opened', 2), e('email_replied', 4)], 'replied'],
    ['replied by text', [e('sms_sent', 1), e('sms_received', 2)], 'replied'],
    ['we wrote again after their reply', [e('sms_received', 2), e('sms_sent', 3)], 'sms'],
    ['they called in', [e('email_sent', 1), e('call_in', 9)], 'incoming_call'],
    ['we called', [e('call_out', 9)], 'outgoing_call'],
  ])('%s', (_n, events, mode) => {
    expect(lastContactedMode(events)).toBe(mode);
  });
});

describe('the mode kept on the lead, one activity at a time', () => {
  // The activity types the lead's fields record, as the events above.
  const TYPES: Record<ActivityEvent['type'], string> = {
    email_sent: 'email-out',
    email_opened: 'email-opened',
    email_clicked: 'email-clicked',
    email_replied: 'email-in',
    sms_sent: 'sms-out',
    sms_received: 'sms-in',
    call_out: 'call-out',
    call_in: 'call-in',
  };
  const kinds = Object.keys(TYPES) as Array<ActivityEvent['type']>;

  it('agrees with the mode worked out from the whole history, for every history of up to three events', () => {
    const histories: Array<Array<ActivityEvent['type']>> = [[]];
    for (let n = 0; n < 3; n++) for (const h of [...histories]) if (h.length === n) for (const k of kinds) histories.push([...h, k]);
    let checked = 0;
    for (const h of histories) {
      // An open or a click only ever follows a send.
      if (h.some((k, i) => (k === 'email_opened' || k === 'email_clicked') && !h.slice(0, i).includes('email_sent'))) continue;
      const events = h.map((type, i) => ({ type, at: new Date(NOW.getTime() + i * 60_000) }));
      const kept = h.reduce<string>((mode, k) => modeAfter(TYPES[k]) ?? mode, 'not_contacted');
      expect([h.join(' → '), kept]).toEqual([h.join(' → '), lastContactedMode(events)]);
      checked++;
    }
    expect(checked).toBeGreaterThan(250);
    expect(modeAfter('something-else')).toBeNull();
  });
});
