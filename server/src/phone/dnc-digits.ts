/**
 * Fast normalisation for do-not-call files of millions of lines, without the full
 * phone library: the digits of an E.164 number, or null. Ten-digit NANP numbers get
 * the country code 1; an explicit + keeps its digits when there are 8 to 15.
 */
export function dncDigits(raw: string): string | null {
  const plus = raw.trimStart().startsWith('+');
  const digits = raw.replace(/\D/g, '');
  if (plus) {
    if (digits.length < 8 || digits.length > 15) return null;
    if (digits.startsWith('1') && !nanp(digits.slice(1))) return null;
    return digits;
  }
  if (digits.length === 10 && nanp(digits)) return `1${digits}`;
  if (digits.length === 11 && digits.startsWith('1') && nanp(digits.slice(1))) return digits;
  return null;
}

/** A NANP number's ten digits: area code and exchange both start 2-9. */
function nanp(ten: string): boolean {
  return ten.length === 10 && ten[0] >= '2' && ten[3] >= '2';
}
