import { stateHours } from './state-hours.js';

const at = (s: string) => Date.parse(`2026-12-01T${s}Z`);

describe('stateHours', () => {
  it.each([
    ['within one hour', [{ start: at('10:05:00'), end: at('10:35:00') }], [['2026-12-01T10:00:00.000Z', 1800]]],
    ['across hours', [{ start: at('10:50:00'), end: at('12:10:00') }], [['2026-12-01T10:00:00.000Z', 600], ['2026-12-01T11:00:00.000Z', 3600], ['2026-12-01T12:00:00.000Z', 600]]],
    ['clipped to the range', [{ start: at('08:00:00'), end: at('14:00:00') }], [['2026-12-01T09:00:00.000Z', 3600], ['2026-12-01T10:00:00.000Z', 3600], ['2026-12-01T11:00:00.000Z', 3600], ['2026-12-01T12:00:00.000Z', 1800]]],
    ['two periods summed', [{ start: at('10:00:00'), end: at('10:10:00') }, { start: at('10:20:00'), end: at('10:30:00') }], [['2026-12-01T10:00:00.000Z', 1200]]],
  ])('%s', (_name, spans, expected) => {
    const periods = spans.map((s) => ({ agentId: 'a', state: 'ready', reason: '', ...s }));
    const rows = stateHours(periods, at('09:00:00'), at('12:30:00'));
    expect(rows.map((r) => [r.hour.toISOString(), r.seconds])).toEqual(expected);
  });

  it('keeps pauses apart by reason and drops offline time', () => {
    const rows = stateHours(
      [
        { agentId: 'a', state: 'paused', reason: 'lunch', start: at('10:00:00'), end: at('10:30:00') },
        { agentId: 'a', state: 'paused', reason: 'break', start: at('10:30:00'), end: at('10:40:00') },
        { agentId: 'a', state: 'offline', reason: '', start: at('10:40:00'), end: at('11:00:00') },
      ],
      at('00:00:00'),
      at('23:00:00'),
    );
    expect(rows.map((r) => [r.reason, r.seconds])).toEqual([['lunch', 1800], ['break', 600]]);
  });
});
