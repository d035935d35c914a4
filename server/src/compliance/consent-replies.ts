import type { OptOutChannel } from '#shared';

const CHANNEL_WORDS: Record<Exclude<OptOutChannel, 'all'>, string> = { call: 'calls', sms: 'texts', email: 'emails' };

/**
 * The one confirmation text after a revocation (47 CFR 64.1200(a)(12)): it confirms and
 * says nothing else — no offer, no link, no marketing.
 */
export function confirmationText(sender: string, reaches: OptOutChannel[]): string {
  const what = reaches.includes('all') ? 'calls, texts or emails' : reaches.map((c) => CHANNEL_WORDS[c as Exclude<OptOutChannel, 'all'>]).join(' or ');
  return `${sender}: We have your request. You will get no more ${what} from us. Reply START to get texts again.`;
}

export function startReply(sender: string): string {
  return `${sender}: You will get texts from us again. Reply STOP to stop them, HELP for help.`;
}

export function helpReply(sender: string): string {
  return `${sender}: Reply STOP to stop texts, START to get them again. Msg & data rates may apply.`;
}
