import { describe, expect, it } from '@jest/globals';
import type { Channel } from '#shared';
import { forbidding, inForce, type LedgerEntry, type LedgerQuery, reach, type ScopeMode, supersedes } from './opt-out-ledger.js';

const PHONE = '+13055550100';
const OTHER_PHONE = '+13055550199';
const EMAIL = 'ann@example.com';
let n = 0;

function entry(over: Partial<LedgerEntry> & { minute: number }): LedgerEntry {
  const { minute, ...rest } = over;
  return {
    id: `e${++n}`,
    address: PHONE,
    action: 'opt-out',
    kind: 'revocation',
    channel: 'sms',
    scopeType: 'global',
    scopeId: '',
    createdAt: new Date(Date.UTC(2027, 0, 1, 12, minute)),
    leadIds: ['lead-1'],
    ...rest,
  };
}

const STOP = entry({ minute: 0 });
const START = entry({ minute: 1, action: 'opt-in', kind: 'consent' });
const ADMIN_CALL = entry({ minute: 2, kind: 'internal', channel: 'call' });
const SCHEDULE_OPT_OUT = entry({ minute: 3, kind: 'internal', channel: 'all', scopeType: 'schedule', scopeId: 's1' });
const EMAIL_UNSUB = entry({ minute: 4, address: EMAIL, channel: 'email' });
const GLOBAL_OPT_IN_ALL = entry({ minute: 5, action: 'opt-in', kind: 'consent', channel: 'all' });

const q = (channel: Channel, over: Partial<LedgerQuery> = {}): LedgerQuery => ({ address: channel === 'email' ? EMAIL : PHONE, channel, leadId: 'lead-1', leadAddresses: [PHONE, EMAIL], ...over });

// [what, entries, query, mode, ids of the entries that forbid]
const cases: Array<[string, LedgerEntry[], LedgerQuery, ScopeMode, string[]]> = [
  ['a text STOP stops texts', [STOP], q('sms'), 'per-channel', [STOP.id]],
  ['per channel, a text STOP leaves calls alone', [STOP], q('call'), 'per-channel', []],
  ['per channel, a text STOP leaves the email alone', [STOP], q('email'), 'per-channel', []],
  ['revoke-all: a text STOP stops calls', [STOP], q('call'), 'all', [STOP.id]],
  ['revoke-all: a text STOP stops email to the same person', [STOP], q('email'), 'all', [STOP.id]],
  ['revoke-all: a text STOP stops another number of the same lead', [STOP], q('call', { address: OTHER_PHONE, leadAddresses: [OTHER_PHONE] }), 'all', [STOP.id]],
  ['revoke-all: another lead on another number is not stopped', [STOP], q('call', { address: OTHER_PHONE, leadId: 'lead-2', leadAddresses: [OTHER_PHONE] }), 'all', []],
  ['revoke-all: every campaign', [STOP], q('sms', { scope: { type: 'queue', id: 'q1' } }), 'all', [STOP.id]],
  ['START after STOP allows texts again', [STOP, START], q('sms'), 'per-channel', []],
  ['START after STOP allows texts again under revoke-all', [STOP, START], q('sms'), 'all', []],
  ['revoke-all: START by text does not bring back calls', [STOP, START], q('call'), 'all', [STOP.id]],
  ['revoke-all: nor email', [STOP, START], q('email'), 'all', [STOP.id]],
  ['STOP after START stops again', [START, entry({ minute: 9 })], q('sms'), 'per-channel', [`e${n}`]],
  ['an admin call opt-out stays on calls, even under revoke-all', [ADMIN_CALL], q('sms'), 'all', []],
  ['an admin call opt-out stops calls', [ADMIN_CALL], q('call'), 'all', [ADMIN_CALL.id]],
  ['a schedule opt-out applies in its schedule', [SCHEDULE_OPT_OUT], q('sms', { scope: { type: 'schedule', id: 's1' } }), 'all', [SCHEDULE_OPT_OUT.id]],
  ['a schedule opt-out does not apply in another', [SCHEDULE_OPT_OUT], q('sms', { scope: { type: 'schedule', id: 's2' } }), 'all', []],
  ['a schedule opt-out does not apply outside schedules', [SCHEDULE_OPT_OUT], q('sms'), 'all', []],
  ['a global opt-in does not lift a schedule opt-out', [SCHEDULE_OPT_OUT, GLOBAL_OPT_IN_ALL], q('sms', { scope: { type: 'schedule', id: 's1' } }), 'all', [SCHEDULE_OPT_OUT.id]],
  ['per channel, an email unsubscribe stops only email', [EMAIL_UNSUB], q('call'), 'per-channel', []],
  ['revoke-all: an email unsubscribe stops calls to the same person', [EMAIL_UNSUB], q('call'), 'all', [EMAIL_UNSUB.id]],
  ['an opt-in on all lifts a revocation per channel', [STOP, GLOBAL_OPT_IN_ALL], q('sms'), 'per-channel', []],
  ['an opt-in of one channel does not lift an opt-out of every channel', [entry({ minute: 20, kind: 'internal', channel: 'all' }), entry({ minute: 21, action: 'opt-in', kind: 'consent' })], q('sms'), 'per-channel', [`e${n - 1}`]],
  ['nor a revocation of every channel', [entry({ minute: 22, channel: 'all' }), entry({ minute: 23, action: 'opt-in', kind: 'consent' })], q('sms'), 'all', [`e${n - 1}`]],
  ['an opt-in of every channel lifts it', [entry({ minute: 24, channel: 'all' }), entry({ minute: 25, action: 'opt-in', kind: 'consent', channel: 'all' })], q('call'), 'all', []],
  [
    'at the same instant the opt-out wins',
    [entry({ minute: 7, action: 'opt-in', kind: 'consent' }), entry({ minute: 7 })],
    q('sms'),
    'per-channel',
    [`e${n}`],
  ],
];

