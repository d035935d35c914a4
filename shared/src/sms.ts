/** SMS text: how long a message is on the wire, and the composer's templates. */

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'.split(''),
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f'.split(''));

/** Characters and segments of an SMS: GSM-7 (extension characters count twice) or UCS-2. */
export function smsSegments(text: string): { encoding: 'GSM-7' | 'UCS-2'; characters: number; segments: number } {
  const chars = [...text];
  if (chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENDED.has(c))) {
    const units = chars.reduce((n, c) => n + (GSM_EXTENDED.has(c) ? 2 : 1), 0);
    return { encoding: 'GSM-7', characters: units, segments: units === 0 ? 0 : units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  // UCS-2 counts UTF-16 code units (an emoji takes two).
  const units = text.length;
  return { encoding: 'UCS-2', characters: units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

export interface SmsTemplateView {
  id: string;
  name: string;
  /** Text with merge fields (`{{lead.firstName | there}}`). */
  body: string;
  createdAt: string;
  updatedAt: string;
}

/** A body rendered for one lead, with its length on the wire. */
export interface SmsPreviewView {
  body: string;
  encoding: 'GSM-7' | 'UCS-2';
  characters: number;
  segments: number;
}
