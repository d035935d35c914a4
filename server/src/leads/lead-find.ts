import { type CountryCode, getCountryCallingCode } from 'libphonenumber-js/max';
import { normalizePhone } from '../phone/phone-number.js';
import type { LeadFind } from './leads.repository.js';

/** Fewer digits than this read as words (a street number, "3m"), not as the start of a number. */
const MIN_PHONE_DIGITS = 3;
const MAX_WORDS = 4;

/**
 * Reads what an agent typed into the search box: a number in any format ("(212) 555-01",
 * "+1 212.555"), an email, or words. A number is matched on the start of E.164: a whole
 * number exactly, a partial one read in the account's country (and, when its digits already
 * begin with that country's code, as written), so "212555" and "1212555" both find +1212555….
 * Null when there is nothing to look for.
 */
export function leadFindOf(q: string, defaultCountry: CountryCode): LeadFind | null {
  const text = q.trim().toLowerCase();
  if (!text) return null;
  if (/^\+?[\d\s().\-/]+$/.test(text)) {
    const digits = text.replace(/\D/g, '');
    if (digits.length >= MIN_PHONE_DIGITS) return { phonePrefixes: phonePrefixes(text, digits, defaultCountry) };
  }
  if (text.includes('@')) return { emailPrefix: text.replace(/\s+/g, '') };
  const words = [...new Set(text.split(/\s+/).filter(Boolean))].slice(0, MAX_WORDS);
  return { words };
}

function phonePrefixes(text: string, digits: string, country: CountryCode): string[] {
  const whole = normalizePhone(text, country);
  if (whole.ok) return [whole.e164];
  if (text.startsWith('+')) return [`+${digits}`];
  const code = getCountryCallingCode(country);
  const out = [`+${code}${digits}`];
  if (digits.startsWith(code) && digits.length > code.length) out.push(`+${digits}`);
  return out;
}