describe('the opt-out ledger: which entries forbid a contact', () => {
  it.each(cases)('%s', (_what, entries, query, mode, expected) => {
    expect(forbidding(entries, query, mode).map((e) => e.id)).toEqual(expected);
  });

  it('tells whether an opt-out is still in force at its address', () => {
    expect(inForce(STOP, [STOP], 'per-channel')).toBe(true);
    expect(inForce(STOP, [STOP, START], 'per-channel')).toBe(false);
    expect(inForce(STOP, [STOP, START], 'all')).toBe(true);
    expect(inForce(START, [STOP, START], 'all')).toBe(false);
  });

  it('says what an entry reaches under each mode', () => {
    expect(reach(STOP, 'per-channel')).toEqual({ channels: ['sms'], campaigns: 'all', addresses: 'this address' });
    expect(reach(STOP, 'all')).toEqual({ channels: ['all'], campaigns: 'all', addresses: 'the person' });
    expect(reach(SCHEDULE_OPT_OUT, 'all')).toEqual({ channels: ['all'], campaigns: 'this scope', addresses: 'this address' });
  });
});

describe('the opt-out ledger: which entries a new one supersedes', () => {
  const table: Array<[string, LedgerEntry, LedgerEntry, boolean]> = [
    ['a second STOP supersedes the first', entry({ minute: 10 }), STOP, true],
    ['START does not supersede a revocation (under revoke-all it still stops calls)', START, STOP, false],
    ['a STOP supersedes a START on texts', entry({ minute: 10 }), START, true],
    ['an opt-in on all supersedes an admin call opt-out', GLOBAL_OPT_IN_ALL, ADMIN_CALL, true],
    ['a call opt-out does not supersede a text one', entry({ minute: 10, channel: 'call' }), STOP, false],
    ['an entry on another address never supersedes', entry({ minute: 10, address: OTHER_PHONE }), STOP, false],
    ['a global entry does not supersede a schedule one', entry({ minute: 10, channel: 'all', kind: 'internal' }), SCHEDULE_OPT_OUT, false],
    ['a revocation for fewer leads does not supersede one for more', entry({ minute: 10, leadIds: [] }), STOP, false],
  ];
  it.each(table)('%s', (_what, next, active, expected) => {
    expect(supersedes(next, active)).toBe(expected);
  });

  it('never drops an entry that could still decide a contact', () => {
    const histories = [
      [STOP, START, ADMIN_CALL, SCHEDULE_OPT_OUT, EMAIL_UNSUB, GLOBAL_OPT_IN_ALL],
      [START, STOP, GLOBAL_OPT_IN_ALL, ADMIN_CALL],
      [ADMIN_CALL, GLOBAL_OPT_IN_ALL, STOP, START],
    ];
    const queries = (['call', 'sms', 'email'] as const).flatMap((c) => [q(c), q(c, { scope: { type: 'schedule', id: 's1' } }), q(c, { address: OTHER_PHONE, leadAddresses: [OTHER_PHONE] })]);
    for (const history of histories) {
      const ordered = history.map((e, i) => ({ ...e, createdAt: new Date(Date.UTC(2027, 0, 2, 0, i)) }));
      const active = ordered.filter((a, i) => !ordered.slice(i + 1).some((b) => supersedes(b, a)));
      for (const mode of ['per-channel', 'all'] as const) {
        for (const query of queries) {
          expect(forbidding(active, query, mode).map((e) => e.id)).toEqual(forbidding(ordered, query, mode).map((e) => e.id));
        }
      }
    }
  });
});
