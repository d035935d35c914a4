import { describe, expect, it } from '@jest/globals';
import type { CallRecordingStateName } from '#shared';
import { recordingBadge, recordingToggle } from './recording-core.js';

describe('the call panel\'s recording button', () => {
  it.each<[CallRecordingStateName, string | null, string | null, string]>([
    ['off', 'start', 'Record', 'Not recording'],
    ['waiting-consent', 'consent', 'Consent given · record', 'Waiting for consent'],
    ['recording', 'pause', 'Pause recording', 'Recording'],
    ['paused', 'resume', 'Resume recording', 'Recording paused'],
    ['stopping', null, null, 'Saving the recording'],
    ['never', null, null, 'Not recorded'],
  ])('in state %p it does %p, labelled %p; the badge says %p', (state, action, label, badge) => {
    const toggle = recordingToggle(state);
    expect(toggle?.action ?? null).toBe(action);
    expect(toggle?.label ?? null).toBe(label);
    if (toggle) expect(toggle.title).toMatch(/\(Alt\+R\)$/);
    expect(recordingBadge(state)).toBe(badge);
  });
});
