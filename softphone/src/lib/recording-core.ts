import type { CallRecordingStateName, RecordingAction } from '#shared';

/** What the call panel's one recording button (and Alt+R) does in each state; null: no button (never recorded, being saved). */
export function recordingToggle(state: CallRecordingStateName): { action: RecordingAction; label: string; title: string } | null {
  switch (state) {
    case 'off':
      return { action: 'start', label: 'Record', title: 'Start recording (Alt+R)' };
    case 'waiting-consent':
      return { action: 'consent', label: 'Consent given · record', title: 'The person agreed to be recorded: mark it and record (Alt+R)' };
    case 'recording':
      return { action: 'pause', label: 'Pause recording', title: 'Pause, e.g. for a card number (Alt+R)' };
    case 'paused':
      return { action: 'resume', label: 'Resume recording', title: 'Resume recording (Alt+R)' };
    case 'never':
    case 'stopping':
      return null;
  }
}

const BADGE: Record<CallRecordingStateName, string> = {
  never: 'Not recorded',
  off: 'Not recording',
  'waiting-consent': 'Waiting for consent',
  recording: 'Recording',
  paused: 'Recording paused',
  stopping: 'Saving the recording',
};

/** How the call panel names the recording's state. */
export function recordingBadge(state: CallRecordingStateName): string {
  return BADGE[state];
}

/** How consent to a recording was had, in the call panel's words and in the recordings list's. */
export const CONSENT_WORDS: Record<string, { panel: string; list: string }> = {
  'one-party': { panel: 'one-party state', list: 'One-party state' },
  announced: { panel: 'announced to the person', list: 'Announced' },
  'agent-confirmed': { panel: 'consent marked by the agent', list: 'Agent marked consent' },
};
