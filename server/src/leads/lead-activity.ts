import type { LastContactedMode } from '#shared';

/**
 * The last-contacted mode after one more activity (the lead's fields are updated one
 * activity at a time, newest last): what `lastContactedMode` (automations/smart-step.ts) gives for a history ending
 * in it. Activity types: `call-out`, `call-in`, `sms-out`, `sms-in`, `email-out`,
 * `email-in` (a reply), `email-opened`, `email-clicked`.
 */
export function modeAfter(activityType: string): LastContactedMode | null {
  switch (activityType) {
    case 'call-out':
      return 'outgoing_call';
    case 'call-in':
      return 'incoming_call';
    case 'sms-out':
      return 'sms';
    case 'sms-in':
    case 'email-in':
      return 'replied';
    case 'email-out':
      return 'no_reply';
    case 'email-opened':
    case 'email-clicked':
      return 'opened_no_reply';
    default:
      return null;
  }
}
