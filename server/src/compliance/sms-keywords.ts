/** Carrier-standard SMS keywords. A message is a keyword only when it is the keyword alone. */
export const STOP_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'] as const;
export const START_KEYWORDS = ['START', 'UNSTOP'] as const;
export const HELP_KEYWORDS = ['HELP'] as const;

export type SmsKeyword = 'stop' | 'start' | 'help';

/**
 * Classifies an inbound SMS body. Case, surrounding white space and trailing
 * punctuation are ignored ("Stop.", " stop!"); anything else in the message makes
 * it an ordinary reply ("please stop calling at work" is a reply for a person to read).
 */
export function classifySmsKeyword(body: string): SmsKeyword | null {
  const word = body
    .normalize('NFKC')
    .trim()
    .replace(/^["'“”‘’]+|["'“”‘’.!?,;:]+$/g, '')
    .trim()
    .toUpperCase();
  if ((STOP_KEYWORDS as readonly string[]).includes(word)) return 'stop';
  if ((START_KEYWORDS as readonly string[]).includes(word)) return 'start';
  if ((HELP_KEYWORDS as readonly string[]).includes(word)) return 'help';
  return null;
}

export function keywordReply(keyword: SmsKeyword, organization: string): string {
  switch (keyword) {
    case 'stop':
      return `${organization}: You are unsubscribed and will receive no more messages. Reply START to resubscribe.`;
    case 'start':
      return `${organization}: You are resubscribed to messages. Reply STOP to unsubscribe, HELP for help.`;
    case 'help':
      return `${organization}: Reply STOP to unsubscribe, START to resubscribe. Msg & data rates may apply.`;
  }
}
