import { PLACEHOLDER_MARKERS, PUBLISHED_SECRETS } from './published-secrets.js';

/** A signing secret (any text), a 64-hex-character key whose bytes are what count, or a person's sign-in password. */
export type SecretKind = 'text' | 'hex-key' | 'password';

export const MIN_SECRET_LENGTH = 32;
/** A first admin's password set in the environment: a passphrase, not a key. */
export const MIN_PASSWORD_LENGTH = 12;
/** Fewer different characters than this in a text secret: someone typed it, nothing generated it. */
const MIN_DISTINCT_CHARACTERS = 8;
/** A passphrase of ordinary words repeats letters; fewer than this and it is a pattern. */
const MIN_DISTINCT_PASSWORD_CHARACTERS = 6;
/** 32 random bytes almost always hold 23 or more different values; below 16 the key was made up. */
const MIN_DISTINCT_BYTES = 16;

const published = new Set(PUBLISHED_SECRETS.map((p) => p.value.toLowerCase()));

/**
 * Why `value` must not be used as a production secret, or null when it may. The reason
 * never quotes the value. Generated secrets (`openssl rand -hex 32`) pass every test; each
 * test catches a value a person wrote or copied: a published one, a placeholder, a short
 * one, one character or byte repeated, a short pattern repeated, a run of consecutive
 * characters, or too few different characters.
 */
export function secretWeakness(value: string, kind: SecretKind): string | null {
  const normalized = value.trim().toLowerCase();
  if (published.has(normalized)) return 'is a published value (it appears in this project’s files or in well-known examples)';
  if (PLACEHOLDER_MARKERS.some((m) => normalized.includes(m))) return 'is a placeholder, not a secret';
  if (kind === 'text' && value.length < MIN_SECRET_LENGTH) return `must be at least ${MIN_SECRET_LENGTH} characters`;
  if (kind === 'password' && value.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  const units: ArrayLike<number> = kind === 'hex-key' && /^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0 ? Buffer.from(value, 'hex') : codePoints(value);
  const what = kind === 'hex-key' ? 'byte' : 'character';
  if (distinct(units) === 1) return `is one ${what} repeated`;
  if (repeatsShorterUnit(units)) return `is a short ${kind === 'hex-key' ? 'byte pattern' : 'pattern'} repeated`;
  if (isMostlyARun(units)) return `is a run of consecutive ${what}s`;
  if (distinct(units) < (kind === 'hex-key' ? MIN_DISTINCT_BYTES : kind === 'password' ? MIN_DISTINCT_PASSWORD_CHARACTERS : MIN_DISTINCT_CHARACTERS)) return `has too little variety (too few different ${what}s)`;
  return null;
}

function codePoints(value: string): number[] {
  return Array.from(value, (c) => c.codePointAt(0) as number);
}

function distinct(units: ArrayLike<number>): number {
  return new Set(Array.from(units)).size;
}

/** True when the value is some shorter sequence written out at least twice ("abcabcabc", "abab…ab"). */
function repeatsShorterUnit(units: ArrayLike<number>): boolean {
  const n = units.length;
  for (let period = 1; period <= n / 2; period++) {
    let repeats = true;
    for (let i = period; i < n && repeats; i++) repeats = units[i] === units[i - period];
    if (repeats) return true;
  }
  return false;
}

/** Three in four neighbours step by −1, 0 or +1: "abcdef…", "0123456789…", "zyx…" and their mixes. */
function isMostlyARun(units: ArrayLike<number>): boolean {
  if (units.length < 2) return false;
  let steps = 0;
  for (let i = 1; i < units.length; i++) if (Math.abs(units[i] - units[i - 1]) <= 1) steps++;
  return steps * 4 >= (units.length - 1) * 3;
}
