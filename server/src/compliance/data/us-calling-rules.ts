import type { CallingRulesData } from '../calling-rules-data.js';

/**
 * The shipped calling-hours rules: the federal window and some stricter state
 * rules, as editable data. This is data to be reviewed by counsel before use,
 * not legal advice; statutes change.
 */
export const US_CALLING_RULES: CallingRulesData = {
  disclaimer: 'Default data to be reviewed by counsel; not legal advice.',
  defaultWindow: { start: '08:00', end: '21:00' },
  regions: {
    'US-AL': { label: 'Alabama', window: { start: '08:00', end: '20:00' }, days: { 7: null }, noCallOnHolidays: true, note: 'Alabama Telemarketing Act' },
    'US-CT': { label: 'Connecticut', window: { start: '09:00', end: '20:00' }, note: 'Conn. Gen. Stat. 42-288a (2023)' },
    'US-FL': { label: 'Florida', window: { start: '08:00', end: '20:00' }, maxCallsPer24h: 3, note: 'Florida Telephone Solicitation Act (2021)' },
    'US-LA': { label: 'Louisiana', window: { start: '08:00', end: '20:00' }, days: { 7: null }, noCallOnHolidays: true, note: 'La. R.S. 45:844.14' },
    'US-MA': { label: 'Massachusetts', window: { start: '08:00', end: '20:00' }, note: '201 CMR 12.02' },
    'US-MD': { label: 'Maryland', window: { start: '08:00', end: '20:00' }, maxCallsPer24h: 3, note: 'Stop the Spam Calls Act of 2023' },
    'US-MS': { label: 'Mississippi', window: { start: '08:00', end: '20:00' }, days: { 7: null }, note: 'Miss. Code 77-3-725' },
    'US-OK': { label: 'Oklahoma', window: { start: '08:00', end: '20:00' }, maxCallsPer24h: 3, note: 'Oklahoma Telephone Solicitation Act of 2022' },
    'US-RI': {
      label: 'Rhode Island',
      days: { 1: { start: '09:00', end: '18:00' }, 2: { start: '09:00', end: '18:00' }, 3: { start: '09:00', end: '18:00' }, 4: { start: '09:00', end: '18:00' }, 5: { start: '09:00', end: '18:00' }, 6: { start: '10:00', end: '17:00' }, 7: null },
      noCallOnHolidays: true,
      note: 'R.I. Gen. Laws 5-61-3.4',
    },
    'US-TX': {
      label: 'Texas',
      window: { start: '09:00', end: '21:00' },
      days: { 7: { start: '12:00', end: '21:00' } },
      note: 'Tex. Bus. & Com. Code 301.051',
    },
    'US-UT': { label: 'Utah', window: { start: '08:00', end: '21:00' }, days: { 7: null }, noCallOnHolidays: true, note: 'Utah Code 13-26-4' },
    'US-WA': { label: 'Washington', window: { start: '08:00', end: '20:00' }, note: 'RCW 80.36.390' },
  },
};
