import { type CountryCode, parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js/max';

export type PhoneResult = { ok: true; e164: string; country: string | undefined } | { ok: false; reason: string };

const LENGTH_REASONS: Record<string, string> = {
  TOO_SHORT: 'is too short to be a phone number',
  TOO_LONG: 'is too long to be a phone number',
  INVALID_LENGTH: 'has the wrong number of digits',
  INVALID_COUNTRY: 'has no country code (start with + and the country code)',
  NOT_A_NUMBER: 'is not a phone number',
};

/**
 * Normalises a phone number to E.164, or says precisely why it cannot.
 * Numbers without a country code are read as `defaultCountry` numbers.
 */
export function normalizePhone(input: string, defaultCountry: CountryCode = 'US'): PhoneResult {
  const text = input.trim();
  if (!text) return { ok: false, reason: 'is empty' };
  if (/[a-z]{2,}/i.test(text.replace(/\b(ext|x)\.?\s*\d+$/i, ''))) return { ok: false, reason: 'is not a phone number' };
  const lengthProblem = validatePhoneNumberLength(text, defaultCountry);
  if (lengthProblem) return { ok: false, reason: LENGTH_REASONS[lengthProblem] ?? 'is not a valid phone number' };
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  if (!parsed) return { ok: false, reason: 'is not a phone number' };
  if (!parsed.isValid()) {
    return { ok: false, reason: `is not a valid ${parsed.country ?? `+${parsed.countryCallingCode}`} number` };
  }
  return { ok: true, e164: parsed.number, country: parsed.country };
}
